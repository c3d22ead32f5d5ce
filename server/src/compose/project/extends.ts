/**
 * compose-go's ApplyExtends (loader/extends.go, override/extends.go): a service with `extends` is its base service
 * (same file, or `file:` relative to the folder of the file that names it) with its own keys merged over it, by
 * the same rules as a later file; chains are followed, a cycle is an error. The extending file's `!reset` and
 * `!override` apply to what the base brings.
 */
import { dirname } from 'node:path';
import type { LoadScope } from './context';
import { mergeYaml } from './merge';
import { absolute, resolveRelativePaths } from './paths';
import { applyResets } from './reset';
import { cloneNode, ComposeError, get, MapNode, mapNode, ProjectNode, stringOf, TreePath } from './tree';

/** Loads one file as compose-go's loadYamlFile does: the merged model and the last document's resets. */
export type FileLoader = (file: string, scope: LoadScope, workingDir: string, tracker: CycleTracker, included: string[]) => { dict: MapNode; resets: TreePath[] };

interface ServiceRef {
  filename: string;
  service: string;
}

export class CycleTracker {
  constructor(private readonly loaded: readonly ServiceRef[] = []) {}

  add(filename: string, service: string): CycleTracker {
    if (this.loaded.some((r) => r.filename === filename && r.service === service)) {
      const [first, ...rest] = this.loaded;
      const lines = ['Circular reference:', `  ${first!.service} in ${first!.filename}`, ...[...rest, { filename, service }].map((r) => `  extends ${r.service} in ${r.filename}`)];
      throw new ComposeError(lines.join('\n'));
    }
    return new CycleTracker([...this.loaded, { filename, service }]);
  }
}

interface ExtendsContext {
  /** The top file being loaded: compose-go names it in its messages. */
  file: string;
  scope: LoadScope;
  loadFile: FileLoader;
}

export function applyExtends(file: string, dict: MapNode, scope: LoadScope, tracker: CycleTracker, resets: readonly TreePath[], loadFile: FileLoader): void {
  const services = get(dict, 'services');
  if (!services) return;
  if (services.kind !== 'map') throw new ComposeError('services must be a mapping', services.origin);
  const ctx: ExtendsContext = { file, scope, loadFile };
  for (const name of [...services.entries.keys()]) applyServiceExtends(ctx, name, services, tracker, resets);
}

function applyServiceExtends(ctx: ExtendsContext, name: string, services: MapNode, tracker: CycleTracker, post: readonly TreePath[]): ProjectNode | undefined {
  const s = get(services, name);
  if (!s || (s.kind === 'scalar' && s.value === null)) return undefined;
  if (s.kind !== 'map') throw new ComposeError(`services.${name} must be a mapping`, s.origin);
  const ext = get(s, 'extends');
  if (!ext) return s;
  let ref: string | undefined;
  let file: string | undefined;
  if (ext.kind === 'map') {
    ref = stringOf(get(ext, 'service'));
    if (ref === undefined) throw new ComposeError(`extends.${name}.service is required`, ext.origin);
    file = stringOf(get(ext, 'file'));
  } else ref = stringOf(ext);
  if (ref === undefined) throw new ComposeError(`extends.${name}.service is required`, ext.origin);

  let filename = ctx.file;
  let baseServices = services;
  let processor = post;
  if (file !== undefined) {
    ({ services: baseServices, resets: processor } = extendsBaseFromFile(ctx, name, ref, filename, file));
    filename = file;
  } else if (!services.entries.has(ref)) {
    throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${filename}: service ${JSON.stringify(ref)} not found`, ext.origin);
  }

  const branch = tracker.add(filename, name);
  const base = applyServiceExtends(ctx, ref, baseServices, branch, processor);
  if (!base) return s;
  const source = cloneNode(base);
  // What the extending file tags `!reset`/`!override` is taken out of the base first.
  applyResets(mapNode(source.origin, [['services', { keyOrigin: source.origin, value: mapNode(source.origin, [[name, { keyOrigin: source.origin, value: source }]]) }]]), post);
  const merged = mergeYaml(source, s, ['services', 'x']);
  if (merged.kind === 'map') merged.entries.delete('extends');
  const entry = services.entries.get(name)!;
  services.entries.set(name, { ...entry, value: merged });
  return merged;
}

function extendsBaseFromFile(ctx: ExtendsContext, name: string, ref: string, path: string, refPath: string): { services: MapNode; resets: TreePath[] } {
  const { scope } = ctx;
  const local = absolute(refPath, scope.loaderDir, scope.reader.home);
  const localDir = dirname(local);
  const extendsScope: LoadScope = {
    ...scope,
    loaderDir: localDir,
    options: { ...scope.options, resolvePaths: false, skipNormalization: true, skipInclude: true, skipExtends: true, skipDefaultValues: true },
  };
  const { dict: source, resets } = ctx.loadFile(local, extendsScope, localDir, new CycleTracker(), []);
  const m = get(source, 'services');
  if (!m) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${local}: no services section`);
  if (m.kind !== 'map') throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${local}: services must be a mapping`, m.origin);
  if (!m.entries.has(ref)) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${path}: service ${JSON.stringify(ref)} not found in ${refPath}`);
  resolveRelativePaths(source, localDir, scope.reader.home);
  return { services: m, resets };
}
