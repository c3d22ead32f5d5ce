import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'resource-limits-below-reservations',
    defaultSeverity: 'error',
    title: 'A resource limit below its reservation',
    appliesTo: ['compose'],
    fixable: false,
  },
};
