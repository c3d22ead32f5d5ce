/**
 * workspaceState key of the Compose files chosen for "Start Inference Stack": one absolute path (the file stands for
 * its project: its folder's override or COMPOSE_FILE set), or several in merge order (exactly those, `-f` each).
 * The stack controller sets it; the cold-start store reads it to send the server the measurements of that file.
 */
export const COMPOSE_FILE_KEY = 'inferenceStack.composeFile';

/** The stored value as a list (a single remembered file, as older versions stored it, is a list of one). */
export function chosenFiles(stored: unknown): string[] | undefined {
  if (typeof stored === 'string') return stored ? [stored] : undefined;
  if (!Array.isArray(stored)) return undefined;
  const files = stored.filter((f): f is string => typeof f === 'string' && f !== '');
  return files.length ? files : undefined;
}

/** What is stored for `files`: a single file as a string, so a remembered choice reads the same both ways. */
export function storedFiles(files: readonly string[]): string | string[] | undefined {
  if (!files.length) return undefined;
  return files.length === 1 ? files[0] : [...files];
}
