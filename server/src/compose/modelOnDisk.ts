/**
 * The model facts of a service whose model is not in the vendored table, from the model's own `config.json` in a
 * folder the service bind-mounts from the project: a local model folder (`--model /models/my-model` over
 * `./models:/models`), or a Hugging Face cache (`./hf-cache:/root/.cache/huggingface`, where the hub keeps
 * `hub/models--org--name/refs/main` and `snapshots/<revision>/config.json`: huggingface_hub `file_download.py`).
 * Read only through the analysis's reader, which stays inside the workspace (core/boundedFile.ts); nothing else
 * (the user's own ~/.cache) is read, and the Hub is never asked.
 */
import { posix } from 'node:path';
import type { BuildContextReader } from '../core/analysisOptions';
import { factsFromHfConfig, isHubId } from '../engines/fit/hfConfig';
import type { ModelFacts } from '../engines/fit/modelFacts';
import type { ServiceInfo } from './service';
import { isAncestorOrSelf, normalizePath, serviceMounts } from './volumes';
import { hasInterpolation, interpolate } from './interpolation';

/** A revision hash as refs/main holds it. */
const REVISION = /^[0-9a-f]{7,64}$/;

export function modelFactsOnDisk(info: ServiceInfo, model: string, dotEnv: ReadonlyMap<string, string>, reader: BuildContextReader | undefined): ModelFacts | undefined {
  const read = reader?.readFile?.bind(reader);
  if (!read) return undefined;
  const binds = serviceMounts(info.service.map, dotEnv).mounts.filter((m) => m.type === 'bind' && m.source !== undefined && m.target !== undefined);
  for (const mount of binds) {
    // The source as Compose resolves it (`${MODELS_DIR:-./models}`); one only `up` knows is not read.
    const source = interpolate(mount.source!, dotEnv);
    if (!source || hasInterpolation(source)) continue;
    const text = model.startsWith('/') ? localConfig(model, source, mount.target!, read) : isHubId(model) ? cachedConfig(model, source, read) : undefined;
    const facts = text === undefined ? undefined : factsFromHfConfig(model, text);
    if (facts) return facts;
  }
  return undefined;
}

/** `<source>/<path under the mount>/config.json`, when the model path lies under the mount's target. */
function localConfig(model: string, source: string, target: string, read: (path: string) => string | undefined): string | undefined {
  // `..` is resolved first: `/models/../etc` is not under `/models`.
  const path = normalizePath(posix.normalize(model));
  if (!isAncestorOrSelf(target, path)) return undefined;
  const base = normalizePath(target);
  return read(posix.join(source, path.slice(base === '/' ? 0 : base.length), 'config.json'));
}

/** The config of `org/name` in a Hugging Face cache at `source` (the cache itself, or a folder holding `hub/`). */
function cachedConfig(model: string, source: string, read: (path: string) => string | undefined): string | undefined {
  const folder = `models--${model.replace('/', '--')}`;
  for (const repo of [posix.join(source, 'hub', folder), posix.join(source, folder)]) {
    const revision = read(posix.join(repo, 'refs', 'main'))?.trim();
    if (!revision || !REVISION.test(revision)) continue;
    const text = read(posix.join(repo, 'snapshots', revision, 'config.json'));
    if (text !== undefined) return text;
  }
  return undefined;
}
