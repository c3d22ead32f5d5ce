/**
 * The YAML documents of a Compose file. compose-go reads every document of a file (`---` starts one) and merges
 * them in order, each as if it were a further file (loader/loader.go loadYamlFile, the `decoder.Decode` loop, at
 * compose-spec/compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2). The project loader merges them
 * (project/loader.ts); the linter checks each document as written and the merged services (analysis/projectAnalysis.ts).
 */
import { Document, parseAllDocuments } from 'yaml';
import { BoundedMemo } from '../core/boundedMemo';
import { LineIndex } from '../core/lineIndex';
import { YAML_OPTIONS } from './composeFile';

/** Where one document of a text is: [start, end) offsets, the parts of a text following one another without a gap. */
export interface DocumentPart {
  start: number;
  end: number;
}

/**
 * Every document of a text as the `yaml` package parses it (with its line index), kept for the last texts: the
 * project loader and the linter read the same texts after each keystroke.
 */
const parsed = new BoundedMemo((text: string) => {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  return { docs: Array.isArray(docs) ? docs : [], lines: new LineIndex(text) };
}, 64);

/** A text's YAML documents as parsed, with its line index. */
export interface ParsedText {
  docs: readonly Document[];
  lines: LineIndex;
}

export function parsedDocuments(text: string): { docs: readonly Document.Parsed[]; lines: LineIndex } {
  return parsed.get(text);
}

/**
 * A parse of a file's text that someone keeps up to date (the linter's incremental analysis of an open file), so that
 * a project loaded after a keystroke does not parse the edited file again: about 20 ms for a 1,200-line file. Given
 * only for a text it is the parse of, without a syntax error; read at once (it changes with the next edit).
 */
export type KeptParses = (file: string, text: string) => ParsedText | undefined;

/**
 * A line that starts a document (`---`) or ends one (`...`): always a marker at column 0, even inside a quoted or
 * block scalar (YAML forbids them there). Only a hint that the text may hold several documents: the parse decides.
 */
const MARKER = /^(?:---|\.\.\.)(?=[ \t]|\r?$)/gm;
const LATER_MARKER = /\n(?:---|\.\.\.)/;
/**
 * Nothing before a marker but blank lines, comments and directives: a `---` there starts the only document. Each
 * line matches one way only (a comment stops before `\r`), so a failing match backtracks in linear time.
 */
const PROLOGUE = /^(?:[ \t]*(?:#[^\r\n]*)?\r?\n|%[^\n]*\n)*$/;

/**
 * Whether the text may hold more than one document, told without parsing it: a marker after some content, or a
 * second marker. A one-document file (most, with or without a leading `---`) costs one scan of its lines.
 */
function maySpanSeveralDocuments(text: string): boolean {
  // Most files have no marker past their first line: one search tells it (about 1 ms for 3 MB).
  if (!LATER_MARKER.test(text)) return false;
  MARKER.lastIndex = 0;
  let markers = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    if (++markers > 1 || !PROLOGUE.test(text.slice(0, m.index))) return true;
  }
  return false;
}

/** The documents of `text`, in order; one part (the whole text) for a text of one document or none. */
export function documentParts(text: string): DocumentPart[] {
  const whole = [{ start: 0, end: text.length }];
  if (!maySpanSeveralDocuments(text)) return whole;
  const { docs } = parsedDocuments(text);
  if (docs.length < 2) return whole;
  // A part runs from its document's first character (`---`, or the file's start) to the next document's.
  return docs.map((doc, i) => ({ start: i === 0 ? 0 : doc.range[0], end: docs[i + 1]?.range[0] ?? text.length }));
}

export function hasSeveralDocuments(text: string): boolean {
  return documentParts(text).length > 1;
}

/** The index of the part that holds `offset` (the last part for the end of the text). */
export function partIndexAt(parts: readonly DocumentPart[], offset: number): number {
  let lo = 0;
  let hi = parts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (parts[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * One document of `text` as a text of its own that keeps the file's offsets and lines: what comes before it blanked
 * (line breaks kept), what comes after it cut. A rule's ranges and fixes on it are ranges and fixes in the file.
 */
export function partText(text: string, part: DocumentPart): string {
  if (part.start === 0) return part.end === text.length ? text : text.slice(0, part.end);
  return text.slice(0, part.start).replace(/[^\r\n]/g, ' ') + text.slice(part.start, part.end);
}
