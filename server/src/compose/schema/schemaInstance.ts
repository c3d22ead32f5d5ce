/**
 * What compose-go hands its schema validator for one file (loader/loader.go loadYamlFile): the YAML as its loader
 * reads it (aliases and merge keys expanded, `!reset` values dropped, `!override` kept: project/load.ts), with the
 * strings at the loader's type-cast paths cast (`cpus: "0.5"` is a number, `privileged: "true"` a boolean:
 * project/interpolate.ts CASTS). Compose interpolates `${VAR}` from the shell before validating, which the editor
 * does not know: a value with a `$` is remembered as unknown, so nothing about its content is ever reported.
 */
import { isMap, isScalar, type Document, type Node as YamlNode, type Scalar, type YAMLMap } from 'yaml';
import type { LineIndex } from '../../core/lineIndex';
import { CASTS, type Cast } from '../project/interpolate';
import { convertNode } from '../project/load';
import { ComposeError, MapEntry, mapNode, MapNode, Origin, ProjectNode, scalar, stepTrie, TrieStates, trieValue } from '../project/tree';

export interface SchemaInstance {
  /** The value validated: plain objects (every key an own data property), arrays and scalars. */
  json: unknown;
  /** The converted tree, whose nodes say where each value and key was written. */
  tree: MapNode;
  /** JSON pointers of the strings Compose interpolates before validating: their content is unknown here. */
  interpolated: Set<string>;
  /** Strings at a cast path that Compose cannot cast (`privileged: maybe`): it refuses the file. */
  castFailures: CastFailure[];
}

export interface CastFailure {
  pointer: string;
  /** What the string had to be: `boolean`, `integer` or `number`. */
  expected: 'boolean' | 'integer' | 'number';
  /** compose-go's reason (`invalid boolean: maybe`). */
  reason: string;
}

/**
 * The file's top-level map as compose-go reads it, converted one top-level entry and one service at a time: a
 * service compose-go cannot read (a key written twice, an alias cycle) is left out without hiding the others, and
 * a file of thousands of services costs one pass. A top level with a tag or a merge key is converted whole;
 * undefined when it is no map (compose-go refuses it before validating).
 */
export function fileInstance(doc: Document, lines: LineIndex): SchemaInstance | undefined {
  const top = doc.contents;
  if (!isPlainMap(top)) return wholeDocument(doc, lines);
  const root = mapNode(originOf(top));
  for (const pair of top.items) {
    const { name: key, keyAt } = written(pair);
    const keyOrigin = originOf(pair.key as Scalar);
    // An extension (`x-…`) may hold anything: its anchors are read where services use them.
    const value = key.startsWith('x-')
      ? scalar(null, keyOrigin)
      : key === 'services' && isPlainMap(pair.value)
        ? servicesOf(doc, lines, pair.value.items.map(written))
        : convertAt(doc, lines, pair.value, keyAt, [key]);
    if (value) root.entries.set(key, { value, keyOrigin });
  }
  return instanceOf(root);
}

/** A service as written under `services:`: its name, where its key is, its value node. */
export interface WrittenService {
  name: string;
  keyAt: readonly [number, number];
  value: unknown;
}

/** Only these services, as `{services: {name: …}}`: an incremental run re-checks one service. */
export function servicesInstance(doc: Document, lines: LineIndex, services: readonly WrittenService[]): SchemaInstance {
  const root = mapNode({ file: '', range: [0, 0] });
  root.entries.set('services', { value: servicesOf(doc, lines, services), keyOrigin: root.origin });
  return instanceOf(root);
}

function servicesOf(doc: Document, lines: LineIndex, services: readonly WrittenService[]): MapNode {
  const map = mapNode({ file: '', range: [0, 0] });
  for (const service of services) {
    const value = convertAt(doc, lines, service.value, service.keyAt, ['services', service.name]);
    if (value) map.entries.set(service.name, { value, keyOrigin: { file: '', range: service.keyAt } });
  }
  return map;
}

function written(pair: { key: unknown; value: unknown }): WrittenService {
  const key = pair.key as Scalar;
  return { name: String(key.value), keyAt: key.range ? [key.range[0], key.range[1]] : [0, 0], value: pair.value };
}

/** A map read entry by entry: untagged, with plain keys and no merge key (else it is converted whole). */
function isPlainMap(node: unknown): node is YAMLMap {
  return isMap(node) && !node.tag && node.items.every((p) => isScalar(p.key) && p.key.value !== '<<');
}

/** A map entry's value; one with no value node at all (`? key`, `{key}`) is null, placed where its key ends. */
function convertAt(doc: Document, lines: LineIndex, node: unknown, keyAt: readonly [number, number], path: readonly string[]): ProjectNode | undefined {
  if (node === null || node === undefined) return scalar(null, { file: '', range: [keyAt[1], keyAt[1]] });
  try {
    return convertNode(doc, node, '', lines, path);
  } catch (err) {
    if (err instanceof ComposeError) return undefined;
    throw err;
  }
}

function wholeDocument(doc: Document, lines: LineIndex): SchemaInstance | undefined {
  const tree = convertAt(doc, lines, doc.contents, [0, 0], []);
  return tree?.kind === 'map' ? instanceOf(tree) : undefined;
}

function originOf(node: YamlNode): Origin {
  const r = node.range;
  return { file: '', range: r ? [r[0], r[1]] : [0, 0], node };
}

function instanceOf(tree: MapNode): SchemaInstance {
  const instance: SchemaInstance = { json: undefined, tree, interpolated: new Set(), castFailures: [] };
  instance.json = toJson(tree, [], CASTS, instance);
  return instance;
}

/** `path` is one array pushed and popped along the walk: a pointer is made only for the few values that need one. */
function toJson(node: ProjectNode, path: string[], casts: TrieStates<Cast>, out: SchemaInstance): unknown {
  if (node.kind === 'map') {
    // A plain object (Ajv's uniqueItems compares with valueOf); `__proto__` defined as data, never as the prototype.
    const obj: Record<string, unknown> = {};
    for (const [key, entry] of node.entries) {
      path.push(key);
      const value = toJson(entry.value, path, step(casts, key), out);
      if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      path.pop();
    }
    return obj;
  }
  if (node.kind === 'seq') {
    const items = step(casts, '[]');
    return node.items.map((item, i) => {
      path.push(String(i));
      const value = toJson(item, path, items, out);
      path.pop();
      return value;
    });
  }
  if (typeof node.value !== 'string') return node.value;
  const cast = trieValue(casts);
  if (node.value.includes('$')) {
    out.interpolated.add(pointerOf(path));
    // After interpolation the value has the cast's type (or is a string): a stand-in of that type.
    return cast ? standIn(cast) : node.value;
  }
  if (!cast) return node.value;
  const result = cast(node.value);
  if (!(result instanceof Error)) return result;
  out.castFailures.push({ pointer: pointerOf(path), expected: castType(cast), reason: result.message });
  return standIn(cast);
}

/** RFC 6901, as Ajv writes `instancePath`. */
function pointerOf(path: readonly string[]): string {
  return path.map((part) => `/${escapePointer(part)}`).join('');
}

const NO_CASTS: TrieStates<Cast> = [];

/** The cast trie one part down; past every cast path (most of a file), one shared empty state. */
function step(casts: TrieStates<Cast>, part: string): TrieStates<Cast> {
  if (!casts.length) return NO_CASTS;
  const next = stepTrie(casts, part);
  return next.length ? next : NO_CASTS;
}

/** A value of the type `cast` produces. */
function standIn(cast: Cast): unknown {
  const n = cast('0');
  return n instanceof Error ? cast('true') : n;
}

function castType(cast: Cast): CastFailure['expected'] {
  const v = standIn(cast);
  if (typeof v === 'boolean') return 'boolean';
  return cast('0.5') instanceof Error ? 'integer' : 'number';
}

/** RFC 6901: `~` and `/` in a key. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** A place of the instance: the node, how it was reached, and the map entry holding it (when a map's value). */
export interface Place {
  node: ProjectNode;
  /** Map keys and list indexes from the root. */
  steps: ReadonlyArray<{ part: string; index: boolean }>;
  entry?: MapEntry;
}

/** The place a JSON pointer of the instance names; undefined when the tree has no such node. */
export function placeOf(instance: SchemaInstance, pointer: string): Place | undefined {
  let node: ProjectNode = instance.tree;
  let entry: MapEntry | undefined;
  const steps: Array<{ part: string; index: boolean }> = [];
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const part = unescapePointer(raw);
    if (node.kind === 'map') {
      entry = node.entries.get(part);
      if (!entry) return undefined;
      node = entry.value;
      steps.push({ part, index: false });
    } else if (node.kind === 'seq') {
      const item: ProjectNode | undefined = node.items[Number(part)];
      if (!item) return undefined;
      node = item;
      entry = undefined;
      steps.push({ part, index: true });
    } else return undefined;
  }
  return { node, steps, ...(entry ? { entry } : {}) };
}
