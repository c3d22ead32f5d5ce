import type { Span } from '../core/types';

/**
 * A Compose text cut, by its lines alone, into its top-level entries and its services, so that a request about
 * part of a 5,000-service file parses that part only (the whole file takes seconds to parse). Each block runs from
 * its key's line to the next key's line at the same level: parsing `services:\n` + a service's block gives that
 * service exactly as the whole file does, when the file is block-style YAML written the usual way.
 *
 * Anything this reading of the lines could get wrong (a flow-style `services: {…}`, several documents, a key it
 * cannot read, a line at the wrong indentation) makes `splitComposeBlocks` return undefined: the caller then
 * parses the file whole.
 */

export interface KeyedBlock {
  /** The key as YAML reads it (quotes removed). */
  key: string;
  /** The key as written on its line (quotes included). */
  keyAt: Span;
  /** From the start of the key's line to the start of the next key's line at this level (or the section's end). */
  start: number;
  end: number;
}

export interface ComposeBlocks {
  /** Every top-level entry but `services`, in file order. */
  topLevel: KeyedBlock[];
  /** The `services:` entry, its block, and one block per service. */
  services: (KeyedBlock & { entries: KeyedBlock[] }) | undefined;
}

/** A key at the start of (the rest of) a line: plain, or quoted; followed by `:` and a blank or the line's end. */
const KEY_LINE = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{}[\],&*!|>%@`?:-][^:#]*?|-[^\s#:][^:#]*?))[ \t]*:(?=[ \t]|$)/;

interface Line {
  start: number;
  /** Before its line break. */
  end: number;
  indent: number;
}

/** The lines of `text` (the same object, moved on: nothing is copied per line). */
function* linesOf(text: string): Generator<Line> {
  const line: Line = { start: 0, end: 0, indent: 0 };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    const next = end < 0 ? text.length + 1 : end + 1;
    if (end < 0) end = text.length;
    let indent = 0;
    while (text.charCodeAt(start + indent) === 32) indent++;
    line.start = start;
    line.end = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    line.indent = indent;
    yield line;
    start = next;
  }
}

function readKey(text: string, line: Line): { key: string; keyAt: Span; rest: string } | undefined {
  const content = text.slice(line.start + line.indent, line.end);
  const m = KEY_LINE.exec(content);
  if (!m) return undefined;
  const key = m[1] !== undefined ? unescapeDouble(m[1]) : m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3]!;
  if (key === undefined) return undefined;
  const written = m[1] !== undefined ? m[1].length + 2 : m[2] !== undefined ? m[2].length + 2 : m[3]!.length;
  const at = line.start + line.indent;
  return { key, keyAt: { start: at, end: at + written }, rest: content.slice(m[0].length + 1) };
}

function unescapeDouble(body: string): string | undefined {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
}

/** Blank, or nothing but a comment, or an anchor (then perhaps a comment): what may follow `services:`. */
function opensBlock(rest: string): boolean {
  return /^[ \t]*(?:&[^\s]+[ \t]*)?(?:#.*)?$/.test(rest);
}

export function splitComposeBlocks(text: string): ComposeBlocks | undefined {
  const topLevel: KeyedBlock[] = [];
  let services: ComposeBlocks['services'];
  let current: KeyedBlock | undefined;
  let serviceColumn = 0;
  let seenKey = false;
  for (const line of linesOf(text)) {
    const first = line.start + line.indent < line.end ? text.charCodeAt(line.start + line.indent) : -1;
    // Blank lines and comments belong to the block they are in.
    if (first === -1 || first === 35 /* # */) continue;
    if (line.indent === 0) {
      const content = text.slice(line.start, line.end);
      if (/^(---|\.\.\.)([ \t]|$)/.test(content)) {
        // A document start before the first key is the one document; anything else is several.
        if (seenKey || content.startsWith('...')) return undefined;
        continue;
      }
      const key = readKey(text, line);
      if (!key) return undefined;
      seenKey = true;
      if (current) current.end = line.start;
      current = { key: key.key, keyAt: key.keyAt, start: line.start, end: text.length };
      if (key.key === 'services') {
        if (services || !opensBlock(key.rest)) return undefined;
        services = { ...current, entries: [] };
        current = services;
        serviceColumn = 0;
      } else topLevel.push(current);
      continue;
    }
    if (first === 9 /* tab */) return undefined;
    if (current !== services || !services) continue;
    if (serviceColumn === 0) serviceColumn = line.indent;
    if (line.indent > serviceColumn) continue;
    if (line.indent < serviceColumn) return undefined;
    const key = readKey(text, line);
    if (!key) return undefined;
    const entries = services.entries;
    if (entries.length) entries[entries.length - 1]!.end = line.start;
    entries.push({ key: key.key, keyAt: key.keyAt, start: line.start, end: text.length });
  }
  // The last service runs to the end of `services:`.
  if (services?.entries.length) services.entries[services.entries.length - 1]!.end = services.end;
  return { topLevel, services };
}

/**
 * The blocks of `text`, which is the text `blocks` were cut from with [start, oldEnd) replaced (`delta` = length
 * change), when the edit stays inside one block and leaves its key and its lines' levels alone: the other blocks
 * only move. Undefined otherwise (cut the new text anew).
 */
export function blocksAfterEdit(blocks: ComposeBlocks, text: string, start: number, oldEnd: number, delta: number): ComposeBlocks | undefined {
  const services = blocks.services;
  // An edit that ends where the next block starts (a line added at the end of a block) belongs to the block before.
  const edited = [...blocks.topLevel, ...(services?.entries ?? [])].find((b) => b.keyAt.end < start && oldEnd <= b.end);
  if (!edited) return undefined;
  // The next block must still start a line of its own.
  const newEnd = edited.end + delta;
  if (newEnd < text.length && text.charCodeAt(newEnd - 1) !== 10) return undefined;
  // The edited block, cut alone, must still be one entry with the same key at the same level.
  const body = text.slice(edited.start, newEnd);
  const isService = services?.entries.includes(edited) ?? false;
  const alone = splitComposeBlocks(isService ? `services:\n${body}` : body);
  const only = isService ? alone?.services?.entries : alone?.topLevel;
  if (!alone || only?.length !== 1 || only[0]!.key !== edited.key || (isService ? alone.topLevel.length : alone.services)) return undefined;
  const at = (offset: number) => (offset >= oldEnd ? offset + delta : offset);
  const move = <T extends KeyedBlock>(b: T): T => (b.end < start ? b : { ...b, keyAt: { start: at(b.keyAt.start), end: at(b.keyAt.end) }, start: at(b.start), end: at(b.end) });
  return {
    topLevel: blocks.topLevel.map(move),
    services: services && { ...move(services), entries: services.entries.map(move) },
  };
}
