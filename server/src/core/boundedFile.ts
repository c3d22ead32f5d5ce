/**
 * Reading a file that a workspace names (the Compose file, its `.env`, a `build:` Dockerfile) when the workspace may
 * be hostile: `context: ../../..` or an absolute `dockerfile:` climbs out of it, a `.env` may be a symlink to
 * `/proc/self/environ` or to a FIFO that never ends, a file may be a 3 GB sparse one. So the real path (symlinks
 * resolved) must lie inside the root (the workspace folder, the CLI's project folder) and not under /proc, /sys or
 * /dev; only a regular file is opened; its size is checked on the open descriptor before a byte is read, and at
 * most cap + 1 bytes are ever read. The language server, the CLI and the stack plan read through here. Never throws.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** Above this size a file is not analysed (declined with one finding saying so). */
export const MAX_ANALYSED_BYTES = 8 * 1024 * 1024;
/** The Compose file itself (what the analysis accepts). */
export const MAX_COMPOSE_BYTES = MAX_ANALYSED_BYTES;
/** A `.env` or a Dockerfile: real ones are a few KB; above this it is someone's data file. */
export const MAX_SIDE_FILE_BYTES = 1024 * 1024;

export type RefusalReason = 'missing' | 'outside' | 'system' | 'not-regular' | 'too-large' | 'unreadable';

export interface ReadRefusal {
  reason: RefusalReason;
  /** Plain words, never the file's contents: "outside the workspace", "larger than 1 MiB". */
  message: string;
}

export type BoundedRead = { ok: true; text: string } | { ok: false; refusal: ReadRefusal };

export interface ReadBoundary {
  /** Reads stay inside this folder (its real path). Undefined: anywhere (the CLI's --allow-outside-project). */
  root: string | undefined;
  /** How messages name the root; default "the workspace". */
  rootLabel?: string;
  /** Told of each refusal but a missing file, so the caller can say why in plain words (stderr, an output log). */
  onRefused?: (path: string, refusal: ReadRefusal) => void;
}

/** Never followed, whatever the root: reading them shows the process's environment or blocks on a device. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/** True when `path` is `root` or below it; both absolute, compared as given (pass real paths). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && !/^\.\.($|[\\/])/.test(rel));
}

/** The real path (every symlink resolved), or undefined when some part of it does not exist. */
export function realPath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/** The root among `roots` that holds `path` once both are resolved (the deepest, if nested); undefined: none. */
export function containingRoot(roots: readonly string[], path: string): string | undefined {
  const real = realPath(path) ?? resolve(path);
  let best: string | undefined;
  for (const root of roots) {
    const realRoot = realPath(root);
    if (realRoot && isInside(realRoot, real) && (!best || realRoot.length > best.length)) best = realRoot;
  }
  return best;
}

/**
 * The real path of `path` when it exists inside `root` (a real path) and outside /proc, /sys and /dev: what a link
 * to a file or folder the workspace names may point to. Nothing is opened.
 */
export function pathInside(root: string, path: string): string | undefined {
  const real = realPath(path);
  return real && isInside(root, real) && !SYSTEM_FOLDERS.some((f) => isInside(f, real)) ? real : undefined;
}

function mib(bytes: number): string {
  const n = bytes / (1024 * 1024);
  return Number.isInteger(n) ? `${n} MiB` : `${bytes} bytes`;
}

function refusal(reason: RefusalReason, boundary: ReadBoundary, maxBytes: number): ReadRefusal {
  const messages: Record<RefusalReason, string> = {
    missing: 'missing',
    outside: `outside ${boundary.rootLabel ?? 'the workspace'}`,
    system: 'a system file (/proc, /sys, /dev), never read',
    'not-regular': 'not a regular file',
    'too-large': `larger than ${mib(maxBytes)}`,
    unreadable: 'cannot be read',
  };
  return { reason, message: messages[reason] };
}

const CACHE_SIZE = 256;
/** Real path → text as of its mtime and size. */
const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();

/**
 * The text of `path` within `boundary`, at most `maxBytes`. Re-read only when its mtime or size changes (size too,
 * because two writes within the file system's time stamp granularity share an mtime): the same string comes back
 * while the file is unchanged.
 */
export function readBoundedText(path: string, boundary: ReadBoundary, maxBytes: number): BoundedRead {
  const result = read(path, boundary, maxBytes);
  if (!result.ok && result.refusal.reason !== 'missing') boundary.onRefused?.(path, result.refusal);
  return result;
}

/** The text, or undefined when it was refused for any reason (rules then stay silent about it). */
export function readBoundedTextOrUndefined(path: string, boundary: ReadBoundary, maxBytes: number): string | undefined {
  const result = readBoundedText(path, boundary, maxBytes);
  return result.ok ? result.text : undefined;
}

function read(path: string, boundary: ReadBoundary, maxBytes: number): BoundedRead {
  const refuse = (reason: RefusalReason): BoundedRead => ({ ok: false, refusal: refusal(reason, boundary, maxBytes) });
  const real = realPath(path);
  if (!real) return refuse('missing');
  if (boundary.root !== undefined) {
    const root = realPath(boundary.root);
    if (!root || !isInside(root, real)) return refuse('outside');
  }
  if (SYSTEM_FOLDERS.some((f) => isInside(f, real))) return refuse('system');
  let fd: number | undefined;
  try {
    // Checked before opening: opening a device can have effects of its own.
    if (!statSync(real).isFile()) return refuse('not-regular');
    // NONBLOCK: a FIFO swapped in since the check does not block the open; NOFOLLOW: nor does a symlink.
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
    const stat = fstatSync(fd);
    if (!stat.isFile()) return refuse('not-regular');
    if (stat.size > maxBytes) return refuse('too-large');
    const cached = cache.get(real);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return { ok: true, text: cached.text };
    const bytes = readAtMost(fd, maxBytes + 1, stat.size);
    // It grew past the cap after the fstat.
    if (bytes.length > maxBytes) return refuse('too-large');
    const text = bytes.toString('utf8');
    cache.delete(real);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(real, { mtimeMs: stat.mtimeMs, size: stat.size, text });
    return { ok: true, text };
  } catch (err) {
    return refuse((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Up to `limit` bytes from `fd`, in one read when the file is the size fstat said. */
function readAtMost(fd: number, limit: number, expected: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(limit - total, Math.max(expected + 1 - total, 64 * 1024)));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks, total);
}
