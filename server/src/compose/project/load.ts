/**
 * One Compose file's text → one tree per YAML document, as compose-go's loader reads it (loader/loader.go
 * loadYamlFile, loader/reset.go ResetProcessor, and the merge keys of go.yaml.in/yaml/v4's decoder):
 * - aliases are expanded; a merge key `<<` takes a map, an alias to one, or a sequence of them (an alias to a
 *   sequence too); keys written in the map win over merged ones and earlier merge sources over later ones;
 * - `!reset` drops the value and `!override` keeps it, each recording its path so that the files before it lose
 *   what they set there (reset.ts);
 * - a key written twice, a merge of a scalar, an alias cycle and alias bombs are errors in compose-go's words.
 */
import { Alias, Document, isAlias, isMap, isScalar, isSeq, Node as YamlNode, parse, Scalar as YamlScalar } from 'yaml';
import type { LineIndex } from '../../core/lineIndex';
import { parsedDocuments, type ParsedText } from '../yamlDocuments';
import { ComposeError, MapNode, mapNode, Origin, ProjectNode, scalar, Scalar, seqNode, TreePath } from './tree';

export interface LoadedDocument {
  tree: MapNode;
  /** Paths tagged `!reset` or `!override` (compose-go records both the same way). */
  resets: TreePath[];
}

/** compose-go's defaultMaxNodeVisits. */
const MAX_NODE_VISITS = 100_000;

/** go.yaml's allowedAliasRatio: how much of a document may come from expanding aliases (alias bombs). */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

const WANT_MAP = 'map merge requires map or sequence of maps as the value';

/**
 * The documents of `text` (a file named `file`), each a mapping; throws ComposeError as compose-go fails. Parsing is
 * most of a load: the parse of a text is kept (yamlDocuments.ts; the trees are not, merging changes them), so loading
 * a project again after one of its files changed parses only that file.
 *
 * A text with no document (empty, or only comments) yields none: go.yaml's decoder ends at once (io.EOF). An
 * explicit document with nothing in it (a trailing `---`) is a null, which compose-go refuses like any document
 * that is not a map. Read in go.yaml.in/yaml/v4 v4.0.0-rc.4 (compose-go's go.mod; yaml/go-yaml
 * 068e4d63881bdd1923f069559870b6d153b15478): the parser emits an empty scalar for it (internal/libyaml/parser.go
 * parseDocumentContent), the decoder never hands a null to the ResetProcessor (constructor.go prepare), so
 * loadYamlFile's processRawYaml gets nil and fails with "top-level object must be a mapping".
 *
 * `parsed`: the text's parse when the caller has one (yamlDocuments.ts KeptParses); read now, never kept.
 */
export function loadDocuments(text: string, file: string, parsed: ParsedText = parsedDocuments(text)): LoadedDocument[] {
  const { docs: list, lines } = parsed;
  const out: LoadedDocument[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) throw new ComposeError(`failed to parse ${file}: yaml: line ${lines.lineOf(error.pos[0]) + 1}: ${error.message.split('\n')[0]}`);
    if (doc.contents === null) continue;
    const converter = new Converter(doc, file, lines);
    const tree = converter.convert(doc.contents);
    if (tree?.kind !== 'map') throw new ComposeError('top-level object must be a mapping', tree?.origin);
    out.push({ tree, resets: converter.resets });
  }
  return out;
}

/**
 * One node of a document already parsed with YAML_OPTIONS (a whole file, or one service's block of it), converted
 * as loadDocuments converts it; `path` is where the node sits, so `!reset` records the right path. Undefined when
 * the node is `!reset`; throws ComposeError as compose-go fails (a key written twice, an alias cycle …).
 */
export function convertNode(doc: Document, node: unknown, file: string, lines: LineIndex, path: readonly string[] = []): ProjectNode | undefined {
  const converter = new Converter(doc, file, lines, [...path]);
  return converter.convert(node);
}

class Converter {
  readonly resets: TreePath[] = [];
  private visits = 0;
  private visited = new Set<YamlNode>();
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  /** Alias targets being expanded → the path of each expansion: a target met again inside itself is a cycle. */
  private expanding = new Map<YamlNode, string[]>();

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lines: LineIndex,
    /** The path of the value being converted: one array, pushed and popped (copied only when a reset records it). */
    private readonly path: string[] = [],
  ) {}

  private origin(node: YamlNode | Alias): Origin {
    const r = node.range;
    return { file: this.file, range: r ? [r[0], r[1]] : [0, 0], node: node as YamlNode };
  }

  private count(node: unknown): void {
    // compose-go counts each node once (it caches resolved anchors) and each alias where it is used.
    if (isAlias(node) || !this.visited.has(node as YamlNode)) {
      if (!isAlias(node)) this.visited.add(node as YamlNode);
      if (++this.visits > MAX_NODE_VISITS) throw new ComposeError(`compose file exceeds maximum node visit limit (${MAX_NODE_VISITS})`);
    }
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new ComposeError('yaml: document contains excessive aliasing');
    }
  }

  /** The value at the current path; undefined when it is `!reset` (dropped, and its path recorded). */
  convert(node: unknown): ProjectNode | undefined {
    this.count(node);
    if (isAlias(node)) return this.convertAlias(node);
    const yamlNode = node as YamlNode;
    const tag = (yamlNode as { tag?: string }).tag;
    if (tag === '!reset') {
      this.resets.push(withoutMergePart(this.path));
      return undefined;
    }
    if (tag === '!override') this.resets.push(withoutMergePart(this.path));
    if (isMap(yamlNode)) return this.convertMap(yamlNode as unknown as YamlMapLike);
    if (isSeq(yamlNode)) {
      const seq = seqNode(this.origin(yamlNode));
      yamlNode.items.forEach((item, i) => {
        const value = this.at(String(i), () => this.convert(item));
        if (value) seq.items.push(value);
      });
      return seq;
    }
    return scalar(scalarValue(yamlNode as YamlScalar, tag), this.origin(yamlNode));
  }

  /** `fn` with `part` added to the path. */
  private at<T>(part: string, fn: () => T): T {
    this.path.push(part);
    const result = fn();
    this.path.pop();
    return result;
  }

  private convertAlias(alias: Alias): ProjectNode | undefined {
    const target = alias.resolve(this.doc) as YamlNode | undefined;
    if (!target) throw new ComposeError(`failed to parse ${this.file}: yaml: unknown anchor '${alias.source}' referenced`);
    const here = pathKey(this.path);
    const seen = this.expanding.get(target) ?? [];
    for (const prev of seen) {
      if (prev === here || prev.includes('<<') || here.includes('<<')) continue;
      if ((here.startsWith(prev + '.') || prev.startsWith(here + '.')) && !inDifferentServices(here, prev)) {
        throw new ComposeError(`cycle detected: node at path ${here} references node at path ${prev}`);
      }
    }
    this.expanding.set(target, [...seen, here]);
    this.aliasDepth++;
    try {
      return this.convert(target);
    } finally {
      this.aliasDepth--;
      if (seen.length) this.expanding.set(target, seen);
      else this.expanding.delete(target);
    }
  }

  private convertMap(node: YamlMapLike): MapNode {
    const map = mapNode(this.origin(node as unknown as YamlNode));
    // Where each key was first written; turned into line numbers only for the error (a lookup per key is costly).
    const firstAt = new Map<string, YamlNode | null>();
    let merge: unknown;
    let mergeKey: YamlNode | undefined;
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const key = keyString(keyNode);
      if (firstAt.has(key)) {
        throw new ComposeError(`line ${this.lineOf(keyNode)}: mapping key ${JSON.stringify(key)} already defined at line ${this.lineOf(firstAt.get(key)!)}`);
      }
      firstAt.set(key, keyNode);
      if (key === '<<' && isScalar(keyNode) && (keyNode.source === '<<' || keyNode.value === '<<')) {
        merge = pair.value;
        mergeKey = keyNode;
        continue;
      }
      // A flow map's key with no value (`{context}`) has no value node: null, placed where the key ends.
      const value = pair.value === null || pair.value === undefined ? scalar(null, this.afterKey(keyNode, map.origin)) : this.at(key, () => this.convert(pair.value));
      if (value) map.entries.set(key, { value, keyOrigin: keyNode ? this.origin(keyNode) : map.origin });
    }
    if (merge !== undefined) this.mergeInto(map, merge, mergeKey!);
    return map;
  }

  private afterKey(keyNode: YamlNode | null, fallback: Origin): Origin {
    const end = keyNode?.range?.[1];
    return end === undefined ? fallback : { file: this.file, range: [end, end] };
  }

  /** 1-based, as compose-go's messages count lines; 0 for a key with no place (an empty key). */
  private lineOf(node: YamlNode | null): number {
    return node?.range ? this.lines.lineOf(node.range[0]) + 1 : 0;
  }

  /** Adds the keys of the merge sources that the map does not have yet (first wins). */
  private mergeInto(map: MapNode, merge: unknown, mergeKey: YamlNode): void {
    const sources = this.mergeSources(merge, mergeKey);
    for (const source of sources) {
      const converted = this.convertMergeSource(source);
      for (const [key, entry] of converted.entries) if (!map.entries.has(key)) map.entries.set(key, entry);
    }
  }

  private mergeSources(merge: unknown, mergeKey: YamlNode): unknown[] {
    const resolved = isAlias(merge) ? (merge.resolve(this.doc) as unknown) : merge;
    if (isMap(resolved)) return [merge];
    // compose-go hands the sequence an alias points to straight to the decoder (loader/reset.go).
    if (isSeq(resolved)) {
      for (const item of resolved.items) {
        const target = isAlias(item) ? item.resolve(this.doc) : item;
        if (!isMap(target)) throw this.wantMap(mergeKey);
      }
      return resolved.items;
    }
    throw this.wantMap(mergeKey);
  }

  private wantMap(at: YamlNode): ComposeError {
    const line = at.range ? this.lines.lineOf(at.range[0]) + 1 : 0;
    return new ComposeError(`failed to parse ${this.file}: yaml: line ${line}: ${WANT_MAP}`);
  }

  private convertMergeSource(source: unknown): MapNode {
    // The merge key's own path part is dropped, as compose-go does, so `!reset` inside a merged anchor applies here.
    const converted = this.at('<<', () => this.convert(source));
    return converted?.kind === 'map' ? converted : mapNode(this.origin(source as YamlNode));
  }
}

interface YamlMapLike {
  items: Array<{ key: unknown; value: unknown }>;
}

/** compose-go's path for a value reached through merge keys: each `<<` is dropped as it is met (loader/reset.go). */
function withoutMergePart(path: TreePath): TreePath {
  return path.filter((part) => part !== '<<');
}

function pathKey(path: TreePath): string {
  return withoutMergePart(path).join('.');
}

function inDifferentServices(a: string, b: string): boolean {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < pa.length && i < pb.length; i++) {
    if (pa[i] === 'services' && i + 1 < pa.length && pb[i] === 'services' && i + 1 < pb.length) return pa[i + 1] !== pb[i + 1];
  }
  return false;
}

/** A key as compose-go's convertToStringKeysRecursive names it. */
function keyString(node: YamlNode | null): string {
  if (!node) return '<nil>';
  if (isScalar(node)) return node.value === null ? '<nil>' : String(node.value);
  return String((node as { toString(): string }).toString());
}

/** A scalar's value; a tagged plain scalar (`!override 5`) resolved by the core schema as if untagged. */
function scalarValue(node: YamlScalar, tag: string | undefined): Scalar {
  if (tag && tag.startsWith('!') && !tag.startsWith('!!') && node.type === 'PLAIN' && typeof node.source === 'string') {
    const plain = parse(node.source) as unknown;
    return plain === undefined ? null : (plain as Scalar);
  }
  const v = node.value;
  if (v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  return v as Scalar;
}
