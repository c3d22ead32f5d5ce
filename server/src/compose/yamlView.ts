import { Document, isAlias, isMap, isScalar, isSeq, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Span } from '../core/types';

/**
 * A read-only view over `yaml` nodes that resolves aliases and merge keys (`<<: *x`) the way Compose does,
 * while remembering where in the file each value is *used*. A value that came through an alias or a merge is
 * `inherited`: findings about it are reported at the alias in the service that uses it, and fixes never edit
 * it (the anchor is shared with other services).
 */

export const MERGE_KEY = '<<';

export function spanOf(node: { range?: [number, number, number] | null } | null | undefined): Span | undefined {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

/** The node an alias points to (following chains), or the node itself. Stops on cycles. */
export function deref(doc: Document, node: unknown): Node | null {
  let current = node;
  for (let hops = 0; hops < 32 && isAlias(current); hops++) {
    current = current.resolve(doc) ?? null;
  }
  return isAlias(current) ? null : ((current as Node | null) ?? null);
}

export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : String(v);
}

export function keyText(pair: Pair): string | undefined {
  return scalarText(pair.key);
}

export class ValueView {
  constructor(
    readonly doc: Document,
    /** The resolved node (never an Alias). */
    readonly node: Node | null,
    /** Where to report findings about this value: its own span, or the alias / merge key that brought it. */
    readonly at: Span,
    readonly inherited: boolean,
  ) {}

  get text(): string | undefined {
    return scalarText(this.node);
  }

  get isNull(): boolean {
    return this.node === null || (isScalar(this.node) && this.node.value === null);
  }

  /** The node's own span when it can be edited, else undefined. */
  get editableSpan(): Span | undefined {
    return this.inherited ? undefined : spanOf(this.node);
  }

  asMap(): MapView | undefined {
    return isMap(this.node) ? new MapView(this.doc, this.node, this.at, this.inherited) : undefined;
  }

  asSeq(): SeqView | undefined {
    return isSeq(this.node) ? new SeqView(this.doc, this.node, this.at, this.inherited) : undefined;
  }

  asScalar(): Scalar | undefined {
    return isScalar(this.node) ? this.node : undefined;
  }
}

export interface MapEntry {
  key: string;
  /** The key scalar in the file; for an inherited entry, the key inside the anchor. */
  keyNode: Scalar;
  /** Where to report findings about the key itself. */
  keyAt: Span;
  value: ValueView;
  /** The pair in the file when the entry can be edited (neither merged nor reached through an alias). */
  pair: Pair | undefined;
}

function childView(doc: Document, raw: unknown, inheritedAt: Span | undefined): ValueView {
  const resolved = deref(doc, raw);
  if (inheritedAt) return new ValueView(doc, resolved, inheritedAt, true);
  if (isAlias(raw)) return new ValueView(doc, resolved, spanOf(raw) ?? { start: 0, end: 0 }, true);
  const own = spanOf(resolved);
  return new ValueView(doc, resolved, own ?? { start: 0, end: 0 }, false);
}

/**
 * Entry indexes per map node and reporting place. Views are cheap and made anew on every `asMap()`, so the
 * index (which resolves merges) is cached on the node itself; a new parse makes new nodes.
 */
let indexCache = new WeakMap<YAMLMap, Map<string, Map<string, MapEntry>>>();
/** The common case, a map read where it is written: its index does not depend on where it is reported. */
let ownIndexCache = new WeakMap<YAMLMap, Map<string, MapEntry>>();

/** Forgets every cached index: needed after node ranges are shifted in place (incremental re-analysis). */
export function resetViewCache(): void {
  indexCache = new WeakMap();
  ownIndexCache = new WeakMap();
}

export class MapView {
  private cache: Map<string, MapEntry> | undefined;

  constructor(
    readonly doc: Document,
    readonly node: YAMLMap,
    /** Where findings about the whole map are reported. */
    readonly at: Span,
    readonly inherited: boolean,
  ) {}

  /** Entries in file order; merged entries follow, and a key set in the map itself wins over a merged one. */
  entries(): MapEntry[] {
    return [...this.index().values()];
  }

  get(key: string): MapEntry | undefined {
    return this.index().get(key);
  }

  has(key: string): boolean {
    return this.index().has(key);
  }

  value(key: string): ValueView | undefined {
    return this.get(key)?.value;
  }

  map(key: string): MapView | undefined {
    return this.value(key)?.asMap();
  }

  seq(key: string): SeqView | undefined {
    return this.value(key)?.asSeq();
  }

  text(key: string): string | undefined {
    return this.value(key)?.text;
  }

  /** True for `{ ... }` maps, which fixes leave alone. */
  get isFlow(): boolean {
    return Boolean(this.node.flow);
  }

  private index(): Map<string, MapEntry> {
    if (this.cache) return this.cache;
    if (!this.inherited) {
      const own = ownIndexCache.get(this.node) ?? this.buildIndex();
      ownIndexCache.set(this.node, own);
      return (this.cache = own);
    }
    const cacheKey = `${this.at.start}:${this.at.end}`;
    let perNode = indexCache.get(this.node);
    const cached = perNode?.get(cacheKey);
    if (cached) return (this.cache = cached);
    const built = this.buildIndex();
    if (!perNode) indexCache.set(this.node, (perNode = new Map()));
    perNode.set(cacheKey, built);
    return (this.cache = built);
  }

  private buildIndex(): Map<string, MapEntry> {
    const own = new Map<string, MapEntry>();
    const merged: Array<{ pair: Pair; at: Span }> = [];
    for (const pair of this.node.items) {
      const key = keyText(pair);
      if (key === undefined || !isScalar(pair.key)) continue;
      if (key === MERGE_KEY) {
        for (const source of mergeSources(this.doc, pair.value)) {
          for (const inner of source.map.items) merged.push({ pair: inner, at: source.at });
        }
        continue;
      }
      const keyAt = this.inherited ? this.at : (spanOf(pair.key) ?? this.at);
      own.set(key, {
        key,
        keyNode: pair.key,
        keyAt,
        value: childView(this.doc, pair.value, this.inherited ? this.at : undefined),
        pair: this.inherited ? undefined : pair,
      });
    }
    // Earlier merge sources win over later ones (YAML merge semantics); own keys win over all.
    for (const { pair, at } of merged) {
      const key = keyText(pair);
      if (key === undefined || key === MERGE_KEY || own.has(key) || !isScalar(pair.key)) continue;
      const reportAt = this.inherited ? this.at : at;
      own.set(key, { key, keyNode: pair.key, keyAt: reportAt, value: childView(this.doc, pair.value, reportAt), pair: undefined });
    }
    return own;
  }
}

function mergeSources(doc: Document, value: unknown): Array<{ map: YAMLMap; at: Span }> {
  const candidates = isSeq(value) ? value.items : [value];
  const out: Array<{ map: YAMLMap; at: Span }> = [];
  for (const c of candidates) {
    const target = deref(doc, c);
    const at = spanOf(c as Node);
    if (isMap(target) && at) out.push({ map: target, at });
  }
  return out;
}

export class SeqView {
  constructor(
    readonly doc: Document,
    readonly node: YAMLSeq,
    readonly at: Span,
    readonly inherited: boolean,
  ) {}

  items(): ValueView[] {
    return this.node.items.map((item) => childView(this.doc, item, this.inherited ? this.at : undefined));
  }

  get isFlow(): boolean {
    return Boolean(this.node.flow);
  }
}
