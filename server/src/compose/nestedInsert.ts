import type { SpanEdit } from '../core/types';
import type { ComposeFile } from './composeFile';
import { appendToMap, appendToSeq, appendUnderEmptyKey } from './edits';
import type { MapView } from './yamlView';

/**
 * Appends `lines` under the key at `path` below `map` (e.g. `['deploy', 'resources', 'limits']`), creating
 * the missing keys of the path on the way, in one edit. Lines that are sequence items (`- ...`) go into a
 * block sequence at the last key, other lines into a block map. Template lines use the two-space step of
 * edits.ts. Returns undefined when the edit would be unsafe: a key on the path is inherited through an alias
 * or a merge (an own key would replace the whole merged block), flow style, or a value of the wrong type.
 */
export function insertUnderPath(file: ComposeFile, map: MapView, path: readonly string[], lines: readonly string[]): SpanEdit | undefined {
  const items = lines[0]?.startsWith('- ') ?? false;
  let current = map;
  for (let i = 0; i < path.length; i++) {
    const entry = current.get(path[i]!);
    if (!entry) return appendToMap(file, current, nestUnder(path.slice(i), lines));
    if (!entry.pair || entry.value.inherited) return undefined;
    if (entry.value.isNull) return appendUnderEmptyKey(file, entry, nestUnder(path.slice(i + 1), lines));
    if (items && i === path.length - 1) {
      const seq = entry.value.asSeq();
      return seq ? appendToSeq(file, seq, lines) : undefined;
    }
    const next = entry.value.asMap();
    if (!next || next.isFlow || next.inherited) return undefined;
    current = next;
  }
  return items ? undefined : appendToMap(file, current, lines);
}

/** `['a', 'b'], ['x: 1']` → `['a:', '  b:', '    x: 1']`. */
export function nestUnder(keys: readonly string[], lines: readonly string[]): string[] {
  return [...keys.map((key, depth) => `${'  '.repeat(depth)}${key}:`), ...lines.map((line) => `${'  '.repeat(keys.length)}${line}`)];
}
