import type { SpanEdit } from '../core/types';
import type { ComposeFile } from './composeFile';
import { appendToMap, appendUnderEmptyKey } from './edits';
import type { MapView } from './yamlView';

/**
 * Appends `lines` under the map at `path` below `map` (e.g. `['deploy', 'resources', 'limits']`), creating
 * the missing keys of the path on the way, in one edit. Template lines use the two-space step of edits.ts.
 * Returns undefined when the edit would be unsafe: a key on the path is inherited through an alias or a
 * merge (an own key would replace the whole merged block), a flow map, or not a map.
 */
export function insertUnderPath(file: ComposeFile, map: MapView, path: readonly string[], lines: readonly string[]): SpanEdit | undefined {
  let current = map;
  for (let i = 0; i < path.length; i++) {
    const entry = current.get(path[i]!);
    if (!entry) return appendToMap(file, current, nestUnder(path.slice(i), lines));
    if (!entry.pair) return undefined;
    if (entry.value.isNull) return appendUnderEmptyKey(file, entry, nestUnder(path.slice(i + 1), lines));
    const next = entry.value.asMap();
    if (!next || next.isFlow || next.inherited) return undefined;
    current = next;
  }
  return appendToMap(file, current, lines);
}

/** `['a', 'b'], ['x: 1']` → `['a:', '  b:', '    x: 1']`. */
export function nestUnder(keys: readonly string[], lines: readonly string[]): string[] {
  return [...keys.map((key, depth) => `${'  '.repeat(depth)}${key}:`), ...lines.map((line) => `${'  '.repeat(keys.length)}${line}`)];
}
