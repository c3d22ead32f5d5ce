/**
 * compose-go's override.MergeYaml (override/merge.go): how a later file (or an extending service) is laid over an
 * earlier one. Mappings merge key by key; sequences are appended (unicity.ts then drops the entries a later one
 * redefines); a scalar is replaced; and these paths have rules of their own. Maps are merged in place (the left
 * tree is the accumulated project, as in compose-go); every value keeps the origin of the file that wrote it.
 */
import { ComposeError, goSprint, isMapNode, MapNode, mapNode, Origin, pathText, ProjectNode, scalar, seqNode, SeqNode, stringOf, TreePath, trieLookup, trieOf } from './tree';

type Merger = (left: ProjectNode, right: ProjectNode | undefined, path: TreePath) => ProjectNode;

const SPECIALS = trieOf<Merger>({
  'networks.*.ipam.config': mergeIpamConfig,
  'networks.*.labels': mergeToSequence,
  'volumes.*.labels': mergeToSequence,
  'services.*.annotations': mergeToSequence,
  'services.*.build': mergeBuild,
  'services.*.build.args': mergeToSequence,
  'services.*.build.additional_contexts': mergeToSequence,
  'services.*.build.extra_hosts': mergeExtraHosts,
  'services.*.build.labels': mergeToSequence,
  'services.*.command': override,
  'services.*.depends_on': mergeDependsOn,
  'services.*.deploy.labels': mergeToSequence,
  'services.*.dns': mergeToSequence,
  'services.*.dns_opt': mergeToSequence,
  'services.*.dns_search': mergeToSequence,
  'services.*.entrypoint': override,
  'services.*.env_file': mergeToSequence,
  'services.*.label_file': mergeToSequence,
  'services.*.environment': mergeToSequence,
  'services.*.extra_hosts': mergeExtraHosts,
  'services.*.healthcheck.test': override,
  'services.*.labels': mergeToSequence,
  'services.*.volumes.*.volume.labels': mergeToSequence,
  'services.*.logging': mergeLogging,
  'services.*.models': mergeToMapping,
  'services.*.networks': mergeToMapping,
  'services.*.sysctls': mergeToSequence,
  'services.*.tmpfs': mergeToSequence,
  'services.*.ulimits.*': mergeUlimit,
});

/** Lays `right` over `left` at `path`; `left` may be changed in place. */
export function mergeYaml(left: ProjectNode, right: ProjectNode | undefined, path: TreePath): ProjectNode {
  const merger = trieLookup(SPECIALS, path);
  if (merger) return merger(left, right, path);
  if (right === undefined || (right.kind === 'scalar' && right.value === null)) return left;
  if (left.kind === 'map') {
    if (right.kind !== 'map') throw new ComposeError(`cannot override ${pathText(path)}`, right.origin);
    return mergeMappings(left, right, path);
  }
  if (left.kind === 'seq') {
    if (right.kind !== 'seq') throw new ComposeError(`cannot override ${pathText(path)}`, right.origin);
    return seqNode(left.origin, [...left.items, ...right.items]);
  }
  return right;
}

export function mergeMappings(left: MapNode, right: MapNode | undefined, path: TreePath): MapNode {
  if (!right) return left;
  for (const [key, entry] of right.entries) {
    const existing = left.entries.get(key);
    if (!existing) {
      left.entries.set(key, entry);
      continue;
    }
    // The key keeps its first place; the later file that wrote it again is remembered too.
    left.entries.set(key, {
      value: mergeYaml(existing.value, entry.value, [...path, key]),
      keyOrigin: existing.keyOrigin,
      alsoAt: [...(existing.alsoAt ?? []), entry.keyOrigin],
    });
  }
  return left;
}

function override(_left: ProjectNode, right: ProjectNode | undefined): ProjectNode {
  return right ?? _left;
}

function mergeLogging(left: ProjectNode, right: ProjectNode | undefined, path: TreePath): ProjectNode {
  if (!isMapNode(left) || !isMapNode(right)) return right ?? left;
  // Options merge only when both files name the same driver, or one names none.
  const a = right.entries.get('driver')?.value;
  const b = left.entries.get('driver')?.value;
  if (!a || !b || sameScalar(a, b)) return mergeMappings(left, right, path);
  return right;
}

function sameScalar(a: ProjectNode, b: ProjectNode): boolean {
  return a.kind === 'scalar' && b.kind === 'scalar' && a.value === b.value;
}

function mergeBuild(left: ProjectNode, right: ProjectNode | undefined, path: TreePath): ProjectNode {
  const asBuild = (n: ProjectNode | undefined): MapNode | undefined => {
    if (n?.kind === 'map') return n;
    const context = stringOf(n);
    return context === undefined ? undefined : mapNode(n!.origin, [['context', { value: n!, keyOrigin: n!.origin }]]);
  };
  const base = asBuild(left);
  return base ? mergeMappings(base, asBuild(right), path) : (asBuild(right) ?? left);
}

const STARTED = { condition: 'service_started', required: true } as const;

function mergeDependsOn(left: ProjectNode, right: ProjectNode | undefined, path: TreePath): ProjectNode {
  const base = convertIntoMapping(left, STARTED) ?? mapNode(left.origin);
  return mergeMappings(base, convertIntoMapping(right, STARTED), path);
}

function mergeToMapping(left: ProjectNode, right: ProjectNode | undefined, path: TreePath): ProjectNode {
  const base = convertIntoMapping(left, undefined) ?? mapNode(left.origin);
  return mergeMappings(base, convertIntoMapping(right, undefined), path);
}

function mergeExtraHosts(left: ProjectNode, right: ProjectNode | undefined): ProjectNode {
  const base = convertIntoSequence(left);
  const seen = new Set(base.map((n) => scalarKey(n)));
  const added = convertIntoSequence(right).filter((n) => !seen.has(scalarKey(n)));
  return seqNode(left.origin, [...base, ...added]);
}

function scalarKey(n: ProjectNode): string {
  return n.kind === 'scalar' ? `${typeof n.value}:${String(n.value)}` : `${n.kind}:${JSON.stringify(n.origin.range)}`;
}

function mergeToSequence(left: ProjectNode, right: ProjectNode | undefined): ProjectNode {
  return seqNode(left.origin, [...convertIntoSequence(left), ...convertIntoSequence(right)]);
}

/** A mapping written as a list of `KEY=VALUE` (sorted, as compose-go sorts them); a string as a one-entry list. */
export function convertIntoSequence(value: ProjectNode | undefined): ProjectNode[] {
  if (!value) return [];
  if (value.kind === 'seq') return value.items;
  if (value.kind === 'scalar') return typeof value.value === 'string' ? [value] : [];
  const seq: ProjectNode[] = [];
  for (const [key, entry] of value.entries) {
    const v = entry.value;
    if (v.kind === 'scalar' && v.value === null) seq.push(scalar(key, entry.keyOrigin));
    else if (v.kind === 'seq') for (const item of v.items) seq.push(scalar(`${key}=${sprintValue(item)}`, item.origin));
    else seq.push(scalar(`${key}=${sprintValue(v)}`, v.origin));
  }
  return seq.sort((a, b) => compareBytes(String((a as { value: unknown }).value), String((b as { value: unknown }).value)));
}

/** Go's `%v` of a decoded YAML value. */
export function sprintValue(n: ProjectNode): string {
  if (n.kind === 'scalar') return goSprint(n.value);
  if (n.kind === 'seq') return `[${n.items.map(sprintValue).join(' ')}]`;
  return `map[${[...n.entries.keys()].sort(compareBytes).map((k) => `${k}:${sprintValue(n.entries.get(k)!.value)}`).join(' ')}]`;
}

export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A list of names as a mapping (each name given `defaults`, or null). */
export function convertIntoMapping(value: ProjectNode | undefined, defaults: Readonly<Record<string, string | boolean>> | undefined): MapNode | undefined {
  if (value?.kind === 'map') return value;
  if (value?.kind !== 'seq') return undefined;
  const map = mapNode(value.origin);
  for (const item of value.items) {
    const name = stringOf(item);
    if (name === undefined) throw new ComposeError(`invalid entry ${JSON.stringify(item.kind === 'scalar' ? item.value : item.kind)}: a name is expected`, item.origin);
    map.entries.set(name, { keyOrigin: item.origin, value: defaults ? defaultsNode(defaults, item.origin) : scalar(null, item.origin) });
  }
  return map;
}

function defaultsNode(defaults: Readonly<Record<string, string | boolean>>, origin: Origin): MapNode {
  return mapNode(origin, Object.entries(defaults).map(([k, v]) => [k, { keyOrigin: origin, value: scalar(v, origin) }]));
}

function mergeUlimit(left: ProjectNode, right: ProjectNode | undefined): ProjectNode {
  // compose-go merges the override with itself here, so the override simply wins.
  return right ?? left;
}

function mergeIpamConfig(left: ProjectNode, right: ProjectNode | undefined, path: TreePath): ProjectNode {
  if (left.kind !== 'seq' || right?.kind !== 'seq') throw new ComposeError(`${pathText(path)}: unexpected type`, (right ?? left).origin);
  const configs: MapNode[] = [];
  const subnet = (m: MapNode) => {
    const v = m.entries.get('subnet')?.value;
    return v?.kind === 'scalar' ? v.value : undefined;
  };
  for (const original of left.items) {
    const base = convertIntoMapping(original, undefined) ?? mapNode(original.origin);
    for (const over of right.items) {
      const other = convertIntoMapping(over, undefined) ?? mapNode(over.origin);
      if (subnet(other) !== subnet(base) && !configs.some((c) => subnet(c) === subnet(other))) {
        configs.push(other);
        continue;
      }
      const merged = mergeMappings(base, other, path);
      const i = configs.findIndex((c) => subnet(c) === subnet(merged));
      if (i >= 0) configs[i] = merged;
      else configs.push(merged);
    }
  }
  return seqNode(left.origin, configs) as SeqNode;
}
