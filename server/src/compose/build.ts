/**
 * A service's `build:` and the engine its Dockerfile builds an image of, so that `build: ./vllm-image` with
 * `FROM vllm/vllm-openai:v0.11.0` is a vLLM service like `image: vllm/vllm-openai:v0.11.0`. Pure: the Dockerfile
 * text comes from the injected `BuildContextReader` (or from `dockerfile_inline`).
 *
 * Compose spec (build.md): `build` is a context path, or a map with `context` (default `.`, the project folder),
 * `dockerfile` (relative to the context; default `Dockerfile`), `dockerfile_inline` (the Dockerfile itself,
 * exclusive with `dockerfile`) and `target` (the stage to build; default the last). A context that is a git or
 * HTTP URL is fetched by the builder: never read here.
 */
import type { BuildContextReader } from '../core/analysisOptions';
import { parseDockerfile } from '../dockerfile/dockerfileModel';
import { engineOfModel, type BuiltEngine } from '../dockerfile/imageEngine';
import { interpolateBestEffort } from './interpolation';
import type { MapView } from './yamlView';

export interface BuildSource {
  /** `context` with `${VAR}` resolved; `.` when unset. */
  context: string;
  /** `dockerfile` with `${VAR}` resolved; undefined: `Dockerfile`. */
  dockerfile: string | undefined;
  /** `dockerfile_inline`: the Dockerfile written in the Compose file. */
  inline: string | undefined;
  /** `target`: the stage built; undefined: the last stage. */
  target: string | undefined;
  /** A git / HTTP(S) / other URL context, which only the builder fetches. */
  remote: boolean;
}

/** `git@host:repo`, `github.com/org/repo`, `https://...`, `git://...`: contexts the builder fetches. */
export function isRemoteContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@') || context.startsWith('github.com/');
}

/** The service's `build:`, `${VAR}` resolved from `.env` (unset ones empty); undefined without one. */
export function readBuild(map: MapView, dotEnv: ReadonlyMap<string, string>): BuildSource | undefined {
  const value = map.value('build');
  if (!value || value.isNull) return undefined;
  const resolve = (text: string | undefined) => (text === undefined ? undefined : interpolateBestEffort(text, dotEnv));
  const asMap = value.asMap();
  const context = (asMap ? resolve(asMap.text('context')) : resolve(value.text))?.trim() || '.';
  const dockerfile = asMap ? resolve(asMap.text('dockerfile'))?.trim() || undefined : undefined;
  // Compose interpolates the inline Dockerfile like any other value (its own `$ARG`s are written `$$ARG`).
  const inline = resolve(asMap?.text('dockerfile_inline'));
  const target = asMap ? resolve(asMap.text('target'))?.trim() || undefined : undefined;
  return { context, dockerfile, inline, target, remote: isRemoteContext(context) };
}

/** The engine the service's Dockerfile builds, when its text can be had: inline, or read from a local context. */
export function builtEngine(build: BuildSource, reader: BuildContextReader | undefined): BuiltEngine | undefined {
  let text = build.inline;
  if (text === undefined && !build.remote && reader) text = reader.readDockerfile(build.context, build.dockerfile ?? 'Dockerfile');
  return text === undefined ? undefined : engineOfDockerfile(text, build.target);
}

/** Parsed results by target and text: many services of a file often build the same context. */
const memo = new Map<string, BuiltEngine | null>();
const MEMO_SIZE = 64;

/** The engine of a Dockerfile's `target` stage (default: the last), through dockerfileModel + imageEngine. */
export function engineOfDockerfile(text: string, target: string | undefined): BuiltEngine | undefined {
  const key = `${target ?? ''}\0${text}`;
  const cached = memo.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const result = computeEngine(text, target);
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
  memo.set(key, result ?? null);
  return result;
}

function computeEngine(text: string, target: string | undefined): BuiltEngine | undefined {
  return engineOfModel(parseDockerfile(text), target);
}

/**
 * A reader over files held in memory, keyed by their path relative to the Compose file's folder
 * (`vllm-image/Dockerfile`, `vllm.yaml`); for tests and callers that already hold the files.
 */
export function buildContextsFrom(files: ReadonlyMap<string, string> | Readonly<Record<string, string>>): BuildContextReader {
  const map = files instanceof Map ? (files as ReadonlyMap<string, string>) : new Map(Object.entries(files));
  return {
    readDockerfile(context, dockerfile) {
      return map.get(normalizePath(dockerfile.startsWith('/') ? dockerfile : `${context}/${dockerfile}`));
    },
    readFile(path) {
      return map.get(normalizePath(path));
    },
  };
}

/** `./a/../b//Dockerfile` -> `b/Dockerfile` (POSIX separators; enough for in-memory keys). */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return (path.startsWith('/') ? '/' : '') + out.join('/');
}
