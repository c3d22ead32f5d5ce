import type { Position, Range, Span } from './types';

/**
 * Offset <-> position conversion. JavaScript strings are UTF-16, so offsets are already LSP columns.
 * A line break is \n, \r\n or a lone \r, as in the LSP spec.
 */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(
    private readonly text: string,
    /** Line starts already known (see `afterEdit`); computed from the text when absent. */
    known?: number[],
  ) {
    if (known) {
      this.lineStarts = known;
      return;
    }
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /**
   * The index of `text`, which is `previous`'s text with [start, oldEnd) replaced (`delta` = length change):
   * line starts before and after the edit are reused, so a keystroke in a 3 MB file costs no full scan.
   */
  static afterEdit(previous: LineIndex, text: string, start: number, oldEnd: number, delta: number): LineIndex {
    const old = previous.lineStarts;
    const newEnd = oldEnd + delta;
    const firstAfter = (offset: number) => {
      let lo = 1;
      let hi = old.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (old[mid]! < offset) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    // Unchanged before the edit; rescanned inside it; moved by delta after it (array copies, no pushes).
    const starts = old.slice(0, firstAfter(start));
    for (let s = Math.max(1, start); s <= newEnd && s <= text.length; s++) {
      const ch = text.charCodeAt(s - 1);
      if (ch === 10 || (ch === 13 && text.charCodeAt(s) !== 10)) starts.push(s);
    }
    const after = old.slice(firstAfter(oldEnd + 1));
    if (delta !== 0) for (let i = 0; i < after.length; i++) after[i]! += delta;
    return new LineIndex(text, after.length ? starts.concat(after) : starts);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]!;
  }

  /** Offset just past the line's content, before its line break. */
  lineContentEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1]!;
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineContentEnd(line));
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(clamped);
    // An offset between the \r and \n of a CRLF is still the end of the line, not a column past it.
    return { line, character: Math.min(clamped, this.lineContentEnd(line)) - this.lineStarts[line]! };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(0, position.line)]!;
    return Math.min(start + position.character, this.lineContentEnd(position.line));
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  /** The line break the document uses most, so inserted lines match it. */
  eol(): string {
    const crlf = this.text.indexOf('\r\n');
    return crlf >= 0 ? '\r\n' : '\n';
  }
}
