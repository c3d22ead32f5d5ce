import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'gpu-count-and-device-ids',
    defaultSeverity: 'error',
    title: 'A device reservation sets both `count` and `device_ids`',
    appliesTo: ['compose'],
    fixable: true,
  },
};
