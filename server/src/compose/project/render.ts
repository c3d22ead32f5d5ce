/**
 * The merged project as one Compose YAML text, with a map from every written node back to its Origin: the rules,
 * which read one Compose file, read the project this way, and a finding's range in the rendered text is traced back
 * to the file (and the node) the value came from (analysis/projectAnalysis.ts). The stack plan reads it too.
 *
 * Strings are written as they were before interpolation (`raw`), JSON-quoted (valid YAML, any content); block style,
 * two spaces, so every key and value has a range of its own.
 */
import type { MapNode, Origin, ProjectNode, ScalarNode } from './tree';

export interface RenderedNode {
  /** [start, end) in the rendered text. */
  start: number;
  end: number;
  origin: Origin;
  /** A map key (its origin is where the key was written first), or a value. */
  role: 'key' | 'value';
}

export interface RenderedProject {
  text: string;
  /** In document order: a parent before its children. */
  nodes: RenderedNode[];
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

export function renderProject(model: MapNode): RenderedProject {
  // One string grown by concatenation (V8 keeps it as a rope until read): cheaper than pieces joined at the end.
  let out = '';
  let length = 0;
  const nodes: RenderedNode[] = [];
  const write = (s: string): void => {
    out += s;
    length += s.length;
  };
  const record = (start: number, origin: Origin, role: RenderedNode['role']): RenderedNode => {
    const node = { start, end: start, origin, role };
    nodes.push(node);
    return node;
  };

  const scalarText = (n: ScalarNode): string => {
    const v = n.raw ?? n.value;
    if (typeof v === 'string') return JSON.stringify(v);
    return v === null ? 'null' : String(v);
  };

  /** Writes `n` after "key:" or "- " (the caller wrote that); `indent` is the indentation of its children. */
  const value = (n: ProjectNode, indent: string): void => {
    if (n.kind === 'scalar' || (n.kind === 'map' && n.entries.size === 0) || (n.kind === 'seq' && n.items.length === 0)) {
      write(' ');
      const node = record(length, n.origin, 'value');
      write(n.kind === 'scalar' ? scalarText(n) : n.kind === 'map' ? '{}' : '[]');
      node.end = length;
      write('\n');
      return;
    }
    write('\n');
    const node = record(length + indent.length, n.origin, 'value');
    if (n.kind === 'map') entries(n, indent);
    else {
      for (const item of n.items) {
        write(`${indent}-`);
        value(item, `${indent}  `);
      }
    }
    node.end = length - 1;
  };

  const entries = (map: MapNode, indent: string): void => {
    for (const [key, entry] of map.entries) {
      write(indent);
      const k = record(length, entry.keyOrigin, 'key');
      write(PLAIN_KEY.test(key) ? key : JSON.stringify(key));
      k.end = length;
      write(':');
      value(entry.value, `${indent}  `);
    }
  };

  const root = record(0, model.origin, 'value');
  entries(model, '');
  root.end = length;
  return { text: out, nodes };
}

/**
 * The innermost rendered node that holds `offset` (a key or a value), or undefined. `nodes` is in document order,
 * so the innermost holder is the last one starting at or before `offset` that still holds it.
 */
export function renderedNodeAt(rendered: RenderedProject, offset: number): RenderedNode | undefined {
  const { nodes } = rendered;
  let lo = 0;
  let hi = nodes.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid]!.start <= offset) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = last; i >= 0; i--) {
    const n = nodes[i]!;
    if (n.start <= offset && offset < Math.max(n.end, n.start + 1)) return n;
  }
  return undefined;
}
