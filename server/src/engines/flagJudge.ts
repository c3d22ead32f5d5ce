/**
 * How an engine's argument parser judges a word that looks like a flag, from the engine's flag facts: known,
 * removed, ambiguous (an abbreviation of several flags where the parser takes abbreviations) or unknown with the
 * nearest known flags. One judge per engine; vLLM's adds its own spellings through `acceptsBeyondTable`.
 */
import { BoundedMemo } from '../core/boundedMemo';
import { boundedEditDistance } from '../core/editDistance';

export interface RemovedFlag {
  flag: string;
  replacement: string | null;
  /**
   * When it stopped being accepted: a date (vLLM main, from git history) or an engine release (`v3.1.0`).
   * Which one is told by `sinceVersion`.
   */
  date: string;
  /** The release that no longer has it, when the facts name one. */
  sinceVersion: string | undefined;
  pr: string | undefined;
  takesValue: boolean;
}

export type FlagVerdict =
  | { kind: 'known' }
  | { kind: 'removed'; removed: RemovedFlag }
  | { kind: 'ambiguous'; matches: readonly string[] }
  | { kind: 'unknown'; suggestions: readonly string[] };

export interface FlagParserFacts {
  /** Every spelling the parser accepts (long flags, aliases, `--no-X` forms, `-h`). */
  known: ReadonlySet<string>;
  removed: ReadonlyMap<string, RemovedFlag>;
  /** argparse's allow_abbrev and getopt_long take a unique prefix of a long flag. */
  allowsAbbreviation: boolean;
  /** The spelling the parser compares (vLLM reads `_` as `-` before the first `.`). */
  normalize(name: string): string;
  /** Spellings the table cannot list (vLLM's `-O3`, `--json-flag.key`). */
  acceptsBeyondTable?(name: string): boolean;
}

export interface FlagJudge {
  judge(written: string): FlagVerdict;
  suggest(name: string): string[];
  /** Counts real judgements: the same word written 2,000 times is judged once. */
  readonly memo: BoundedMemo<string, FlagVerdict>;
}

export function createFlagJudge(facts: FlagParserFacts): FlagJudge {
  const longFlags = [...facts.known].filter((f) => f.startsWith('--')).sort();
  const suggest = (name: string): string[] => nearestFlags(longFlags, name);
  const memo = new BoundedMemo((written: string) => judge(facts, longFlags, suggest, written));
  return { judge: (written) => memo.get(written), suggest, memo };
}

function judge(facts: FlagParserFacts, longFlags: readonly string[], suggest: (name: string) => string[], written: string): FlagVerdict {
  const name = facts.normalize(written);
  if (facts.known.has(name) || facts.acceptsBeyondTable?.(name)) return { kind: 'known' };
  const removed = facts.removed.get(name);
  if (removed) return { kind: 'removed', removed };
  if (facts.allowsAbbreviation && name.startsWith('--') && !name.includes('.')) {
    const matches = longFlags.filter((f) => f.startsWith(name));
    if (matches.length === 1) return { kind: 'known' };
    if (matches.length > 1) return { kind: 'ambiguous', matches: matches.sort((a, b) => a.length - b.length).slice(0, 3) };
  }
  if (!name.startsWith('--') && shortLooksValid(facts.known, name)) return { kind: 'known' };
  return { kind: 'unknown', suggestions: suggest(name) };
}

/**
 * Single-dash words: only call one unknown when it is clearly not a short alias with an attached value
 * (`-tp4`, `-ngl99`): parsers' rules for those differ, and a false alarm is worse than a miss here.
 */
function shortLooksValid(known: ReadonlySet<string>, name: string): boolean {
  const letters = /^-[A-Za-z]+/.exec(name)?.[0];
  if (!letters) return true;
  for (const flag of known) {
    if (flag.startsWith('--')) continue;
    if (flag.startsWith(letters) || letters.startsWith(flag)) return true;
  }
  return false;
}

/** Up to three known long flags close to `name`, the closest first. */
function nearestFlags(longFlags: readonly string[], name: string): string[] {
  const want = name.toLowerCase().replace(/_/g, '-');
  const core = want.replace(/^-+/, '');
  const limit = Math.max(1, Math.min(3, Math.floor(core.length / 5)));
  const scored: Array<{ flag: string; score: number }> = [];
  for (const flag of longFlags) {
    // Beyond `limit` the distance only matters as "too far": bounded, so a 50,000-character word costs nothing.
    const d = boundedEditDistance(want, flag, limit);
    // Also a known flag the word starts with (`--max-model-len-tokens`) or ends (`--log-level`).
    const contains = core.length >= 8 && want.startsWith(`${flag}-`);
    const suffix = core.length >= 6 && flag.endsWith(`-${core}`);
    if (d <= limit || contains || suffix) scored.push({ flag, score: suffix || contains ? Math.min(d, limit + 1) : d });
  }
  scored.sort((a, b) => a.score - b.score || Math.abs(a.flag.length - want.length) - Math.abs(b.flag.length - want.length) || a.flag.localeCompare(b.flag));
  // Alternatives only when nearly as close as the best one.
  const best = scored[0]?.score ?? 0;
  return scored.filter((s) => s.score <= best + 1).slice(0, 3).map((s) => s.flag);
}
