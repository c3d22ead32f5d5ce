import type { FileKind } from './types';

/**
 * Which files we read, by name: the one home of these names. The regexes below decide for the language server and
 * the CLI; the globs are the same names for the editor (document selector, file search, file watcher) and for help.
 */
export const COMPOSE_NAME_GLOBS: readonly string[] = ['compose*.{yml,yaml}', 'docker-compose*.{yml,yaml}', '*.compose.{yml,yaml}'];
export const DOCKERFILE_NAME_GLOBS: readonly string[] = ['Dockerfile', 'Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile', 'Containerfile.*', '*.Containerfile'];

/** The `.env` Compose reads beside its file (other env files are named by `env_file:`, not read by us). */
export const DOTENV_GLOB = '**/.env';
/** `.gitignore`: a fix that writes a secret into `.env` git-ignores it there (never analysed). */
export const GITIGNORE_GLOB = '**/.gitignore';
/**
 * The files a fix edits beside a Compose file (analysis/sideFiles.ts). The editor sends the server their open texts,
 * so a fix's edit of one is computed from the text the editor has, unsaved changes included, never from the disk's.
 */
export const SIDE_FILE_GLOBS: readonly string[] = [DOTENV_GLOB, GITIGNORE_GLOB];

/** A glob per Compose name, in any folder (one each: editors' globs do not nest braces). */
export const COMPOSE_FILE_GLOBS: readonly string[] = COMPOSE_NAME_GLOBS.map((g) => `**/${g}`);
/** Every Dockerfile name, in any folder. */
export const DOCKERFILE_GLOB = `**/{${DOCKERFILE_NAME_GLOBS.join(',')}}`;
/**
 * Files whose change re-runs the analysis of open Compose files: `.env`, any file that may be a build's
 * Dockerfile (wider than the names above, since `build.dockerfile` may name `Dockerfile-gpu` or
 * `gpu.containerfile`), and YAML files: another file of a Compose project (an override, an included or extended file).
 */
export const COMPOSE_INPUTS_WATCH_GLOB = '**/{.env,*.yml,*.yaml,*Dockerfile*,*dockerfile*,*Containerfile*,*containerfile*}';

const COMPOSE_NAME = /^(?:(?:docker-)?compose[^/]*|[^/]+\.compose)\.ya?ml$/i;
const DOCKERFILE_NAME = /^(?:(?:Dockerfile|Containerfile)(?:\.[^/]+)?|[^/]+\.(?:Dockerfile|dockerfile|Containerfile))$/;

export function baseName(path: string): string {
  return path.replace(/\\/g, '/').split('/').pop() ?? path;
}

export function isComposeFileName(path: string): boolean {
  return COMPOSE_NAME.test(baseName(path));
}

export function isDockerfileName(path: string): boolean {
  return DOCKERFILE_NAME.test(baseName(path));
}

export function isDotEnvName(path: string): boolean {
  return baseName(path) === '.env';
}

export function kindFromName(path: string): FileKind | undefined {
  if (isDotEnvName(path)) return 'dotenv';
  if (isDockerfileName(path)) return 'dockerfile';
  if (isComposeFileName(path)) return 'compose';
  return undefined;
}

/** The kind for an editor document: its language id first, then its name. */
export function kindFromLanguage(languageId: string, path: string): FileKind | undefined {
  // Whatever language an editor gives it (plaintext, properties, dotenv), `.env` is read as Compose reads it.
  if (isDotEnvName(path)) return 'dotenv';
  if (languageId === 'dockerfile') return 'dockerfile';
  if (languageId === 'dockercompose') return 'compose';
  if (languageId === 'yaml') return isComposeFileName(path) ? 'compose' : undefined;
  return kindFromName(path);
}
