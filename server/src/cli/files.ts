import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Arg, DockerfileParser, From } from 'dockerfile-ast';
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
 * Files named on the command line are linted whatever their names, since CI must not pass a file it did not lint:
 * the kind comes from the name, else from the text (YAML with a top-level `services` is Compose; a text whose first
 * instruction after ARGs is FROM is a Dockerfile); `composeFiles` (`-f`) are Compose files, as `docker compose -f`
 * reads them. Folders are walked (symlinks in them are not followed) and only files with Compose or Dockerfile
 * names are taken, and `.env` files beside a Compose file: a walk must not lint every YAML or text file. A named
 * path that is not taken (outside `boundary.root`, the project folder; unreadable; neither kind) is told through
 * `report` and counted in `errors`: the run exits 2.
 */
export function collectTargets(
  paths: readonly string[],
  report: (message: string) => void,
  boundary: ReadBoundary,
  composeFiles: readonly string[] = [],
): { targets: LintTarget[]; errors: number } {
  const targets: LintTarget[] = [];
  let errors = 0;
  const named = [...composeFiles.map((path) => ({ path, kind: 'compose' as const })), ...paths.map((path) => ({ path, kind: undefined }))];
  for (const { path, kind } of named) {
    const stat = statSync(path); // throws ENOENT: the caller reports it as an I/O error
    const root = boundary.root === undefined ? undefined : realPath(boundary.root);
    if (boundary.root !== undefined && (!root || !isInside(root, realPath(path) ?? path))) {
      report(`${path}: not read: outside ${boundary.rootLabel ?? 'the workspace'} (pass --allow-outside-project to lint it)`);
      errors++;
      continue;
    }
    if (stat.isDirectory()) {
      walk(path, targets, boundary);
      continue;
    }
    const sniffed = kind ?? sniff(path, boundary);
    if (typeof sniffed === 'string') targets.push({ path, kind: sniffed });
    else {
      report(`${path}: ${sniffed.why}`);
      errors++;
    }
  }
  return { targets, errors };
}

/** A named file's kind, by name, else by its text; else why it has none. */
function sniff(path: string, boundary: ReadBoundary): FileKind | { why: string } {
  const byName = kindFromName(path);
  if (byName) return byName;
  // A refusal is told once, as this file's error; a text read here is cached for the lint's read.
  const read = readBoundedText(path, { ...boundary, onRefused: undefined }, MAX_COMPOSE_BYTES);
  if (!read.ok) return { why: `not read: ${read.refusal.message}, and its name is neither a Compose file's nor a Dockerfile's` };
  if (looksLikeCompose(read.text)) return 'compose';
  if (looksLikeDockerfile(read.text)) return 'dockerfile';
  return { why: 'not linted: not a Compose file (no top-level "services") nor a Dockerfile (no FROM)' };
}

/**
 * A Dockerfile's first instruction, after ARGs, is FROM. dockerfile-ast reads comments, parser directives
 * (`# syntax=`, `# escape=`), continuations and lowercase keywords as `docker build` does.
 */
function looksLikeDockerfile(text: string): boolean {
  return DockerfileParser.parse(text).getInstructions().find((i) => !(i instanceof Arg)) instanceof From;
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
