/**
 * The rules run on a whole project as Compose merges it: the merged model rendered as one Compose text
 * (compose/project/render.ts), analysed like any file, and each report traced back to the file and node the
 * reported value came from. analysis/projectAnalysis.ts decides which of these a file gets.
 */
import type { ProjectContext, AnalysisOptions } from '../core/analysisOptions';
import { LineIndex } from '../core/lineIndex';
import type { LoadedProject, MapNode, Origin, ProjectNode } from '../compose/project';
import { mapNode } from '../compose/project/tree';
import { renderedNodeAt, renderProject } from '../compose/project/render';
import type { ComposeFile } from '../compose/composeFile';
import { documentParts, hasSeveralDocuments, partIndexAt, type DocumentPart } from '../compose/yamlDocuments';
import { composeReports, RawReport } from './analyze';
import { ServiceExtents } from './serviceExtents';
import type { ServiceInfo } from '../compose/service';

/** A report of the merged project's analysis, traced to where its value was written. */
export interface MergedReport {
  raw: RawReport;
  origin: Origin;
  /** The merged service it is about, if any. */
  service?: string;
  /** Reported at the service's key (something missing in the service). */
  atServiceKey: boolean;
  /** The other values it was judged with (Report.involves), traced to where they were written. */
  involved: InvolvedOrigin[];
}

export interface InvolvedOrigin {
  origin: Origin;
  what: string;
}

/** What the project's analyses of each file share: computed once per load. */
export interface ProjectFacts {
  /**
   * Per merged service: each part that wrote some of it → the first place it did (its service key first). A part is
   * a file, or one YAML document of a file of several (compose-go merges those as it merges files): see partOf.
   */
  contributors: Map<string, Map<string, Origin>>;
  /** Every name the project defines, by top-level section (services left out by profiles included). */
  defined: ProjectContext['definedElsewhere'];
  /** The part a value was written in: its file's path, with the document's index for a file of several. */
  partOf(origin: Origin): string;
}

export function projectFacts(loaded: LoadedProject): ProjectFacts {
  const { partOf, hasDocuments } = partLocator(loaded.files);
  return { contributors: serviceContributors(loaded.model, partOf, hasDocuments), defined: definedNames(loaded), partOf };
}

/** Whether the project has more than one part: several files, or a file of several documents. */
export function hasSeveralParts(loaded: LoadedProject): boolean {
  if (loaded.files.size > 1) return true;
  for (const text of loaded.files.values()) if (hasSeveralDocuments(text)) return true;
  return false;
}

/** partOf, and which files have several documents (the part of a value in any other file is the file). */
function partLocator(files: ReadonlyMap<string, string>): { partOf: (origin: Origin) => string; hasDocuments: (file: string) => boolean } {
  const documents = new Map<string, DocumentPart[]>();
  for (const [file, text] of files) {
    const parts = documentParts(text);
    if (parts.length > 1) documents.set(file, parts);
  }
  const partOf = (origin: Origin) => {
    const parts = documents.get(origin.file);
    return parts ? `${origin.file}\0${partIndexAt(parts, origin.range[0])}` : origin.file;
  };
  return { partOf, hasDocuments: (file) => documents.has(file) };
}

/**
 * Runs the rules (but `skipped`) on the part of `loaded`'s merged model that a file writes (`services`: see
 * servicesFor) and the top-level sections, interpolated with the project's
 * variables. Strings are rendered as written, so the rules see `${VAR}` and interpolate it themselves, as they do
 * in one file. Only reports traced to `file` (or at a key of its services) matter to it: the rest is not rendered.
 */
/** Parses and checks a Compose text (analyze.ts composeReports, or an incremental analysis kept between calls). */
export type TextAnalysis = (text: string, options: AnalysisOptions) => { file: ComposeFile; raw: readonly RawReport[]; infos?: () => readonly ServiceInfo[] };

const fullAnalysis: TextAnalysis = (text, options) => composeReports(text, new LineIndex(text), options);

export function analyzeMergedFor(
  loaded: LoadedProject,
  services: ReadonlySet<string>,
  options: AnalysisOptions,
  skipped: ReadonlySet<string>,
  analyseText: TextAnalysis = fullAnalysis,
): MergedReport[] {
  const rendered = renderProject(withServices(loaded.model, services));
  const rules = { ...options.rules };
  for (const id of skipped) rules[id] = 'off';
  // The merged text is the whole project: no file name (it is no fragment) and nothing defined elsewhere.
  const { fileName: _name, project: _project, ...rest } = options;
  const mergedOptions: AnalysisOptions = { ...rest, rules, dotEnv: loaded.options.environment };
  const { file: parsed, raw } = analyseText(rendered.text, mergedOptions);
  const extents = new ServiceExtents(parsed);
  const reports: MergedReport[] = [];
  for (const r of raw) {
    const node = renderedNodeAt(rendered, r.report.span.start);
    if (!node) continue;
    const service = extents.at(r.report.span.start);
    // Kept between keystrokes (projectAnalysis.ts): no YAML node, and no fix (it edits the rendered text), is held.
    const origin: Origin = { file: node.origin.file, range: node.origin.range };
    const { involves, ...report } = r.report;
    const raw: RawReport = { ...r, report: { ...report, fixes: [] } };
    const involved = (involves ?? []).flatMap(({ span, what }) => {
      const at = renderedNodeAt(rendered, span.start);
      return at ? [{ origin: { file: at.origin.file, range: at.origin.range }, what }] : [];
    });
    reports.push({ raw, origin, ...(service ? { service: service.name } : {}), atServiceKey: !!service && service.keyAt.start === r.report.span.start, involved });
  }
  return reports;
}

/** The services `file` writes part of (in any of its documents), and those they read (`depends_on`, `volumes_from`). */
export function servicesFor(facts: ProjectFacts, model: MapNode, file: string): Set<string> {
  const services = model.entries.get('services')?.value;
  const names = new Set<string>();
  if (services?.kind !== 'map') return names;
  for (const [name, parts] of facts.contributors) {
    if (![...parts.values()].some((origin) => origin.file === file)) continue;
    names.add(name);
    const service = services.entries.get(name)?.value;
    if (service?.kind !== 'map') continue;
    const dependsOn = service.entries.get('depends_on')?.value;
    if (dependsOn?.kind === 'map') for (const dep of dependsOn.entries.keys()) names.add(dep);
    const volumesFrom = service.entries.get('volumes_from')?.value;
    if (volumesFrom?.kind !== 'seq') continue;
    for (const item of volumesFrom.items) if (item.kind === 'scalar' && typeof item.value === 'string') names.add(item.value.replace(/^service:/, '').split(':')[0]!);
  }
  return names;
}

/** The model with only the `wanted` services; nodes are shared, not copied. */
function withServices(model: MapNode, wanted: ReadonlySet<string>): MapNode {
  const services = model.entries.get('services');
  if (services?.value.kind !== 'map') return model;
  const part = mapNode(services.value.origin, [...services.value.entries].filter(([name]) => wanted.has(name)));
  return mapNode(model.origin, [...model.entries].map(([key, entry]) => [key, key === 'services' ? { ...entry, value: part } : entry]));
}

function serviceContributors(model: MapNode, partOf: (origin: Origin) => string, hasDocuments: (file: string) => boolean): Map<string, Map<string, Origin>> {
  const out = new Map<string, Map<string, Origin>>();
  const services = model.entries.get('services')?.value;
  if (services?.kind !== 'map') return out;
  for (const [name, entry] of services.entries) {
    // Where a part writes the service's key; else (a file it `extends`) the first thing that part writes in it.
    const keys = new Map<string, Origin>();
    for (const origin of [entry.keyOrigin, ...(entry.alsoAt ?? [])]) {
      const part = partOf(origin);
      if (!keys.has(part)) keys.set(part, origin);
    }
    const parts = new Map(keys);
    // Most values of a service are written where its key is: a file of one document that wrote the key adds nothing.
    const keyFiles = new Set([entry.keyOrigin, ...(entry.alsoAt ?? [])].map((o) => o.file).filter((file) => !hasDocuments(file)));
    walk(entry.value, (origin) => {
      if (keyFiles.has(origin.file)) return;
      const part = partOf(origin);
      const seen = parts.get(part);
      if (!seen || (!keys.has(part) && origin.range[0] < seen.range[0])) parts.set(part, origin);
    });
    out.set(name, parts);
  }
  return out;
}

function walk(node: ProjectNode, add: (origin: Origin) => void): void {
  add(node.origin);
  if (node.kind === 'seq') node.items.forEach((item) => walk(item, add));
  else if (node.kind === 'map') {
    for (const entry of node.entries.values()) {
      add(entry.keyOrigin);
      walk(entry.value, add);
    }
  }
}

const SECTIONS = ['services', 'networks', 'volumes', 'configs', 'secrets', 'models'] as const;

function definedNames(loaded: LoadedProject): ProjectContext['definedElsewhere'] {
  const names = (section: string) => {
    const value = loaded.model.entries.get(section)?.value;
    return new Set(value?.kind === 'map' ? value.entries.keys() : []);
  };
  const [services, networks, volumes, configs, secrets, models] = SECTIONS.map(names) as [Set<string>, Set<string>, Set<string>, Set<string>, Set<string>, Set<string>];
  loaded.disabledServices.forEach((s) => services.add(s));
  return { services, networks, volumes, configs, secrets, models };
}
