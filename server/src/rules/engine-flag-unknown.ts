import { Cmd, Entrypoint, Instruction, JSONInstruction } from 'dockerfile-ast';
import type { ArgList } from '../compose/command';
import { isFlagToken, splitWords } from '../core/commandWords';
import type { ComposeFile } from '../compose/composeFile';
import { interpolate, suppliedBy } from '../compose/interpolation';
import { argListWords } from '../compose/commandEdits';
import { removeWords } from '../core/commandWordEdits';
import { boundedEditDistance } from '../core/editDistance';
import type { LineIndex } from '../core/lineIndex';
import type { Rule } from './rule';
import type { Reporter, Span, SpanEdit, SpanFix } from '../core/types';
import { shippedStages, spanOfRange, type DockerfileModel } from '../dockerfile/dockerfileModel';
import { shippedBaseImage } from '../dockerfile/imageEngine';
import { parseImageRef } from '../engines/engines';
import { startedByImageEntrypoint } from '../compose/service';
import { findInScript, findVllmArgs, markerAt, wordsOf, type Word } from '../engines/vllmArgv';
import { VLLM_FACTS_DATE } from '../engines/vllmFacts.generated';
import { judgeFlag, normalizeFlag, type RemovedFlag } from '../engines/vllmFlags';
import { releasedBefore } from '../engines/vllmReleases';

/**
 * vLLM parses its command line with argparse: an unknown or removed flag stops it at start-up with
 * "unrecognized arguments". Flags are judged against vLLM main (vllm-cli-flags.json); removed flags against
 * the release the image tag pins (vllmReleases.ts). The vllm/vllm-openai image's ENTRYPOINT is `vllm serve`
 * (vllm-env.json `vllm_openai_image`), so a `command:` must not repeat it.
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
      // A service built FROM the vLLM image that keeps its entrypoint runs `vllm serve` too: its base image counts.
      const named = info.detectedBy === 'build' && startedByImageEntrypoint(info) ? info.built?.baseImage : info.image;
      const image = named === undefined ? undefined : interpolate(named, ctx.file.dotEnv);
      const site: Site = { text: ctx.file.text, lines: ctx.file.lines, report: ctx.report, tag: image === undefined ? undefined : parseImageRef(image).tag, tagSuppliedBy: named === undefined ? undefined : suppliedBy(named, ctx.file.dotEnv) };
      const entrypoint = composeWords(ctx.file, info.entrypoint);
      const command = composeWords(ctx.file, info.command);
      const found = findVllmArgs([...entrypoint, ...command], site.text);
      let args = found?.args;
      // With the image's own entrypoint (`vllm serve`), `command:` holds vLLM's arguments.
      if (!info.entrypoint && isVllmOpenAiImage(image ?? named)) {
        reportRepeatedServe(site, command, 'command:');
        args ??= command;
      }
      if (args) checkArgs(site, args);
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
  /** The image tag, resolved; undefined when unpinned or unknown. */
  tag: string | undefined;
  /** "set by ${TAG}" when a variable supplied the image: the message then does not echo the tag. */
  tagSuppliedBy?: string | undefined;
}

const OPENAI_IMAGE = /(^|\/)vllm\/vllm-openai(-nonroot)?$|(^|\/)vllm-openai(-nonroot)?$/;

function isVllmOpenAiImage(image: string | undefined): boolean {
  return !!image && OPENAI_IMAGE.test(parseImageRef(image).name);
}

/** The words of `command:` / `entrypoint:`; editable only when each has its own exact span in the file. */
function composeWords(file: ComposeFile, args: ArgList | undefined): Word[] {
  return args ? wordsOf(file.text, args.tokens, argListWords(args)) : [];
}

/** `command: ["vllm", "serve", ...]` on an image whose entrypoint is already `vllm serve`. */
function reportRepeatedServe(site: Site, words: readonly Word[], where: string): void {
  const at = markerAt(words);
  if (!at || at.start !== 0) return;
  const first = words[0]!;
  const last = words[at.end - 1]!;
  const container = first.container;
  const span = container && last.container === container ? { start: first.span.start, end: last.span.end } : first.span;
  const repeated = words.slice(0, at.end).map((w) => w.text).join(' ');
  const edits = container ? removeWords(site.text, site.lines, container, 0, at.end - 1) : [];
  site.report({
    span,
    message:
      `${where} repeats \`${repeated}\`, but the vllm/vllm-openai image's entrypoint already starts the server ` +
      '(`vllm serve` since 2025-10-02, `python3 -m vllm.entrypoints.openai.api_server` before): these words become ' +
      'extra arguments and vLLM exits at start-up. Keep only vLLM\'s arguments here.',
    fixes: edits.length ? [{ title: `Remove \`${repeated}\``, preferred: true, edits }] : [],
  });
}

function checkArgs(site: Site, args: readonly Word[]): void {
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.text === '--') return;
    // `${VAR}` may expand to anything: not ours to judge.
    if (!isFlagToken(word.text) || word.text.includes('$')) continue;
    const eq = word.text.indexOf('=');
    const name = eq > 0 ? word.text.slice(0, eq) : word.text;
    const nameSpan = word.inner ? { start: word.inner.start, end: word.inner.start + name.length } : word.span;
    const verdict = judgeFlag(name);
    if (verdict.kind === 'known') continue;
    if (verdict.kind === 'removed') {
      const value = eq > 0 ? undefined : valueWord(args, i, verdict.removed);
      reportRemoved(site, { word, name, nameSpan, value, inline: eq > 0 }, verdict.removed);
      continue;
    }
    const suggestions = verdict.kind === 'ambiguous' ? verdict.matches : verdict.suggestions;
    const didYouMean = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '';
    const old = verdict.kind === 'unknown' ? olderPinnedRelease(site, name, suggestions) : undefined;
    const message =
      verdict.kind === 'ambiguous'
        ? `\`${name}\` is ambiguous: it abbreviates several vLLM flags (${suggestions.map((s) => `\`${s}\``).join(', ')}), so vLLM exits at start-up.`
        : old
          ? `vLLM (as of ${VLLM_FACTS_DATE}) has no flag \`${name}\`. It may still exist in vLLM ${old}, the pinned image, ` +
            `but after an upgrade vLLM exits at start-up with "unrecognized arguments".${didYouMean}`
          : `vLLM has no flag \`${name}\`: it exits at start-up with "unrecognized arguments".${didYouMean}`;
    site.report({
      span: nameSpan,
      ...(old ? { severity: 'warning' as const } : {}),
      message,
      fixes: word.inner ? suggestions.map((s, k) => ({ title: `Change to ${s}`, preferred: k === 0, edits: [{ span: nameSpan, newText: s }] })) : [],
    });
  }
}

/**
 * The pinned release, when it predates the flag facts and the word is no near-typo of a current flag: old
 * releases had flags removed since (`--use-v2-block-manager`), so it may work there.
 */
function olderPinnedRelease(site: Site, name: string, suggestions: readonly string[]): string | undefined {
  const placement = releasedBefore(site.tag, VLLM_FACTS_DATE);
  if (!placement.before) return undefined;
  const best = suggestions[0];
  if (best && boundedEditDistance(normalizeFlag(name).toLowerCase(), best, 3) <= 3) return undefined;
  return placement.version;
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
  const when = `${removed.date}${removed.pr ? ` (PR #${removed.pr})` : ''}`;
  const placement = releasedBefore(site.tag, removed.date);
  const hint = replacementHint(removed);
  if (placement.before) {
    site.report({
      span: use.nameSpan,
      severity: 'info',
      message:
        `\`${use.name}\` still works in vLLM ${placement.version}, the pinned image, but vLLM removed it on ${when}: ` +
        `after an upgrade vLLM exits at start-up.${hint}`,
    });
    return;
  }
  const tagNote = site.tag === undefined ? 'the image tag is not pinned' : placement.version ? `the image pins vLLM ${placement.version}` : site.tagSuppliedBy ? `the image tag (${site.tagSuppliedBy}) follows new releases` : `the image tag \`${site.tag}\` follows new releases`;
  site.report({
    span: use.nameSpan,
    message: `\`${use.name}\` was removed from vLLM on ${when} and ${tagNote}: vLLM exits at start-up with "unrecognized arguments".${hint}`,
    fixes: removedFixes(site, use, removed),
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
  const chain = shippedStages(model);
  if (!chain.length) return;
  const baseImage = shippedBaseImage(model) ?? '';
  const site: Site = { text: model.text, lines: model.lines, report, tag: baseImage.includes('$') ? undefined : parseImageRef(baseImage).tag };
  const instructions = chain.flatMap((s) => s.instructions).filter((i): i is Cmd | Entrypoint => i instanceof Cmd || i instanceof Entrypoint);
  const entrypoints = instructions.filter((i) => i instanceof Entrypoint);
  const lastEntrypoint = entrypoints[entrypoints.length - 1];
  const cmds = instructions.filter((i) => i instanceof Cmd);
  const lastCmd = cmds[cmds.length - 1];
  const entrypointServes = lastEntrypoint ? serveArgs(model, lastEntrypoint) !== undefined && isExecForm(lastEntrypoint) : isVllmOpenAiImage(baseImage);
  // Only the ENTRYPOINT and CMD that take effect: earlier ones are overridden.
  for (const ins of [lastEntrypoint, lastCmd]) {
    if (!ins) continue;
    const words = dockerWords(model, ins);
    const found = isExecForm(ins) ? findVllmArgs(words, model.text) : findInScript(words);
    if (found) {
      checkArgs(site, found.args);
      continue;
    }
    // CMD after an ENTRYPOINT that is `vllm serve` (the vllm/vllm-openai image's own, or this file's).
    if (ins === lastCmd && isExecForm(ins) && entrypointServes) checkArgs(site, words);
  }
  if (!lastEntrypoint && lastCmd && isExecForm(lastCmd) && isVllmOpenAiImage(baseImage)) {
    reportRepeatedServe(site, dockerWords(model, lastCmd), 'CMD');
  }
}

function serveArgs(model: DockerfileModel, ins: Cmd | Entrypoint): Word[] | undefined {
  const words = dockerWords(model, ins);
  return (isExecForm(ins) ? findVllmArgs(words, model.text) : findInScript(words))?.args;
}

function isExecForm(ins: Instruction): boolean {
  return ins instanceof JSONInstruction && ins.getJSONStrings().length > 0;
}

/** Exec form: the JSON strings; shell form: the words `/bin/sh -c` will see, continuations blanked. */
function dockerWords(model: DockerfileModel, ins: Cmd | Entrypoint): Word[] {
  if (isExecForm(ins)) {
    const strings = ins.getJSONStrings();
    const items = strings.map((s) => ({ text: s.getJSONValue(), span: spanOfRange(model, s.getRange()) }));
    return wordsOf(model.text, items, { kind: 'inline', spans: items.map((i) => i.span), continuation: false });
  }
  const args = ins.getArguments();
  if (!args.length) return [];
  const start = spanOfRange(model, args[0]!.getRange()).start;
  const end = spanOfRange(model, args[args.length - 1]!.getRange()).end;
  // Blank `\` continuations and comment lines (same length), so word offsets stay file offsets.
  const raw = model.text
    .slice(start, end)
    .replace(/\\(\r?\n)/g, (m) => ' '.repeat(m.length))
    .replace(/(^|\n)([ \t]*#[^\n]*)/g, (_m, nl: string, c: string) => nl + ' '.repeat(c.length));
  const items = splitWords(raw).map((w) => ({ text: w.text, span: { start: start + w.start, end: start + w.end } }));
  return wordsOf(model.text, items, { kind: 'inline', spans: items.map((i) => i.span), continuation: true });
}
