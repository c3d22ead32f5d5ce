import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'healthcheck-start-period-short',
    defaultSeverity: 'warning',
    title: 'Healthcheck start_period shorter than twice the model cold start',
    appliesTo: ['compose'],
    fixable: true,
  },
};
