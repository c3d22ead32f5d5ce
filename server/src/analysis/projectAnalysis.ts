/**
 * A Compose file analysed within its project (issue 9 §3): what an override or included file supplies is not
 * missing from the base file, and what is wrong in the merged service is reported in the file that wrote it.
 *
 * For a file F of a project of more than one file (projectForFile: COMPOSE_FILE, else the default file and its
 * override; or files F reaches through `include` / `extends.file`; or the files named with `-f`):
 * 1. S: F analysed alone, as always (exact ranges, fixes), with the names the other files define
 *    (`compose-reference-undefined` speaks in the project's context);
 * 2. M: the merged project analysed (mergedAnalysis.ts), each report traced to the file and node it came from;
 * 3. F gets: every S report of a rule about the text as written (TEXT_RULES), of no service, or of a service only F
 *    writes; an S report about a service other files also write only when M confirms it (same rule, traced to F at
 *    an overlapping range, or both at the service's key); and each M report traced to F with no S counterpart,
 *    without fixes (a fix is computed on F's own text only). Findings about a shared service name the other files
 *    that define it (relatedInformation). F's suppression comments apply to all of them (analyze.ts finalize).
 * A project Compose refuses falls back to F alone: never a crash, never a finding lost.
 *
 * A file of several YAML documents is a project of its own even alone: compose-go merges its documents in order as
 * it merges files (loader/loader.go loadYamlFile at compose-spec/compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2).
 * So the unit above is a part, a file or one document of a file of several (mergedAnalysis.ts partOf): S is each
 * document alone (yamlDocuments.ts partText keeps the file's offsets, so ranges and fixes hold), "other files" are
 * the other parts, and F's findings are those of all its documents. It is never analysed incrementally; a file of
 * one document pays one scan of its lines for this (yamlDocuments.ts documentParts).
 */
import { dirname, relative } from 'node:path';
import type { AnalysisOptions } from '../core/analysisOptions';
import { MAX_ANALYSED_BYTES } from '../core/boundedFile';
import { LineIndex } from '../core/lineIndex';
import type { Finding, RelatedInformation, Span } from '../core/types';
import { ComposeError, loadProject, projectInputForFile, resolveProjectOptions, type LoadedProject, type Origin, type ProjectInput, type ProjectOptions, type ProjectReader } from '../compose/project';
import { overlayReader } from '../compose/project/overlayReader';
import { composeReports, finalize, RawReport, ruleReports, SYNTAX_RULE_ID, tooLargeFindings } from './analyze';
import { optionsKey } from './incrementalCompose';
import { IncrementalStore } from './incrementalStore';
import { analyzeMergedFor, hasSeveralParts, InvolvedOrigin, MergedReport, ProjectFacts, projectFacts, servicesFor, TextAnalysis } from './mergedAnalysis';
import { documentParts, hasSeveralDocuments, partText, type KeptParses, type ParsedText } from '../compose/yamlDocuments';
import { analyzeDocumentsAlone } from './documentAnalysis';
import { ServiceExtents } from './serviceExtents';
import { REFERENCE_RULE_ID } from '../rules/compose-reference-undefined';

/**
 * Rules about the text as written, whatever the other files say: a file Compose refuses to parse or interpolate, a
 * secret written in it, a value the schema rejects in that file (compose-go validates after each file), how an
 * `environment:` list is written (the merged model holds a map), and references, which S already reads with the
 * project's names. Their S findings are always kept and M skips them. Every other rule is about the service as
 * Compose merges it. A new rule about the text goes here.
 */
export const TEXT_RULES: ReadonlySet<string> = new Set([
  SYNTAX_RULE_ID,
  'compose-interpolation-invalid',
  'secret-literal',
  'healthcheck-timing-invalid',
  'gpu-capabilities-missing',
  'compose-reference-undefined',
  'compose-schema',
  'env-duplicate-key',
  'env-value-quoted',
  'internal-error',
]);

/** How the project of a file is found: its folder's file set (projectForFile), or the files named with `-f`. */
export interface ProjectSource {
  /** Reads the project's files (inside the workspace or the project folder). */
  reader: ProjectReader;
  /** The shell's variables (the editor has none). */
  environment?: ReadonlyMap<string, string>;
  /** `-f`, in order, and the folder they are relative to: the project is these files. */
  files?: { cwd: string; paths: readonly string[] };
  /**
   * The language server's count of changes on disk (any watched file): with it, what the disk says is taken as
   * unchanged while it stays the same (which files form the project, merged analyses). None: nothing is kept.
   */
  epoch?: number;
  /** What the reader's unsaved texts are, as a key (with `epoch`, the whole of what the reader can say). */
  textsKey?: string;
}

export interface ProjectAnalysis {
  findings: Finding[];
  /** The files the analysis read (Compose files, `.env`): analyse again when one of them changes. */
  files: string[];
  /** False: analysed alone (a one-file project, or one Compose refuses). */
  inProject: boolean;
}

/**
 * The project of `file` when it has more than one part (several files, or `file` has several YAML documents), else
 * undefined (then analyse `file` alone, incrementally if you like). `text` is the file's text now (it may differ
 * from the disk).
 */
export function multiPartProject(file: string, text: string, source: ProjectSource): { input: ProjectInput; options: ProjectOptions } | undefined {
  // Finding the file set stats a dozen names and reads `.env`: on every keystroke in a one-file project, once is enough.
  if (source.epoch === undefined || source.files) return findProject(file, text, source);
  const key = `${file}\0${source.epoch}\0${mayReachOtherFiles(text)}\0${analysedAsDocuments(text)}\0${JSON.stringify([...(source.environment ?? [])])}\0${source.textsKey ?? ''}`;
  return membership.get(file, key, () => findProject(file, text, source));
}

function findProject(file: string, text: string, source: ProjectSource): { input: ProjectInput; options: ProjectOptions } | undefined {
  const reader = overlayReader(source.reader, new Map([[file, text]]));
  const environment = source.environment ?? new Map<string, string>();
  let options: ProjectOptions;
  let input: ProjectInput;
  try {
    if (source.files) {
      input = { cwd: source.files.cwd, environment, files: source.files.paths };
      options = resolveProjectOptions(input, reader);
    } else {
      ({ input, options } = projectInputForFile(file, environment, reader));
    }
  } catch (err) {
    if (err instanceof ComposeError) return undefined;
    throw err;
  }
  if (!options.configFiles.includes(file)) return undefined;
  if (options.configFiles.length === 1 && !mayReachOtherFiles(text) && !analysedAsDocuments(text)) return undefined;
  return { input, options };
}

/**
 * Whether a file may `include` others or extend a service of another file (`extends: {file: ...}`): told from the
 * text, so a one-file project is not loaded on every keystroke. `file:` as a key of its own (not `env_file:`,
 * `max-file:`).
 */
function mayReachOtherFiles(text: string): boolean {
  return /(^|\n)["']?include["']?[ \t]*:/.test(text) || (/\bextends["']?[ \t]*:/.test(text) && /(^|[\s{,])["']?file["']?[ \t]*:/.test(text));
}

/**
 * Whether a Compose text has several YAML documents, each a part of its project. A text too large to analyse is
 * never parsed for it: it is declined whole, at no cost.
 */
export function analysedAsDocuments(text: string): boolean {
  return text.length <= MAX_ANALYSED_BYTES && hasSeveralDocuments(text);
}

/** `file` analysed within its project (see the top of this file); `options` are those of `file` alone. */
export function analyzeInProject(
  file: string,
  text: string,
  source: ProjectSource,
  options: AnalysisOptions,
  /** multiPartProject's answer, when the caller asked already. */
  found = multiPartProject(file, text, source),
): ProjectAnalysis {
  const alone = (files = [file]): ProjectAnalysis => ({ findings: analyzeDocumentsAlone(text, options), files, inProject: false });
  if (tooLargeFindings(text, options)) return alone();
  if (!found) return alone();
  const reader = overlayReader(source.reader, new Map([[file, text]]));
  // F's own analysis first: it keeps F's parse up to date, which the project load then reads instead of parsing F.
  const ownParse = keptParse(file, text, options);
  const project = loadCached(found.input, found.options, reader, options, source.epoch ?? 0, (path, pathText) => (path === file && pathText === text ? ownParse : undefined));
  // Refused by Compose: analysed alone until a file of the project changes (the one that made Compose refuse it).
  if (!project) return alone([...found.options.configFiles, ...found.options.envFiles]);
  if (!project.facts || !project.loaded.files.has(file)) return alone();
  const { loaded, facts } = project;
  const files = [...loaded.files.keys(), ...loaded.options.envFiles];
  // A project that is F alone (its documents) may be one of the files a person names with -f.
  const fileAlone = !source.files && loaded.files.size === 1;
  const own = ownReports(file, text, { ...options, project: { definedElsewhere: facts.defined, ...(fileAlone ? { fileAlone } : {}) } });
  const reports = mergedReports(file, project);
  const fromHere = reports.filter((m) => m.origin.file === file);
  /** The part of F (F, or one of its documents) that an offset of its text is in. */
  const partAt = (offset: number) => facts.partOf({ file, range: [offset, offset] });
  // Whether the service, as the merge makes it, may differ from what the part alone says: another part (file or
  // document) writes it too; or, in a file of several documents, a service it reads (`depends_on`, `volumes_from`,
  // the GPUs others take) may be written in another document.
  const severalDocuments = own.documents > 1;
  const shared = (service: string | undefined, part: string) => {
    const parts = service === undefined ? undefined : facts.contributors.get(service);
    return !!parts && parts.has(part) && (parts.size > 1 || severalDocuments);
  };

  // Each report this file gets, with the merged reports that say the same (what the other parts contributed).
  const kept: Array<{ raw: RawReport; merged: readonly MergedReport[] }> = [];
  const counterparts = new Set<MergedReport>();
  // The part of F that first reported a rule at a service's key: each document of F that writes the service lacks
  // what the merged service lacks, and one finding (in its first document) says it.
  const firstAtKey = new Map<string, string>();
  for (const s of own.raw) {
    const service = own.extents.at(s.report.span.start);
    const part = partAt(s.report.span.start);
    if (TEXT_RULES.has(s.rule) || !shared(service?.name, part)) {
      kept.push({ raw: s, merged: [] });
      continue;
    }
    const atKey = service!.keyAt.start === s.report.span.start;
    const confirming = confirmations(reports, fromHere, s, service!.name, atKey);
    confirming.forEach((m) => counterparts.add(m));
    if (!confirming.length) continue;
    if (atKey) {
      const first = firstAtKey.get(`${s.rule}\0${service!.name}`) ?? part;
      if (first !== part) continue;
      firstAtKey.set(`${s.rule}\0${service!.name}`, part);
    }
    kept.push({ raw: s, merged: confirming });
  }
  // What only the merged project shows (a value an override brings, read with what the base sets), at its origin.
  const added = new Map<string, { raw: RawReport; merged: readonly MergedReport[] }>();
  for (const m of fromHere) {
    if (counterparts.has(m) || !shared(m.service, facts.partOf(m.origin)) || hasCounterpart(own.raw, m)) continue;
    const span: Span = { start: m.origin.range[0], end: m.origin.range[1] };
    const raw: RawReport = { ...m.raw, report: { span, message: m.raw.report.message, ...(m.raw.report.severity ? { severity: m.raw.report.severity } : {}), fixes: [] } };
    added.set(`${m.raw.rule}\0${span.start}\0${span.end}\0${raw.report.message}`, { raw, merged: [m] });
  }
  // What a file outside the project's file set wrote into a service of F (`extends: {file: ...}`): no editor of that
  // file sees it in this project, so it is reported at F's `extends:`, which brings it in, pointing to the value.
  const configFiles = new Set(loaded.options.configFiles);
  for (const m of reports) {
    const at = m.service === undefined ? undefined : own.extendsAt.get(m.service);
    if (!at || m.origin.file === file || configFiles.has(m.origin.file) || own.raw.some((s) => s.rule === m.raw.rule && s.report.span.start === at.start)) continue;
    const raw: RawReport = { ...m.raw, report: { span: at, message: m.raw.report.message, ...(m.raw.report.severity ? { severity: m.raw.report.severity } : {}), fixes: [] } };
    const written: MergedReport = { ...m, involved: [{ origin: m.origin, what: 'the value in question' }, ...m.involved] };
    added.set(`${m.raw.rule}\0${at.start}\0${at.end}\0${raw.report.message}`, { raw, merged: [written] });
  }
  const related = new RelatedFiles(file, loaded, facts);
  const withRelated = ({ raw: r, merged }: { raw: RawReport; merged: readonly MergedReport[] }): RawReport => {
    const { involves: _involves, ...report } = r.report;
    const part = partAt(r.report.span.start);
    const service = own.extents.at(r.report.span.start)?.name ?? merged[0]?.service;
    // The values read in the other parts when the rule names them; else where the other parts define the service.
    const involved = related.involved(merged.flatMap((m) => m.involved), part);
    const info = involved.length ? involved : service !== undefined && shared(service, part) ? related.of(service, part) : [];
    return { ...r, report: info.length ? { ...report, related: info } : report };
  };
  const findings = finalize([...kept, ...added.values()].map(withRelated), text, own.lines, options);
  return { findings, files, inProject: true };
}

/** The M reports that confirm `s`: same rule, traced to this file at an overlapping range, or both at the service key. */
function confirmations(reports: readonly MergedReport[], fromHere: readonly MergedReport[], s: RawReport, service: string, atKey: boolean): MergedReport[] {
  const out = fromHere.filter((m) => m.raw.rule === s.rule && overlaps(m.origin.range, s.report.span));
  if (atKey) out.push(...reports.filter((m) => m.raw.rule === s.rule && m.atServiceKey && m.service === service && !out.includes(m)));
  return out;
}

function hasCounterpart(own: readonly RawReport[], m: MergedReport): boolean {
  return own.some((s) => s.rule === m.raw.rule && overlaps(m.origin.range, s.report.span));
}

function overlaps(range: readonly [number, number], span: Span): boolean {
  return range[0] === span.start || (range[0] < span.end && span.start < range[1]);
}

/**
 * "vllm is also defined in compose.yaml:2": where the other parts of the project (other files, other documents of
 * the same file) write the same service. `part` is the part of the finding (mergedAnalysis.ts partOf).
 */
class RelatedFiles {
  private readonly lines = new Map<string, LineIndex>();

  constructor(
    private readonly file: string,
    private readonly loaded: LoadedProject,
    private readonly facts: ProjectFacts,
  ) {}

  of(service: string, part: string): RelatedInformation[] {
    const out: RelatedInformation[] = [];
    for (const [other, origin] of this.facts.contributors.get(service) ?? []) {
      if (other === part) continue;
      const range = this.rangeOf(origin);
      if (!range) continue;
      out.push({ file: origin.file, range, message: `"${service}" is also defined in ${this.nameOf(origin.file)}:${range.start.line + 1}` });
    }
    return out;
  }

  /** "--tensor-parallel-size 2 is set in compose.yaml:4": the values a finding read that other parts wrote, once each. */
  involved(values: readonly InvolvedOrigin[], part: string): RelatedInformation[] {
    const out = new Map<string, RelatedInformation>();
    for (const { origin, what } of values) {
      if (this.facts.partOf(origin) === part) continue;
      const range = this.rangeOf(origin);
      if (!range) continue;
      const message = `${what} is set in ${this.nameOf(origin.file)}:${range.start.line + 1}`;
      out.set(`${origin.file}\0${origin.range[0]}\0${message}`, { file: origin.file, range, message });
    }
    return [...out.values()];
  }

  private nameOf(other: string): string {
    return relative(dirname(this.file), other) || other;
  }

  private rangeOf(origin: Origin): RelatedInformation['range'] | undefined {
    const text = this.loaded.files.get(origin.file);
    if (text === undefined) return undefined;
    let lines = this.lines.get(origin.file);
    if (!lines) this.lines.set(origin.file, (lines = new LineIndex(text)));
    return lines.rangeOf({ start: Math.min(origin.range[0], text.length), end: Math.min(origin.range[1], text.length) });
  }
}

interface CachedProject {
  key: string;
  /** The text of every file the load read, to tell whether it is still the same project. */
  texts: ReadonlyMap<string, string | undefined>;
  loaded: LoadedProject;
  /** None for a project of one file. */
  facts: ProjectFacts | undefined;
  /** The options every file of the project is analysed with (`shared` in loadCached), as a key. */
  optionsKey: string;
  shared: AnalysisOptions;
}

/**
 * The last few projects loaded and analysed: after a keystroke in one file, the project's other open files are
 * analysed again with the same merged analysis (only their own S runs). Valid while every file reads the same.
 */
const cache: CachedProject[] = [];
const CACHE_SIZE = 4;

function loadCached(input: ProjectInput, project: ProjectOptions, reader: ProjectReader, options: AnalysisOptions, epoch: number, keptParses: KeptParses): CachedProject | undefined {
  // What is the same for every file of the project: the M analysis reads the project's variables, not F's `.env`.
  const { fileName: _name, project: _project, dotEnv: _dotEnv, ...shared } = options;
  // The files Compose picks (an override created on disk makes another project) and the variables it reads.
  const which = { files: project.configFiles, envFiles: project.envFiles, cwd: input.cwd, environment: [...input.environment] };
  const sharedKey = optionsKey(shared);
  const key = `${epoch}\0${JSON.stringify(which)}\0${sharedKey}`;
  const hit = cache.findIndex((c) => c.key === key && [...c.texts].every(([path, text]) => readText(reader, path) === text));
  if (hit >= 0) {
    const [entry] = cache.splice(hit, 1);
    cache.push(entry!);
    return entry;
  }
  let loaded: LoadedProject;
  try {
    // References to what no file defines are compose-reference-undefined's findings, not a reason to judge alone.
    // Every profile: a service is checked as merged whichever profiles a person will enable.
    loaded = loadProject({ ...input, profiles: ['*'] }, reader, { skipConsistencyCheck: true, keptParses });
  } catch (err) {
    // A project Compose refuses: the file is analysed alone (its own findings say what is wrong in it).
    if (err instanceof ComposeError) return undefined;
    throw err;
  }
  const texts = new Map<string, string | undefined>(loaded.files);
  for (const env of loaded.options.envFiles) texts.set(env, readText(reader, env));
  // A file of one document that reached no other (its `extends` are all in itself) is analysed alone: no merged
  // analysis needed.
  const facts = hasSeveralParts(loaded) ? projectFacts(loaded) : undefined;
  const entry: CachedProject = { key, texts, loaded, facts, optionsKey: sharedKey, shared };
  cache.push(entry);
  if (cache.length > CACHE_SIZE) cache.shift();
  return entry;
}

function readText(reader: ProjectReader, path: string): string | undefined {
  const read = reader.read(path);
  return read.ok ? read.text : undefined;
}

/** The last analysis of each file, kept while its inputs are the same: after a keystroke in one file of a project, the
 * others are analysed again, and most of what they read did not change. */
class Memo<T> {
  private readonly slots = new Map<string, { key: string; value: T }>();

  constructor(private readonly capacity = 64) {}

  get(file: string, key: string, compute: () => T): T {
    const slot = this.slots.get(file);
    if (slot?.key === key) return slot.value;
    const value = compute();
    this.slots.delete(file);
    this.slots.set(file, { key, value });
    if (this.slots.size > this.capacity) this.slots.delete(this.slots.keys().next().value!);
    return value;
  }
}

/** Which project each file belongs to, while the disk and the unsaved texts say the same. */
const membership = new Memo<{ input: ProjectInput; options: ProjectOptions } | undefined>();

/** S: the file alone (with the project's names), until its text or options change. */
const ownMemo = new Memo<{ raw: readonly RawReport[]; extents: ServiceExtents; lines: LineIndex; extendsAt: Map<string, Span>; documents: number }>();

/**
 * The analyses of the project files' own texts (S) and of their parts of the merged project (M), kept so that a
 * keystroke re-checks only the edited service, as for a file alone. About 70 bytes a character each (the parse),
 * so a budget of characters.
 */
const incremental = new IncrementalStore(32, 2 * 1024 * 1024);

/** A text analysed with the kept analysis under `key`. */
function textAnalysis(key: string): TextAnalysis {
  return (text, options) => {
    const { current } = incremental.current(key, text, options);
    // `parsed` is undefined only for a text declined as too large, which projects never analyse (analyzeInProject).
    if (!current.parsed) return { file: composeReports(text, new LineIndex(text), options).file, raw: current.rawReports };
    return { file: current.parsed, raw: current.rawReports, infos: () => current.serviceInfos };
  };
}


/**
 * The options of S's kept analysis of a part of F: without the project's names, which one rule reads (it runs apart,
 * in ownReports): a service renamed in another file then costs this file that rule again, not a full analysis.
 */
function ownTextOptions(options: AnalysisOptions): AnalysisOptions {
  const { project: _project, ...alone } = options;
  return { ...alone, rules: { ...alone.rules, [REFERENCE_RULE_ID]: 'off' } };
}

/** The key of S's kept analysis of part `index` of `count` of `file`. */
function ownKey(file: string, index: number, count: number): string {
  return count > 1 ? `S\0${file}\0${index}` : `S\0${file}`;
}

/**
 * F's parse as its kept analysis (S) has it, brought up to `text`: for a file of one document without a syntax error
 * (the loader reports those in compose-go's words, from its own parse). Read by the project load at once.
 */
function keptParse(file: string, text: string, options: AnalysisOptions): ParsedText | undefined {
  if (documentParts(text).length !== 1) return undefined;
  const { file: parsed } = textAnalysis(ownKey(file, 0, 1))(text, ownTextOptions(options));
  return parsed.syntaxErrors.length === 0 ? { docs: [parsed.doc], lines: parsed.lines } : undefined;
}

function ownReports(file: string, text: string, options: AnalysisOptions) {
  return ownMemo.get(file, `${text}\0${optionsKey(options)}`, () => {
    const parts = documentParts(text);
    const raw: RawReport[] = [];
    const extendsAt = new Map<string, Span>();
    // Each document alone, at the file's offsets (one part, the text itself, for a file of one document).
    const files = parts.map((part, i) => {
      const { file: parsed, raw: rest, infos } = textAnalysis(ownKey(file, i, parts.length))(partText(text, part), ownTextOptions(options));
      raw.push(...rest);
      if (options.rules?.[REFERENCE_RULE_ID] !== 'off') raw.push(...ruleReports(parsed, options, REFERENCE_RULE_ID, infos?.()));
      for (const service of parsed.services) {
        const entry = service.map.get('extends');
        if (entry && !extendsAt.has(service.name)) extendsAt.set(service.name, entry.keyAt);
      }
      return parsed;
    });
    const lines = parts.length > 1 ? new LineIndex(text) : files[0]!.lines;
    return { raw, extents: new ServiceExtents(files), lines, extendsAt, documents: parts.length };
  });
}

/**
 * M for one file: the merged analysis of its services, until the texts of the files that write them, the names
 * the project defines or its variables change (then a keystroke in another file costs this file nothing).
 */
const mergedMemo = new Memo<MergedReport[]>();

function mergedReports(file: string, project: CachedProject): MergedReport[] {
  const { loaded, facts } = project;
  const services = servicesFor(facts!, loaded.model, file);
  const writers = new Set<string>();
  for (const name of services) for (const origin of facts!.contributors.get(name)?.values() ?? []) writers.add(origin.file);
  const names = Object.entries(facts!.defined).map(([section, set]) => `${section}:${[...set].sort().join(',')}`);
  const key = [project.optionsKey, JSON.stringify([...loaded.options.environment]), ...names, ...[...services].sort(), ...[...writers].sort().map((w) => `${w}\0${loaded.files.get(w) ?? ''}`)].join('\0');
  return mergedMemo.get(file, key, () => analyzeMergedFor(loaded, services, project.shared, TEXT_RULES, textAnalysis(`M\0${file}`)));
}
