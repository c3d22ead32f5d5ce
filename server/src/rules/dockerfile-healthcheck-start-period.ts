import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'dockerfile-healthcheck-start-period',
    defaultSeverity: 'warning',
    title: 'Model image HEALTHCHECK with no or a short --start-period',
    appliesTo: ['dockerfile'],
    fixable: true,
  },
};
