import type { Node as YamlNode } from 'yaml';

/**
 * The project model: compose-go's `map[string]any` tree, where every node also says where it came from, so a rule
 * can report a merged value in the file (and at the YAML node) that set it.
 */

/** Where a value was written: the file and the YAML node (its range in that file's text). */
export interface Origin {
  /** Absolute path of the file (or the name a test gives an inline file). */
  file: string;
  /** [start, end) offsets in the file's text. */
  range: readonly [number, number];
  /** The YAML node itself; absent for values Compose synthesises from nothing (a default). */
  node?: YamlNode;
}

export type Scalar = string | number | boolean | null;

export interface ScalarNode {
  kind: 'scalar';
  value: Scalar;
  origin: Origin;
  /** The text before interpolation, when interpolation changed it. */
  raw?: string;
}

export interface MapEntry {
  value: ProjectNode;
  /** Where the key was written: where a finding about something missing in this map points. */
  keyOrigin: Origin;
  /** Where later files (or an extending service) wrote the same key again, in merge order. */
  alsoAt?: Origin[];
}

export interface MapNode {
  kind: 'map';
  /** Insertion-ordered, like the file. */
  entries: Map<string, MapEntry>;
  origin: Origin;
}

export interface SeqNode {
  kind: 'seq';
  items: ProjectNode[];
  origin: Origin;
}

export type ProjectNode = ScalarNode | MapNode | SeqNode;

/** compose-go's tree.Path, as its parts. */
export type TreePath = readonly string[];

/** tree.Path.Matches: same length, each part equal or the pattern's `*`. */
export function pathMatches(path: TreePath, pattern: TreePath): boolean {
  return path.length === pattern.length && path.every((part, i) => pattern[i] === '*' || pattern[i] === part);
}

/** Patterns written as compose-go writes them ("services.*.ports"), split once. */
export function patterns<T>(table: Record<string, T>): Array<[TreePath, T]> {
  return Object.entries(table).map(([p, v]) => [p.split('.'), v]);
}

/**
 * A table of path patterns as a trie, walked along with the tree: a walk keeps the trie nodes its path can still
 * match (the `*` part matches any part) and stops descending where none is left, so a rule for
 * `services.*.ports` never visits the rest of the project.
 */
export interface PathTrie<T> {
  value?: T;
  children: Map<string, PathTrie<T>>;
}

export type TrieStates<T> = ReadonlyArray<PathTrie<T>>;

export function trieOf<T>(table: Record<string, T>): TrieStates<T> {
  const root: PathTrie<T> = { children: new Map() };
  for (const [pattern, value] of Object.entries(table)) {
    let node = root;
    for (const part of pattern.split('.')) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { children: new Map() }));
      node = next;
    }
    node.value = value;
  }
  return [root];
}

/** The trie nodes a path reaches after one more part. */
export function stepTrie<T>(states: TrieStates<T>, part: string): TrieStates<T> {
  if (states.length === 1 && states[0]!.children.size === 0) return [];
  const out: Array<PathTrie<T>> = [];
  for (const state of states) {
    const exact = state.children.get(part);
    if (exact) out.push(exact);
    const any = part === '*' ? undefined : state.children.get('*');
    if (any) out.push(any);
  }
  return out;
}

/** The value of the pattern the path matches, if any. */
export function trieValue<T>(states: TrieStates<T>): T | undefined {
  for (const state of states) if (state.value !== undefined) return state.value;
  return undefined;
}

/** Whether a longer path could still match (a pattern goes on below). */
export function trieGoesOn<T>(states: TrieStates<T>): boolean {
  return states.some((s) => s.children.size > 0);
}

/** The value at `path` from the root states. */
export function trieLookup<T>(root: TrieStates<T>, path: TreePath): T | undefined {
  let states = root;
  for (const part of path) {
    states = stepTrie(states, part);
    if (!states.length) return undefined;
  }
  return trieValue(states);
}

export function pathText(path: TreePath): string {
  return path.join('.');
}

export function scalar(value: Scalar, origin: Origin): ScalarNode {
  return { kind: 'scalar', value, origin };
}

export function mapNode(origin: Origin, entries: Iterable<[string, MapEntry]> = []): MapNode {
  return { kind: 'map', entries: new Map(entries), origin };
}

export function seqNode(origin: Origin, items: ProjectNode[] = []): SeqNode {
  return { kind: 'seq', items, origin };
}

export function isMapNode(n: ProjectNode | undefined): n is MapNode {
  return n?.kind === 'map';
}

export function isSeqNode(n: ProjectNode | undefined): n is SeqNode {
  return n?.kind === 'seq';
}

export function isNull(n: ProjectNode | undefined): boolean {
  return n === undefined || (n.kind === 'scalar' && n.value === null);
}

/** The string a scalar holds; undefined for anything else. */
export function stringOf(n: ProjectNode | undefined): string | undefined {
  return n?.kind === 'scalar' && typeof n.value === 'string' ? n.value : undefined;
}

export function get(map: MapNode, key: string): ProjectNode | undefined {
  return map.entries.get(key)?.value;
}

/** The node at `path` (map keys and sequence indexes) below `node`; undefined when there is none. */
export function nodeAt(node: ProjectNode | undefined, ...path: Array<string | number>): ProjectNode | undefined {
  let current = node;
  for (const part of path) {
    if (current?.kind === 'map' && typeof part === 'string') current = current.entries.get(part)?.value;
    else if (current?.kind === 'seq' && typeof part === 'number') current = current.items[part];
    else return undefined;
  }
  return current;
}

/** Sets `key`, keeping the key's first origin when it was already there (the base file's key). */
export function set(map: MapNode, key: string, value: ProjectNode, keyOrigin: Origin = value.origin): void {
  const entry = map.entries.get(key);
  map.entries.set(key, { value, keyOrigin: entry?.keyOrigin ?? keyOrigin });
}

/** A deep copy: merging mutates maps, and `extends` reuses a base many times. Origins are shared (never mutated). */
export function cloneNode(n: ProjectNode): ProjectNode {
  switch (n.kind) {
    case 'scalar':
      return { ...n };
    case 'seq':
      return seqNode(n.origin, n.items.map(cloneNode));
    case 'map':
      return mapNode(n.origin, [...n.entries].map(([k, e]) => [k, { keyOrigin: e.keyOrigin, value: cloneNode(e.value) }]));
  }
}

/** What Go's `fmt.Sprint` prints for a scalar (compose-go turns values into "k=v" strings with it). */
export function goSprint(value: Scalar): string {
  if (value === null) return '<nil>';
  return String(value);
}

/** The plain value (what `docker compose config --format json` prints), origins left out. */
export function toPlain(n: ProjectNode): unknown {
  switch (n.kind) {
    case 'scalar':
      return n.value;
    case 'seq':
      return n.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of n.entries) out[k] = toPlain(e.value);
      return out;
    }
  }
}

/** A tree from a plain value, every node pointing at `origin` (a value Compose derives from the one written there). */
export function fromPlain(value: unknown, origin: Origin): ProjectNode {
  if (Array.isArray(value)) return seqNode(origin, value.map((v) => fromPlain(v, origin)));
  if (value !== null && typeof value === 'object') {
    return mapNode(origin, Object.entries(value).map(([k, v]) => [k, { keyOrigin: origin, value: fromPlain(v, origin) }]));
  }
  return scalar((value ?? null) as Scalar, origin);
}

/** The error compose-go returns, in its words; `origin` says where, when known. */
export class ComposeError extends Error {
  constructor(
    message: string,
    readonly origin?: Origin,
  ) {
    super(message);
  }
}
