import type { FileKind } from './types';

/**
 * Which files we read, by name. Compose: `compose*.y*ml`, `docker-compose*.y*ml`, `*.compose.y*ml`.
 * Dockerfiles: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`, `Containerfile`.
 */
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

export function kindFromName(path: string): FileKind | undefined {
  if (isDockerfileName(path)) return 'dockerfile';
  if (isComposeFileName(path)) return 'compose';
  return undefined;
}

/** The kind for an editor document: its language id first, then its name. */
export function kindFromLanguage(languageId: string, path: string): FileKind | undefined {
  if (languageId === 'dockerfile') return 'dockerfile';
  if (languageId === 'dockercompose') return 'compose';
  if (languageId === 'yaml') return isComposeFileName(path) ? 'compose' : undefined;
  return kindFromName(path);
}
