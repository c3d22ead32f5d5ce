/**
 * Writing a file into a folder the workspace controls: a `probe.py` there may be a symlink to a file outside it, a
 * subfolder may be a symlink out. So the target must not be a symlink (nor anything but a regular file), its real
 * folder must lie inside the root, and the text goes to a temporary file in that folder renamed over the target, so
 * a hard link's other names and a reader halfway through never see a mix. Node fs only: the CLI (`lint --fix`), the
 * probe script and the scaffold write through here.
 */
import { lstatSync, mkdirSync, type Stats, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isInside, realPath } from './boundedFile';

export type WriteRefusalReason = 'symlink' | 'not-regular' | 'outside';

export class WriteRefused extends Error {
  constructor(
    readonly path: string,
    readonly reason: WriteRefusalReason,
    /** Plain words: "is a symbolic link", "is outside the workspace". */
    readonly why: string,
  ) {
    super(`${path} was not written: it ${why}`);
  }
}

export interface WriteBoundary {
  /** The real folder of the target must lie inside this one. Undefined: anywhere (symlinks are still refused). */
  root: string | undefined;
  /** How messages name the root; default "the workspace". */
  rootLabel?: string;
}

/**
 * Why `path` must not be written, or undefined when it may: a symlink (or a folder, a device...) in its place, or a
 * real folder outside the root. A missing parent folder is checked through its nearest existing ancestor.
 */
export function writeRefusal(path: string, boundary: WriteBoundary): WriteRefused | undefined {
  const target = resolve(path);
  const existing = lstatOrUndefined(target);
  if (existing?.isSymbolicLink()) return new WriteRefused(path, 'symlink', 'is a symbolic link (its target is not rewritten)');
  if (existing && !existing.isFile()) return new WriteRefused(path, 'not-regular', 'is not a regular file');
  if (boundary.root === undefined) return undefined;
  const root = realPath(boundary.root);
  const folder = realPath(nearestExisting(dirname(target)));
  if (!root || !folder || !isInside(root, folder)) return new WriteRefused(path, 'outside', `is outside ${boundary.rootLabel ?? 'the workspace'}`);
  return undefined;
}

/** Throws WriteRefused when `writeRefusal` says no; creates missing folders (inside the root) first. */
export function writeTextInside(path: string, text: string, boundary: WriteBoundary, newFileMode?: number): void {
  const refused = writeRefusal(path, boundary);
  if (refused) throw refused;
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  // The folders just made (or swapped in meanwhile) must still resolve inside the root.
  const folder = realPath(dirname(target));
  const root = boundary.root === undefined ? undefined : realPath(boundary.root);
  if (!folder || (boundary.root !== undefined && (!root || !isInside(root, folder)))) {
    throw new WriteRefused(path, 'outside', `is outside ${boundary.rootLabel ?? 'the workspace'}`);
  }
  const final = join(folder, basename(target));
  // An existing file keeps its mode; a new one gets `newFileMode` when given (0o600 for a `.env` holding a secret).
  const mode = lstatOrUndefined(final)?.mode ?? newFileMode;
  const temp = join(folder, `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    // wx: never through something already at the temporary name.
    writeFileSync(temp, text, { flag: 'wx', ...(mode !== undefined ? { mode: mode & 0o7777 } : {}) });
    renameSync(temp, final);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Not created, or already renamed.
    }
    throw err;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function nearestExisting(folder: string): string {
  let current = folder;
  while (!lstatOrUndefined(current) && dirname(current) !== current) current = dirname(current);
  return current;
}
