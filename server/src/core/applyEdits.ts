import type { Fix, OffsetEdit, TextEdit } from './types';
import { LineIndex } from './lineIndex';

function toOffsets(lines: LineIndex, edits: readonly TextEdit[]): OffsetEdit[] {
  return edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }));
}

function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  // Two inserts at one offset have no defined order: treat them as a conflict too.
  if (a.start === b.start) return true;
  return a.start < b.end && b.start < a.end;
}

function applyOffsets(text: string, edits: OffsetEdit[]): string {
  // Back to front. Inserts at one offset: the later one is applied first, so the texts appear in array
  // order, as the LSP spec says for TextEdit[] (a stable sort keeps equal keys in array order).
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.e.end - a.e.end || b.i - a.i).map((x) => x.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Applies the edits of one fix (they never overlap each other). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return applyOffsets(text, toOffsets(new LineIndex(text), edits));
}

/**
 * Applies whole fixes that do not touch each other, in order; a fix that would overlap one already taken is
 * left for a later pass (as ESLint does), so combining fixes never corrupts a file. `accept`, when given, is asked
 * about each fix that does not overlap before it is taken (it makes the fix's edits of other files): false leaves it
 * out. `appliedIndexes`: the fixes taken, by their index in `fixes`.
 */
export function applyFixes(
  text: string,
  fixes: readonly Fix[],
  accept?: (fix: Fix, index: number) => boolean,
): { text: string; applied: number; deferred: number; appliedIndexes: number[] } {
  const lines = new LineIndex(text);
  const taken: OffsetEdit[] = [];
  const appliedIndexes: number[] = [];
  let deferred = 0;
  fixes.forEach((fix, index) => {
    const edits = toOffsets(lines, fix.edits);
    if (edits.some((e) => taken.some((t) => overlaps(e, t)))) {
      deferred++;
      return;
    }
    if (accept && !accept(fix, index)) return;
    taken.push(...edits);
    appliedIndexes.push(index);
  });
  return { text: applyOffsets(text, taken), applied: appliedIndexes.length, deferred, appliedIndexes };
}
