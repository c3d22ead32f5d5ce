import type { Rule } from './rule';
import type { SpanFix } from '../core/types';
import { preambleArgs, substitute } from '../dockerfile/buildArgs';
import { shippedStages, spanOfRange } from '../dockerfile/dockerfileModel';
import { parseImageRef } from '../engines/engines';
import { dockerfileEngine } from '../dockerfile/imageEngine';

/**
 * CUDA `-devel` images carry the compilers, headers and static libraries needed to build kernels; a server
 * only needs the `-runtime` libraries (NVIDIA's image tags: base ⊂ runtime ⊂ devel, each with a `-cudnn`
 * variant). The upstream serving images build on -devel and ship on a smaller base (serving-engines.json
 * sources: vLLM's docker/Dockerfile FINAL_BASE_IMAGE, TEI's Dockerfile-cuda, llama.cpp's cuda.Dockerfile).
 * Only the image the final stage is built on counts: a -devel builder stage is the right pattern.
 */
export const rule: Rule = {
  meta: {
    id: 'dockerfile-cuda-base-for-inference',
    defaultSeverity: 'info',
    title: 'Serving image built FROM a CUDA -devel/-cudnn image',
    appliesTo: ['dockerfile'],
    fixable: true,
  },
  dockerfile(ctx) {
    const { model } = ctx;
    const chain = shippedStages(model);
    const root = chain[0];
    const final = model.finalStage;
    if (!root || !final) return;
    // A final stage named for development or building is not a serving image.
    if (final.name && /(^|[-_])(dev|devel|develop|build|builder|ci|test)([-_]|$)/i.test(final.name)) return;
    // SGLang compiles kernels with nvcc when it serves (JIT): its own image ships on -devel (sgl-project/sglang
    // docker/Dockerfile, facts/sglang-flags.json `image`).
    if (dockerfileEngine(model)?.spec.id === 'sglang') return;
    const from = root.from;
    const raw = from.getImage();
    const imageRange = from.getImageRange();
    if (!raw || !imageRange) return;
    const resolved = substitute(raw, preambleArgs(model));
    if (resolved === undefined) return;
    const ref = parseImageRef(resolved);
    if (!CUDA_IMAGE.test(ref.name) || ref.tag === undefined || !DEVEL_TAG.test(ref.tag)) return;

    const tag = from.getImageTag();
    const tagRange = from.getImageTagRange();
    const fixes: SpanFix[] = [];
    let span = spanOfRange(model, imageRange);
    if (tag && tagRange) {
      span = spanOfRange(model, tagRange);
      // Fix only a `-devel` written in the FROM line itself; one that comes from an ARG may feed other stages.
      const literal = DEVEL_TAG.exec(maskVariables(tag));
      if (literal) {
        const start = span.start + literal.index + literal[0].indexOf('devel');
        fixes.push({
          title: `Use the ${tag.replace(DEVEL_TAG, (m) => m.replace('devel', 'runtime'))} tag`,
          preferred: true,
          edits: [{ span: { start, end: start + 'devel'.length }, newText: 'runtime' }],
        });
      }
    }
    const variant = /cudnn[0-9]*-devel/.test(ref.tag) ? '-cudnn-runtime' : '-runtime';
    ctx.report({
      span,
      message:
        `The final image is built on ${resolved}, a CUDA -devel image: its compilers, headers and static libraries ` +
        `add gigabytes that a model server never uses. Serve from the matching ${variant} tag and keep -devel for ` +
        `a build stage (unless the server compiles kernels at run time).`,
      fixes,
    });
  },
};

/** NVIDIA's CUDA images (Docker Hub and NGC) and PyTorch's, which follow the same -devel/-runtime naming. */
const CUDA_IMAGE = /(^|\/)(nvidia\/cuda|pytorch\/pytorch)$/;
/** `-devel` as a tag component: `12.4.1-devel-ubuntu22.04`, `12.4.1-cudnn-devel-...`, `...-cudnn8-devel`. */
const DEVEL_TAG = /(^|-)devel(?=-|$)/;

/** Blanks out `${...}` and `$NAME` (same length), so what is left was written literally. */
function maskVariables(text: string): string {
  // `[^{}]` (not `[^}]`): each `${` looks no further than the next brace, so `${${${…` stays linear.
  return text.replace(/\$\{[^{}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, (m) => '#'.repeat(m.length));
}
