/**
 * What each engine flag and env var does, for completion and hover: read from the vendored facts, never guessed.
 * - vLLM flags: facts/vllm-cli-flags.json (vllm-project/vllm 52a31cce, vllm/engine/arg_utils.py,
 *   vllm/entrypoints/openai/cli_args.py, vllm/entrypoints/cli/serve.py): type, default, meaning, choices, removed.
 * - vLLM env vars: facts/vllm-env.json (vllm/envs.py at the same commit; huggingface_hub ee0a4510 for HF_*).
 * - TGI, TEI, SGLang, llama.cpp server, Triton and Ollama: facts/<engine>-flags.json, read from each engine's own
 *   source at the commit it names (engineFlagTables.ts).
 * NVIDIA NIM: closed source; its env vars come from its documentation (facts/nim-facts.json).
 */
import cliFacts from './facts/vllm-cli-flags.json';
import envFacts from './facts/vllm-env.json';
import servingFacts from './facts/serving-engines.json';
import { NIM_FACTS_PACKED } from './engineTables.generated';
import { unpackJson } from './packedJson';
import { escapeMarkdown, inlineCode } from '../core/markdown';
import type { EngineId, EngineSpec } from './engines';
import { normalizeFlag, REMOVED_FLAGS } from './vllmFlags';
import { flagTable, tableSourceUrl, type EngineFlagTable, type TableFlag } from './engineFlagTables';
import { compareReleases, factsRelease, releaseOfTag } from './engineReleases';
import { compareVersions, parseVllmVersion, releasedBefore, VLLM_0_21, type VersionTuple } from './vllmReleases';

export interface DocLink {
  label: string;
  url: string;
}

export interface FlagDoc {
  flag: string;
  aliases: readonly string[];
  /** As the facts word it: `int`, `bool (--X / --no-X)`, `str/choice`… */
  type: string;
  /** The default as the facts give it (null: unset). */
  default: unknown;
  defaultNote: string | undefined;
  /** How the default changed across releases. */
  defaultHistory: string | undefined;
  /** A default that older releases had, and the first release with the current one. */
  olderDefault: { value: unknown; until: VersionTuple; untilLabel: string } | undefined;
  meaning: string;
  note: string | undefined;
  choices: readonly string[] | undefined;
  /** Choices that work only with another flag (`--allow-deprecated-quantization`). */
  deprecatedChoices: ReadonlySet<string>;
  takesValue: boolean;
  negatable: boolean;
  /** Written more than once on purpose (`append`, lists): offered again when present. */
  repeatable: boolean;
  deprecated: boolean;
  /** Set for a flag removed from the engine: still accepted by releases out before `date`. */
  removed: { date: string; pr: string | undefined; replacement: string | null } | undefined;
  /** One of the few flags most deployments set (the facts' `common_in_deployment`). */
  common: boolean;
  /** The env var that sets it too (TGI, TEI, llama.cpp read their settings from either). */
  env?: string | undefined;
  /** The first release with the flag (TGI, TEI), for the hover and to leave it out for older images. */
  addedIn?: string | undefined;
  source: DocLink;
}

export interface EnvDoc {
  name: string;
  meaning: string;
  default: string | undefined;
  /** How the value is read (`integer text: 0 = off…`), when the facts say. */
  parse: string | undefined;
  choices: readonly string[] | undefined;
  deprecated: string | undefined;
  source: DocLink;
}

interface RawFlag {
  flag: string;
  aliases?: string[];
  type: string;
  default: unknown;
  meaning: string;
  default_note?: string;
  default_history?: string;
  note?: string;
  common_in_deployment?: boolean;
}

const VLLM_COMMIT = cliFacts.source.commit;
const vllmFile = (path: string, label: string): DocLink => ({ label, url: `https://github.com/vllm-project/vllm/blob/${VLLM_COMMIT}/${path}` });
const SECTIONS: ReadonlyArray<{ options: readonly RawFlag[]; source: DocLink }> = [
  { options: cliFacts.serve_only_options as RawFlag[], source: vllmFile('vllm/entrypoints/cli/serve.py', 'vllm/entrypoints/cli/serve.py') },
  { options: cliFacts.frontend_options as RawFlag[], source: vllmFile('vllm/entrypoints/openai/cli_args.py', 'vllm/entrypoints/openai/cli_args.py') },
  { options: cliFacts.engine_options as RawFlag[], source: vllmFile('vllm/engine/arg_utils.py', 'vllm/engine/arg_utils.py') },
];

const CHOICES = cliFacts.choices as Record<string, unknown>;
const DEPRECATED_QUANTIZATION = new Set(CHOICES['quantization_deprecated_need_--allow-deprecated-quantization'] as string[]);

/** Choices from the facts' `choices` table (by the option's name) or from its type (`choice: a|b|c`). */
function choicesOf(raw: RawFlag): readonly string[] | undefined {
  const fromTable = CHOICES[raw.flag.replace(/^--/, '').replace(/-/g, '_')];
  if (Array.isArray(fromTable)) return fromTable as string[];
  if (fromTable && typeof fromTable === 'object') return Object.keys(fromTable);
  const inType = /choice:?\s+([\w.-]+(?:\|[\w.-]+)+)/.exec(raw.type);
  return inType ? inType[1]!.split('|') : undefined;
}

/** `--gpu-memory-utilization`: 0.9 before v0.21.0 (vllm-cli-flags.json `default_history`; vllmReleases.ts). */
const GPU_MEMORY_PREVIOUS_DEFAULT = (servingFacts.engines.find((e) => e.name === 'vLLM')?.gpu_memory_setting as { previous_default?: number } | undefined)?.previous_default;

function vllmFlag(raw: RawFlag, source: DocLink): FlagDoc {
  const choices = choicesOf(raw);
  return {
    flag: raw.flag,
    aliases: raw.aliases ?? [],
    type: raw.type,
    default: raw.default,
    defaultNote: raw.default_note,
    defaultHistory: raw.default_history,
    olderDefault:
      raw.flag === '--gpu-memory-utilization' && GPU_MEMORY_PREVIOUS_DEFAULT !== undefined
        ? { value: GPU_MEMORY_PREVIOUS_DEFAULT, until: VLLM_0_21, untilLabel: 'v0.21.0' }
        : undefined,
    meaning: raw.meaning,
    note: raw.note,
    choices,
    deprecatedChoices: raw.flag === '--quantization' ? DEPRECATED_QUANTIZATION : new Set(),
    takesValue: !/^bool/.test(raw.type) || /bool\|str/.test(raw.type),
    negatable: /--X \/ --no-X/.test(raw.type),
    repeatable: /repeatable|append/.test(raw.type),
    deprecated: /^deprecated\b/i.test(raw.meaning),
    removed: undefined,
    common: raw.common_in_deployment === true,
    source,
  };
}

const REMOVED_SOURCE = vllmFile('vllm/engine/arg_utils.py', 'vllm/engine/arg_utils.py (git history)');

function removedFlag(flag: string): FlagDoc {
  const removed = REMOVED_FLAGS.get(flag)!;
  return {
    flag,
    aliases: [],
    type: removed.takesValue ? 'takes a value' : 'switch',
    default: null,
    defaultNote: undefined,
    defaultHistory: undefined,
    olderDefault: undefined,
    meaning: `Removed from vLLM on ${removed.date}${removed.pr ? ` (PR #${removed.pr})` : ''}${removed.replacement ? `; instead: ${removed.replacement}` : ''}.`,
    note: undefined,
    choices: undefined,
    deprecatedChoices: new Set(),
    takesValue: removed.takesValue,
    negatable: false,
    repeatable: false,
    deprecated: true,
    removed: { date: removed.date, pr: removed.pr, replacement: removed.replacement },
    common: false,
    source: REMOVED_SOURCE,
  };
}

const VLLM_FLAG_DOCS: readonly FlagDoc[] = SECTIONS.flatMap((s) => s.options.filter((o) => o.flag.startsWith('-')).map((o) => vllmFlag(o, s.source)));
const VLLM_REMOVED_DOCS: readonly FlagDoc[] = [...REMOVED_FLAGS.keys()].map(removedFlag);
const VLLM_BY_NAME = new Map<string, FlagDoc>(
  [...VLLM_FLAG_DOCS, ...VLLM_REMOVED_DOCS].flatMap((d) => [d.flag, ...d.aliases, ...(d.negatable ? [d.flag.replace(/^--/, '--no-')] : [])].map((n) => [n, d] as const)),
);

/**
 * The flags an engine's image accepts, for completion: the current ones, plus those removed after the release the
 * image's tag pins. Undefined when no flag list is vendored for the engine (then nothing is offered).
 */
export function flagsFor(engine: EngineSpec | undefined, imageTag: string | undefined): readonly FlagDoc[] | undefined {
  if (!engine) return undefined;
  if (engine.id !== 'vllm') {
    const flags = tableDocs(engine.id)?.flags;
    // An image pinned to an older release lacks the flags added since.
    const release = releaseOfTag(engine.id, imageTag);
    if (!flags || release.kind !== 'version') return flags;
    return flags.filter((d) => {
      const added = d.addedIn ? factsRelease(engine.id, d.addedIn, '') : undefined;
      return !added || compareReleases(release.version, added) >= 0;
    });
  }
  const stillThere = VLLM_REMOVED_DOCS.filter((d) => releasedBefore(imageTag, d.removed!.date).before);
  return stillThere.length ? [...VLLM_FLAG_DOCS, ...stillThere] : VLLM_FLAG_DOCS;
}

/** The doc of a flag as written (`--max_model_len`, `-tp`, `--no-enforce-eager`, `--dtype=half`), if known. */
export function flagDoc(engine: EngineSpec | undefined, written: string): FlagDoc | undefined {
  if (!engine) return undefined;
  const name = written.includes('=') ? written.slice(0, written.indexOf('=')) : written;
  if (engine.id !== 'vllm') return tableDocs(engine.id)?.byName.get(name);
  return VLLM_BY_NAME.get(normalizeFlag(name));
}

interface TableDocs {
  flags: readonly FlagDoc[];
  byName: ReadonlyMap<string, FlagDoc>;
  env: readonly EnvDoc[];
}

const TABLE_DOCS = new Map<EngineId, TableDocs | undefined>();

/** Docs of an engine's flag table (engineFlagTables.ts), made on first use. */
function tableDocs(id: EngineId): TableDocs | undefined {
  if (TABLE_DOCS.has(id)) return TABLE_DOCS.get(id);
  const table = flagTable(id);
  const docs = table && makeTableDocs(table);
  TABLE_DOCS.set(id, docs);
  return docs;
}

function makeTableDocs(table: EngineFlagTable): TableDocs {
  const source: DocLink = { label: `${table.repository} ${table.flagsFile ?? ''}`.trim(), url: tableSourceUrl(table, table.flagsFile) };
  const flags = table.flags.map((f) => tableFlagDoc(f, source));
  const byName = new Map<string, FlagDoc>(
    flags.flatMap((d, i) => [d.flag, ...d.aliases, ...(table.flags[i]!.negated ?? []), ...(d.negatable ? [d.flag.replace(/^--/, '--no-')] : [])].map((n) => [n, d] as const)),
  );
  const fromFlags: EnvDoc[] = table.flags.flatMap((f) =>
    f.env ? [{ name: f.env, meaning: `Sets ${f.flag}: ${f.meaning}`, default: defaultText(f.default), parse: undefined, choices: f.choices ?? undefined, deprecated: f.deprecated ? 'deprecated' : undefined, source }] : [],
  );
  const own: EnvDoc[] = table.envVars.map((e) => ({
    name: e.name,
    meaning: e.meaning,
    default: defaultText(e.default),
    parse: undefined,
    choices: undefined,
    deprecated: undefined,
    source: e.source_file ? { label: `${table.repository} ${e.source_file}`, url: tableSourceUrl(table, e.source_file) } : source,
  }));
  const seen = new Set<string>();
  const env = [...fromFlags, ...own].filter((d) => !seen.has(d.name) && seen.add(d.name));
  return { flags, byName, env };
}

function tableFlagDoc(f: TableFlag, source: DocLink): FlagDoc {
  return {
    flag: f.flag,
    aliases: f.aliases,
    type: f.type,
    default: f.default,
    defaultNote: undefined,
    defaultHistory: undefined,
    olderDefault: undefined,
    meaning: f.meaning,
    note: undefined,
    choices: f.choices ?? undefined,
    deprecatedChoices: new Set(),
    takesValue: f.takes_value,
    negatable: f.negatable === true,
    repeatable: f.repeatable,
    deprecated: f.deprecated,
    removed: undefined,
    common: false,
    env: f.env ?? undefined,
    addedIn: f.added_in,
    source,
  };
}

interface RawEnv {
  name: string;
  default_raw?: string | null;
  default?: string | number;
  parse?: string;
  meaning?: string;
  source_comment_excerpt?: string;
  choices?: string[];
  category?: string;
  deprecated?: { removal_version?: string; replacement?: string } | string;
}

const ENVS_PY = vllmFile('vllm/envs.py', 'vllm/envs.py');
const hubSource = envFacts.source.huggingface_hub;
const HUB_CONSTANTS: DocLink = {
  label: 'huggingface_hub constants.py',
  url: `https://github.com/${hubSource.repository}/blob/${hubSource.commit}/src/huggingface_hub/constants.py`,
};

function deprecationText(d: RawEnv['deprecated']): string | undefined {
  if (!d) return undefined;
  if (typeof d === 'string') return d;
  return [d.removal_version ? `to be removed in ${d.removal_version}` : '', d.replacement ? `use ${d.replacement}` : ''].filter(Boolean).join('; ') || 'deprecated';
}

const VLLM_ENV_DOCS: readonly EnvDoc[] = [
  // Build-time variables (VLLM_TARGET_DEVICE, MAX_JOBS…) do nothing in a running container.
  ...(envFacts.vllm_env_vars.items as RawEnv[])
    .filter((e) => e.category !== 'build')
    .map((e) => ({
      name: e.name,
      meaning: e.meaning ?? e.source_comment_excerpt ?? '',
      default: e.default_raw === null || e.default_raw === undefined ? undefined : String(e.default_raw),
      parse: e.parse,
      choices: e.choices,
      deprecated: deprecationText(e.deprecated),
      source: ENVS_PY,
    })),
  ...(envFacts.huggingface_env_vars as RawEnv[]).map((e) => ({
    name: e.name,
    meaning: e.meaning ?? '',
    default: e.default === undefined ? undefined : String(e.default),
    parse: undefined,
    choices: undefined,
    deprecated: /^deprecated/i.test(e.meaning ?? '') ? 'deprecated' : undefined,
    source: HUB_CONSTANTS,
  })),
];

const ENV_BY_NAME = new Map<EngineId, ReadonlyMap<string, EnvDoc>>([['vllm', new Map(VLLM_ENV_DOCS.map((d) => [d.name, d]))]]);

interface RawNimEnv {
  name: string;
  meaning?: string;
  default?: string | null;
  source: string;
  doc_line?: string;
}

interface NimFacts {
  sources: ReadonlyArray<{ id: string; url_or_repo: string; commit_or_version: string }>;
  env_vars: readonly RawNimEnv[];
}

let nimEnvDocs: readonly EnvDoc[] | undefined;

/** NIM's env vars as NVIDIA's docs (1.x and 2.x) name them; `doc_line` says which doc line names each. */
function nimEnvDocsOf(): readonly EnvDoc[] {
  if (!nimEnvDocs) {
    const facts = unpackJson(NIM_FACTS_PACKED) as NimFacts;
    const sources = new Map(facts.sources.map((s) => [s.id, s]));
    nimEnvDocs = facts.env_vars.map((e) => nimEnvDoc(e, sources.get(e.source)));
  }
  return nimEnvDocs;
}

function nimEnvDoc(e: RawNimEnv, source: NimFacts['sources'][number] | undefined): EnvDoc {
  const line = e.doc_line === '1.x' || e.doc_line === '2.x' ? ` (NIM ${e.doc_line} docs)` : '';
  return {
    name: e.name,
    meaning: (e.meaning ?? '') + line,
    default: e.default ?? undefined,
    parse: undefined,
    choices: undefined,
    deprecated: undefined,
    source: nimLink(source),
  };
}

/** A docs page as is; a repository at the commit its entry names. */
function nimLink(source: { url_or_repo: string; commit_or_version: string } | undefined): DocLink {
  if (!source) return { label: 'NVIDIA NIM docs', url: 'https://docs.nvidia.com/nim/large-language-models/latest/' };
  if (source.url_or_repo.startsWith('https://')) return { label: source.commit_or_version, url: source.url_or_repo };
  const commit = /^[0-9a-f]{40}/.exec(source.commit_or_version)?.[0];
  return { label: source.url_or_repo, url: `https://github.com/${source.url_or_repo}${commit ? `/tree/${commit}` : ''}` };
}

function envDocsOf(id: EngineId): readonly EnvDoc[] | undefined {
  if (id === 'vllm') return VLLM_ENV_DOCS;
  if (id === 'nim') return nimEnvDocsOf();
  return tableDocs(id)?.env;
}

/** The env vars an engine reads, with their docs; undefined when none are vendored for it. */
export function envVarsFor(engine: EngineSpec | undefined): readonly EnvDoc[] | undefined {
  return engine ? envDocsOf(engine.id) : undefined;
}

export function envDoc(engine: EngineSpec | undefined, name: string): EnvDoc | undefined {
  if (!engine) return undefined;
  let byName = ENV_BY_NAME.get(engine.id);
  if (!byName) {
    byName = new Map((envDocsOf(engine.id) ?? []).map((d) => [d.name, d]));
    ENV_BY_NAME.set(engine.id, byName);
  }
  return byName.get(name);
}

/** A flag's default as text for people: `0.92`, `"auto"` → `auto`, null → undefined. */
export function defaultText(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Whether the image's tag pins a release older than the one that changed the flag's default. */
function pinnedBeforeDefaultChange(doc: FlagDoc, imageTag: string | undefined): boolean {
  const version = doc.olderDefault && imageTag ? parseVllmVersion(imageTag) : undefined;
  return !!version && compareVersions(version, doc.olderDefault!.until) < 0;
}

/** The default the image's release applies, as text (the older one when its tag is older than the change). */
export function defaultForImage(doc: FlagDoc, imageTag: string | undefined): string | undefined {
  return pinnedBeforeDefaultChange(doc, imageTag) ? String(doc.olderDefault!.value) : defaultText(doc.default);
}

/** Markdown for a flag: what it does, type, default (for the image's release when it differs), choices, link. */
export function flagMarkdown(engineName: string, doc: FlagDoc, imageTag?: string): string {
  const lines = [`${inlineCode(doc.flag)} · ${escapeMarkdown(doc.type)} · ${escapeMarkdown(engineName)}`, '', escapeMarkdown(doc.meaning)];
  if (doc.note) lines.push('', escapeMarkdown(doc.note));
  const facts: string[] = [];
  const shown = defaultText(doc.default);
  if (shown !== undefined || doc.defaultNote) facts.push(`Default: ${shown !== undefined ? inlineCode(shown) : 'unset'}${doc.defaultNote ? ` (${escapeMarkdown(doc.defaultNote)})` : ''}`);
  const older = doc.olderDefault;
  if (older) {
    const pinnedOlder = pinnedBeforeDefaultChange(doc, imageTag);
    facts.push(`Before ${older.untilLabel}: ${inlineCode(String(older.value))}${pinnedOlder ? ` (this image's tag ${inlineCode(imageTag!)} is older: ${inlineCode(String(older.value))} applies)` : ''}`);
  }
  if (doc.defaultHistory && !older) facts.push(`History: ${escapeMarkdown(doc.defaultHistory)}`);
  if (doc.aliases.length) facts.push(`Also: ${doc.aliases.map(inlineCode).join(', ')}`);
  if (doc.env) facts.push(`Env var: ${inlineCode(doc.env)}`);
  if (doc.addedIn) facts.push(`Since ${escapeMarkdown(doc.addedIn)}`);
  if (doc.negatable) facts.push(`Turn off: ${inlineCode(doc.flag.replace(/^--/, '--no-'))}`);
  if (doc.choices?.length) facts.push(`Choices: ${doc.choices.map(inlineCode).join(', ')}`);
  if (doc.deprecated && !doc.removed) facts.push('Deprecated.');
  if (doc.removed) {
    facts.push(`Removed on vLLM main on ${doc.removed.date}${doc.removed.pr ? ` (PR #${doc.removed.pr})` : ''}: releases out before then accept it, later ones stop with "unrecognized arguments".`);
  }
  if (facts.length) lines.push('', ...facts.map((f) => `- ${f}`));
  lines.push('', `Source: [${escapeMarkdown(doc.source.label)}](${doc.source.url})`);
  return lines.join('\n');
}

/** Markdown for an env var: what it does, how it is read, default, choices, link. */
export function envMarkdown(engineName: string, doc: EnvDoc): string {
  const lines = [`${inlineCode(doc.name)} · env var read by ${escapeMarkdown(engineName)}`, '', escapeMarkdown(doc.meaning || 'No description in the source.')];
  const facts: string[] = [];
  facts.push(`Default: ${doc.default !== undefined && doc.default !== '' ? inlineCode(doc.default) : 'unset'}`);
  if (doc.parse) facts.push(`Read as: ${escapeMarkdown(doc.parse)}`);
  if (doc.choices?.length) facts.push(`Choices: ${doc.choices.map(inlineCode).join(', ')}`);
  if (doc.deprecated) facts.push(`Deprecated: ${escapeMarkdown(doc.deprecated)}`);
  lines.push('', ...facts.map((f) => `- ${f}`), '', `Source: [${escapeMarkdown(doc.source.label)}](${doc.source.url})`);
  return lines.join('\n');
}
