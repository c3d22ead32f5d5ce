import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'depends-on-unhealthy-model',
    defaultSeverity: 'warning',
    title: 'A service starts before the model service it depends on is healthy',
    appliesTo: ['compose'],
    fixable: true,
  },
};
