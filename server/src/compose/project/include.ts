/**
 * compose-go's ApplyInclude (loader/include.go): each `include` entry (a path, or `{path, project_directory,
 * env_file}` where `path` may list override files) is loaded as a project of its own, with its folder as working
 * directory and its own `.env`, and its services, networks, volumes, configs, secrets and models are added to the
 * including file, whose own definitions win. Including a file that is already being loaded is a cycle.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { LoadScope } from './context';
import { mergeEnv, readEnvFiles } from './envFiles';
import { mergeYaml } from './merge';
import { absolute } from './paths';
import { applyResets } from './reset';
import { ComposeError, get, MapNode, mapNode, ProjectNode, stringOf, TreePath } from './tree';

/** Loads a set of files as one model (compose-go's loadYamlModel). */
export type ModelLoader = (files: string[], workingDir: string, scope: LoadScope, included: string[]) => MapNode;

export interface IncludeConfig {
  paths: string[];
  projectDirectory?: string;
  envFiles?: string[];
  at: ProjectNode;
}

/** Where an include entry's files are (absolute, the first one the main file) and the folder they load from. */
export interface IncludeTarget {
  paths: string[];
  main: string;
  projectDirectory: string;
}

export function applyInclude(workingDir: string, model: MapNode, scope: LoadScope, included: string[], resets: readonly TreePath[], loadModel: ModelLoader): void {
  const source = get(model, 'include');
  if (!source || (source.kind === 'scalar' && source.value === null)) return;
  for (const r of includeConfigs(source)) {
    const target = includeTarget(r, workingDir, scope);
    if (!target) continue;
    const { paths, main, projectDirectory } = target;
    if (included.includes(main)) {
      const chain = [...included, main];
      throw new ComposeError(`include cycle detected:\n${chain[0]}\n include ${chain.slice(1).join('\n include ')}`, r.at.origin);
    }
    const includeScope: LoadScope = {
      ...scope,
      env: includeEnv(r, projectDirectory, workingDir, scope),
      loaderDir: projectDirectory,
      options: { ...scope.options, resolvePaths: true, skipNormalization: true },
    };
    const imported = loadModel(paths, projectDirectory, includeScope, included);
    importResources(imported, model, resets);
  }
  model.entries.delete('include');
}

/** The entry's files (relative to the including file's loader folder) and its project directory; undefined: no path. */
export function includeTarget(r: IncludeConfig, workingDir: string, scope: LoadScope): IncludeTarget | undefined {
  const paths = r.paths.map((p) => absolute(p, scope.loaderDir, scope.reader.home));
  const main = paths[0];
  if (main === undefined) return undefined;
  let projectDirectory: string;
  if (r.projectDirectory === undefined || r.projectDirectory === '') projectDirectory = dirname(main);
  else if (!isAbsolute(r.projectDirectory)) projectDirectory = join(workingDir, r.projectDirectory);
  else projectDirectory = r.projectDirectory;
  return { paths, main, projectDirectory };
}

/**
 * The variables the included files are interpolated with: the including project's, then the entry's `env_file`s
 * (relative to the including project's folder), or else the `.env` of its project directory, if there is one.
 */
export function includeEnv(r: IncludeConfig, projectDirectory: string, workingDir: string, scope: LoadScope): Map<string, string> {
  const { reader } = scope;
  let envFiles: string[];
  if (!r.envFiles?.length) {
    const dotEnv = join(projectDirectory, '.env');
    envFiles = reader.kind(dotEnv) === 'file' ? [dotEnv] : [];
  } else {
    envFiles = [];
    for (const f of r.envFiles) {
      if (f === '/dev/null') continue;
      const file = isAbsolute(f) ? f : join(workingDir, f);
      const kind = reader.kind(file);
      if (kind === undefined) throw new ComposeError(`stat ${file}: no such file or directory`, r.at.origin);
      if (kind === 'dir') throw new ComposeError(`${file} is not a file`, r.at.origin);
      envFiles.push(file);
    }
  }
  return mergeEnv(scope.env, readEnvFiles(envFiles, reader, scope.env));
}

export function includeConfigs(source: ProjectNode): IncludeConfig[] {
  if (source.kind !== 'seq') throw new ComposeError(`\`include\` must be a list, got ${source.kind === 'scalar' ? String(source.value) : 'a mapping'}`, source.origin);
  return source.items.map((item) => {
    const text = stringOf(item);
    if (text !== undefined) return { paths: [text], at: item };
    if (item.kind !== 'map') throw new ComposeError('include entries must be a path or a mapping', item.origin);
    return {
      paths: stringList(get(item, 'path')),
      projectDirectory: stringOf(get(item, 'project_directory')),
      envFiles: stringList(get(item, 'env_file')),
      at: item,
    };
  });
}

function stringList(node: ProjectNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'seq') return node.items.map((i) => stringOf(i)).filter((s): s is string => s !== undefined);
  const s = stringOf(node);
  return s === undefined ? [] : [s];
}

const RESOURCES = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'];

/** Adds what an included model defines; a name defined in both is the included one with the local one merged over it. */
function importResources(source: MapNode, target: MapNode, resets: readonly TreePath[]): void {
  for (const key of RESOURCES) {
    const from = get(source, key);
    if (!from || from.kind !== 'map') continue;
    const existing = target.entries.get(key);
    const to = existing?.value.kind === 'map' ? existing.value : mapNode(from.origin);
    for (const [name, entry] of from.entries) {
      const conflict = to.entries.get(name);
      if (!conflict) {
        to.entries.set(name, entry);
        continue;
      }
      applyResets(mapNode(from.origin, [[key, { keyOrigin: from.origin, value: mapNode(from.origin, [[name, entry]]) }]]), resets);
      to.entries.set(name, { ...conflict, value: mergeYaml(entry.value, conflict.value, [key, name]) });
    }
    target.entries.set(key, { keyOrigin: existing?.keyOrigin ?? from.origin, value: to });
  }
}
