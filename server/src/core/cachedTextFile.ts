import { readFileSync, statSync } from 'node:fs';

const CACHE_SIZE = 256;
/** Absolute path → text as of its mtime and size. */
const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();

/**
 * A text file beside the one being analysed (`.env`, a build context's Dockerfile), re-read only when its mtime or
 * size changes: size too, because two writes within the file system's time stamp granularity share an mtime. The
 * same string comes back while the file is unchanged. Undefined when it is missing, unreadable, not a file, or larger
 * than `maxBytes`; never throws.
 */
export function readCachedText(path: string, maxBytes = Infinity): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const cached = cache.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.text;
    const text = readFileSync(path, 'utf8');
    cache.delete(path);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, text });
    return text;
  } catch {
    return undefined;
  }
}
