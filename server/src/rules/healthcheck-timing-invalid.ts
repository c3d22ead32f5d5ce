import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'healthcheck-timing-invalid',
    defaultSeverity: 'error',
    title: 'Healthcheck durations that do not parse or cannot work',
    appliesTo: ['compose'],
    fixable: true,
  },
};
