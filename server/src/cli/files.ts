import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { boundedReader, resolveProjectOptions } from '../compose/project';
import { looksLikeCompose } from '../compose/composeFile';
import { isInside, MAX_COMPOSE_BYTES, readBoundedText, realPath, type ReadBoundary } from '../core/boundedFile';
import { isComposeFileName, kindFromName } from '../core/fileKind';
import type { FileKind } from '../core/types';

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.cache', '.venv', 'venv', '__pycache__']);

export interface LintTarget {
  path: string;
  kind: FileKind;
}

/**
 * Files named on the command line are sniffed (YAML with a top-level `services` is Compose; `.env` is read as
 * Compose reads it); folders are walked (symlinks in them are not followed) and only files with Compose or
 * Dockerfile names are taken, and `.env` files beside a Compose file. A path
 * outside `boundary.root` (the project folder) is not taken: it counts in `refused`, with a warning.
 */
export function collectTargets(paths: readonly string[], warn: (message: string) => void, boundary: ReadBoundary): { targets: LintTarget[]; refused: number } {
  const targets: LintTarget[] = [];
  let refused = 0;
  for (const path of paths) {
    const stat = statSync(path); // throws ENOENT: the caller reports it as an I/O error
    const root = boundary.root === undefined ? undefined : realPath(boundary.root);
    if (boundary.root !== undefined && (!root || !isInside(root, realPath(path) ?? path))) {
      warn(`${path}: not read: outside ${boundary.rootLabel ?? 'the workspace'} (pass --allow-outside-project to lint it)`);
      refused++;
      continue;
    }
    if (stat.isDirectory()) {
      walk(path, targets, boundary);
      continue;
    }
    const kind = sniff(path, boundary);
    if (kind) targets.push({ path, kind });
    else warn(`${path}: skipped, neither a Compose file (no top-level "services") nor a Dockerfile`);
  }
  return { targets, refused };
}

function sniff(path: string, boundary: ReadBoundary): FileKind | undefined {
  const byName = kindFromName(path);
  if (byName === 'dockerfile' || byName === 'dotenv') return byName;
  if (/\.ya?ml$/i.test(path) || isComposeFileName(path)) {
    // Not refused here: reading it for the lint says why, once.
    const read = readBoundedText(path, { ...boundary, onRefused: undefined }, MAX_COMPOSE_BYTES);
    return !read.ok || looksLikeCompose(read.text) ? 'compose' : undefined;
  }
  return undefined;
}

function walk(dir: string, out: LintTarget[], boundary: ReadBoundary): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  // The files COMPOSE_FILE names in the folder's `.env` are Compose files, whatever their names.
  const listed = entries.some((entry) => entry.isFile() && entry.name === '.env') ? composeFileSet(dir, boundary) : [];
  // A `.env` is what Compose reads beside its file: taken only where one is.
  const composeHere = listed.length > 0 || entries.some((entry) => entry.isFile() && isComposeFileName(entry.name));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(full, out, boundary);
    } else if (entry.isFile()) {
      const kind = listed.includes(resolve(full)) ? 'compose' : kindFromName(entry.name);
      if (kind && (kind !== 'dotenv' || composeHere)) out.push({ path: full, kind });
    }
  }
}

/** The files of the folder's `.env` COMPOSE_FILE that lie in the folder itself (the others are found where they are). */
function composeFileSet(dir: string, boundary: ReadBoundary): string[] {
  const reader = boundedReader({ ...boundary, onRefused: undefined });
  const envFile = reader.read(join(dir, '.env'));
  if (!envFile.ok || !/^\s*(export\s+)?COMPOSE_FILE\s*=/m.test(envFile.text)) return [];
  try {
    return resolveProjectOptions({ cwd: dir, environment: new Map() }, reader).configFiles.filter((f) => dirname(f) === resolve(dir));
  } catch {
    // A set Compose refuses (a file it names is missing): its files are linted by name, as before.
    return [];
  }
}
