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
    const cfg = doc.tree;
    state.warnings.push(...doc.warnings);
    if (!scope.options.skipInclude) {
      included = [...included, file];
      applyInclude(workingDir, cfg, scope, included, doc.resets, (files, dir, s, inc) => loadYamlModel(files, dir, s, new CycleTracker(), inc, state));
    }
    applyResets(dict, doc.resets);
    if (!scope.options.skipExtends) {
      applyExtends(file, cfg, scope, tracker, doc.resets, (f, s, dir, t, inc) => loadYamlFile(f, s, dir, t, inc, state));
    }
    dict = mergeYaml(dict, cfg, []) as MapNode;
    // compose-go runs these on the whole model after each file; they change nothing the earlier files' runs left,
    // so only what this file wrote is visited (a project of many files is not processed once per file).
    const touched = touchedBy(dict, cfg);
    enforceUnicity(touched);
    if (dict.entries.has('version')) {
      state.warnings.push(`${file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
      dict.entries.delete('version');
      touched.entries.delete('version');
    }
    canonical(touched);
    omitEmpty(touched);
    enforceUnicity(touched);
    resets = doc.resets;
  }
  return { dict, resets };
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
 * A view of `dict` holding the top-level entries `cfg` wrote and, of `services`, only the services it wrote: the
 * entries are dict's own objects, so what canonical / unicity / omitEmpty set in them is set in dict.
 */
function touchedBy(dict: MapNode, cfg: MapNode): MapNode {
  const view = mapNode(dict.origin);
  for (const key of cfg.entries.keys()) {
    const entry = dict.entries.get(key);
    if (!entry) continue;
    const written = cfg.entries.get(key)!.value;
    if (key === 'services' && entry.value.kind === 'map' && written.kind === 'map') {
      const services = mapNode(entry.value.origin, [...written.entries.keys()].flatMap((name) => {
        const service = (entry.value as MapNode).entries.get(name);
        return service ? [[name, service] as [string, MapEntry]] : [];
      }));
      view.entries.set(key, { ...entry, value: services });
    } else view.entries.set(key, entry);
  }
  return view;
}

interface PreparedDocument extends LoadedDocument {
  /** What interpolating it logged. */
  warnings: string[];
}

/**
 * A file's documents, converted and interpolated, kept per file, text and variables: a project is loaded again
 * after each keystroke in one of its files, and the others read the same. Handed out as copies (merging changes
 * the trees; origins are shared, never changed).
 */
const prepared = new Map<string, PreparedDocument[]>();
const PREPARED_CAPACITY = 64;

function preparedDocuments(text: string, file: string, scope: LoadScope): PreparedDocument[] {
  const interpolate = !scope.options.skipInterpolation;
  const key = `${file}\0${interpolate ? JSON.stringify([...scope.env]) : '-'}\0${text}`;
  let docs = prepared.get(key);
  if (!docs) {
    docs = loadDocuments(text, file).map((doc) => {
      const warnings: string[] = [];
      if (interpolate) interpolateTree(doc.tree, scope.env, (m) => warnings.push(m));
      return { ...doc, warnings };
    });
    if (prepared.size >= PREPARED_CAPACITY) prepared.delete(prepared.keys().next().value!);
    prepared.set(key, docs);
  }
  return docs.map((doc) => ({ ...doc, tree: cloneNode(doc.tree) as MapNode }));
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
