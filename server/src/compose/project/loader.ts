/**
 * compose-go's loadYamlFile / loadYamlModel / load (loader/loader.go): each document of each file is interpolated,
 * its `include`s imported, the earlier files' values it tags `!reset`/`!override` removed, its `extends` resolved,
 * then it is merged over the files before it, de-duplicated and written in canonical form. Once all files are in:
 * defaults, relative paths, `environment` entries without a value, then normalisation (networks, build defaults).
 */
import type { LoadScope } from './context';
import { canonical, omitEmpty } from './canonical';
import { setDefaultValues } from './defaults';
import { applyExtends, CycleTracker } from './extends';
import { applyInclude } from './include';
import { interpolateTree } from './interpolate';
import { loadDocuments, type LoadedDocument } from './load';
import { mergeYaml } from './merge';
import { resolveRelativePaths } from './paths';
import { applyResets } from './reset';
import { cloneNode, ComposeError, get, MapEntry, MapNode, mapNode, scalar, stringOf, TreePath } from './tree';
import { enforceUnicity } from './unicity';

/** Every file read while loading, in order, with its text: where the origins point. */
export type LoadedFiles = Map<string, string>;

export interface LoadState {
  files: LoadedFiles;
  /** What compose-go logs as warnings (an obsolete `version`, an unset variable …). */
  warnings: string[];
}

export function loadYamlFile(file: string, scope: LoadScope, workingDir: string, tracker: CycleTracker, included: string[], state: LoadState, dict: MapNode = emptyModel(file)): { dict: MapNode; resets: TreePath[] } {
  const text = readFile(file, scope, state);
  let resets: TreePath[] = [];
  for (const doc of preparedDocuments(text, file, scope)) {
    const processed = processedAlone(doc);
    const cfg = copyOf(doc.tree, processed);
    state.warnings.push(...doc.warnings);
    if (!scope.options.skipInclude) {
      included = [...included, file];
      applyInclude(workingDir, cfg, scope, included, doc.resets, (files, dir, s, inc) => loadYamlModel(files, dir, s, new CycleTracker(), inc, state));
    }
    applyResets(dict, doc.resets);
    if (!scope.options.skipExtends) {
      applyExtends(file, cfg, scope, tracker, doc.resets, (f, s, dir, t, inc) => loadYamlFile(f, s, dir, t, inc, state));
    }
    const done = putProcessedServices(processed, cfg, dict);
    dict = mergeYaml(dict, cfg, []) as MapNode;
    // compose-go runs these on the whole model after each file; they change nothing the earlier files' runs left,
    // so only what this file wrote is visited (a project of many files is not processed once per file), less the
    // services put in processed already.
    const touched = touchedBy(dict, cfg, done);
    if (dict.entries.has('version')) {
      state.warnings.push(`${file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
      dict.entries.delete('version');
      touched.entries.delete('version');
    }
    processWritten(touched);
    resets = doc.resets;
  }
  return { dict, resets };
}

/**
 * What compose-go runs on the model after merging a file (loader.go loadYamlFile), on what the file wrote. (It takes
 * `version` out after the first step; no step reads it, so the caller takes it out before.)
 */
function processWritten(touched: MapNode): void {
  enforceUnicity(touched);
  canonical(touched);
  omitEmpty(touched);
  enforceUnicity(touched);
}

export function loadYamlModel(files: readonly string[], workingDir: string, scope: LoadScope, tracker: CycleTracker, included: string[], state: LoadState): MapNode {
  let dict = emptyModel(files[0] ?? workingDir);
  for (const file of files) dict = loadYamlFile(file, scope, workingDir, tracker, included, state, dict).dict;
  if (!scope.options.skipDefaultValues) setDefaultValues(dict);
  if (scope.options.resolvePaths !== false) resolveRelativePaths(dict, workingDir, scope.reader.home);
  resolveEnvironment(dict, scope.env);
  return dict;
}

/**
 * A service that no earlier file wrote, in a document without `include` and with no `extends` of its own, comes out
 * of the merge as the document wrote it, and processWritten changes it by itself alone (each step walks
 * `services.*` one service at a time). So its processed form is computed once per prepared document and copied into
 * each load of the project: after a keystroke in one file, the others' services are not processed again. A
 * document with a service those steps refuse takes the usual way, so that the refusal is the same.
 *
 * Before the merge, `cfg` (copyOf) holds these services as the kept document wrote them, not copied: `extends`
 * reads them (and copies what it takes). Then each is put in `cfg` as a copy, processed when no earlier file wrote it
 * (its name is returned), as written when one did (merged and processed the usual way).
 */
function putProcessedServices(processed: ReadonlyMap<string, ProcessedService> | undefined, cfg: MapNode, dict: MapNode): ReadonlySet<string> {
  const services = get(cfg, 'services');
  const done = new Set<string>();
  if (services?.kind !== 'map' || !processed) return done;
  const before = get(dict, 'services');
  for (const [name, { written, alone }] of processed) {
    if (services.entries.get(name) !== written) continue;
    if (before?.kind === 'map' && before.entries.has(name)) {
      services.entries.set(name, { keyOrigin: written.keyOrigin, value: cloneNode(written.value) });
      continue;
    }
    services.entries.set(name, { keyOrigin: alone.keyOrigin, value: cloneNode(alone.value) });
    done.add(name);
  }
  return done;
}

/** A service of a kept document: as written (never changed), and processed by itself. */
interface ProcessedService {
  written: MapEntry;
  alone: MapEntry;
}

/** A copy of a kept document's tree to merge, but for the services in `processed` (putProcessedServices copies them). */
function copyOf(tree: MapNode, processed: ReadonlyMap<string, ProcessedService> | undefined): MapNode {
  if (!processed?.size) return cloneNode(tree) as MapNode;
  return mapNode(tree.origin, [...tree.entries].map(([key, entry]) => {
    if (key !== 'services' || entry.value.kind !== 'map') return [key, { keyOrigin: entry.keyOrigin, value: cloneNode(entry.value) }];
    const services = mapNode(entry.value.origin, [...entry.value.entries].map(([name, service]) => [name, processed.has(name) ? service : { keyOrigin: service.keyOrigin, value: cloneNode(service.value) }]));
    return [key, { keyOrigin: entry.keyOrigin, value: services }];
  }));
}

/** The services of a kept document that may be processed alone, processed (undefined: none may, or one failed). */
function processedAlone(prepared: PreparedDocument): ReadonlyMap<string, ProcessedService> | undefined {
  if (prepared.processed !== undefined) return prepared.processed ?? undefined;
  prepared.processed = null;
  const services = get(prepared.tree, 'services');
  if (prepared.tree.entries.has('include') || services?.kind !== 'map') return undefined;
  const out = new Map<string, ProcessedService>();
  try {
    for (const [name, written] of services.entries) {
      if (written.value.kind === 'map' && written.value.entries.has('extends')) continue;
      const alone: MapEntry = { keyOrigin: written.keyOrigin, value: cloneNode(written.value) };
      processWritten(mapNode(prepared.tree.origin, [['services', { keyOrigin: prepared.tree.origin, value: mapNode(services.origin, [[name, alone]]) }]]));
      out.set(name, { written, alone });
    }
  } catch (err) {
    if (err instanceof ComposeError) return undefined;
    throw err;
  }
  prepared.processed = out;
  return out;
}

/**
 * A view of `dict` holding the top-level entries `cfg` wrote and, of `services`, only the services it wrote: the
 * entries are dict's own objects, so what canonical / unicity / omitEmpty set in them is set in dict.
 */
function touchedBy(dict: MapNode, cfg: MapNode, done: ReadonlySet<string>): MapNode {
  const view = mapNode(dict.origin);
  for (const key of cfg.entries.keys()) {
    const entry = dict.entries.get(key);
    if (!entry) continue;
    const written = cfg.entries.get(key)!.value;
    if (key === 'services' && entry.value.kind === 'map' && written.kind === 'map') {
      const services = mapNode(entry.value.origin, [...written.entries.keys()].flatMap((name) => {
        const service = (entry.value as MapNode).entries.get(name);
        return service && !done.has(name) ? [[name, service] as [string, MapEntry]] : [];
      }));
      view.entries.set(key, { ...entry, value: services });
    } else view.entries.set(key, entry);
  }
  return view;
}

interface PreparedDocument extends LoadedDocument {
  /** What interpolating it logged. */
  warnings: string[];
  /** Its services processed alone (processedAlone), once asked; null: not possible for this document. */
  processed?: ReadonlyMap<string, ProcessedService> | null;
}

/**
 * A file's documents, converted and interpolated, kept per file, text and variables: a project is loaded again
 * after each keystroke in one of its files, and the others read the same. Handed out as they are kept: the caller
 * merges a copy (loadYamlFile copyOf; merging changes the trees; origins are shared, never changed).
 */
const prepared = new Map<string, PreparedDocument[]>();
const PREPARED_CAPACITY = 64;

function preparedDocuments(text: string, file: string, scope: LoadScope): PreparedDocument[] {
  const interpolate = !scope.options.skipInterpolation;
  const key = `${file}\0${interpolate ? JSON.stringify([...scope.env]) : '-'}\0${text}`;
  let docs = prepared.get(key);
  if (!docs) {
    docs = loadDocuments(text, file, scope.keptParses?.(file, text)).map((doc) => {
      const warnings: string[] = [];
      if (interpolate) interpolateTree(doc.tree, scope.env, (m) => warnings.push(m));
      return { ...doc, warnings };
    });
    if (prepared.size >= PREPARED_CAPACITY) prepared.delete(prepared.keys().next().value!);
    prepared.set(key, docs);
  }
  return docs;
}

function emptyModel(file: string): MapNode {
  return mapNode({ file, range: [0, 0] });
}

function readFile(file: string, scope: LoadScope, state: LoadState): string {
  const read = scope.reader.read(file);
  if (!read.ok) {
    if (read.refusal.reason === 'missing') throw new ComposeError(`open ${file}: no such file or directory`);
    throw new ComposeError(`${file}: not read: ${read.refusal.message}`);
  }
  state.files.set(file, read.text);
  return read.text;
}

/** loader.ResolveEnvironment: an `environment` entry without `=` takes the project's value when it has one. */
function resolveEnvironment(dict: MapNode, env: ReadonlyMap<string, string>): void {
  const services = get(dict, 'services');
  if (services?.kind !== 'map') return;
  for (const entry of services.entries.values()) {
    const service = entry.value;
    if (service.kind !== 'map') continue;
    const environment = get(service, 'environment');
    if (environment?.kind !== 'seq') continue;
    environment.items = environment.items.flatMap((item) => {
      const name = stringOf(item);
      if (name === undefined) return [];
      const value = env.get(name);
      return [value === undefined ? item : { ...scalar(`${name}=${value}`, item.origin), raw: name }];
    });
  }
}
