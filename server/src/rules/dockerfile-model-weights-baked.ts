import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'dockerfile-model-weights-baked',
    defaultSeverity: 'warning',
    title: 'Model weights copied or downloaded into the image',
    appliesTo: ['dockerfile'],
    fixable: false,
  },
};
