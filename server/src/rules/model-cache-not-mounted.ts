import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'model-cache-not-mounted',
    defaultSeverity: 'warning',
    title: 'Model weights are downloaded into the container writable layer',
    appliesTo: ['compose'],
    fixable: true,
  },
};
