import { resolve } from 'node:path';
import { readCachedText } from '../core/cachedTextFile';
import type { BuildContextReader } from '../core/options';

/** A Dockerfile above this size is not read (a real one is a few KB; this is someone's data file). */
export const MAX_DOCKERFILE_BYTES = 1024 * 1024;

/**
 * The real BuildContextReader, the one side effect of build-context detection: reads `context/dockerfile`
 * resolved against `composeDir` (the Compose file's folder), at most MAX_DOCKERFILE_BYTES, cached by mtime.
 * Used by the language server, the CLI and the stack plan.
 */
export function fileBuildContexts(composeDir: string): BuildContextReader {
  return {
    readDockerfile(context, dockerfile) {
      return readDockerfileAt(resolve(composeDir, context, dockerfile));
    },
  };
}

/** Missing, unreadable, a folder, too big: undefined, and the service is what its Compose entry alone says. */
function readDockerfileAt(path: string): string | undefined {
  return readCachedText(path, MAX_DOCKERFILE_BYTES);
}
