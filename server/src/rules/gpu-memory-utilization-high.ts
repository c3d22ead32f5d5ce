import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'gpu-memory-utilization-high',
    defaultSeverity: 'warning',
    title: 'GPU memory share above 0.90 or out of range',
    appliesTo: ['compose'],
    fixable: true,
  },
};
