import { isMap, isScalar, isSeq, Node, Pair } from 'yaml';
import { removeLines } from '../core/lineEdits';
import type { SpanEdit, Span } from '../core/types';
import type { ComposeFile } from './composeFile';
import { MapView, MapEntry, SeqView, spanOf } from './yamlView';

/**
 * Small, comment-preserving edits on Compose text: insert lines into a block map, remove an entry, replace a
 * value. Positions come from the parser's node ranges; lines are written with the file's own indentation unit
 * and line break. Every helper returns undefined when it cannot edit safely (flow style, inherited values).
 */

/** The file's indentation step, read from how `services:` children are indented (2 by default). */
export function indentUnit(file: ComposeFile): string {
  const services = file.root?.get('services');
  const first = file.services[0];
  if (services?.pair && first) {
    const step = column(file, first.keyAt.start) - column(file, services.keyAt.start);
    if (step > 0 && step <= 8) return ' '.repeat(step);
  }
  return '  ';
}

export function column(file: ComposeFile, offset: number): number {
  const start = file.lines.lineStart(file.lines.lineOf(offset));
  // A byte-order mark (files saved on Windows) takes no column: YAML ignores it.
  const bom = start === 0 && offset > 0 && file.text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return offset - start - bom;
}

/** Re-indents template lines written with a two-space step to the file's own step. */
function render(file: ComposeFile, baseIndent: number, lines: readonly string[]): string {
  const unit = indentUnit(file);
  const eol = file.lines.eol();
  return lines
    .map((line) => {
      const leading = /^ */.exec(line)![0].length;
      return ' '.repeat(baseIndent) + unit.repeat(Math.floor(leading / 2)) + line.slice(leading) + eol;
    })
    .join('');
}

/** Offset of the start of the line after the one holding `offset` (end of text if none). */
function nextLineStart(file: ComposeFile, offset: number): { at: number; needsBreak: boolean } {
  const line = file.lines.lineOf(offset);
  if (line + 1 < file.lines.lineCount) return { at: file.lines.lineStart(line + 1), needsBreak: false };
  return { at: file.text.length, needsBreak: true };
}

/** Last offset holding content of a node (its value end, before trailing comments and line breaks). */
function contentEnd(node: Node | Pair): number {
  if ('key' in node && !('range' in node)) {
    const pair = node as Pair;
    const v = spanOf(pair.value as Node) ?? spanOf(pair.key as Node);
    return Math.max((v?.end ?? 0) - 1, 0);
  }
  const r = spanOf(node as Node);
  return Math.max((r?.end ?? 1) - 1, r?.start ?? 0);
}

function lastContentOffset(map: MapView | SeqView): number | undefined {
  const items = map.node.items as Array<Pair | Node>;
  const last = items[items.length - 1];
  if (!last) return undefined;
  return contentEnd(last);
}

/**
 * Inserts `lines` (two-space template indentation) as new entries at the end of a block map, at the
 * indentation of its existing keys.
 */
export function appendToMap(file: ComposeFile, map: MapView, lines: readonly string[]): SpanEdit | undefined {
  if (map.inherited || map.isFlow || map.node.items.length === 0) return undefined;
  const firstKey = spanOf(map.node.items[0]!.key as Node);
  const end = lastContentOffset(map);
  if (!firstKey || end === undefined) return undefined;
  const indent = column(file, firstKey.start);
  return insertAfterLine(file, trimBack(file, end), indent, lines);
}

/** Inserts lines as children of a key whose value is empty (`deploy:` with nothing under it). */
export function appendUnderEmptyKey(file: ComposeFile, entry: MapEntry, lines: readonly string[]): SpanEdit | undefined {
  if (!entry.pair || !entry.value.isNull) return undefined;
  const keyIndent = column(file, entry.keyAt.start);
  const unit = indentUnit(file).length;
  const valueSpan = spanOf(entry.pair.value as Node);
  const after = valueSpan && valueSpan.end > entry.keyAt.end ? valueSpan.end - 1 : entry.keyAt.end;
  const insert = insertAfterLine(file, after, keyIndent + unit, lines);
  // `key: null` / `key: ~`: the written null must go too, or the block below would be a second value.
  if (valueSpan && /^(?:~|null|Null|NULL)$/.test(file.text.slice(valueSpan.start, valueSpan.end))) {
    const rest = file.text.slice(valueSpan.end, insert.span.start);
    const start = rest.trim() ? valueSpan.start : startOfBlanksBefore(file.text, valueSpan.start);
    return { span: { start, end: insert.span.start }, newText: rest.replace(/^[ \t]+/, '') + insert.newText };
  }
  return insert;
}

/** Appends items to a block sequence at the indentation of its existing dashes. */
export function appendToSeq(file: ComposeFile, seq: SeqView, lines: readonly string[]): SpanEdit | undefined {
  if (seq.inherited || seq.isFlow || seq.node.items.length === 0) return undefined;
  const first = spanOf(seq.node.items[0] as Node);
  const end = lastContentOffset(seq);
  if (!first || end === undefined) return undefined;
  // The dash sits before the first item's content; find its column on the item's line.
  const line = file.lines.lineOf(first.start);
  const lineText = file.lines.lineText(line);
  const dash = lineText.indexOf('-');
  if (dash < 0) return undefined;
  return insertAfterLine(file, trimBack(file, end), dash, lines);
}

function trimBack(file: ComposeFile, offset: number): number {
  let end = offset;
  while (end > 0 && (file.text[end] === '\n' || file.text[end] === '\r')) end--;
  return end;
}

/** Inserts template lines after the line holding `offset`, at column `indent`. */
export function insertAfterLine(file: ComposeFile, offset: number, indent: number, lines: readonly string[]): SpanEdit {
  const { at, needsBreak } = nextLineStart(file, offset);
  const body = render(file, indent, lines);
  return { span: { start: at, end: at }, newText: needsBreak ? file.lines.eol() + body : body };
}

/** Inserts lines before the line holding `offset`, at that line's indentation plus `extraIndent` steps. */
export function insertLinesBefore(file: ComposeFile, offset: number, lines: readonly string[]): SpanEdit {
  const line = file.lines.lineOf(offset);
  const start = file.lines.lineStart(line);
  const indent = /^[ \t]*/.exec(file.lines.lineText(line))![0].length;
  return { span: { start, end: start }, newText: render(file, indent, lines) };
}

/**
 * Removes a map entry or sequence item of a block collection (its lines). When it is the only one, the
 * parent key goes too, since `environment:` left empty would be null, which Compose rejects.
 */
export function removeEntry(file: ComposeFile, parent: MapEntry, item: Pair | Node): SpanEdit | undefined {
  const collection = parent.value.node;
  if (!parent.pair || (!isMap(collection) && !isSeq(collection)) || collection.flow) return undefined;
  if (collection.items.length === 1) {
    return removeLines(file, parent.keyAt.start, contentEnd(parent.pair));
  }
  const start = isSeq(collection) ? spanOf(item as Node)?.start : spanOf((item as Pair).key as Node)?.start;
  if (start === undefined) return undefined;
  return removeLines(file, start, contentEnd(item));
}

/**
 * Replaces a block-map entry (its key and its whole value) with template lines at the key's column. Undefined for
 * an entry that is not the map's own (inherited through a merge) or sits in a flow map.
 */
export function replaceEntry(file: ComposeFile, entry: MapEntry, lines: readonly string[]): SpanEdit | undefined {
  if (!entry.pair || entry.value.inherited) return undefined;
  const removal = removeLines(file, entry.keyAt.start, contentEnd(entry.pair));
  return { span: removal.span, newText: insertLinesBefore(file, entry.keyAt.start, lines).newText };
}

/** Replaces a scalar's text (quotes included) with `newText`. */
export function replaceScalar(node: unknown, newText: string): SpanEdit | undefined {
  if (!isScalar(node)) return undefined;
  const span = spanOf(node);
  return span ? { span, newText } : undefined;
}

export function replaceSpan(span: Span, newText: string): SpanEdit {
  return { span, newText };
}

/**
 * Where the spaces and tabs that end at `offset` begin. A backward scan: a trailing-blanks regex over the text
 * before `offset` copied the whole prefix and was quadratic in a long run of blanks.
 */
function startOfBlanksBefore(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return start;
}
