import { isScalar } from 'yaml';
import { hasInterpolation, interpolate, suppliedBy } from '../compose/interpolation';
import type { ServiceInfo } from '../compose/service';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import type { Span } from '../core/types';
import { preambleArgs, substitute } from '../dockerfile/buildArgs';
import { spanOfRange } from '../dockerfile/dockerfileModel';
import { engineForImage, parseImageRef } from '../engines/engines';

/**
 * `:latest` (or no tag, which means `:latest`) moves under you: the next pull brings a new engine version,
 * with renamed or removed flags (vllm-cli-flags.json `removed_flags`) and other defaults. A tag pins a
 * version, a digest pins the exact image.
 */
export const rule: Rule = {
  meta: {
    id: 'image-unpinned',
    defaultSeverity: 'info',
    title: 'An image on `:latest` or with no tag',
    appliesTo: ['compose', 'dockerfile'],
    fixable: false,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      if (info.image === undefined || !info.imageAt) continue;
      // With `build:`, `image:` names what Compose builds, not something pulled.
      if (info.service.map.has('build')) continue;
      checkCompose(ctx, info);
    }
  },
  dockerfile(ctx) {
    checkDockerfile(ctx);
  },
};

function checkCompose(ctx: ComposeContext, info: ServiceInfo): void {
  const raw = info.image!;
  const resolved = interpolate(raw, ctx.file.dotEnv);
  if (resolved === undefined || resolved.trim() === '') return;
  // describeService matches engines on the raw image; `name:${TAG:-x}` only matches once interpolated.
  if (!info.isModelService && !engineForImage(resolved)) return;
  const verdict = unpinned(resolved);
  if (!verdict) return;
  // An image a variable supplied is named by where it comes from: its value may be anything in .env.
  const by = suppliedBy(raw, ctx.file.dotEnv);
  const subject = by ? `The image of model service "${info.service.name}" (${by})` : `The image ${resolved} of model service "${info.service.name}"`;
  ctx.report({ span: composeTagSpan(info, raw) ?? info.imageAt!, message: messageFor(subject, by ? undefined : resolved, verdict) });
}

/** `:latest` or no tag, and no digest: returns which; undefined when pinned. */
function unpinned(image: string): 'latest' | 'none' | undefined {
  const ref = parseImageRef(image);
  if (ref.digest) return undefined;
  if (ref.tag === undefined || ref.tag === '') return 'none';
  return ref.tag.toLowerCase() === 'latest' ? 'latest' : undefined;
}

/** `image` undefined: not to be shown (a variable supplied it). */
function messageFor(subject: string, image: string | undefined, verdict: 'latest' | 'none'): string {
  const what = verdict === 'none' ? `has no tag, so it means ${image ?? ''}:latest` : 'is on :latest';
  return `${subject} ${what}: the next pull can bring another version with other flags and defaults. Pin a version tag, or a digest (@sha256:...) for the exact image.`;
}

/** The span of a literal `latest` tag inside the image scalar, when the scalar's text maps 1:1 onto it. */
function composeTagSpan(info: ServiceInfo, raw: string): Span | undefined {
  const view = info.service.map.value('image');
  const node = view?.asScalar();
  if (!view || view.inherited || !isScalar(node) || !node.range) return undefined;
  if (node.type !== 'PLAIN' && node.type !== 'QUOTE_SINGLE' && node.type !== 'QUOTE_DOUBLE') return undefined;
  // The value equals the text between the quotes unless it holds escapes.
  const slash = raw.lastIndexOf('/');
  const colon = raw.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const tag = raw.slice(colon + 1);
  if (hasInterpolation(tag) || /[{}$]/.test(tag) || /[\\'"@]/.test(raw) || /[\r\n]/.test(raw)) return undefined;
  const start = node.range[0] + (node.type === 'PLAIN' ? 0 : 1) + colon + 1;
  return { start, end: start + tag.length };
}

function checkDockerfile(ctx: DockerfileContext): void {
  const { model } = ctx;
  const args = preambleArgs(model);
  const stageNames = new Set<string>();
  for (const stage of model.stages) {
    const from = stage.from;
    const rawImage = from.getImage();
    const imageRange = from.getImageRange();
    if (rawImage && imageRange && !stageNames.has(rawImage.toLowerCase())) {
      const resolved = substitute(rawImage, args);
      if (resolved !== undefined && resolved.toLowerCase() !== 'scratch' && !stageNames.has(resolved.toLowerCase())) {
        const verdict = unpinned(resolved);
        if (verdict) {
          const tagRange = from.getImageTagRange();
          const tagIsLiteral = tagRange && !/\$/.test(from.getImageTag() ?? '$');
          ctx.report({
            span: spanOfRange(model, tagIsLiteral ? tagRange : imageRange),
            message: messageFor(`The base image ${resolved} of ${stage.name ? `stage "${stage.name}"` : `stage ${stage.index + 1}`}`, resolved, verdict),
          });
        }
      }
    }
    if (stage.name) stageNames.add(stage.name.toLowerCase());
  }
}
