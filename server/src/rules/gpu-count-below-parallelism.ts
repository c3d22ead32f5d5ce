import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'gpu-count-below-parallelism',
    defaultSeverity: 'error',
    title: 'Fewer GPUs reserved than tensor × pipeline parallel size',
    appliesTo: ['compose'],
    fixable: true,
  },
};
