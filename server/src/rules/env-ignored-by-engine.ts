import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'env-ignored-by-engine',
    defaultSeverity: 'warning',
    title: 'An environment variable the engine never reads',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
};
