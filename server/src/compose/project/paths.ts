/**
 * compose-go's paths.ResolveRelativePaths (paths/resolve.go): the relative paths of a loaded model made relative to
 * (or, at the top, absolute in) the project's working directory: build contexts, env files, bind mounts, the
 * `extends` file, config and secret files, local driver `device` binds.
 */
import { isAbsolute, join } from 'node:path';
import { get, ProjectNode, stepTrie, stringOf, trieOf, TrieStates, trieValue } from './tree';

type Resolver = (node: ProjectNode, base: string, home: string | undefined) => void;

const RESOLVERS = trieOf<Resolver>({
  'services.*.build.context': absContextPath,
  'services.*.build.additional_contexts.*': absContextPath,
  'services.*.build.ssh.*': absPath,
  'services.*.env_file.*.path': absPath,
  'services.*.label_file.*': absPath,
  'services.*.extends.file': absPath,
  'services.*.develop.watch.*.path': absPath,
  'services.*.volumes.*': absVolumeMount,
  'configs.*.file': absPath,
  'secrets.*.file': absPath,
  'include.path': absPath,
  'include.project_directory': absPath,
  'include.env_file': absPath,
  'volumes.*': volumeDriverOpts,
});

export function resolveRelativePaths(node: ProjectNode, base: string, home: string | undefined, states: TrieStates<Resolver> = RESOLVERS): void {
  const resolver = trieValue(states);
  if (resolver) return resolver(node, base, home);
  if (node.kind === 'map') {
    for (const [key, entry] of node.entries) {
      const next = stepTrie(states, key);
      if (next.length) resolveRelativePaths(entry.value, base, home, next);
    }
  } else if (node.kind === 'seq') {
    const next = stepTrie(states, '[]');
    if (next.length) for (const item of node.items) resolveRelativePaths(item, base, home, next);
  }
}

/** `~/x` → the home folder's x (compose-go's ExpandUser). */
export function expandUser(p: string, home: string | undefined): string {
  if (home === undefined) return p;
  if (p === '~') return home;
  return p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

/** filepath.Join(base, p) unless p is absolute; "" stays "". */
export function absolute(p: string, base: string, home: string | undefined): string {
  const expanded = expandUser(p, home);
  if (isAbsolute(expanded) || expanded === '') return expanded;
  return goJoin(base, expanded);
}

/** Go's filepath.Join: joined and cleaned, without the trailing separator node's join keeps. */
export function goJoin(...parts: string[]): string {
  const joined = join(...parts);
  return joined.length > 1 && /[\\/]$/.test(joined) ? joined.slice(0, -1) : joined;
}

function absPath(node: ProjectNode, base: string, home: string | undefined): void {
  if (node.kind === 'seq') node.items.forEach((i) => absPath(i, base, home));
  else if (node.kind === 'scalar' && typeof node.value === 'string') node.value = absolute(node.value, base, home);
}

function absContextPath(node: ProjectNode, base: string, home: string | undefined): void {
  const v = stringOf(node);
  if (v === undefined || v.includes('://') || v.startsWith('service:')) return;
  if (['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'].some((p) => v.startsWith(p))) return;
  absPath(node, base, home);
}

function absVolumeMount(node: ProjectNode, base: string, home: string | undefined): void {
  if (node.kind !== 'map' || stringOf(get(node, 'type')) !== 'bind') return;
  const source = get(node, 'source');
  if (source) absPath(source, base, home);
}

function volumeDriverOpts(node: ProjectNode, base: string, home: string | undefined): void {
  if (node.kind !== 'map' || stringOf(get(node, 'driver')) !== 'local') return;
  const opts = get(node, 'driver_opts');
  if (opts?.kind !== 'map' || stringOf(get(opts, 'o')) !== 'bind') return;
  const device = get(opts, 'device');
  if (device) absPath(device, base, home);
}
