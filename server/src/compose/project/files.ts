/**
 * Which files form a project, and with which variables, as `docker compose` decides it (compose-go cli/options.go,
 * in the order docker/compose applies its options): `--project-directory`; the shell's environment; `--env-file`
 * (repeatable) else the working directory's `.env`; the files named with `-f`, else `COMPOSE_FILE` (split on
 * `COMPOSE_PATH_SEPARATOR`, else the OS path-list separator), else the first of compose.yaml, compose.yml,
 * docker-compose.yml, docker-compose.yaml in the working directory or the nearest parent that has one, plus the
 * first override file beside it; `--profile` else `COMPOSE_PROFILES`; the project name.
 */
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ProjectReader } from './context';
import { mergeEnv, readEnvFiles } from './envFiles';
import { ComposeError } from './tree';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** What the command line and the process give. */
export interface ProjectInput {
  /** The process's current folder: relative `-f`, `COMPOSE_FILE` and `--project-directory` are read from here. */
  cwd: string;
  /** The shell's environment. */
  environment: ReadonlyMap<string, string>;
  /** `-f`, in order. */
  files?: readonly string[];
  projectDirectory?: string;
  /** `--env-file`, in order. */
  envFiles?: readonly string[];
  /** `--profile`. */
  profiles?: readonly string[];
  /** `-p`. */
  projectName?: string;
}

/** The resolved options: what the loader needs. */
export interface ProjectOptions {
  /** Absolute paths, in merge order. */
  configFiles: string[];
  workingDir: string;
  /** The shell's variables, then those of the env files (the shell wins). */
  environment: Map<string, string>;
  envFiles: string[];
  profiles: string[];
  projectName?: string;
  /** Messages compose-go logs as warnings (several default files found …). */
  warnings: string[];
}

export function resolveProjectOptions(input: ProjectInput, reader: ProjectReader): ProjectOptions {
  const warnings: string[] = [];
  const projectDirectory = input.projectDirectory ? resolve(input.cwd, input.projectDirectory) : undefined;
  let configFiles = (input.files ?? []).map((f) => (f === '-' ? f : resolve(input.cwd, f)));
  if (configFiles.includes('-')) throw new ComposeError('reading a Compose file from stdin (-f -) is not supported here');
  const workingDir = () => projectDirectory ?? (configFiles[0] ? dirname(configFiles[0]) : input.cwd);

  let environment = new Map(input.environment);
  const envFilesFor = (): string[] => {
    if (input.envFiles?.length) return input.envFiles.map((f) => resolve(input.cwd, f));
    const disable = input.environment.get('COMPOSE_DISABLE_ENV_FILE');
    if (disable !== undefined && parseGoBool(disable)) return [];
    const dotEnv = join(workingDir(), '.env');
    return reader.kind(dotEnv) === 'file' ? [dotEnv] : [];
  };
  let envFiles = envFilesFor();
  environment = mergeEnv(environment, readEnvFiles(envFiles, reader, environment));

  if (!configFiles.length) {
    const composeFile = environment.get('COMPOSE_FILE');
    if (composeFile !== undefined) {
      const separator = environment.get('COMPOSE_PATH_SEPARATOR') || delimiter;
      configFiles = composeFile.split(separator).map((f) => {
        const abs = resolve(input.cwd, f);
        if (!reader.kind(abs)) throw new ComposeError(`stat ${abs}: no such file or directory`);
        return abs;
      });
    }
  }
  if (!configFiles.length) configFiles = defaultConfigFiles(workingDir(), reader, warnings);

  // docker/compose reads the env files a second time, now that the files (and so the working directory) are known.
  const second = envFilesFor();
  envFiles = [...new Set([...envFiles, ...second])];
  environment = mergeEnv(environment, readEnvFiles(second, reader, environment));

  const profiles = input.profiles?.length ? [...input.profiles] : (environment.get('COMPOSE_PROFILES') ?? '').split(',').map((p) => p.trim());
  return { configFiles, workingDir: workingDir(), environment, envFiles, profiles, projectName: input.projectName, warnings };
}

/** The default file of `dir` or its nearest parent that has one, and the override file beside it. */
export function defaultConfigFiles(dir: string, reader: ProjectReader, warnings: string[] = []): string[] {
  for (let current = dir; ; current = dirname(current)) {
    const candidates = DEFAULT_FILE_NAMES.map((n) => join(current, n)).filter((f) => reader.kind(f) !== undefined);
    if (candidates.length) {
      if (candidates.length > 1) warnings.push(`Found multiple config files with supported names: ${candidates.join(', ')}`, `Using ${candidates[0]}`);
      const overrides = DEFAULT_OVERRIDE_FILE_NAMES.map((n) => join(current, n)).filter((f) => reader.kind(f) !== undefined);
      if (overrides.length > 1) warnings.push(`Found multiple override files with supported names: ${overrides.join(', ')}`, `Using ${overrides[0]}`);
      return overrides.length ? [candidates[0]!, overrides[0]!] : [candidates[0]!];
    }
    if (dirname(current) === current) return [];
  }
}

/** Go's strconv.ParseBool. */
function parseGoBool(v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new ComposeError(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** compose-go's NormalizeProjectName: lower case, only [a-z0-9_-], no leading `_` or `-`. */
export function normalizeProjectName(s: string): string {
  return (s.toLowerCase().match(/[a-z0-9_-]/g) ?? []).join('').replace(/^[_-]+/, '');
}

export function invalidProjectName(v: string): ComposeError {
  return new ComposeError(`invalid project name ${JSON.stringify(v)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
}

/** The name a project gets from its folder when nothing names it. */
export function projectNameFromDir(dir: string): string {
  return normalizeProjectName(basename(isAbsolute(dir) ? dir : resolve(dir)));
}

/**
 * The project a Compose file belongs to, as `docker compose` run in its folder sees it: the folder's file set
 * (`COMPOSE_FILE`, else the default file and its override) when that set names the file; otherwise the file alone,
 * with its folder's variables. `environment` is the shell's (the editor has none: pass an empty map).
 */
export function projectForFile(file: string, environment: ReadonlyMap<string, string>, reader: ProjectReader): ProjectOptions {
  return projectInputForFile(file, environment, reader).options;
}

/** projectForFile, with the input that loads that project (loadProject). */
export function projectInputForFile(file: string, environment: ReadonlyMap<string, string>, reader: ProjectReader): { input: ProjectInput; options: ProjectOptions } {
  const absolute = resolve(file);
  const input: ProjectInput = { cwd: dirname(absolute), environment };
  const folder = resolveProjectOptions(input, reader);
  if (folder.configFiles.includes(absolute)) return { input, options: folder };
  const alone: ProjectInput = { ...input, files: [absolute] };
  return { input: alone, options: resolveProjectOptions(alone, reader) };
}
