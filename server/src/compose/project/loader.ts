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
import { loadDocuments } from './load';
import { mergeYaml } from './merge';
import { resolveRelativePaths } from './paths';
import { applyResets } from './reset';
import { ComposeError, get, MapNode, mapNode, scalar, stringOf, TreePath } from './tree';
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
  for (const doc of loadDocuments(text, file)) {
    const cfg = doc.tree;
    if (!scope.options.skipInterpolation) interpolateTree(cfg, scope.env, (m) => state.warnings.push(m));
    if (!scope.options.skipInclude) {
      included = [...included, file];
      applyInclude(workingDir, cfg, scope, included, doc.resets, (files, dir, s, inc) => loadYamlModel(files, dir, s, new CycleTracker(), inc, state));
    }
    applyResets(dict, doc.resets);
    if (!scope.options.skipExtends) {
      applyExtends(file, cfg, scope, tracker, doc.resets, (f, s, dir, t, inc) => loadYamlFile(f, s, dir, t, inc, state));
    }
    dict = mergeYaml(dict, cfg, []) as MapNode;
    enforceUnicity(dict);
    if (dict.entries.has('version')) {
      state.warnings.push(`${file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
      dict.entries.delete('version');
    }
    dict = canonical(dict);
    omitEmpty(dict);
    enforceUnicity(dict);
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
