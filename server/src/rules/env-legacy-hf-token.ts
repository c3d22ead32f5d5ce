import type { Rule } from '../core/rule';

export const rule: Rule = {
  meta: {
    id: 'env-legacy-hf-token',
    defaultSeverity: 'info',
    title: '`HUGGING_FACE_HUB_TOKEN` is the legacy name of `HF_TOKEN`',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
};
