/**
 * Pre-flight's "Create .env from .env.example" (variableCheck.ts): the example copied to `.env` beside it. Inside a
 * workspace folder only (both files: the example is read through core/boundedFile.ts, the target's real folder must
 * lie inside the same folder and must not be a symlink: core/safeWrite.ts writeRefusal), never over an existing file
 * (created with `wx`), at most 1 MiB, and readable by its owner only: it is where secrets go next.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { containingRoot, MAX_SIDE_FILE_BYTES, readBoundedText } from '../../../../server/src/core/boundedFile';
import { writeRefusal } from '../../../../server/src/core/safeWrite';

export type EnvCopyResult = { ok: true; path: string } | { ok: false; reason: string };

export function createEnvFromExample(from: string, to: string, roots: readonly string[]): EnvCopyResult {
  const source = resolve(from);
  const target = resolve(to);
  if (dirname(source) !== dirname(target)) return { ok: false, reason: `${target} is not beside ${source}` };
  const root = containingRoot(roots, source);
  if (!root) return { ok: false, reason: `${source} is outside the workspace folders` };
  const read = readBoundedText(source, { root }, MAX_SIDE_FILE_BYTES);
  if (!read.ok) return { ok: false, reason: `${source} was not read: ${read.refusal.message}` };
  const refused = writeRefusal(target, { root });
  if (refused) return { ok: false, reason: refused.message };
  try {
    writeFileSync(target, read.text, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'EEXIST' ? `${target} already exists: it was left as it is` : `${target} was not written: ${(err as Error).message}` };
  }
  return { ok: true, path: target };
}
