import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'secret-literal',
    defaultSeverity: 'error',
    title: 'A literal token, key or password in the file',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
};
