import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'healthcheck-missing',
    defaultSeverity: 'warning',
    title: 'A model service has no healthcheck',
    appliesTo: ['compose'],
    fixable: true,
  },
};
