import { isScalar, isSeq, Node, Scalar, YAMLSeq } from 'yaml';
import type { Span, SpanEdit } from '../core/types';
import { readFlags, shellScriptAt, splitWords, type ArgToken, type ParsedFlag } from '../core/commandWords';
import type { ArgList } from './command';
import type { ComposeFile } from './composeFile';
import { removeLines } from '../core/lineEdits';
import { appendToMap, appendToSeq, column, insertAfterLine } from './edits';
import { innerSpan, removeWords, WordContainer } from '../core/commandWordEdits';
import type { ServiceInfo } from './service';
import { spanOf } from './yamlView';

/**
 * Edits of a service's command-line flags, shared by the rules that move, change or drop flags:
 * append flags, replace a flag's value, remove a flag with its value (through core/commandWordEdits.removeWords, the
 * one word remover for Compose lists, strings, scripts and Dockerfiles). Every helper returns undefined when
 * the edit cannot be made safely (inherited values, inexact token spans, a command run through a shell),
 * so a rule then reports without a fix.
 */

/** A flag as rules see it: from the argument list, or from inside a `sh -c "..."` script (`script: true`). */
export interface FoundFlag extends ParsedFlag {
  script?: boolean;
  /** The script's words (`index` counts them), when their spans are exact enough to remove words. */
  scriptWords?: WordContainer;
}

/** True when the command or entrypoint hands a script string to a shell (`sh -c "..."`). */
export function runsThroughShell(info: ServiceInfo): boolean {
  const tokens = [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])];
  return shellScriptAt(tokens) >= 0;
}

/**
 * Engines whose image has an ENTRYPOINT and no CMD, so a `command:` added to a service that has none only
 * appends arguments and drops nothing. vLLM: vllm-env.json `vllm_openai_image.cmd` ("none set").
 */
const NO_IMAGE_CMD = new Set(['vllm']);

/**
 * An entrypoint overridden with a script we cannot read: it may or may not pass "$@" on, and may read any
 * env var or add any flag. The engine's own entrypoint script (TGI's, TEI's) is not opaque.
 */
export function hasOpaqueEntrypoint(info: ServiceInfo): boolean {
  const first = info.entrypoint?.tokens[0]?.text;
  return !!first && /\.sh$/.test(first) && !(info.engine?.imageEntrypoint ?? []).includes(first);
}

/** Whether arguments added to `command:` reach the engine (no shell wrapper, no unknown entrypoint script). */
export function canAppendArgs(info: ServiceInfo): boolean {
  return !runsThroughShell(info) && !hasOpaqueEntrypoint(info);
}

/**
 * Appends `args` to the service's `command:` in its own style: list items, flow items, words at the end of
 * a string or a new line of a block scalar. With no `command:` it inserts `command: [...]` after `image:`
 * when that only appends arguments (an overridden entrypoint, or an image without CMD such as vLLM's, whose
 * entrypoint is already `vllm serve`: the command must not repeat it).
 */
export function appendFlags(file: ComposeFile, info: ServiceInfo, args: readonly string[]): SpanEdit | undefined {
  if (!canAppendArgs(info) || args.length === 0) return undefined;
  const cmd = info.command;
  if (!cmd) return insertCommand(file, info, args);
  if (cmd.view.inherited) return undefined;
  const node = cmd.view.node;
  if (isSeq(node)) {
    if (node.flow) return appendToFlowSeq(file, node, args);
    const quoteAll = isScalar(node.items[0]) && (node.items[0] as Scalar).type === 'QUOTE_DOUBLE';
    return appendToSeq(file, cmd.view.asSeq()!, args.map((a) => `- ${quoteAll ? JSON.stringify(a) : yamlItem(a)}`));
  }
  if (isScalar(node)) return appendToScalar(file, node, cmd, args);
  return undefined;
}

function insertCommand(file: ComposeFile, info: ServiceInfo, args: readonly string[]): SpanEdit | undefined {
  if (!info.entrypoint && !NO_IMAGE_CMD.has(info.engine?.id ?? '')) return undefined;
  const line = `command: [${args.map((a) => JSON.stringify(a)).join(', ')}]`;
  const image = info.service.map.get('image') ?? info.service.map.get('build');
  if (image?.pair && !image.value.inherited) {
    const end = (spanOf(image.pair.value as Node)?.end ?? image.keyAt.end) - 1;
    return insertAfterLine(file, Math.max(end, image.keyAt.end - 1), column(file, image.keyAt.start), [line]);
  }
  return appendToMap(file, info.service.map, [line]);
}

function appendToFlowSeq(file: ComposeFile, seq: YAMLSeq, args: readonly string[]): SpanEdit | undefined {
  const items = args.map((a) => JSON.stringify(a)).join(', ');
  const last = seq.items[seq.items.length - 1];
  const lastSpan = spanOf(last as Node);
  if (lastSpan) return { span: { start: lastSpan.end, end: lastSpan.end }, newText: `, ${items}` };
  const own = spanOf(seq);
  if (!own || file.text[own.start] !== '[') return undefined;
  return { span: { start: own.start + 1, end: own.start + 1 }, newText: items };
}

function appendToScalar(file: ComposeFile, node: Scalar, cmd: ArgList, args: readonly string[]): SpanEdit | undefined {
  const r = node.range;
  if (!r) return undefined;
  const words = args.map(shellWord);
  if (words.some((w) => w === undefined)) return undefined;
  const text = words.join(' ');
  switch (node.type) {
    case 'PLAIN':
      // ` #` would start a YAML comment and `: ` a mapping inside a plain scalar.
      if (/#|: /.test(text)) return undefined;
      return { span: { start: r[1], end: r[1] }, newText: ` ${text}` };
    case 'QUOTE_DOUBLE':
      if (/["\\]/.test(text) || file.text[r[1] - 1] !== '"') return undefined;
      return { span: { start: r[1] - 1, end: r[1] - 1 }, newText: ` ${text}` };
    case 'QUOTE_SINGLE':
      if (text.includes("'") || file.text[r[1] - 1] !== "'") return undefined;
      return { span: { start: r[1] - 1, end: r[1] - 1 }, newText: ` ${text}` };
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL':
      return appendToBlock(file, cmd.tokens, text);
    default:
      return undefined;
  }
}

/** A new last line in a block scalar, at the indentation of its content. */
function appendToBlock(file: ComposeFile, tokens: readonly ArgToken[], text: string): SpanEdit | undefined {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (!first || !last || !first.exact || !last.exact) return undefined;
  const lastLine = file.lines.lineOf(last.span.end);
  // A `\` continuation at the end of the last line would glue our words to it.
  if (/\\\s*$/.test(file.lines.lineText(lastLine))) return undefined;
  const indent = /^[ \t]*/.exec(file.lines.lineText(file.lines.lineOf(first.span.start)))![0];
  return insertAfterLine(file, last.span.end, indent.length, [text]);
}

/** A word for a go-shellwords command string, quoted only when it has to be. */
function shellWord(arg: string): string | undefined {
  if (/^[\w\-.,/:=@+%${}]+$/.test(arg)) return arg;
  if (!/["\\$`]/.test(arg)) return `"${arg}"`;
  if (!arg.includes("'")) return `'${arg}'`;
  return undefined;
}

/** A block-sequence item: plain when YAML keeps it a string, else double-quoted. */
function yamlItem(arg: string): string {
  const plainSafe = /^[\w\-./=@+%,${}]+$/.test(arg) && !/^-?(\d|\.\d)/.test(arg) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(arg);
  return plainSafe && !arg.startsWith('- ') ? arg : JSON.stringify(arg);
}

/** The argument list (command or entrypoint) a flag was read from. */
export function argListOf(info: ServiceInfo, flag: ParsedFlag): ArgList | undefined {
  if ((flag as FoundFlag).script) return undefined;
  for (const list of [info.command, info.entrypoint]) {
    const tok = list?.tokens[flag.index];
    if (tok && tok.span.start <= flag.nameSpan.start && flag.nameSpan.end <= tok.span.end) return list;
  }
  return undefined;
}

/**
 * Replaces `oldText` at `span` with `newText`, keeping the quotes around it when the span is a quoted
 * scalar. Undefined when the source at `span` is not exactly the text (escapes, folding).
 */
export function replaceArgText(file: ComposeFile, span: Span, oldText: string, newText: string): SpanEdit | undefined {
  const inner = innerSpan(file.text, span, oldText);
  if (!inner) return undefined;
  // Inside quotes, the new text must not need escaping.
  const quote = inner === span ? undefined : file.text[span.start]!;
  if (quote && (newText.includes(quote) || newText.includes('\\'))) return undefined;
  return { span: inner, newText };
}

/** Sets the value of a flag that has one (`--flag v`, `--flag=v`, or inside a script when exact). */
export function replaceFlagValue(file: ComposeFile, info: ServiceInfo, flag: FoundFlag, newValue: string): SpanEdit | undefined {
  if (flag.value === undefined || !flag.valueSpan) return undefined;
  if (!flag.script) {
    const list = argListOf(info, flag);
    if (!list || list.view.inherited) return undefined;
  }
  // `"--flag=value"` as a quoted list item: readFlags gives the whole token, so rewrite the token.
  if (flag.inline && flag.valueSpan.start === flag.nameSpan.start) {
    return replaceArgText(file, flag.valueSpan, `${flag.name}=${flag.value}`, `${flag.name}=${newValue}`);
  }
  return replaceArgText(file, flag.valueSpan, flag.value, newValue);
}

/** Removes a flag and its value from the command or entrypoint (the whole key when nothing would be left). */
export function removeFlag(file: ComposeFile, info: ServiceInfo, flag: FoundFlag): SpanEdit | undefined {
  const first = flag.index;
  const last = flag.inline || flag.value === undefined ? first : first + 1;
  if (flag.script) {
    // Only words written as themselves: never the whole script token, nor a quoted word.
    const words = flag.scriptWords;
    const written = (i: number) => (words?.spans[i] ? file.text.slice(words.spans[i]!.start, words.spans[i]!.end) : undefined);
    const exact = flag.inline ? written(first) === `${flag.name}=${flag.value}` : written(first) === flag.name && (last === first || written(last) === flag.value);
    return words && exact ? oneEdit(removeWords(file.text, file.lines, words, first, last)) : undefined;
  }
  const list = argListOf(info, flag);
  if (!list || list.view.inherited) return undefined;
  if (first === 0 && last === list.tokens.length - 1) return removeWholeKey(file, info, list);
  // Words of a string only when written as themselves (no quotes to keep balanced).
  const words = list.form === 'string' ? list.tokens.slice(first, last + 1) : [];
  if (words.some((t) => !t.exact || file.text.slice(t.span.start, t.span.end) !== t.text)) return undefined;
  const container = argListWords(list);
  return container && oneEdit(removeWords(file.text, file.lines, container, first, last));
}

/**
 * An argument list as a word container for `removeWords`: list items, or the words of a string. Undefined
 * when it must not be edited: inherited (whole or an item), items that are not words, or words without
 * spans of their own (escapes, folding).
 */
export function argListWords(list: ArgList): WordContainer | undefined {
  const tokens = list.tokens;
  const seq = list.view.asSeq();
  const distinct = tokens.every((t, i) => t.span.end > t.span.start && (i === 0 || t.span.start >= tokens[i - 1]!.span.end));
  if (list.view.inherited || !distinct) return undefined;
  if (seq && (seq.items().length !== tokens.length || seq.items().some((item) => item.inherited))) return undefined;
  return { kind: seq && !seq.isFlow ? 'blockSeq' : 'inline', spans: tokens.map((t) => t.span), continuation: false };
}

/** One edit from the first to the last of `edits` (block items: comments between them go too). */
function oneEdit(edits: readonly SpanEdit[]): SpanEdit | undefined {
  if (!edits.length) return undefined;
  return { span: { start: edits[0]!.span.start, end: edits[edits.length - 1]!.span.end }, newText: '' };
}

function removeWholeKey(file: ComposeFile, info: ServiceInfo, list: ArgList): SpanEdit | undefined {
  const key = list === info.command ? 'command' : 'entrypoint';
  const entry = info.service.map.get(key);
  if (!entry?.pair) return undefined;
  const end = spanOf(entry.pair.value as Node)?.end ?? entry.keyAt.end;
  return removeLines(file, entry.keyAt.start, Math.max(end - 1, entry.keyAt.end));
}

/**
 * Flags written inside a shell script argument (`["sh", "-c", "vllm serve m --x 1"]`). Their spans are the
 * exact words when the script's source is its text (plain or simply quoted), else the whole script token.
 */
export function scriptFlags(file: ComposeFile, info: ServiceInfo): FoundFlag[] {
  const out: FoundFlag[] = [];
  for (const list of [info.entrypoint, info.command]) {
    for (const tok of list?.tokens ?? []) {
      if (!/\s/.test(tok.text.trim())) continue;
      const base = innerSpan(file.text, tok.span, tok.text)?.start;
      const split = splitWords(tok.text);
      const words = split.map((w) => ({
        text: w.text,
        span: base !== undefined && !w.quoted ? { start: base + w.start, end: base + w.end } : tok.span,
        exact: base !== undefined && !w.quoted,
      }));
      // Word spans as written (quoted words too) bound what a removal may take.
      const scriptWords: WordContainer | undefined =
        base === undefined || list!.view.inherited
          ? undefined
          : { kind: 'inline', spans: words.map((w, i) => (w.exact ? w.span : { start: base + split[i]!.start, end: base + split[i]!.end })), continuation: true };
      for (const f of readFlags(words)) out.push({ ...f, script: true, ...(scriptWords ? { scriptWords } : {}) });
    }
  }
  return out;
}

/** The service's flags from its argument lists and from scripts inside them. */
export function allFlags(file: ComposeFile, info: ServiceInfo): FoundFlag[] {
  return [...info.flags, ...scriptFlags(file, info)];
}

/**
 * Joins edits that touch (an insertion at the start or end of a removal), so clients that refuse touching
 * ranges in one fix still apply it. Edits must not overlap otherwise.
 */
export function mergeEdits(edits: readonly SpanEdit[]): SpanEdit[] {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const out: SpanEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.span.end >= e.span.start) {
      if (prev.span.end > e.span.start && e.span.start !== e.span.end) return [...edits];
      out[out.length - 1] = { span: { start: prev.span.start, end: Math.max(prev.span.end, e.span.end) }, newText: prev.newText + e.newText };
      continue;
    }
    out.push(e);
  }
  return out;
}
