import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'engine-debug-logging',
    defaultSeverity: 'warning',
    title: 'DEBUG logging left on in a model service',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
};
