import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { looksLikeCompose } from '../compose/composeFile';
import { isComposeFileName, kindFromName } from '../core/fileKind';
import type { FileKind } from '../core/types';

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.cache', '.venv', 'venv', '__pycache__']);

export interface LintTarget {
  path: string;
  kind: FileKind;
}

/**
 * Files named on the command line are sniffed (YAML with a top-level `services` is Compose); folders are
 * walked and only files with Compose or Dockerfile names are taken.
 */
export function collectTargets(paths: readonly string[], warn: (message: string) => void): LintTarget[] {
  const targets: LintTarget[] = [];
  for (const path of paths) {
    const stat = statSync(path); // throws ENOENT: the caller reports it as an I/O error
    if (stat.isDirectory()) {
      walk(path, targets);
      continue;
    }
    const kind = sniff(path);
    if (kind) targets.push({ path, kind });
    else warn(`${path}: skipped, neither a Compose file (no top-level "services") nor a Dockerfile`);
  }
  return targets;
}

function sniff(path: string): FileKind | undefined {
  const byName = kindFromName(path);
  if (byName === 'dockerfile') return byName;
  if (/\.ya?ml$/i.test(path) || isComposeFileName(path)) {
    return looksLikeCompose(readFileSync(path, 'utf8')) ? 'compose' : undefined;
  }
  return undefined;
}

function walk(dir: string, out: LintTarget[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(full, out);
    } else if (entry.isFile()) {
      const kind = kindFromName(entry.name);
      if (kind) out.push({ path: full, kind });
    }
  }
}
