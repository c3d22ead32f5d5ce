/**
 * compose-go's transform.Canonical (transform/canonical.go) and loader.OmitEmpty: short forms written as their
 * long form after each file is merged (`ports: ["8000:8000"]` → `{target, published, protocol, mode}`, `depends_on`
 * lists → maps, a `build:` string → `{context}`, …). A synthesised node keeps the origin of the text it came from.
 */
import { parseShortPortSpec, portRange } from '../ports';
import { convertIntoMapping } from './merge';
import { goType } from './unicity';
import { parseVolumeSpec } from './volumeSpec';
import { ComposeError, fromPlain, get, isNull, MapNode, mapNode, Origin, pathText, ProjectNode, scalar, seqNode, stepTrie, stringOf, TreePath, trieGoesOn, trieOf, TrieStates, trieValue } from './tree';

type Transform = (node: ProjectNode, path: TreePath, states: TrieStates<Transform>) => ProjectNode | undefined;

const TRANSFORMS = trieOf<Transform>({
  'services.*': (n, p, s) => (n.kind === 'map' ? transformMapping(n, p, s) : n),
  'services.*.build.secrets.*': fileMount,
  'services.*.build.provenance': stringOrX,
  'services.*.build.sbom': stringOrX,
  'services.*.build.additional_contexts': keyValueMap,
  'services.*.depends_on': dependsOn,
  'services.*.env_file': envFile,
  'services.*.label_file': stringOrList,
  'services.*.extends': (n, p, s) => (n.kind === 'map' ? transformMapping(n, p, s) : typed(n, p, 'extends', () => wrap(n, 'service'))),
  'services.*.gpus': gpus,
  'services.*.networks': stringSliceToMap,
  'services.*.models': stringSliceToMap,
  'services.*.volumes.*': volumeMount,
  'services.*.dns': stringOrList,
  'services.*.devices.*': deviceMapping,
  'services.*.secrets.*': fileMount,
  'services.*.configs.*': fileMount,
  'services.*.ports': ports,
  'services.*.build': (n, p, s) => (n.kind === 'map' ? transformMapping(n, p, s) : typed(n, p, 'build', () => wrap(n, 'context'))),
  'services.*.build.ssh': ssh,
  'services.*.ulimits.*': ulimit,
  'services.*.build.ulimits.*': ulimit,
  'services.*.develop.watch.*.ignore': stringOrList,
  'services.*.develop.watch.*.include': stringOrList,
  'volumes.*': maybeExternal,
  'networks.*': maybeExternal,
  'secrets.*': maybeExternal,
  'configs.*': maybeExternal,
  'include.*': (n, p) => (n.kind === 'map' ? n : typed(n, p, 'external', () => wrap(n, 'path'))),
});

export function canonical(tree: MapNode): MapNode {
  return transform(tree, [], TRANSFORMS) as MapNode;
}

function transform(node: ProjectNode, path: TreePath, states: TrieStates<Transform>): ProjectNode | undefined {
  const fn = trieValue(states);
  if (fn) return fn(node, path, states);
  // Nothing below can match: the subtree stays as it is.
  if (!trieGoesOn(states)) return node;
  if (node.kind === 'map') return transformMapping(node, path, states);
  if (node.kind === 'seq') {
    const next = stepTrie(states, '[]');
    if (next.length) node.items = node.items.map((item) => transform(item, [...path, '[]'], next) ?? scalar(null, item.origin));
  }
  return node;
}

function transformMapping(map: MapNode, path: TreePath, states: TrieStates<Transform>): MapNode {
  for (const [key, entry] of map.entries) {
    const next = stepTrie(states, key);
    if (!next.length) continue;
    const value = transform(entry.value, [...path, key], next);
    entry.value = value ?? scalar(null, entry.value.origin);
  }
  return map;
}

/** `{key: value}` from a string, at the string's origin. */
function wrap(n: ProjectNode, key: string): MapNode {
  return mapNode(n.origin, [[key, { value: n, keyOrigin: n.origin }]]);
}

function typed(n: ProjectNode, path: TreePath, what: string, ifString: () => ProjectNode): ProjectNode {
  if (stringOf(n) !== undefined) return ifString();
  throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for ${what}`, n.origin);
}

function stringOrList(n: ProjectNode): ProjectNode {
  return stringOf(n) !== undefined ? seqNode(n.origin, [n]) : n;
}

function stringOrX(n: ProjectNode): ProjectNode {
  return n.kind === 'scalar' && typeof n.value !== 'string' ? scalar(n.value === null ? '<nil>' : String(n.value), n.origin) : n;
}

function keyValueMap(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind === 'map') return n;
  if (n.kind !== 'seq') throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)}`, n.origin);
  const map = mapNode(n.origin);
  for (const item of n.items) {
    const text = stringOf(item) ?? '';
    const eq = text.indexOf('=');
    if (eq < 0) throw new ComposeError(`${pathText(path)}: invalid value ${text}, expected key=value`, item.origin);
    map.entries.set(text.slice(0, eq), { keyOrigin: item.origin, value: scalar(text.slice(eq + 1), item.origin) });
  }
  return map;
}

function dependsOn(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind === 'seq') return convertIntoMapping(n, { condition: 'service_started', required: true })!;
  if (n.kind !== 'map') throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for depend_on`, n.origin);
  for (const [name, entry] of n.entries) {
    if (entry.value.kind !== 'map') throw new ComposeError(`${pathText(path)}.${name}: unsupported value`, entry.value.origin);
    setDefault(entry.value, 'condition', 'service_started');
    setDefault(entry.value, 'required', true);
  }
  return n;
}

/** Adds `key: value` when absent; the default points at the map it was added to. */
export function setDefault(map: MapNode, key: string, value: string | boolean): void {
  if (!map.entries.has(key)) map.entries.set(key, { keyOrigin: map.origin, value: scalar(value, map.origin) });
}

function envFile(n: ProjectNode, path: TreePath): ProjectNode {
  const one = (item: ProjectNode): ProjectNode => {
    if (stringOf(item) !== undefined) return fromEntries(item.origin, [['path', item], ['required', scalar(true, item.origin)]]);
    if (item.kind === 'map') setDefault(item, 'required', true);
    return item;
  };
  if (stringOf(n) !== undefined) return seqNode(n.origin, [one(n)]);
  if (n.kind === 'seq') return seqNode(n.origin, n.items.map(one));
  throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for env_file`, n.origin);
}

function fromEntries(origin: Origin, entries: Array<[string, ProjectNode]>): MapNode {
  return mapNode(origin, entries.map(([k, v]) => [k, { keyOrigin: v.origin, value: v }]));
}

function gpus(n: ProjectNode, path: TreePath, states: TrieStates<Transform>): ProjectNode {
  if (n.kind === 'seq') {
    const next = stepTrie(states, '[]');
    n.items = n.items.map((item) => transform(item, [...path, '[]'], next) ?? item);
    return n;
  }
  // `gpus: all` (any string): every GPU.
  return typed(n, path, 'gpus', () => seqNode(n.origin, [fromEntries(n.origin, [['count', scalar('all', n.origin)]])]));
}

function stringSliceToMap(n: ProjectNode): ProjectNode {
  return n.kind === 'seq' ? convertIntoMapping(n, undefined)! : n;
}

function volumeMount(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind === 'map') return n;
  const text = stringOf(n);
  if (text === undefined) throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for service volume mount`, n.origin);
  const spec = parseVolumeSpec(text, n.origin);
  if (spec.target) spec.target = cleanPath(spec.target);
  return fromPlain(spec, n.origin);
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

function deviceMapping(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind === 'map') return n;
  const text = stringOf(n);
  if (text === undefined) throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for service volume mount`, n.origin);
  const parts = text.split(':');
  if (parts.length > 3) throw new ComposeError(`confusing device mapping, please use long syntax: ${text}`, n.origin);
  const [source = '', target, permissions = 'rwm'] = parts;
  return fromPlain({ source, target: target || source, permissions }, n.origin);
}

function fileMount(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind === 'map') return n;
  if (stringOf(n) !== undefined) return wrap(n, 'source');
  throw new ComposeError(`${pathText(path)}: unsupported type ${goType(n)}`, n.origin);
}

function ports(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind !== 'seq') throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for port`, n.origin);
  const out: ProjectNode[] = [];
  for (const entry of n.items) {
    if (entry.kind === 'map') out.push(entry);
    else if (entry.kind === 'scalar' && (typeof entry.value === 'string' || (typeof entry.value === 'number' && Number.isInteger(entry.value)))) {
      for (const port of parsePortConfig(String(entry.value), entry.origin)) out.push(fromPlain(port, entry.origin));
    } else throw new ComposeError(`${pathText(path)}: invalid type ${goType(entry)} for port`, entry.origin);
  }
  return seqNode(n.origin, out);
}

export interface PortConfig {
  mode: 'ingress';
  host_ip?: string;
  target: number;
  published?: string;
  protocol: string;
}

/** compose-go's types.ParsePortConfig (docker's nat.ParsePortSpecs): one entry per container port, sorted as text. */
export function parsePortConfig(spec: string, origin?: Origin): PortConfig[] {
  const parsed = parseShortPortSpec(spec);
  if (!parsed) throw new ComposeError(`invalid port spec: ${spec}`, origin);
  const protocol = parsed.protocol;
  if (!['tcp', 'udp', 'sctp'].includes(protocol)) throw new ComposeError(`invalid proto: ${protocol}`, origin);
  const containers = parsed.containerPorts;
  const hosts = parsed.hostPort === undefined ? undefined : portRange(parsed.hostPort);
  if (parsed.hostPort !== undefined && !hosts) throw new ComposeError(`invalid hostPort: ${parsed.hostPort}`, origin);
  if (hosts && hosts.length > 1 && containers.length > 1 && hosts.length !== containers.length) {
    throw new ComposeError(`invalid ranges specified for container and host Ports: ${containers.join('-')} and ${parsed.hostPort}`, origin);
  }
  const configs = containers.map((target, i) => {
    let published: string | undefined;
    if (hosts) published = containers.length === 1 ? parsed.hostPort : String(hosts[i]);
    const config: PortConfig = { mode: 'ingress', target, protocol };
    if (parsed.hostIp) config.host_ip = parsed.hostIp;
    if (published !== undefined) config.published = published;
    return { key: `${target}/${protocol}`, config: orderPort(config) };
  });
  return configs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((c) => c.config);
}

/** The field order of compose-go's ServicePortConfig. */
function orderPort(p: PortConfig): PortConfig {
  const out: Record<string, unknown> = { mode: p.mode };
  if (p.host_ip !== undefined) out.host_ip = p.host_ip;
  out.target = p.target;
  if (p.published !== undefined) out.published = p.published;
  out.protocol = p.protocol;
  return out as unknown as PortConfig;
}

function ssh(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind === 'map') return n;
  if (n.kind !== 'seq') throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for ssh`, n.origin);
  const map = mapNode(n.origin);
  for (const item of n.items) {
    const text = stringOf(item);
    if (text === undefined) throw new ComposeError(`invalid ssh key type ${goType(item)}`, item.origin);
    const eq = text.indexOf('=');
    if (eq < 0 && text !== 'default') throw new ComposeError(`invalid ssh key ${JSON.stringify(text)}`, item.origin);
    map.entries.set(eq < 0 ? text : text.slice(0, eq), { keyOrigin: item.origin, value: scalar(eq < 0 ? null : text.slice(eq + 1), item.origin) });
  }
  return map;
}

function ulimit(n: ProjectNode, path: TreePath): ProjectNode {
  if (n.kind === 'map' || (n.kind === 'scalar' && typeof n.value === 'number' && Number.isInteger(n.value))) return n;
  throw new ComposeError(`${pathText(path)}: invalid type ${goType(n)} for external`, n.origin);
}

function maybeExternal(n: ProjectNode, path: TreePath, states: TrieStates<Transform>): ProjectNode | undefined {
  if (isNull(n)) return n;
  if (n.kind !== 'map') throw new ComposeError(`${pathText(path)}: must be a mapping`, n.origin);
  const resource = transformMapping(n, path, states);
  const external = get(resource, 'external');
  if (external?.kind === 'map') {
    const name = get(resource, 'name');
    resource.entries.get('external')!.value = scalar(true, external.origin);
    const extName = get(external, 'name');
    if (extName) {
      if (name && !(name.kind === 'scalar' && extName.kind === 'scalar' && name.value === extName.value)) {
        throw new ComposeError(`${pathText(path)}: name and external.name conflict; only use name`, extName.origin);
      }
      if (!name) resource.entries.set('name', { keyOrigin: extName.origin, value: extName });
    }
  }
  return resource;
}

const OMIT_EMPTY = trieOf({ 'services.*.dns': true });

/** loader.OmitEmpty: empty `dns` entries are dropped. */
export function omitEmpty(node: ProjectNode, states: TrieStates<boolean> = OMIT_EMPTY): void {
  const empty = (n: ProjectNode) => n.kind === 'scalar' && (n.value === null || n.value === '');
  const omit = trieValue(states) === true;
  if (node.kind === 'map') {
    for (const [key, entry] of [...node.entries]) {
      if (omit && empty(entry.value)) node.entries.delete(key);
      else {
        const next = stepTrie(states, key);
        if (next.length) omitEmpty(entry.value, next);
      }
    }
  } else if (node.kind === 'seq') {
    if (omit) node.items = node.items.filter((i) => !empty(i));
    const next = stepTrie(states, '[]');
    if (next.length) node.items.forEach((i) => omitEmpty(i, next));
  }
}
