/**
 * compose-go's override.EnforceUnicity (override/uncity.go): after a merge, a sequence entry that a later one
 * redefines (same key) is replaced by it, in the first one's place. The key is what names the entry: the variable
 * of `environment`, the target of `volumes` and `devices`, the host address, port and protocol of `ports`, …
 */
import { parseVolumeSpec } from './volumeSpec';
import { ComposeError, get, pathText, ProjectNode, seqNode, stepTrie, stringOf, TreePath, trieLookup, trieOf, TrieStates, trieValue } from './tree';

type Indexer = (entry: ProjectNode, path: TreePath) => string;

const UNIQUE = trieOf<Indexer>({
  'networks.*.labels': keyValue,
  'networks.*.ipam.options': keyValue,
  'services.*.annotations': keyValue,
  'services.*.build.args': keyValue,
  'services.*.build.additional_contexts': keyValue,
  'services.*.build.platform': keyValue,
  'services.*.build.tags': keyValue,
  'services.*.build.labels': keyValue,
  'services.*.cap_add': keyValue,
  'services.*.cap_drop': keyValue,
  'services.*.configs': mount(''),
  'services.*.deploy.labels': keyValue,
  'services.*.dns': keyValue,
  'services.*.dns_opt': keyValue,
  'services.*.dns_search': keyValue,
  'services.*.environment': keyValue,
  'services.*.env_file': envFile,
  'services.*.expose': expose,
  'services.*.labels': keyValue,
  'services.*.links': keyValue,
  'services.*.networks.*.aliases': keyValue,
  'services.*.networks.*.link_local_ips': keyValue,
  'services.*.ports': port,
  'services.*.profiles': keyValue,
  'services.*.secrets': mount('/run/secrets'),
  'services.*.sysctls': keyValue,
  'services.*.tmpfs': keyValue,
  'services.*.volumes': volume,
  'services.*.devices': device,
});

/** Whether compose-go de-duplicates the sequence at `path` before validating the file (so a repeat there is no schema error). */
export function isDeduplicatedByCompose(path: TreePath): boolean {
  return trieLookup(UNIQUE, path) !== undefined;
}

export function enforceUnicity(value: ProjectNode, path: TreePath = [], states: TrieStates<Indexer> = UNIQUE): ProjectNode {
  if (value.kind === 'map') {
    for (const [key, entry] of value.entries) {
      const next = stepTrie(states, key);
      if (next.length) entry.value = enforceUnicity(entry.value, [...path, key], next);
    }
    return value;
  }
  const indexer = value.kind === 'seq' ? trieValue(states) : undefined;
  if (!indexer || value.kind !== 'seq') return value;
  const items: ProjectNode[] = [];
  const index = new Map<string, number>();
  value.items.forEach((entry, i) => {
    const key = indexer(entry, [...path, `[${i}]`]);
    const at = index.get(key);
    if (at !== undefined) items[at] = entry;
    else index.set(key, items.push(entry) - 1);
  });
  return seqNode(value.origin, items);
}

function keyValue(entry: ProjectNode, path: TreePath): string {
  const text = stringOf(entry);
  if (text === undefined) throw new ComposeError(`${pathText(path)}: unexpected type ${goType(entry)}`, entry.origin);
  const eq = text.indexOf('=');
  return eq < 0 ? text : text.slice(0, eq);
}

function volume(entry: ProjectNode, path: TreePath): string {
  if (entry.kind === 'map') {
    const target = stringOf(get(entry, 'target'));
    if (target === undefined) throw new ComposeError(`service volume ${pathText(path)} is missing a mount target`, entry.origin);
    return target;
  }
  const text = stringOf(entry);
  return text === undefined ? '' : parseVolumeSpec(text, entry.origin).target ?? '';
}

function device(entry: ProjectNode, path: TreePath): string {
  if (entry.kind === 'map') {
    const target = stringOf(get(entry, 'target'));
    if (target === undefined) throw new ComposeError(`service device ${pathText(path)} is missing a mount target`, entry.origin);
    return target;
  }
  const parts = (stringOf(entry) ?? '').split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function expose(entry: ProjectNode, path: TreePath): string {
  if (entry.kind === 'scalar' && (typeof entry.value === 'string' || (typeof entry.value === 'number' && Number.isInteger(entry.value)))) return String(entry.value);
  throw new ComposeError(`${pathText(path)}: unsupported expose value ${goType(entry)}`, entry.origin);
}

function mount(defaultPath: string): Indexer {
  return (entry, path) => {
    const text = stringOf(entry);
    if (text !== undefined) return `${defaultPath}/${text}`;
    if (entry.kind !== 'map') throw new ComposeError(`${pathText(path)}: unsupported expose value ${goType(entry)}`, entry.origin);
    const target = get(entry, 'target');
    if (target) return stringOf(target) ?? '';
    const source = get(entry, 'source');
    return `${defaultPath}/${source?.kind === 'scalar' ? String(source.value) : '%!s(<nil>)'}`;
  };
}

function port(entry: ProjectNode, path: TreePath): string {
  if (entry.kind === 'scalar') return typeof entry.value === 'number' || typeof entry.value === 'string' ? String(entry.value) : '';
  if (entry.kind !== 'map') return '';
  const target = get(entry, 'target');
  if (!target) throw new ComposeError(`service ports ${pathText(path)} is missing a target port`, entry.origin);
  const text = (key: string, fallback: string) => {
    const v = get(entry, key);
    return v === undefined ? fallback : v.kind === 'scalar' ? String(v.value) : '';
  };
  return `${text('host_ip', '0.0.0.0')}:${text('published', '%!s(<nil>)')}:${text('target', '')}/${text('protocol', 'tcp')}`;
}

function envFile(entry: ProjectNode, path: TreePath): string {
  const text = stringOf(entry);
  if (text !== undefined) return text;
  if (entry.kind === 'map') {
    const p = get(entry, 'path');
    if (p) return stringOf(p) ?? '';
    throw new ComposeError(`environment path attribute ${pathText(path)} is missing`, entry.origin);
  }
  return '';
}

/** How Go's `%T` names a decoded value. */
export function goType(n: ProjectNode): string {
  if (n.kind === 'map') return 'map[string]interface {}';
  if (n.kind === 'seq') return '[]interface {}';
  if (n.value === null) return '<nil>';
  if (typeof n.value === 'number') return Number.isInteger(n.value) ? 'int' : 'float64';
  return typeof n.value === 'boolean' ? 'bool' : 'string';
}
