import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'dockerfile-cuda-base-for-inference',
    defaultSeverity: 'info',
    title: 'Serving image built FROM a CUDA -devel/-cudnn image',
    appliesTo: ['dockerfile'],
    fixable: true,
  },
};
