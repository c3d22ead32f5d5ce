import type { LineIndex } from './lineIndex';
import type { Span, SpanEdit } from './types';
import { removeLines } from './lineEdits';

/**
 * Edits on the words of a command line, wherever the words are written: a YAML block sequence (one item per
 * line), a flow sequence or a JSON array (items and commas), or one string (words and spaces, maybe spread
 * over lines with `\` continuations: shell scripts, Dockerfile shell form).
 * Positions are the words' spans as written (quotes included), from the parser.
 */
export interface WordContainer {
  /** `blockSeq`: each word is an item on its own line(s); `inline`: words separated by spaces or commas. */
  kind: 'blockSeq' | 'inline';
  /** Every word of the container, in order (quotes included). */
  spans: readonly Span[];
  /** Lines may end in a `\` continuation (a shell script, a Dockerfile shell-form instruction). */
  continuation: boolean;
}

/** Removes words `from`..`to` (indices into `container.spans`) with what separates them from their neighbours. */
export function removeWords(text: string, lines: LineIndex, container: WordContainer, from: number, to: number): SpanEdit[] {
  const spans = container.spans;
  if (from < 0 || to >= spans.length || from > to) return [];
  if (container.kind === 'blockSeq') {
    // One item per line: remove each item's own lines, keeping comments between items.
    const edits: SpanEdit[] = [];
    for (let i = from; i <= to; i++) edits.push({ span: wholeLines(text, lines, spans[i]!.start, spans[i]!.end), newText: '' });
    return edits;
  }
  const first = spans[from]!;
  const last = spans[to]!;
  const prev = spans[from - 1];
  const next = spans[to + 1];
  if (onOwnLines(text, lines, first, last, container.continuation)) {
    return [{ span: wholeLines(text, lines, first.start, last.end), newText: '' }];
  }
  if (next) return [{ span: { start: first.start, end: next.start }, newText: '' }];
  if (prev) return [{ span: { start: prev.end, end: last.end }, newText: '' }];
  return [{ span: { start: first.start, end: last.end }, newText: '' }];
}

/**
 * True when the words fill their lines alone. With continuations, the last line must end in `\` too:
 * removing the final line of a continued command would make the line before it continue into whatever
 * follows.
 */
function onOwnLines(text: string, lines: LineIndex, first: Span, last: Span, continuation: boolean): boolean {
  const before = text.slice(lines.lineStart(lines.lineOf(first.start)), first.start);
  const lastLine = lines.lineOf(Math.max(last.end - 1, last.start));
  const after = text.slice(last.end, lines.lineContentEnd(lastLine));
  if (!/^[ \t]*$/.test(before)) return false;
  if (continuation) return /^[ \t]*\\[ \t]*$/.test(after);
  return /^[ \t]*(\\[ \t]*)?$/.test(after);
}

/** The lines holding `start`..`end`, line breaks included. */
function wholeLines(text: string, lines: LineIndex, start: number, end: number): Span {
  return removeLines({ text, lines }, start, Math.max(end - 1, start)).span;
}

/**
 * The span of a word's characters when the text there is exactly the word (unquoted), or the word inside
 * one pair of quotes; undefined when escapes or folding make the source differ from the value.
 */
export function innerSpan(text: string, span: Span, value: string): Span | undefined {
  const source = text.slice(span.start, span.end);
  if (source === value) return span;
  const q = source[0];
  if ((q === '"' || q === "'") && source.length >= 2 && source[source.length - 1] === q && source.slice(1, -1) === value) {
    return { start: span.start + 1, end: span.end - 1 };
  }
  return undefined;
}
