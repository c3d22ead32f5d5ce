import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'gpu-reservation-missing',
    defaultSeverity: 'warning',
    title: 'A GPU engine service reserves no GPU',
    appliesTo: ['compose'],
    fixable: true,
  },
};
