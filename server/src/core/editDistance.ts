/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), bounded: the one edit distance
 * of the server (flag suggestions, env var look-alikes). A workspace decides how long the words are and how
 * many there are, so the cost must not grow with what nobody will be shown: above `max` the exact value does
 * not matter. Words whose lengths differ by more than `max` cost nothing; otherwise only the band of cells
 * within `max` of the diagonal is filled, and the work stops as soon as a whole row exceeds `max`.
 * Cost: O(min(|a|, |b|) × max), memory O(|b|).
 *
 * Returns the distance when it is at most `max`, else `max + 1`.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  if (a === b) return 0;
  const cols = b.length + 1;
  // Three rows: the one before the previous is needed for transpositions.
  let before = new Array<number>(cols).fill(over);
  let prev = new Array<number>(cols);
  let row = new Array<number>(cols);
  for (let j = 0; j < cols; j++) prev[j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    row.fill(over);
    if (i <= max) row[0] = i;
    let best = row[0]!;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      row[j] = Math.min(v, over);
      if (v < best) best = v;
    }
    if (best > max) return over;
    [before, prev, row] = [prev, row, before];
  }
  return Math.min(prev[b.length]!, over);
}

/** The one candidate within `max` edits of `word`, case aside (a typo's fix); undefined when none, or two tie. */
export function closestWord(word: string, candidates: Iterable<string>, max: number): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = max + 1;
  let ties = 0;
  for (const candidate of candidates) {
    const d = boundedEditDistance(lower, candidate.toLowerCase(), max);
    if (d < bestDistance) [best, bestDistance, ties] = [candidate, d, 0];
    else if (d === bestDistance) ties++;
  }
  return ties === 0 ? best : undefined;
}

/** The candidate closest to `name` within `maxDistance` edits (the first found on a tie), or undefined. */
export function closestWithin(name: string, candidates: Iterable<string>, maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    // Bounded below the best so far: a far candidate costs a few steps, not a full table.
    const d = boundedEditDistance(name, candidate, bestDistance - 1);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
