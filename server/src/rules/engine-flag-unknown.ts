import { isFlagToken } from '../core/commandWords';
import { serviceEngineArgs } from '../compose/serviceEngineArgs';
import { removeWords } from '../core/commandWordEdits';
import { boundedEditDistance } from '../core/editDistance';
import type { LineIndex } from '../core/lineIndex';
import type { Rule } from './rule';
import type { Reporter, Span, SpanEdit, SpanFix } from '../core/types';
import type { DockerfileModel } from '../dockerfile/dockerfileModel';
import { dockerfileEngineArgs } from '../dockerfile/dockerfileEngineArgs';
import type { Word } from '../engines/engineArgv';
import { normalizeFlag, type RemovedFlag } from '../engines/vllmFlags';
import type { EngineParser } from '../engines/engineParsers';

/**
 * An engine stops at start-up on a flag its parser does not know: vLLM and SGLang (argparse, "unrecognized
 * arguments"), TGI and TEI (clap, "unexpected argument"), llama-server ("invalid argument"), tritonserver
 * (getopt_long, "unrecognized option"). Flags are judged against each engine's own source (vLLM: vllm-cli-flags.json,
 * by date; the others: facts/<engine>-flags.json, by release); removed flags against the release the image tag
 * pins. A tag that names no release (`gptoss`, `sha-…`) gets no version-dependent finding. A command that
 * repeats the image's entrypoint is command-repeats-entrypoint's.
 */
export const rule: Rule = {
  meta: {
    id: 'engine-flag-unknown',
    defaultSeverity: 'error',
    title: 'A flag the engine does not have, or no longer has',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const found = serviceEngineArgs(ctx.file, info);
      const site = (parser: EngineParser): Site => ({ text: ctx.file.text, lines: ctx.file.lines, report: ctx.report, parser, tag: found.tag, tagSuppliedBy: found.tagSuppliedBy });
      if (found.launched) checkArgs(site(found.launched.parser), found.launched.args);
    }
  },
  dockerfile(ctx) {
    checkDockerfile(ctx.model, ctx.report);
  },
};

interface Site {
  text: string;
  lines: LineIndex;
  report: Reporter;
  parser: EngineParser;
  /** The image tag, resolved; undefined when unpinned or unknown. */
  tag: string | undefined;
  /** "set by ${TAG}" when a variable supplied the image: the message then does not echo the tag. */
  tagSuppliedBy?: string | undefined;
}

function checkArgs(site: Site, args: readonly Word[]): void {
  const { parser } = site;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.text === '--') return;
    // `${VAR}` may expand to anything: not ours to judge.
    if (!isFlagToken(word.text) || word.text.includes('$')) continue;
    const eq = word.text.indexOf('=');
    const name = eq > 0 ? word.text.slice(0, eq) : word.text;
    // A list item holding a flag and its value (`"--port 8000"`) is engine-arg-joined's to report.
    if (/\s/.test(name)) continue;
    const nameSpan = word.inner ? { start: word.inner.start, end: word.inner.start + name.length } : word.span;
    const verdict = parser.judge(name);
    if (verdict.kind === 'known') {
      if (eq > 0 && !parser.acceptsInlineValue) reportInlineValue(site, word, name, nameSpan);
      continue;
    }
    if (verdict.kind === 'removed') {
      const value = eq > 0 ? undefined : valueWord(args, i, verdict.removed);
      reportRemoved(site, { word, name, nameSpan, value, inline: eq > 0 }, verdict.removed);
      continue;
    }
    const suggestions = verdict.kind === 'ambiguous' ? verdict.matches : verdict.suggestions;
    const didYouMean = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '';
    const placement = parser.placeImage(site.tag);
    const typo = nearTypo(name, suggestions);
    // A release the facts do not describe may have had the flag: only a near-typo of a current flag is sure.
    if (verdict.kind === 'unknown' && placement.kind === 'unknown' && !typo) continue;
    const older = verdict.kind === 'unknown' && placement.kind === 'older' && !typo ? placement.version : undefined;
    const message =
      verdict.kind === 'ambiguous'
        ? `\`${name}\` is ambiguous: it abbreviates several ${parser.name} flags (${suggestions.map((s) => `\`${s}\``).join(', ')}), so ${parser.name} exits at start-up.`
        : older
          ? `${parser.name} (as of ${parser.factsLabel}) has no flag \`${name}\`. It may still exist in ${parser.name} ${older}, the pinned image, ` +
            `but after an upgrade ${parser.name} exits at start-up with "${parser.refusal}".${didYouMean}`
          : `${parser.name} has no flag \`${name}\`: it exits at start-up with "${parser.refusal}".${didYouMean}`;
    site.report({
      span: nameSpan,
      ...(older ? { severity: 'warning' as const } : {}),
      message,
      fixes: word.inner ? suggestions.map((s, k) => ({ title: `Change to ${s}`, preferred: k === 0, edits: [{ span: nameSpan, newText: s }] })) : [],
    });
  }
}

/** llama-server looks each word up whole: `--port=8080` is no spelling of `--port` (common/arg.cpp). */
function reportInlineValue(site: Site, word: Word, name: string, nameSpan: Span): void {
  const value = word.text.slice(name.length + 1);
  site.report({
    span: { start: nameSpan.start, end: word.inner ? word.inner.end : nameSpan.end },
    message: `${site.parser.name} takes no \`${name}=value\` form: it reads \`${word.text}\` as one unknown word and exits at start-up with "${site.parser.refusal}". Write the flag and its value as two words: \`${name} ${value}\`.`,
  });
}

/** The word is a near-typo of the closest current flag: wrong in every release. */
function nearTypo(name: string, suggestions: readonly string[]): boolean {
  const best = suggestions[0];
  return !!best && boundedEditDistance(normalizeFlag(name).toLowerCase(), best, 3) <= 3;
}

function valueWord(args: readonly Word[], i: number, removed: RemovedFlag): Word | undefined {
  const next = args[i + 1];
  if (!removed.takesValue || !next || next.text === '--' || isFlagToken(next.text)) return undefined;
  return next;
}

interface FlagUse {
  word: Word;
  name: string;
  nameSpan: Span;
  value: Word | undefined;
  inline: boolean;
}

function reportRemoved(site: Site, use: FlagUse, removed: RemovedFlag): void {
  const { parser } = site;
  const when = removed.sinceVersion ? `in ${parser.name} ${removed.sinceVersion}` : `on ${removed.date}${removed.pr ? ` (PR #${removed.pr})` : ''}`;
  const placement = parser.placeRemoved(site.tag, removed);
  const hint = replacementHint(removed);
  // A tag that names no release (`gptoss`, `sha-…`) may be one that still has the flag.
  if (placement.kind === 'unknown') return;
  if (placement.kind === 'still') {
    site.report({
      span: use.nameSpan,
      severity: 'info',
      message:
        `\`${use.name}\` still works in ${parser.name} ${placement.version}, the pinned image, but ${parser.name} removed it ${when}: ` +
        `after an upgrade ${parser.name} exits at start-up.${hint}`,
    });
    return;
  }
  const tagNote = site.tag === undefined ? 'the image tag is not pinned' : placement.version ? `the image pins ${parser.name} ${placement.version}` : site.tagSuppliedBy ? `the image tag (${site.tagSuppliedBy}) follows new releases` : `the image tag \`${site.tag}\` follows new releases`;
  site.report({
    span: use.nameSpan,
    message: `\`${use.name}\` was removed from ${parser.name} ${when} and ${tagNote}: ${parser.name} exits at start-up with "${parser.refusal}".${hint}`,
    fixes: parser.engine === 'vllm' ? removedFixes(site, use, removed) : removed.replacement ? [] : fix(`Remove ${removed.flag}`, removeFlag(site, use)),
  });
}

function replacementHint(removed: RemovedFlag): string {
  if (removed.flag === '--disable-log-requests') return ' Request logging is off by default now (`--enable-log-requests` turns it on).';
  return removed.replacement ? ` Use ${removed.replacement.split(' / ').map((r) => `\`${r}\``).join(' / ')} instead.` : ' It has no replacement.';
}

function removedFixes(site: Site, use: FlagUse, removed: RemovedFlag): SpanFix[] {
  const remove = (): SpanEdit[] => removeFlag(site, use);
  switch (removed.flag) {
    case '--disable-log-requests':
      return fix('Remove --disable-log-requests (request logging is off by default)', remove());
    case '--enable-reasoning':
      return fix('Remove --enable-reasoning (--reasoning-parser alone turns reasoning on)', remove());
    case '--guided-decoding-backend':
      // FlexibleArgumentParser takes `--config-option.key value`, so only the name changes.
      return use.word.inner ? fix('Change to --structured-outputs-config.backend', [{ span: use.nameSpan, newText: '--structured-outputs-config.backend' }]) : [];
    case '--task':
      return taskFix(site, use);
    case '--rope-scaling':
    case '--rope-theta':
      return []; // Moves into the --hf-overrides JSON: not a mechanical edit.
    default:
      return removed.replacement ? [] : fix(`Remove ${removed.flag}`, remove());
  }
}

function fix(title: string, edits: SpanEdit[]): SpanFix[] {
  return edits.length ? [{ title, preferred: true, edits }] : [];
}

/** The flag and its value, when both sit in one editable container. */
function removeFlag(site: Site, use: FlagUse): SpanEdit[] {
  const container = use.word.container;
  if (!container) return [];
  if (use.value && use.value.container !== container) return [];
  return removeWords(site.text, site.lines, container, use.word.index, use.value ? use.value.index : use.word.index);
}

/** `--task` split into `--runner` and `--convert` (PR #30397); only the values with a one-to-one mapping. */
function taskFix(site: Site, use: FlagUse): SpanFix[] {
  const value = use.inline ? use.word.text.slice(use.name.length + 1) : use.value?.text;
  if (value === 'auto') return fix('Remove --task auto (the default)', removeFlag(site, use));
  const target = value === 'generate' ? ['--runner', 'generate'] : value === 'embed' || value === 'embedding' ? ['--convert', 'embed'] : value === 'classify' ? ['--convert', 'classify'] : undefined;
  if (!target || !use.word.inner) return [];
  if (use.inline) return fix(`Change to ${target.join('=')}`, [{ span: use.word.inner, newText: target.join('=') }]);
  if (!use.value?.inner) return [];
  return fix(`Change to ${target.join(' ')}`, [
    { span: use.nameSpan, newText: target[0]! },
    { span: use.value.inner, newText: target[1]! },
  ]);
}

// ---------------------------------------------------------------------------------------------- Dockerfile

function checkDockerfile(model: DockerfileModel, report: Reporter): void {
  const found = dockerfileEngineArgs(model);
  if (!found) return;
  const site = (parser: EngineParser): Site => ({ text: model.text, lines: model.lines, report, parser, tag: found.tag });
  for (const launch of found.launches) checkArgs(site(launch.parser), launch.args);
}
