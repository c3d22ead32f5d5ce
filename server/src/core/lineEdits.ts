import type { LineIndex } from './lineIndex';
import type { SpanEdit } from './types';

/**
 * Removes whole lines from the one holding `from` to the one holding `to`, line breaks included. Takes any
 * text with its line index, so Dockerfile edits use it too.
 */
export function removeLines(file: { text: string; lines: LineIndex }, from: number, to: number): SpanEdit {
  const first = file.lines.lineOf(from);
  const last = file.lines.lineOf(to);
  const start = file.lines.lineStart(first);
  const end = last + 1 < file.lines.lineCount ? file.lines.lineStart(last + 1) : file.text.length;
  return { span: { start, end }, newText: '' };
}
