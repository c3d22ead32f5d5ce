/**
 * How vLLM's argument parser judges a flag, from the facts in vllmFacts.generated.ts (vLLM main 2026-05-27):
 * FlexibleArgumentParser accepts `_` for `-` before the first `.`, `--json-opt.key value` for config options,
 * `--no-X` for BooleanOptionalAction flags, `-O0`..`-O3`; argparse itself accepts a unique abbreviation of a
 * long flag and rejects an ambiguous one; anything else stops vLLM with "unrecognized arguments".
 */
import { BoundedMemo } from '../core/boundedMemo';
import { boundedEditDistance } from '../core/editDistance';
import { VLLM } from './engines';
import { VLLM_FLAGS, VLLM_REMOVED_FLAGS } from './vllmFacts.generated';

const KNOWN: ReadonlySet<string> = new Set([...(VLLM.knownFlags ?? []), '-h', '--help']);
const LONG_FLAGS: readonly string[] = [...KNOWN].filter((f) => f.startsWith('--')).sort();
/** Options that take a JSON object, so `--opt.key value` works (FlexibleArgumentParser). */
const JSON_FLAGS: ReadonlySet<string> = new Set(
  VLLM_FLAGS.filter((f) => /json/i.test(f.type)).flatMap((f) => [f.flag, ...f.aliases]),
);

export interface RemovedFlag {
  flag: string;
  replacement: string | null;
  /** The date the option stopped being accepted on the command line, with the PR that did it. */
  date: string;
  pr: string | undefined;
  takesValue: boolean;
}

/** Removed flags that were switches (no value); all others took one value. Source: the flags' old help. */
const REMOVED_SWITCHES = new Set(['--disable-log-requests', '--enable-reasoning']);

/** The last date in the fact's `removed` text is when the command line stopped accepting it. */
export const REMOVED_FLAGS: ReadonlyMap<string, RemovedFlag> = new Map(
  VLLM_REMOVED_FLAGS.filter((r) => !KNOWN.has(r.flag)).map((r) => {
    const dates = [...r.removed.matchAll(/(\d{4}-\d{2}-\d{2})(?:[^#;]*#(\d+))?/g)];
    const last = dates[dates.length - 1];
    return [
      r.flag,
      { flag: r.flag, replacement: r.replacement, date: last?.[1] ?? r.removed, pr: last?.[2], takesValue: !REMOVED_SWITCHES.has(r.flag) },
    ];
  }),
);

export type FlagVerdict =
  | { kind: 'known' }
  | { kind: 'removed'; removed: RemovedFlag }
  | { kind: 'ambiguous'; matches: readonly string[] }
  | { kind: 'unknown'; suggestions: readonly string[] };

/** `--max_model_len` → `--max-model-len`; only the part before the first `.` (JSON keys keep their `_`). */
export function normalizeFlag(name: string): string {
  if (!name.startsWith('--')) return name;
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  return head.replace(/_/g, '-') + (dot < 0 ? '' : name.slice(dot));
}

/**
 * Verdicts depend only on the word and the flag facts (fixed for the process), so each word is judged once:
 * `--x` written 2,000 times costs one judgement, not 2,000 passes over every known flag.
 */
export const flagJudgements = new BoundedMemo(judge);

export function judgeFlag(written: string): FlagVerdict {
  return flagJudgements.get(written);
}

function judge(written: string): FlagVerdict {
  const name = normalizeFlag(written);
  if (KNOWN.has(name)) return { kind: 'known' };
  if (/^-O\d*$/.test(name) || /^-O\./.test(name)) return { kind: 'known' };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const base = name.slice(0, dot);
    if (JSON_FLAGS.has(base) || KNOWN.has(base)) return { kind: 'known' };
  }
  const removed = REMOVED_FLAGS.get(name);
  if (removed) return { kind: 'removed', removed };
  if (name.startsWith('--') && dot < 0) {
    // argparse (allow_abbrev) takes a unique prefix of a long option and rejects an ambiguous one.
    const matches = LONG_FLAGS.filter((f) => f.startsWith(name));
    if (matches.length === 1) return { kind: 'known' };
    if (matches.length > 1) return { kind: 'ambiguous', matches: matches.sort((a, b) => a.length - b.length).slice(0, 3) };
  }
  if (!name.startsWith('--') && shortLooksValid(name)) return { kind: 'known' };
  return { kind: 'unknown', suggestions: suggestFlags(name) };
}

/**
 * Single-dash words: only call one unknown when it is clearly not a short alias with an attached value
 * (`-tp4`?) — argparse's rules for those are subtle, and a false alarm is worse than a miss here.
 */
function shortLooksValid(name: string): boolean {
  const letters = /^-[A-Za-z]+/.exec(name)?.[0];
  if (!letters) return true;
  for (const known of KNOWN) {
    if (known.startsWith('--')) continue;
    if (known.startsWith(letters) || letters.startsWith(known)) return true;
  }
  return false;
}

/** Up to three known flags close to `name`, the closest first. */
export function suggestFlags(name: string): string[] {
  const want = name.toLowerCase().replace(/_/g, '-');
  const core = want.replace(/^-+/, '');
  const limit = Math.max(1, Math.min(3, Math.floor(core.length / 5)));
  const scored: Array<{ flag: string; score: number }> = [];
  for (const flag of LONG_FLAGS) {
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
