/**
 * What is at an offset of a Compose file, for completion, hover and the other editor requests: the keys above the
 * cursor (read from the lines, by indentation), the word under it, and the service it is in. A request never parses
 * the whole document (seconds for a 5,000-service file): the lines above the cursor give the key path, and only the
 * enclosing service's block is parsed when its model is needed, memoized by the block's text. Half-typed lines
 * (`      VLLM_`, an unclosed `[--model, x, --gpu-mem`) are read as the user means them, where a parser would see
 * something else (a multi-line plain scalar, a flow error).
 */
import type { AnalysisOptions } from '../core/analysisOptions';
import { BoundedMemo } from '../core/boundedMemo';
import type { Span } from '../core/types';
import { parseCompose, type ComposeFile, type ComposeService } from './composeFile';
import { describeService, type ServiceInfo } from './service';

export type CursorSlot =
  /** Typing a key of the map at `path`: an empty line, or a word with no `:` after it yet. */
  | 'key'
  /** In the value of the last key of `path`: on the key's line, or on a line that continues it. */
  | 'value'
  /** In an item (`- x`) of the sequence at `path`. */
  | 'item';

/** A key of the path and where its line is. */
export interface PathKey {
  key: string;
  /** The key as written (quotes excluded). */
  span: Span;
  /** The column of the key. */
  column: number;
}

export interface ComposeCursor {
  offset: number;
  /**
   * Keys from the top level down to the collection holding the cursor, e.g. `['services', 'vllm', 'environment']`;
   * `-` stands for a sequence item (`['services', 'gpu', 'deploy', …, 'devices', '-']` inside a device request).
   */
  path: readonly string[];
  /** The keys of `path` with their places (the `-` items left out). */
  keys: readonly PathKey[];
  slot: CursorSlot;
  /** The word around the cursor: separated by whitespace, `,[]{}` and quotes, and by a `:` that ends a key. */
  word: Span;
  wordText: string;
  /** The part of the word before the cursor. */
  prefix: string;
  /** The service holding the cursor, when `path` starts with `services` and names one. */
  service: ServiceBlock | undefined;
}

/** One service's lines: from its key's line to the next line indented as little as it (or the end). */
export interface ServiceBlock {
  name: string;
  keyAt: Span;
  /** Line start of the key to the start of the next entry. */
  block: Span;
  column: number;
}

interface LineShape {
  /** Column of the first character that is not a space. */
  indent: number;
  /** Columns of the `- ` markers at the start of the line. */
  dashes: number[];
  /** Column where the content after the markers starts. */
  content: number;
  key: string | undefined;
  keyStart: number;
  keyEnd: number;
  /** What follows `key:` on the line (comments left out), trimmed. */
  value: string;
  /** Offset of `:` after the key (relative to the line). */
  colon: number;
  blank: boolean;
}

const PLAIN_KEY = /^([^\s#'"{}[\],&*!|>%@`-][^#'"]*?|-[^\s#'"][^#'"]*?)[ \t]*:(?=[ \t]|$)/;
const QUOTED_KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?=[ \t]|$)/;

function shapeOf(line: string): LineShape {
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  const indent = i;
  const blank = i >= line.length || line[i] === '#' || line[i] === '\t' && line.trim() === '';
  const dashes: number[] = [];
  while (line[i] === '-' && (line[i + 1] === ' ' || line[i + 1] === '\t' || i + 1 === line.length)) {
    dashes.push(i);
    i++;
    while (line[i] === ' ' || line[i] === '\t') i++;
  }
  const content = i;
  const rest = line.slice(i);
  const m = QUOTED_KEY.exec(rest) ?? PLAIN_KEY.exec(rest);
  if (!m) return { indent, dashes, content, key: undefined, keyStart: i, keyEnd: i, value: '', colon: -1, blank };
  const raw = m[1]!;
  const quoted = raw.startsWith('"') || raw.startsWith("'");
  const key = quoted ? raw.slice(1, -1) : raw;
  const colon = i + m[0].length - 1;
  const afterColon = line.slice(colon + 1);
  const value = withoutComment(afterColon).trim();
  return { indent, dashes, content, key, keyStart: i + (quoted ? 1 : 0), keyEnd: i + (quoted ? raw.length - 1 : raw.length), value, colon, blank };
}

/** The text before a ` #` comment (a `#` at the start or after a blank); a scan, as a regex here would be quadratic. */
function withoutComment(text: string): string {
  for (let at = text.indexOf('#'); at >= 0; at = text.indexOf('#', at + 1)) {
    if (at === 0 || text[at - 1] === ' ' || text[at - 1] === '\t') return text.slice(0, at);
  }
  return text;
}

/** A value that opens a nested block on the next lines: nothing, or only an anchor / tag. */
function opensBlock(value: string): boolean {
  return /^(?:[&!]\S*\s*)*$/.test(value);
}

const SEPARATOR = /[\s,[\]{}"']/;

function wordAround(text: string, offset: number, lineStart: number, lineEnd: number): Span {
  let start = offset;
  while (start > lineStart && !SEPARATOR.test(text[start - 1]!) && !endsKey(text, start - 1)) start--;
  let end = offset;
  while (end < lineEnd && !SEPARATOR.test(text[end]!) && !endsKey(text, end)) end++;
  return { start, end };
}

/** A `:` followed by a space or the line's end ends a key: it is no part of the word. */
function endsKey(text: string, at: number): boolean {
  if (text[at] !== ':') return false;
  const next = text[at + 1];
  return next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
}

function lineEndOf(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  const end = nl < 0 ? text.length : nl;
  return end > from && text[end - 1] === '\r' ? end - 1 : end;
}

/** The indentation of the line starting at `start`; undefined for a blank or comment line. */
function indentAt(text: string, start: number): number | undefined {
  let i = start;
  while (text.charCodeAt(i) === 32) i++;
  const ch = text.charCodeAt(i);
  return Number.isNaN(ch) || ch === 10 || ch === 13 || ch === 35 ? undefined : i - start;
}

let topLevel: { text: string; starts: number[] } | undefined;

/** Starts of the lines written at column 0 (top-level keys, `---`), one pass per text, remembered for the last. */
function topLevelStarts(text: string): number[] {
  if (topLevel?.text === text) return topLevel.starts;
  const starts: number[] = [];
  const re = /^[^ \t\r\n#]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
  topLevel = { text, starts };
  return starts;
}

/**
 * The top-level entry holding the line at `lineStart`: where the line after its key starts, and the column of its
 * children (the first indented line below it).
 */
function topLevelEntryAbove(text: string, lineStart: number): { nextLine: number; childColumn: number } | undefined {
  const starts = topLevelStarts(text);
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < lineStart) (found = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const nextLine = text.indexOf('\n', starts[found]!) + 1;
  if (nextLine <= 0) return undefined;
  for (let line = nextLine; line > 0 && line < lineStart; line = text.indexOf('\n', line) + 1) {
    const indent = indentAt(text, line);
    if (indent !== undefined) return indent > 0 ? { nextLine, childColumn: indent } : undefined;
  }
  return undefined;
}

/** What is at `offset` of a Compose file's text. Cost: the lines between the cursor and its top-level key. */
export function cursorAt(text: string, offset: number): ComposeCursor {
  const at = Math.max(0, Math.min(offset, text.length));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = lineEndOf(text, lineStart);
  const before = text.slice(lineStart, at);
  const own = shapeOf(text.slice(lineStart, lineEnd));
  const word = wordAround(text, at, lineStart, lineEnd);
  const reversed: Array<{ key: string; span: Span; column: number } | '-'> = [];

  let slot: CursorSlot;
  let child: number;
  let childIsItem: boolean;
  const ownKeyBeforeCursor = own.key !== undefined && own.colon >= 0 && own.colon < before.length;
  const ownDashesBefore = own.dashes.filter((d) => d < before.length);
  if (ownKeyBeforeCursor) {
    slot = 'value';
    reversed.push({ key: own.key!, span: { start: lineStart + own.keyStart, end: lineStart + own.keyEnd }, column: own.content });
    // `- key: |` is a map inside an item: the item and its sequence are above.
    for (let i = own.dashes.length - 1; i >= 0; i--) reversed.push('-');
    child = own.dashes[0] ?? own.content;
    childIsItem = own.dashes.length > 0;
  } else if (ownDashesBefore.length > 0) {
    slot = 'item';
    for (let i = ownDashesBefore.length - 1; i > 0; i--) reversed.push('-');
    child = ownDashesBefore[0]!;
    childIsItem = true;
  } else {
    slot = 'key';
    // An empty line: the column typed so far is where the new key goes.
    child = own.blank || /^\s*$/.test(before) ? Math.min(own.blank ? before.length : own.indent, before.length) : own.indent;
    childIsItem = false;
  }

  let firstParent = true;
  let pos = lineStart;
  const top = child > 0 ? topLevelEntryAbove(text, lineStart) : undefined;
  while (pos > 0 && child > 0) {
    // Once the cursor's ancestors are found down to the top-level entry's own children (the service's key), the
    // parent is that entry's line: the services above are skipped, not read.
    if (top && child <= top.childColumn && pos > top.nextLine) pos = top.nextLine;
    const prevStart = text.lastIndexOf('\n', pos - 2) + 1;
    pos = prevStart;
    // Most lines above are deeper than the cursor's parent (the services before it): their indentation is read
    // without copying the line, so walking up through thousands of services stays cheap.
    const indent = indentAt(text, prevStart);
    if (indent === undefined || indent > child || (indent === child && !childIsItem)) continue;
    const line = text.slice(prevStart, lineEndOf(text, prevStart));
    const shape = shapeOf(line);
    if (shape.blank) continue;
    if (shape.indent === 0 && /^(---|\.\.\.)(\s|$)/.test(line)) break;
    const compactParent = childIsItem && shape.dashes.length === 0 && shape.indent === child && shape.key !== undefined && opensBlock(shape.value);
    if (shape.indent >= child && !compactParent) continue;
    if (shape.dashes.length > 0) {
      if (shape.key !== undefined && shape.content < child) {
        reversed.push({ key: shape.key, span: { start: prevStart + shape.keyStart, end: prevStart + shape.keyEnd }, column: shape.content });
        if (firstParent && slot === 'key' && !opensBlock(shape.value)) slot = 'value';
      }
      const items = shape.dashes.filter((d) => d < child);
      for (let i = 0; i < items.length; i++) reversed.push('-');
      child = items[0]!;
      childIsItem = true;
      firstParent = false;
      continue;
    }
    if (shape.key === undefined) continue; // a continuation line of some multi-line value
    reversed.push({ key: shape.key, span: { start: prevStart + shape.keyStart, end: prevStart + shape.keyEnd }, column: shape.indent });
    // A line under `command: >` or `command: [--a,` continues that value; under `environment:` it is a key.
    if (firstParent && slot === 'key' && !opensBlock(shape.value)) slot = 'value';
    firstParent = false;
    child = shape.indent;
    childIsItem = false;
  }

  const ordered = reversed.reverse();
  const path = ordered.map((p) => (p === '-' ? '-' : p.key));
  const keys = ordered.filter((p): p is PathKey => p !== '-');
  const wordText = text.slice(word.start, word.end);
  return {
    offset: at,
    path,
    keys,
    slot,
    word,
    wordText,
    prefix: text.slice(word.start, at),
    service: serviceBlockOf(text, path, keys),
  };
}

function serviceBlockOf(text: string, path: readonly string[], keys: readonly PathKey[]): ServiceBlock | undefined {
  if (path[0] !== 'services' || keys[0]?.column !== 0 || path[1] === undefined || path[1] === '-') return undefined;
  const key = keys[1]!;
  const start = text.lastIndexOf('\n', key.span.start - 1) + 1;
  // The block ends at the next line that is indented as little as the service's key.
  let pos = text.indexOf('\n', key.span.end);
  let end = text.length;
  while (pos >= 0 && pos < text.length) {
    const next = pos + 1;
    const lineEnd = lineEndOf(text, next);
    const shape = shapeOf(text.slice(next, lineEnd));
    if (!shape.blank && shape.indent <= key.column) {
      end = next;
      break;
    }
    pos = text.indexOf('\n', next);
  }
  return { name: key.key, keyAt: key.span, block: { start, end }, column: key.column };
}

/** A service parsed on its own: offsets in `file` plus `delta` are offsets in the document. */
export interface ParsedService {
  file: ComposeFile;
  service: ComposeService;
  delta: number;
}

const PREFIX = 'services:\n';
/** Above this size a document is never parsed whole for a request, even when a service uses its anchors. */
const WHOLE_PARSE_LIMIT = 256 * 1024;

const blockParses = new BoundedMemo<string, ComposeFile>((blockText) => parseCompose(PREFIX + blockText), 64);
let wholeParse: { text: string; file: ComposeFile } | undefined;

/**
 * The service at the cursor, parsed: its block alone, or (when it uses aliases or merge keys, whose anchors are
 * elsewhere, and the document is small) the whole document, remembered for that text.
 */
export function parseServiceBlock(text: string, block: ServiceBlock): ParsedService | undefined {
  const blockText = text.slice(block.block.start, block.block.end);
  if (usesAnchorsFromElsewhere(blockText) && text.length <= WHOLE_PARSE_LIMIT) {
    if (wholeParse?.text !== text) wholeParse = { text, file: parseCompose(text) };
    const service = wholeParse.file.services.find((s) => s.keyAt.start === block.keyAt.start);
    return service ? { file: wholeParse.file, service, delta: 0 } : undefined;
  }
  const file = blockParses.get(blockText);
  const service = file.services.find((s) => s.name === block.name) ?? file.services[0];
  return service ? { file, service, delta: block.block.start - PREFIX.length } : undefined;
}

function usesAnchorsFromElsewhere(blockText: string): boolean {
  return /(^|[\s[{,])\*[^\s,\]}]/.test(blockText) || /^\s*(- +)?<<\s*:/m.test(blockText);
}

/** A span of the parsed service in document offsets. */
export function toDocument(parsed: ParsedService, span: Span): Span {
  return { start: span.start + parsed.delta, end: span.end + parsed.delta };
}

/** A document offset in the parsed service's offsets. */
export function toParsed(parsed: ParsedService, offset: number): number {
  return offset - parsed.delta;
}

/** True when the cursor is at `services.<name>.<key>` (on the key's line or below it), for the given keys. */
export function inServiceKey(cursor: ComposeCursor, ...keys: string[]): boolean {
  return cursor.service !== undefined && cursor.path.length >= 3 && keys.includes(cursor.path[2]!);
}

/** The service at the cursor with its model: parsed on its own (see `parseServiceBlock`) and described. */
export interface ServiceAtCursor {
  parsed: ParsedService;
  info: ServiceInfo;
}

export function describeServiceAt(text: string, cursor: ComposeCursor, options: AnalysisOptions): ServiceAtCursor | undefined {
  if (!cursor.service) return undefined;
  const parsed = parseServiceBlock(text, cursor.service);
  if (!parsed) return undefined;
  return { parsed, info: describeService(parsed.service, options.dotEnv ?? new Map(), options.buildContexts) };
}

let listed: { text: string; services: ServiceBlock[] } | undefined;

/**
 * Every service of the block-style top-level `services:` map, in file order, from the lines alone (one pass over
 * the text, remembered for the last text asked about): names for `depends_on`, the outline.
 */
export function listServices(text: string): readonly ServiceBlock[] {
  if (listed?.text === text) return listed.services;
  const services: ServiceBlock[] = [];
  const header = /^services[ \t]*:[ \t]*(?:#.*)?$/m.exec(text);
  let column = -1;
  let stopAt = text.length;
  let pos = header ? text.indexOf('\n', header.index) : -1;
  while (pos >= 0 && pos < text.length) {
    const start = pos + 1;
    const end = lineEndOf(text, start);
    pos = text.indexOf('\n', start);
    const shape = shapeOf(text.slice(start, end));
    if (shape.blank) continue;
    if (shape.indent === 0) {
      stopAt = start;
      break;
    }
    if (column < 0) column = shape.indent;
    if (shape.indent !== column || shape.key === undefined || shape.dashes.length) continue;
    const previous = services[services.length - 1];
    if (previous) previous.block.end = start;
    services.push({ name: shape.key, keyAt: { start: start + shape.keyStart, end: start + shape.keyEnd }, block: { start, end: text.length }, column });
  }
  const last = services[services.length - 1];
  if (last) last.block.end = stopAt;
  listed = { text, services };
  return services;
}
