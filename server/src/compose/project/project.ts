/**
 * A whole project, loaded as `docker compose` loads it (compose-go cli.ProjectOptions.LoadProject → loader.load →
 * ModelToProject): the file set and variables (files.ts), the project name, the merged model (loader.ts),
 * normalisation, profiles, and each service's `env_file` read into its `environment`.
 */
import { isMap, isScalar, parseAllDocuments } from 'yaml';
import { YAML_OPTIONS } from '../composeFile';
import type { KeptParses } from '../yamlDocuments';
import type { ProjectReader } from './context';
import { checkConsistency } from './consistency';
import { CycleTracker } from './extends';
import { invalidProjectName, normalizeProjectName, ProjectInput, ProjectOptions, projectNameFromDir, resolveProjectOptions } from './files';
import { substitute } from './interpolate';
import { LoadedFiles, loadYamlModel, LoadState } from './loader';
import { normalize } from './normalize';
import { parseDotEnvFile } from '../dotenv';
import { ComposeError, get, goSprint, isNull, MapNode, mapNode, ProjectNode, scalar, stringOf } from './tree';

export interface LoadedProject {
  name: string;
  /** The merged, interpolated, canonical model; every node points back to its file and YAML node. */
  model: MapNode;
  options: ProjectOptions;
  /** The files read (Compose files, extended and included ones), with their text. */
  files: LoadedFiles;
  /** Services left out because none of their profiles is enabled. */
  disabledServices: string[];
  warnings: string[];
}

/** What compose-go's tests switch off; `docker compose config` uses none of it. */
export interface LoadSwitches {
  resolvePaths?: boolean;
  skipNormalization?: boolean;
  skipConsistencyCheck?: boolean;
  /** Parses the caller keeps of some files' texts (context.ts LoadScope.keptParses). */
  keptParses?: KeptParses;
}

export function loadProject(input: ProjectInput, reader: ProjectReader, switches: LoadSwitches = {}): LoadedProject {
  const options = resolveProjectOptions(input, reader);
  if (!options.configFiles.length) throw new ComposeError('no configuration file provided: not found');
  const state: LoadState = { files: new Map(), warnings: [...options.warnings] };
  const env = options.environment;
  const name = projectName(options, reader);
  env.set('COMPOSE_PROJECT_NAME', name);
  const scope = { reader, options: { resolvePaths: switches.resolvePaths ?? true }, loaderDir: options.workingDir, env, ...(switches.keptParses ? { keptParses: switches.keptParses } : {}) };
  const model = loadYamlModel(options.configFiles, options.workingDir, scope, new CycleTracker(), [], state);
  if (model.entries.size === 0) throw new ComposeError('empty compose file');
  if (!name) throw new ComposeError('project name must not be empty');
  const nameOrigin = model.entries.get('name')?.keyOrigin ?? model.origin;
  model.entries.delete('name');
  model.entries = new Map([['name', { keyOrigin: nameOrigin, value: scalar(name, nameOrigin) }], ...model.entries]);
  if (!switches.skipNormalization) normalize(model, env);
  const disabledServices = applyProfiles(model, options.profiles);
  if (!switches.skipConsistencyCheck) checkConsistency(model, disabledServices);
  resolveServicesEnvironment(model, env, reader);
  return { name, model, options, files: state.files, disabledServices, warnings: state.warnings };
}

/** `-p`, else COMPOSE_PROJECT_NAME, else the last `name:` of the files (interpolated), else the folder's name. */
function projectName(options: ProjectOptions, reader: ProjectReader): string {
  const given = options.projectName || options.environment.get('COMPOSE_PROJECT_NAME');
  if (given) {
    if (normalizeProjectName(given) !== given) throw invalidProjectName(given);
    return given;
  }
  let fromFiles = '';
  for (const file of options.configFiles) {
    const read = reader.read(file);
    // Most files have no top-level `name:`: no need to parse them a second time.
    if (!read.ok || !/^["']?name["']?[ \t]*:|^[ \t]*\{/m.test(read.text)) continue;
    const docs = parseAllDocuments(read.text, YAML_OPTIONS);
    for (const doc of Array.isArray(docs) ? docs : []) {
      if (doc.errors.length) break;
      // Only the top-level `name` is read (never the whole document: it may be an alias bomb).
      const pair = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'name') : undefined;
      const value = isScalar(pair?.value) ? pair.value.value : undefined;
      if (typeof value === 'string' && value !== '') fromFiles = value;
    }
  }
  if (fromFiles) return normalizeProjectName(substitute(fromFiles, options.environment, ['name']));
  return projectNameFromDir(options.workingDir);
}

/** Project.WithProfiles: a service with profiles is enabled only when one of them is (or `*` is given). */
function applyProfiles(model: MapNode, profiles: readonly string[]): string[] {
  const services = get(model, 'services');
  if (services?.kind !== 'map') return [];
  const disabled: string[] = [];
  for (const [name, entry] of [...services.entries]) {
    const own = get(entry.value as MapNode, 'profiles');
    const list = own?.kind === 'seq' ? own.items.map((i) => stringOf(i)) : [];
    if (!list.length || profiles.includes('*') || list.some((p) => p !== undefined && profiles.includes(p))) continue;
    services.entries.delete(name);
    disabled.push(name);
  }
  return disabled;
}

/**
 * Project.WithServicesEnvironmentResolved: `environment` as a map; entries without a value take the project's
 * variable; the `env_file` files come first and `environment` overrides them.
 */
function resolveServicesEnvironment(model: MapNode, env: ReadonlyMap<string, string>, reader: ProjectReader): void {
  const services = get(model, 'services');
  if (services?.kind !== 'map') return;
  for (const entry of services.entries.values()) {
    const service = entry.value;
    if (service.kind !== 'map') continue;
    const own = environmentMap(service.entries.get('environment')?.value ?? mapNode(service.origin), env);
    const result = mapNode(own.origin);
    const envFiles = get(service, 'env_file');
    if (envFiles?.kind === 'seq') {
      for (const file of envFiles.items) {
        const path = file.kind === 'map' ? stringOf(get(file, 'path')) : stringOf(file);
        if (path === undefined) continue;
        const required = file.kind !== 'map' || (get(file, 'required') as { value?: unknown } | undefined)?.value !== false;
        const read = reader.read(path);
        if (!read.ok) {
          if (read.refusal.reason === 'missing' && !required) continue;
          throw new ComposeError(`env file ${path} not found: stat ${path}: ${read.refusal.reason === 'missing' ? 'no such file or directory' : read.refusal.message}`, file.origin);
        }
        // Variables in it come from the project first, then from the service's own `environment`.
        const parsed = parseDotEnvFile(read.text, { lookup: (k) => env.get(k) ?? stringOf(get(own, k)) });
        if (parsed.errors[0]) throw new ComposeError(`failed to read ${path}: ${parsed.errors[0].message}`, file.origin);
        for (const [k, v] of parsed.env) result.entries.set(k, { keyOrigin: file.origin, value: scalar(v, file.origin) });
      }
    }
    for (const [k, e] of own.entries) result.entries.set(k, e);
    if (result.entries.size) service.entries.set('environment', { keyOrigin: service.entries.get('environment')?.keyOrigin ?? service.origin, value: result });
  }
}

/** `environment` as KEY → value (null when unset), unset values looked up in the project's variables. */
function environmentMap(node: ProjectNode, env: ReadonlyMap<string, string>): MapNode {
  const map = mapNode(node.origin);
  const put = (key: string, value: ProjectNode, keyOrigin = value.origin) => map.entries.set(key, { keyOrigin, value });
  if (node.kind === 'seq') {
    for (const item of node.items) {
      const text = stringOf(item);
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      if (eq < 0) put(text, scalar(null, item.origin));
      else put(text.slice(0, eq), { ...scalar(text.slice(eq + 1), item.origin), raw: item.kind === 'scalar' ? item.raw : undefined });
    }
  } else if (node.kind === 'map') {
    for (const [k, e] of node.entries) {
      const v = e.value;
      put(k, v.kind === 'scalar' && v.value !== null ? { ...v, value: goSprint(v.value) } : v, e.keyOrigin);
    }
  }
  for (const [k, e] of map.entries) {
    if (!isNull(e.value)) continue;
    const value = env.get(k);
    if (value !== undefined) e.value = { ...scalar(value, e.value.origin), raw: `\${${k}}` };
  }
  return map;
}
