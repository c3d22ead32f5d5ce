import { MapNode, pathMatches, ProjectNode, TreePath } from './tree';

/**
 * compose-go's ResetProcessor.Apply (loader/reset.go): before a file is merged, whatever the files before it set at
 * a path that file tags `!reset` or `!override` is removed, so the file's own value (or nothing) is what remains.
 * Like compose-go, an entry of a sequence is never removed (its paths are recorded as `0` and matched as `[0]`).
 */
export function applyResets(target: ProjectNode, resets: readonly TreePath[], path: TreePath = []): void {
  if (!resets.length || target.kind !== 'map') return;
  removeFrom(target, resets, path);
}

function removeFrom(map: MapNode, resets: readonly TreePath[], path: TreePath): void {
  for (const [key, entry] of [...map.entries]) {
    const next = [...path, key];
    if (resets.some((r) => pathMatches(next, r))) {
      map.entries.delete(key);
      continue;
    }
    if (entry.value.kind === 'map') removeFrom(entry.value, resets, next);
  }
}
