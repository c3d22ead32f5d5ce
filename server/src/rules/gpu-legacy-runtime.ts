import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'gpu-legacy-runtime',
    defaultSeverity: 'info',
    title: 'GPU requested only through `runtime: nvidia`',
    appliesTo: ['compose'],
    fixable: true,
  },
};
