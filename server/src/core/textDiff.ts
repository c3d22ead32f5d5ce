import { LineIndex } from './lineIndex';
import type { TextEdit } from './types';

/** Common prefix and suffix of the two texts: the edit replaced old[start, oldEnd) by new[start, oldEnd + delta). */
export function changedRegion(old: string, next: string): { start: number; oldEnd: number; delta: number } {
  const min = Math.min(old.length, next.length);
  // Whole blocks first (native string comparison), then characters: a 3 MB text costs about a millisecond.
  const block = 4096;
  let start = 0;
  while (start + block <= min && old.slice(start, start + block) === next.slice(start, start + block)) start += block;
  while (start < min && old.charCodeAt(start) === next.charCodeAt(start)) start++;
  const limit = min - start;
  let suffix = 0;
  while (suffix + block <= limit && old.slice(old.length - suffix - block, old.length - suffix) === next.slice(next.length - suffix - block, next.length - suffix)) suffix += block;
  while (suffix < limit && old.charCodeAt(old.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)) suffix++;
  return { start, oldEnd: old.length - suffix, delta: next.length - old.length };
}

/**
 * The one edit that turns `old` into `next`: the changed middle, between their common prefix and suffix.
 * Never starts or ends between the \r and \n of a line break, where no LSP position can point.
 */
export function minimalEdit(old: string, next: string): TextEdit | undefined {
  if (old === next) return undefined;
  let { start, oldEnd, delta } = changedRegion(old, next);
  if (start > 0 && old.charCodeAt(start - 1) === 13) start--;
  if (oldEnd < old.length && old.charCodeAt(oldEnd - 1) === 13 && old.charCodeAt(oldEnd) === 10) oldEnd++;
  const lines = new LineIndex(old);
  return { range: { start: lines.positionAt(start), end: lines.positionAt(oldEnd) }, newText: next.slice(start, oldEnd + delta) };
}
