import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'image-unpinned',
    defaultSeverity: 'info',
    title: 'An image on `:latest` or with no tag',
    appliesTo: ['compose', 'dockerfile'],
    fixable: false,
  },
};
