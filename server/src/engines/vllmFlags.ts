/**
 * How vLLM's argument parser judges a flag, from the facts in vllmFacts.generated.ts (vLLM main 2026-05-27):
 * FlexibleArgumentParser accepts `_` for `-` before the first `.`, `--json-opt.key value` for config options,
 * `--no-X` for BooleanOptionalAction flags, `-O0`..`-O3`; argparse itself accepts a unique abbreviation of a
 * long flag and rejects an ambiguous one; anything else stops vLLM with "unrecognized arguments".
 */
import { createFlagJudge, type FlagVerdict, type RemovedFlag } from './flagJudge';
import { VLLM } from './engines';
import { VLLM_FLAGS, VLLM_REMOVED_FLAGS } from './vllmFacts.generated';

const KNOWN: ReadonlySet<string> = new Set([...(VLLM.knownFlags ?? []), '-h', '--help']);
/** Options that take a JSON object, so `--opt.key value` works (FlexibleArgumentParser). */
const JSON_FLAGS: ReadonlySet<string> = new Set(
  VLLM_FLAGS.filter((f) => /json/i.test(f.type)).flatMap((f) => [f.flag, ...f.aliases]),
);

/** Removed flags that were switches (no value); all others took one value. Source: the flags' old help. */
const REMOVED_SWITCHES = new Set(['--disable-log-requests', '--enable-reasoning']);

/** The last date in the fact's `removed` text is when the command line stopped accepting it. */
export const REMOVED_FLAGS: ReadonlyMap<string, RemovedFlag> = new Map(
  VLLM_REMOVED_FLAGS.filter((r) => !KNOWN.has(r.flag)).map((r) => {
    const dates = [...r.removed.matchAll(/(\d{4}-\d{2}-\d{2})(?:[^#;]*#(\d+))?/g)];
    const last = dates[dates.length - 1];
    return [
      r.flag,
      { flag: r.flag, replacement: r.replacement, date: last?.[1] ?? r.removed, sinceVersion: undefined, pr: last?.[2], takesValue: !REMOVED_SWITCHES.has(r.flag) },
    ];
  }),
);

export type { FlagVerdict, RemovedFlag };

/** `--max_model_len` → `--max-model-len`; only the part before the first `.` (JSON keys keep their `_`). */
export function normalizeFlag(name: string): string {
  if (!name.startsWith('--')) return name;
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  return head.replace(/_/g, '-') + (dot < 0 ? '' : name.slice(dot));
}

/** `-O0`..`-O3` and `-O.key`; `--json-opt.key value` for JSON options and `--flag.key` for the others. */
function acceptsBeyondTable(name: string): boolean {
  if (/^-O\d*$/.test(name) || /^-O\./.test(name)) return true;
  const dot = name.indexOf('.');
  if (dot <= 0) return false;
  const base = name.slice(0, dot);
  return JSON_FLAGS.has(base) || KNOWN.has(base);
}

/**
 * Verdicts depend only on the word and the flag facts (fixed for the process), so each word is judged once:
 * `--x` written 2,000 times costs one judgement, not 2,000 passes over every known flag.
 */
const VLLM_JUDGE = createFlagJudge({ known: KNOWN, removed: REMOVED_FLAGS, allowsAbbreviation: true, normalize: normalizeFlag, acceptsBeyondTable });
export const flagJudgements = VLLM_JUDGE.memo;

export function judgeFlag(written: string): FlagVerdict {
  return VLLM_JUDGE.judge(written);
}

/** Up to three known flags close to `name`, the closest first. */
export function suggestFlags(name: string): string[] {
  return VLLM_JUDGE.suggest(name);
}
