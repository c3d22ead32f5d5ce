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
 * with renamed or removed flags (vllm-cli-flags.json `removed_flags`) and other defaults. So do `nightly`,
 * `dev`, branch and `edge` tags, and an engine's tags with no version in them (`rocm`, `server-cuda`,
 * `gptoss`). A tag with a version pins it, a digest pins the exact image.
 */
export const rule: Rule = {
  meta: {
    id: 'image-unpinned',
    defaultSeverity: 'info',
    title: 'An image on `:latest`, another moving tag, or no tag',
    appliesTo: ['compose', 'dockerfile'],
    fixable: false,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      if (info.image === undefined || !info.imageAt) continue;
      // With `build:`, `image:` is the name Compose gives what it builds here (no tag: `:latest`, locally), not a
      // tag that someone else moves.
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
  const engine = engineForImage(resolved);
  if (!info.isModelService && !engine) return;
  const verdict = unpinned(resolved, engine !== undefined);
  if (!verdict) return;
  // An image a variable supplied is named by where it comes from: its value may be anything in .env.
  const by = suppliedBy(raw, ctx.file.dotEnv);
  // An engine image running a client job (`ollama pull`) is no model service, but its image moves all the same.
  const what = info.isModelService ? 'model service' : 'service';
  const subject = by ? `The image of ${what} "${info.service.name}" (${by})` : `The image ${resolved} of ${what} "${info.service.name}"`;
  const message = messageFor(subject, by ? undefined : resolved, verdict, pullNote(info, ctx.file.dotEnv));
  ctx.report({ span: composeTagSpan(info, raw) ?? info.imageAt!, message });
}

/** Why a tag moves: no tag, a `latest` word, nightly, dev, a branch, edge, or (an engine's) no version at all. */
type Moves = 'none' | 'latest' | 'nightly' | 'dev' | 'main' | 'master' | 'edge' | 'unversioned';

interface Verdict {
  moves: Moves;
  /** The tag as written; undefined when there is none. */
  tag?: string;
}

/**
 * What says a tag pins a release, generously (a false finding costs more than a missed one): a dotted version or
 * date (`0.9.1`, `24.08`); or a word (split at `-`, `_`, `.`) that is a number (`16`, `v2`, `20250101`), a build
 * number (`b4567`), or a commit (7 or more hex digits, one a digit: `sha-abc1234`).
 */
const DOTTED = /\d\.\d/;
const NUMBER_WORD = /^v?\d+$/;
const BUILD_OR_COMMIT_WORD = /^(?:b\d+|(?=[a-f]*\d)[0-9a-f]{7,})$/;
/** Beside `latest`, a bare number is an architecture or a major line (`86-latest`), not a release. */
const LONG_NUMBER_WORD = /^\d{6,}$/;

/**
 * Undefined when the image is pinned (a digest, or a tag that carries a version); else why its tag moves.
 * Only an engine's image is judged by the absence of a version: other images may name a release by a word
 * (`ubuntu:noble`, `debian:bookworm-slim`), so only the moving words are reported there.
 */
function unpinned(image: string, engine: boolean): Verdict | undefined {
  const ref = parseImageRef(image);
  if (ref.digest) return undefined;
  if (ref.tag === undefined || ref.tag === '') return { moves: 'none' };
  const tag = ref.tag;
  const words = tag.toLowerCase().split(/[-_.]/);
  const release = DOTTED.test(tag) || words.some((w) => BUILD_OR_COMMIT_WORD.test(w) || LONG_NUMBER_WORD.test(w));
  if (words.includes('latest')) return release ? undefined : { moves: 'latest', tag };
  if (release || words.some((w) => NUMBER_WORD.test(w))) return undefined;
  const named = (['nightly', 'dev', 'main', 'master', 'edge'] as const).find((w) => words.includes(w));
  if (named) return { moves: named, tag };
  return engine ? { moves: 'unversioned', tag } : undefined;
}

/** What each moving tag is, after `is on :<tag>, `. */
const MOVES: Record<Exclude<Moves, 'none'>, string> = {
  latest: 'which follows the latest release',
  nightly: 'a nightly build, replaced every night',
  dev: 'a development build, replaced at each new build',
  main: 'built from the main branch, replaced at each new commit',
  master: 'built from the master branch, replaced at each new commit',
  edge: 'which follows the newest unreleased build',
  unversioned: 'a tag with no version, date, build number or commit in it, which its publisher can move to another build at any time',
};

/**
 * `pull_policy` that pulls again what is already here (compose-go GetPullPolicy: `always`, and `daily`, `weekly`,
 * `every_<duration>` once the local copy is that old): on a moving tag, the image changes at an `up`.
 */
function pullNote(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): string | undefined {
  const raw = info.service.map.text('pull_policy');
  const policy = raw === undefined ? undefined : interpolate(raw, dotEnv)?.trim().toLowerCase();
  if (policy === 'always') return '`pull_policy: always` pulls it again at every `up`, so the image can change under you at any restart.';
  if (policy === 'daily' || policy === 'weekly' || policy?.startsWith('every_')) {
    return `\`pull_policy: ${policy}\` pulls it again at an \`up\` once the local copy is that old, so the image can change under you at a restart.`;
  }
  return undefined;
}

/** `image` undefined: neither it nor its tag is to be shown (a variable supplied it). */
function messageFor(subject: string, image: string | undefined, verdict: Verdict, pull?: string): string {
  const { moves, tag } = verdict;
  let what: string;
  if (moves === 'none') what = `has no tag, so it means ${image ?? ''}:latest`;
  else if (tag?.toLowerCase() === 'latest') what = 'is on :latest';
  else what = image === undefined ? `is on a moving tag, ${MOVES[moves]}` : `is on :${tag}, ${MOVES[moves]}`;
  return `${subject} ${what}: the next pull can bring another version with other flags and defaults.${pull ? ` ${pull}` : ''} Pin a version tag, or a digest (@sha256:...) for the exact image.`;
}

/** The span of a literal tag inside the image scalar, when the scalar's text maps 1:1 onto it. */
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
        const verdict = unpinned(resolved, engineForImage(resolved) !== undefined);
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
