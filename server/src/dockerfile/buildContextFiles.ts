import { resolve } from 'node:path';
import { MAX_SIDE_FILE_BYTES, readBoundedTextOrUndefined, type ReadBoundary } from '../core/boundedFile';
import type { BuildContextReader } from '../core/analysisOptions';

/** A Dockerfile above this size is not read (a real one is a few KB; this is someone's data file). */
export const MAX_DOCKERFILE_BYTES = MAX_SIDE_FILE_BYTES;

/**
 * The real BuildContextReader, the one side effect of build-context detection: reads `context/dockerfile` (and, for
 * `readFile`, another file the Compose file names: a bind-mounted vLLM `--config`) resolved against `composeDir`
 * (the Compose file's folder) within `boundary` (core/boundedFile.ts: `../../..` or an absolute path out of the
 * workspace is not read), at most MAX_DOCKERFILE_BYTES, cached by mtime. Missing, refused, too big: undefined, and
 * the service is what its Compose entry alone says. Used by the language server, the CLI and the stack plan.
 */
export function fileBuildContexts(composeDir: string, boundary: ReadBoundary): BuildContextReader {
  return {
    readDockerfile(context, dockerfile) {
      return readBoundedTextOrUndefined(resolve(composeDir, context, dockerfile), boundary, MAX_DOCKERFILE_BYTES);
    },
    readFile(path) {
      return readBoundedTextOrUndefined(resolve(composeDir, path), boundary, MAX_SIDE_FILE_BYTES);
    },
  };
}
