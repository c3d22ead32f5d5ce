import type { ComposeFile } from '../compose/composeFile';
import { appendToMap, appendToSeq, appendUnderEmptyKey, column, indentUnit } from '../compose/edits';
import { interpolate, suppliedBy } from '../compose/interpolation';
import { findFlag, ServiceInfo } from '../compose/service';
import { isAncestorOrSelf, Mount, normalizePath, serviceMounts } from '../compose/volumes';
import type { ComposeContext, PeerRead, Rule } from './rule';
import type { SpanEdit, SpanFix } from '../core/types';
import { engineForImage, EngineSpec, parseImageRef } from '../engines/engines';
import { modelServerCache } from '../engines/modelServers';

/**
 * Without a volume at the engine's download cache, every re-created container downloads the weights again
 * and keeps them in its writable layer. Cache paths: engines.ts `cachePaths` (serving-engines.json); the
 * Hugging Face variables that move the cache: vllm-env.json `huggingface_env_vars`; vLLM `--download-dir`:
 * vllm-cli-flags.json; Ollama `OLLAMA_MODELS`: serving-engines.json.
 */
export const rule: Rule = {
  meta: {
    id: 'model-cache-not-mounted',
    defaultSeverity: 'warning',
    title: 'Model weights are downloaded into the container writable layer',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      // An Ollama image running a client command (`pull`, `run`) talks to a server elsewhere (OLLAMA_HOST) and
      // stores nothing itself. Other engines wrapped in a shell still download, so only Ollama's client is skipped.
      if (info.engine?.id === 'ollama' && !info.isModelService) continue;
      if (info.engine) check(ctx, info, info.engine);
      else if (info.isModelService) checkModelServer(ctx, info);
    }
  },
};

/** A recognised model server without engine facts (Xinference): its models folder, or the caches it also fills. */
function checkModelServer(ctx: ComposeContext, info: ServiceInfo): void {
  const cache = modelServerCache(info.resolvedImage === undefined ? undefined : parseImageRef(info.resolvedImage).name);
  if (!cache) return;
  const moved = envValue(ctx, info, cache.movedBy);
  if (moved === null) return;
  const home = moved?.startsWith('/') ? moved : cache.home;
  report(ctx, info, cache.name, { paths: [home, ...cache.also].map(normalizePath), fixPath: shownPath(ctx, home, moved ? info.env.find((e) => e.name === cache.movedBy)!.value! : home), why: `downloads models to ${home}` });
}

/** Env vars that move where weights are downloaded, most specific first. */
const CACHE_ENV = ['HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'HF_HOME'] as const;
/** Env vars that name the model for engines configured from the environment. */
const MODEL_ENV: Readonly<Record<string, readonly string[]>> = {
  tgi: ['MODEL_ID'],
  tei: ['MODEL_ID'],
  llamacpp: ['LLAMA_ARG_MODEL', 'LLAMA_ARG_HF_REPO', 'LLAMA_ARG_MODEL_URL'],
  // NIM 2.x names the model with NIM_MODEL_PATH, 1.x multi-LLM NIMs with NIM_MODEL_NAME (nim-facts.json).
  nim: ['NIM_MODEL_PATH', 'NIM_MODEL_NAME'],
};
/** Env vars that move an engine's own cache (nim-facts.json `cache.moved_by`). */
const ENGINE_CACHE_ENV: Partial<Record<string, readonly string[]>> = { ollama: ['OLLAMA_MODELS'], nim: ['NIM_CACHE_PATH'] };

interface Needed {
  /** A volume overlapping any of these paths stores the weights. */
  paths: string[];
  /**
   * Where the fix mounts the cache, as the message and the mount show it: the path, or the `${VAR}` text that sets it
   * (compose interpolates it in the mount; a value from `.env` is never echoed). Undefined when the model is a local
   * path (a named volume would be empty).
   */
  fixPath: string | undefined;
  /** For the message. */
  why: string;
}

function check(ctx: ComposeContext, info: ServiceInfo, engine: EngineSpec): void {
  const needed = neededPaths(ctx, info, engine);
  if (!needed) return;
  // NIMs other than the LLM ones keep their cache under the image user's home: Riva speech NIMs `~/.cache/nim`,
  // BioNeMo NIMs (DiffDock, MolMIM, user `nvs`) `~/.cache/nim/models`, as NVIDIA's own blueprint mounts it
  // (NVIDIA-NIM-Agent-Blueprints/generative-virtual-screening 29214ee6 deploy/docker-compose.yaml). A mount there is
  // the author's cache, whatever the image.
  report(ctx, info, engine.name, needed, engine.id === 'nim' ? (target) => /(^|\/)\.cache\/nim(\/models)?$/.test(target) : undefined);
}

function report(ctx: ComposeContext, info: ServiceInfo, serverName: string, needed: Needed, alsoCovers?: (target: string) => boolean): void {
  const { entry, mounts } = allMounts(ctx, info);
  // A mount whose target is only known at `up` time may be the cache: do not guess.
  if (mounts.some((m) => m.type !== 'tmpfs' && m.target === undefined)) return;
  const stored = mounts.filter((m) => m.type !== 'tmpfs' && m.target !== undefined);
  if (needed.paths.some((p) => stored.some((m) => covers(m, p)))) return;
  if (alsoCovers && stored.some((m) => alsoCovers(normalizePath(m.target!)))) return;

  const name = info.service.name;
  const volumeName = `${name}-model-cache`;
  const fixes: SpanFix[] = [];
  if (needed.fixPath) {
    const edits = fixEdits(ctx.file, info, volumeName, needed.fixPath);
    if (edits) fixes.push({ title: `Mount the named volume ${volumeName} at ${needed.fixPath}`, preferred: true, edits });
  }
  const advice = needed.fixPath
    ? `Mount a named volume at ${needed.fixPath} so the weights survive re-created containers.`
    : 'Mount the folder that holds it (a bind mount or a volume).';
  ctx.report({
    span: entry?.keyAt ?? info.service.keyAt,
    message: `Service "${name}" (${serverName}) ${needed.why}, but no volume is mounted there: ${needed.fixPath ? 'each new container downloads the weights again into its writable layer' : 'the container cannot see it'}. ${advice}`,
    fixes,
  });
}

function covers(mount: Mount, path: string): boolean {
  const target = mount.target!;
  // A relative model path (`-m models/x.gguf`) is read from the working directory: match its first folder.
  if (!path.startsWith('/')) {
    const first = path.split('/')[0]!;
    return target.split('/').pop() === first;
  }
  // The cache folder itself, a parent of it, or its Hugging Face hub folder (`$HF_HOME/hub`, where the weights
  // go) keeps the weights; another folder inside it (`/data/hub/models` for TGI's /data) does not.
  return isAncestorOrSelf(target, path) || normalizePath(target) === `${normalizePath(path)}/hub`;
}

/** The service's mounts, with those of a service it `extends` in this file or takes with `volumes_from`. */
function allMounts(ctx: ComposeContext, info: ServiceInfo): { entry: ReturnType<typeof serviceMounts>['entry']; mounts: Mount[] } {
  const own = serviceMounts(info.service.map, ctx.file.dotEnv);
  const mounts = [...own.mounts];
  const unknown: Mount = { type: 'other', source: undefined, target: undefined, at: info.service.keyAt };
  const extendsView = info.service.map.value('extends');
  if (extendsView) {
    const base = extendsView.text ?? (extendsView.asMap()?.has('file') ? undefined : extendsView.asMap()?.text('service'));
    const other = base !== undefined && base !== info.service.name ? ctx.peer(base, mountsOf) : undefined;
    mounts.push(...(other?.map((m) => ({ ...m, at: unknown.at })) ?? [unknown]));
  }
  for (const item of info.service.map.seq('volumes_from')?.items() ?? []) {
    const ref = (item.text ?? '').replace(/^service:/, '').split(':')[0]!;
    const other = ref !== info.service.name ? ctx.peer(ref, mountsOf) : undefined;
    mounts.push(...(other?.map((m) => ({ ...m, at: unknown.at })) ?? [unknown]));
  }
  return { entry: own.entry, mounts };
}

/** What this rule asks of a service another one extends or takes volumes from (ComposeContext.peer): its mounts. */
const mountsOf: PeerRead<Array<Omit<Mount, 'at'>>> = (other, dotEnv) => serviceMounts(other.service.map, dotEnv).mounts.map(({ type, source, target }) => ({ type, source, target }));

function envValue(ctx: ComposeContext, info: ServiceInfo, name: string): string | null | undefined {
  const entry = info.env.find((e) => e.name === name);
  if (!entry?.value) return undefined;
  // null: set, but only known at `up` time.
  return interpolate(entry.value, ctx.file.dotEnv) ?? null;
}

function neededPaths(ctx: ComposeContext, info: ServiceInfo, engine: EngineSpec): Needed | undefined {
  const model = modelArgument(ctx, info, engine);
  if (model === null) return undefined;
  // Without a model, llama.cpp and Triton serve nothing from a cache we could name.
  if (!model && (engine.id === 'llamacpp' || engine.id === 'triton')) return undefined;
  if (model) {
    const kind = modelKind(model, engine);
    // Weights in object storage (Triton's s3:// repositories) need no local cache.
    if (kind === 'remote-store') return undefined;
    if (kind === 'local') {
      // A local model inside a custom image may be baked in (dockerfile-model-weights-baked judges that).
      if (!info.image || engineForImage(info.image) !== engine) return undefined;
      return { paths: [normalizePath(model.value)], fixPath: undefined, why: `loads the model from ${shownPath(ctx, model.value, model.raw)}` };
    }
  }
  const explicit: Array<{ path: string; raw: string }> = [];
  const downloadDir = findFlag(info.flags, ['--download-dir']);
  if (downloadDir) {
    if (downloadDir.value === undefined) return undefined;
    const dir = interpolate(downloadDir.value, ctx.file.dotEnv);
    if (dir === undefined) return undefined;
    explicit.push({ path: dir, raw: downloadDir.value });
  }
  const envNames = [...(ENGINE_CACHE_ENV[engine.id] ?? []), ...CACHE_ENV];
  for (const name of envNames) {
    const value = envValue(ctx, info, name);
    if (value === null) return undefined;
    if (value?.startsWith('/')) explicit.push({ path: value, raw: info.env.find((e) => e.name === name)!.value! });
  }
  const defaults = defaultCachePaths(info, engine);
  const first = explicit[0];
  const fixPath = first ? shownPath(ctx, normalizePath(first.path), first.raw) : normalizePath(defaults[0]!);
  return { paths: [...explicit.map((e) => e.path), ...defaults].map(normalizePath), fixPath, why: `downloads model weights to ${fixPath}` };
}

/** A path as written when a variable supplied it (`${HF_HOME}`), else its value. */
function shownPath(ctx: ComposeContext, value: string, raw: string): string {
  return suppliedBy(raw, ctx.file.dotEnv) ? raw.trim() : value;
}

/**
 * The engine's cache paths, the one the fix mounts first: vLLM's non-root image keeps its cache under
 * /home/vllm (vllm-env.json `vllm_openai_image.user`); llama.cpp downloads (-hf, -mu) go to its .cache
 * folder, while /models is where people put local files.
 */
function defaultCachePaths(info: ServiceInfo, engine: EngineSpec): string[] {
  const paths = [...engine.cachePaths];
  const first = (pick: (p: string) => boolean) => paths.sort((a, b) => Number(pick(b)) - Number(pick(a)));
  if (engine.id === 'vllm' && /nonroot/.test(info.image ?? '')) first((p) => p.startsWith('/home/'));
  if (engine.id === 'llamacpp') first((p) => p.includes('/.cache/'));
  return paths;
}

interface ModelArg {
  value: string;
  /** As written, `${VAR}` and all. */
  raw: string;
  /** The flag or env var that named it; undefined for vLLM's positional model. */
  via: string | undefined;
}

/**
 * The model the service serves: a model flag, vLLM's positional model (`vllm serve MODEL`), or the env var
 * an env-configured engine reads. Undefined when none is given; null when it is only known at `up` time.
 */
function modelArgument(ctx: ComposeContext, info: ServiceInfo, engine: EngineSpec): ModelArg | null | undefined {
  const flag = findFlag(info.flags, engine.modelFlags);
  let raw: ModelArg | undefined;
  if (flag?.value !== undefined) raw = { value: flag.value, raw: flag.value, via: flag.canonical };
  else if (engine.id === 'vllm') {
    const positional = vllmPositionalModel(info);
    if (positional !== undefined) raw = { value: positional, raw: positional, via: undefined };
  }
  for (const envName of raw ? [] : (MODEL_ENV[engine.id] ?? [])) {
    const fromEnv = envValue(ctx, info, envName);
    if (fromEnv === null) return null;
    if (fromEnv !== undefined) return { value: fromEnv, raw: info.env.find((e) => e.name === envName)!.value!, via: envName };
  }
  if (!raw) return undefined;
  const value = interpolate(raw.value, ctx.file.dotEnv);
  return value === undefined ? null : { value, raw: raw.raw, via: raw.via };
}

function vllmPositionalModel(info: ServiceInfo): string | undefined {
  const tokens = [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])].map((t) => t.text);
  const serve = tokens.findIndex((t, i) => t === 'serve' && i > 0 && /(^|\/)vllm$/.test(tokens[i - 1]!));
  // With the image's own entrypoint (`vllm serve`), the command starts with the model.
  const start = serve >= 0 ? serve + 1 : info.entrypoint ? -1 : 0;
  const candidate = start >= 0 ? tokens[start] : undefined;
  return candidate !== undefined && !candidate.startsWith('-') ? candidate : undefined;
}

/** Files read from the container (`local`), a Hub id downloaded to the cache, or an object store. */
function modelKind(model: ModelArg, engine: EngineSpec): 'local' | 'hub' | 'remote-store' {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(model.value)) return engine.id === 'triton' ? 'remote-store' : 'hub';
  if (/^(\/|\.\.?\/|~)/.test(model.value)) return 'local';
  // llama.cpp's -m and LLAMA_ARG_MODEL name a file (a Hub repo goes to -hf); Triton's repository is a folder.
  if (engine.id === 'llamacpp' && (model.via === '-m' || model.via === '--model' || model.via === 'LLAMA_ARG_MODEL')) return 'local';
  if (engine.id === 'triton') return 'local';
  return 'hub';
}

/** Both edits of the fix: the mount in the service and the volume's top-level declaration. */
function fixEdits(file: ComposeFile, info: ServiceInfo, volumeName: string, path: string): SpanEdit[] | undefined {
  const mountLine = `- ${volumeName}:${path}`;
  const entry = info.service.map.get('volumes');
  let mount: SpanEdit | undefined;
  if (!entry) mount = appendToMap(file, info.service.map, ['volumes:', `  ${mountLine}`]);
  else if (!entry.pair) mount = undefined;
  else if (entry.value.isNull) mount = appendUnderEmptyKey(file, entry, [mountLine]);
  else {
    const seq = entry.value.asSeq();
    mount = seq ? appendToSeq(file, seq, [mountLine]) : undefined;
  }
  const declare = declareVolume(file, volumeName);
  if (!mount || declare === undefined) return undefined;
  if (!declare) return [mount];
  // Both at the end of the file: one edit, so the mount stays inside the service and the block follows it.
  if (mount.span.start === declare.span.start && mount.span.end === mount.span.start && declare.span.end === declare.span.start) {
    const block = declare.newText.startsWith(file.lines.eol()) && mount.newText.endsWith(file.lines.eol()) ? declare.newText.slice(file.lines.eol().length) : declare.newText;
    return [{ span: mount.span, newText: mount.newText + block }];
  }
  return [mount, declare];
}

/** The top-level declaration; null when it already exists, undefined when it cannot be added safely. */
function declareVolume(file: ComposeFile, volumeName: string): SpanEdit | null | undefined {
  const root = file.root;
  if (!root) return undefined;
  const entry = root.get('volumes');
  if (entry) {
    if (!entry.pair) return undefined;
    if (entry.value.isNull) return appendUnderEmptyKey(file, entry, [`${volumeName}:`]);
    const map = entry.value.asMap();
    if (!map) return undefined;
    if (map.has(volumeName)) return null;
    return appendToMap(file, map, [`${volumeName}:`]);
  }
  // No top-level `volumes:`: add the block at the end of the file, at the root keys' indentation.
  const first = root.entries()[0];
  const indent = first ? ' '.repeat(column(file, first.keyAt.start)) : '';
  const eol = file.lines.eol();
  const needsBreak = file.text.length > 0 && !/\r?\n$/.test(file.text);
  return {
    span: { start: file.text.length, end: file.text.length },
    newText: `${needsBreak ? eol : ''}${indent}volumes:${eol}${indent}${indentUnit(file)}${volumeName}:${eol}`,
  };
}
