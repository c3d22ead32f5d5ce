import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BuildContextReader } from '../core/options';

/** A Dockerfile above this size is not read (a real one is a few KB; this is someone's data file). */
export const MAX_DOCKERFILE_BYTES = 1024 * 1024;

const CACHE_SIZE = 256;
/** Absolute path → text as of its mtime and size; re-read only when either changes. */
const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();

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

function readDockerfileAt(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_DOCKERFILE_BYTES) return undefined;
    const cached = cache.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.text;
    const text = readFileSync(path, 'utf8');
    cache.delete(path);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, text });
    return text;
  } catch {
    // Missing, unreadable, a folder: the service is then what its Compose entry alone says.
    return undefined;
  }
}
