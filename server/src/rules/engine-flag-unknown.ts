import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'engine-flag-unknown',
    defaultSeverity: 'error',
    title: 'A flag the engine does not have, or no longer has',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
};
