import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
      walk(path, targets);
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

function walk(dir: string, out: LintTarget[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  // A `.env` is what Compose reads beside its file: taken only where one is.
  const composeHere = entries.some((entry) => entry.isFile() && isComposeFileName(entry.name));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(full, out);
    } else if (entry.isFile()) {
      const kind = kindFromName(entry.name);
      if (kind && (kind !== 'dotenv' || composeHere)) out.push({ path: full, kind });
    }
  }
}
