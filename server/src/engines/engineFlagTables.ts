/**
 * The flag and env tables of engines other than vLLM, each read from the engine's own source at a pinned commit
 * by scripts/engine-facts/extract-<engine>.mjs (facts/<engine>-flags.json names the repository, commit and files),
 * slimmed into engineTables.generated.ts by scripts/gen-engine-tables.mjs. vLLM keeps its richer tables
 * (vllm-cli-flags.json, vllm-env.json): its flags have release history by date.
 */
import { ENGINE_TABLES_PACKED } from './engineTables.generated';
import { unpackJson } from './packedJson';
import type { EngineId } from './engines';
import { createFlagJudge, type FlagJudge, type RemovedFlag } from './flagJudge';

export interface TableFlag {
  flag: string;
  aliases: readonly string[];
  env: string | null;
  takes_value: boolean;
  type: string;
  default: unknown;
  choices: readonly string[] | null;
  repeatable: boolean;
  deprecated: boolean;
  meaning: string;
  /** argparse BooleanOptionalAction: `--no-X` turns it off. */
  negatable?: boolean;
  /** Spellings that turn it off (llama.cpp `--no-mmap`). */
  negated?: readonly string[];
  /** The first release with the flag, where the facts read the engine's release history (TGI, TEI). */
  added_in?: string;
}

export interface TableEnvVar {
  name: string;
  meaning: string;
  default: unknown;
  source_file?: string;
}

interface TableRemoved {
  flag: string;
  replacement: string | null;
  removed_in: string;
  evidence?: string;
  kind?: string;
}

interface RawTable {
  engine: string;
  source: { repository: string; commit: string; commit_date: string; version: string | null; files: readonly string[] };
  parser: { kind: string; rejects_unknown: boolean; unknown_error?: string; allows_abbreviation: boolean; value_forms?: readonly string[]; underscores_as_dashes?: boolean };
  flags: readonly TableFlag[];
  env_vars: readonly TableEnvVar[];
  removed_flags: readonly TableRemoved[];
  flag_env_negated?: readonly string[];
  image?: { entrypoint_splits_words?: boolean | null };
}

export interface EngineFlagTable {
  engine: EngineId;
  repository: string;
  commit: string;
  commitDate: string;
  /** The release the commit is, or follows (`v3.3.7`); null when the facts name none. */
  version: string | null;
  /** The file that defines the flags, for links. */
  flagsFile: string | undefined;
  /** Whether an unknown flag stops the engine at start-up, and the words it prints (short, for messages). */
  rejectsUnknown: boolean;
  refusal: string;
  /** `--flag=value` works (llama.cpp takes only `--flag value`). */
  acceptsInlineValue: boolean;
  flags: readonly TableFlag[];
  envVars: readonly TableEnvVar[];
  /** Every env var the engine reads: its flags' (llama.cpp's `LLAMA_ARG_NO_*` too) and its own. */
  envNames: ReadonlySet<string>;
  /** Removed flags (and, for Ollama, removed env vars: `kind: env`). */
  removed: readonly RemovedFlag[];
  removedEnv: readonly RemovedFlag[];
  /** The engine image's ENTRYPOINT script splits its arguments into words again (TGI's `exec ... $@`). */
  entrypointSplitsWords: boolean;
  judge: FlagJudge;
}


/** The parser's family: clap's derive API is clap. */
const family = (kind: string) => (kind.startsWith('clap') ? 'clap' : kind);

/** Spellings every parser of these kinds answers without listing them. */
const HELP: Record<string, readonly string[]> = {
  clap: ['-h', '--help', '-V', '--version'],
  argparse: ['-h', '--help'],
  'llama-common-arg': ['-h', '--help', '--usage'],
  getopt_long: ['--help'],
};

/** What each kind of parser prints for an unknown flag (the facts' `unknown_error` quotes it in full). */
const REFUSAL: Record<string, string> = {
  clap: 'unexpected argument',
  argparse: 'unrecognized arguments',
  'llama-common-arg': 'invalid argument',
  getopt_long: 'unrecognized option',
};

function removedOf(raw: TableRemoved, known: ReadonlySet<string>): RemovedFlag | undefined {
  if (known.has(raw.flag)) return undefined;
  // `v2.0.0`, `2024-07-29`, or `between b8547 and b8562 (b8562)`: the release in parentheses is the first without it.
  const removedIn = /\(([^()]+)\)\s*$/.exec(raw.removed_in)?.[1] ?? raw.removed_in;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(removedIn) ? removedIn : '';
  return {
    flag: raw.flag,
    replacement: raw.replacement,
    date: date || removedIn,
    sinceVersion: date ? undefined : removedIn,
    pr: /#(\d+)/.exec(raw.evidence ?? '')?.[1],
    takesValue: true,
  };
}

function build(engine: EngineId, raw: RawTable): EngineFlagTable {
  const known = new Set<string>([
    ...(HELP[family(raw.parser.kind)] ?? []),
    ...raw.flags.flatMap((f) => [f.flag, ...f.aliases, ...(f.negated ?? []), ...(f.negatable ? [f.flag.replace(/^--/, '--no-')] : [])]),
  ]);
  // llama.cpp reads `_` as `-` in words that start with `--` (common/arg.cpp).
  const normalize = raw.parser.underscores_as_dashes ? (name: string) => (name.startsWith('--') ? name.replace(/_/g, '-') : name) : (name: string) => name;
  const removedFlags = raw.removed_flags.filter((r) => r.kind !== 'env').flatMap((r) => removedOf(r, known) ?? []);
  const removedEnv = raw.removed_flags.filter((r) => r.kind === 'env').flatMap((r) => removedOf(r, new Set()) ?? []);
  return {
    engine,
    repository: raw.source.repository,
    commit: raw.source.commit,
    commitDate: raw.source.commit_date,
    version: raw.source.version,
    flagsFile: raw.source.files[0],
    rejectsUnknown: raw.parser.rejects_unknown,
    refusal: REFUSAL[family(raw.parser.kind)] ?? 'an unknown argument',
    acceptsInlineValue: raw.parser.value_forms?.some((f) => f.includes('=')) ?? true,
    flags: raw.flags,
    envVars: raw.env_vars,
    envNames: new Set([...raw.flags.flatMap((f) => (f.env ? [f.env] : [])), ...(raw.flag_env_negated ?? []), ...raw.env_vars.map((e) => e.name)]),
    removed: removedFlags,
    removedEnv,
    entrypointSplitsWords: raw.image?.entrypoint_splits_words === true,
    judge: createFlagJudge({
      known,
      removed: new Map(removedFlags.map((r) => [r.flag, r])),
      allowsAbbreviation: raw.parser.allows_abbreviation,
      normalize,
    }),
  };
}

const TABLES = new Map<EngineId, EngineFlagTable>();

/** The engine's flag table, built on first use (most files name one or two engines). */
export function flagTable(engine: EngineId): EngineFlagTable | undefined {
  const cached = TABLES.get(engine);
  if (cached) return cached;
  const packed = ENGINE_TABLES_PACKED[engine];
  if (!packed) return undefined;
  const table = build(engine, unpackJson(packed) as RawTable);
  TABLES.set(engine, table);
  return table;
}

/** `owner/name@commit` file link for hovers. */
export function tableSourceUrl(table: EngineFlagTable, path: string | undefined): string {
  return `https://github.com/${table.repository}/blob/${table.commit}/${path ?? ''}`;
}
