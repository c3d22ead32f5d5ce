/**
 * Env var names an engine configured from its environment does not read: a name it removed, or a misspelling of
 * one it reads. Engines read only the names they know and never warn about the others (llama.cpp: "a misspelled
 * LLAMA_ARG_* name is never read"; clap reads a flag's env var by its exact name), so a typo silently leaves the
 * default in place. Facts: facts/<engine>-flags.json (flags' `env`, `env_vars`, removed env vars with release).
 */
import { closestWithin } from '../core/editDistance';
import { flagTable } from './engineFlagTables';
import type { EngineSpec } from './engines';
import { engineFacts } from './engineParsers';

export type EnvNameVerdict =
  | { kind: 'removed'; replacement: string | null; since: string; imageVersion: string | undefined }
  | { kind: 'unknown'; suggestion: string | undefined; factsLabel: string };

/** Names an engine owns: any unknown name with this prefix is a mistake (llama.cpp, Ollama). */
const OWN_PREFIX: Readonly<Record<string, string>> = { llamacpp: 'LLAMA_ARG_', ollama: 'OLLAMA_' };
/** Env-configured engines whose settings have no prefix: only a near-miss of a name they read is reported. */
const PLAIN_NAMES: ReadonlySet<string> = new Set(['tgi', 'tei']);
/** Other software's variables, which a near-miss must never be taken for. */
const FOREIGN = /^(HF_|HUGGING|CUDA_|NCCL_|NVIDIA_|TORCH|PYTORCH_|OMP_|MKL_|PYTHON|LD_|PATH$|HOME$|HOSTNAME$|TZ$)/;

export function judgeEnvName(engine: EngineSpec, name: string, imageTag: string | undefined): EnvNameVerdict | undefined {
  const table = flagTable(engine.id);
  const facts = engineFacts(engine);
  if (!table || !facts || table.envNames.has(name)) return undefined;
  const removed = table.removedEnv.find((r) => r.flag === name);
  if (removed) {
    const placed = facts.placeRemoved(imageTag, removed);
    if (placed.kind !== 'gone') return undefined;
    return { kind: 'removed', replacement: removed.replacement, since: removed.sinceVersion ?? removed.date, imageVersion: placed.version };
  }
  const prefixed = withOwnPrefix(engine.id, name);
  if (prefixed && table.envNames.has(prefixed)) return { kind: 'unknown', suggestion: prefixed, factsLabel: facts.factsLabel };
  const prefix = OWN_PREFIX[engine.id];
  const owned = prefix !== undefined && name.startsWith(prefix);
  if (!owned && !(PLAIN_NAMES.has(engine.id) && name.length >= 8 && !FOREIGN.test(name))) return undefined;
  const suggestion = nearest(name, table.envNames);
  // A release other than the facts' may read a name they lack; a near-miss of a name it reads is wrong in all.
  const placement = facts.placeImage(imageTag).kind;
  if (!suggestion && (!owned || placement !== 'newest')) return undefined;
  return { kind: 'unknown', suggestion, factsLabel: facts.factsLabel };
}

/**
 * llama-server reads its options only as LLAMA_ARG_<OPTION> (common/arg.cpp, every release with env support): a
 * `LLAMA_CTX_SIZE` or `LLAMA_N_GPU_LAYERS` written the way other tools name theirs is never read, in any release.
 */
function withOwnPrefix(engine: string, name: string): string | undefined {
  return engine === 'llamacpp' && name.startsWith('LLAMA_') && !name.startsWith('LLAMA_ARG_') ? `LLAMA_ARG_${name.slice('LLAMA_'.length)}` : undefined;
}

/** The known name within two edits (names of 8 characters or more), the closest first. */
function nearest(name: string, known: ReadonlySet<string>): string | undefined {
  return name.length < 8 ? undefined : closestWithin(name, known, 2);
}
