import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'resource-limits-missing',
    defaultSeverity: 'warning',
    title: 'A model service without CPU and memory limits',
    appliesTo: ['compose'],
    fixable: true,
  },
};
