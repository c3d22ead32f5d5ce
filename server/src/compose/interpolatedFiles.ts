/**
 * The Compose files a project's load interpolates, each with the variables it is interpolated with, as the loader
 * (project/loader.ts) reads them: the files given, with the project's variables; the files an `include` entry loads,
 * with that entry's (the including project's variables, then the entry's `env_file`s, else the `.env` of its project
 * directory: project/include.ts); the files an `extends.file` names, with the variables of the file that names it
 * (project/extends.ts). For pre-flight's unset variables (unsetVariables.ts): a load stops at its first error, this
 * reads on past it, so a required variable an included file needs is named even when Compose refuses the project.
 * Files that cannot be read or parsed are left out (the load says why).
 */
import { dirname } from 'node:path';
import type { LoadScope, ProjectReader } from './project/context';
import { includeConfigs, includeEnv, includeTarget, type IncludeConfig } from './project/include';
import { interpolateTree, substitute } from './project/interpolate';
import { loadDocuments } from './project/load';
import { absolute } from './project/paths';
import { ComposeError, get, stringOf, type MapNode } from './project/tree';
import type { ComposeText } from './unsetVariables';

/** At most this many files are read: a project of hundreds of includes is not pre-flighted whole. */
const MAX_FILES = 64;

interface FileToRead {
  file: string;
  scope: LoadScope;
  /** The folder an include's relative `project_directory` and `env_file` are joined to. */
  workingDir: string;
  /** Read as an `extends.file` base: the loader follows no `include` of it. */
  extended: boolean;
}

/** `files`, read from `workingDir` with `env`, then the files they include and extend; each (file, variables) once. */
export function interpolatedFiles(files: readonly string[], env: ReadonlyMap<string, string>, workingDir: string, reader: ProjectReader): ComposeText[] {
  const scope: LoadScope = { reader, options: {}, loaderDir: workingDir, env };
  const queue: FileToRead[] = files.map((file) => ({ file, scope, workingDir, extended: false }));
  const seen = new Set<string>();
  const out: ComposeText[] = [];
  for (let next = queue.shift(); next && out.length < MAX_FILES; next = queue.shift()) {
    const key = `${next.file}\0${JSON.stringify([...next.scope.env])}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const read = reader.read(next.file);
    if (!read.ok) continue;
    out.push({ file: next.file, text: read.text, env: next.scope.env });
    queue.push(...referencedBy(next, read.text));
  }
  return out;
}

/** The files one file's documents include and extend. */
function referencedBy(from: FileToRead, text: string): FileToRead[] {
  const docs = orNothing(() => loadDocuments(text, from.file)) ?? [];
  return docs.flatMap(({ tree }) => [...(from.extended ? [] : included(tree, from)), ...extended(tree, from)]);
}

function included(model: MapNode, from: FileToRead): FileToRead[] {
  const source = get(model, 'include');
  if (!source || source.kind === 'scalar') return [];
  // Interpolated before it is read, as the whole document is.
  const entries = orNothing(() => (interpolateTree(source, from.scope.env), includeConfigs(source))) ?? [];
  return entries.flatMap((entry) => orNothing(() => includedBy(entry, from)) ?? []);
}

function includedBy(entry: IncludeConfig, from: FileToRead): FileToRead[] {
  const target = includeTarget(entry, from.workingDir, from.scope);
  if (!target) return [];
  const scope: LoadScope = { ...from.scope, env: includeEnv(entry, target.projectDirectory, from.workingDir, from.scope), loaderDir: target.projectDirectory };
  return target.paths.map((file) => ({ file, scope, workingDir: target.projectDirectory, extended: false }));
}

function extended(model: MapNode, from: FileToRead): FileToRead[] {
  const services = get(model, 'services');
  if (services?.kind !== 'map') return [];
  const out: FileToRead[] = [];
  for (const { value: service } of services.entries.values()) {
    const ext = service.kind === 'map' ? get(service, 'extends') : undefined;
    const file = ext?.kind === 'map' ? stringOf(get(ext, 'file')) : undefined;
    const path = file === undefined ? undefined : orNothing(() => absolute(substitute(file, from.scope.env), from.scope.loaderDir, from.scope.reader.home));
    // A chain of extends is followed from the first file's folder, as the loader does.
    if (path) out.push({ file: path, scope: from.scope, workingDir: dirname(path), extended: true });
  }
  return out;
}

/** `read()`, or undefined where Compose would refuse what it reads (the load reports that). */
function orNothing<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof ComposeError) return undefined;
    throw err;
  }
}
