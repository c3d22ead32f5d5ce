/**
 * Which host GPUs a model service's engine runs on, and what share of each one's memory it takes: what tells two
 * services that meet on one GPU (gpu-oversubscribed).
 * - Docker gives a container the GPUs of its device request (moby/moby 5c487368 daemon/nvidia_linux.go
 *   `setNvidiaGPUs`): `device_ids` as listed; `count: N` as GPUs 0 to N−1 (`countToDevices`), whatever other
 *   containers already hold; `count: all` / -1 every GPU.
 * - Inside the container the given GPUs are numbered from 0, and CUDA_VISIBLE_DEVICES picks among them by index.
 * - vLLM, SGLang and TGI put their tensor × pipeline (× data) parallel ranks on the first GPUs they see.
 * - vLLM and SGLang take a fixed share of every GPU they run on (vLLM `--gpu-memory-utilization`: it stops when less
 *   than that is free; SGLang `--mem-fraction-static`: it leaves the rest to others). TGI is not placed: it takes
 *   what is free when it warms up (`CUDA_MEMORY_FRACTION` caps it), so whether it fits depends on who starts first.
 * Anything the file does not say for certain (a `${VAR}` only `up` knows, several device requests, `runtime:
 * nvidia` alone, NVIDIA_VISIBLE_DEVICES, a command run through a shell) gives no placement: no finding.
 */
import { runsThroughShell } from './commandEdits';
import { deviceRequests, isMultiNode, parallelismOf, reservedBy, resolveInt } from './gpuReservation';
import { hasInterpolation, interpolate } from './interpolation';
import { engineImage, findFlag, type ServiceInfo } from './service';
import { pinnedBefore, VLLM_0_21 } from '../engines/vllmReleases';

/** JSON-able (it is a ComposeContext.peer answer): no spans, which move with every edit above the service. */
export interface GpuPlacement {
  /** Host GPU ids (`"0"`, a UUID) the engine's ranks run on. */
  gpus: string[];
  /** Given by `count` (GPUs 0 to N−1 whatever else runs), not by `device_ids`: worth saying in a message. */
  byCount: boolean;
  /** Fraction of each GPU's memory one container takes. */
  share: number;
  /** Where the share comes from, for messages: `--gpu-memory-utilization 0.85` or `0.92, vLLM's default`. */
  shareFrom: string;
  /** Containers of the service (`deploy.replicas` / `scale`); each takes its share of the same GPUs. */
  replicas: number;
  profiles: string[];
}

/** The share of one GPU a service's containers take together: each replica takes its share. */
export function gpuLoad(p: Pick<GpuPlacement, 'share' | 'replicas'>): number {
  return p.share * p.replicas;
}

/** Loads that add up past one whole GPU (a rounding margin aside): the last engine to start will not fit. */
export function pastWholeGpu(total: number): boolean {
  return total > 1 + 1e-9;
}

/** Engines that take a fixed share of each GPU whatever else runs on it. */
const FIXED_SHARE: ReadonlySet<string> = new Set(['vllm', 'sglang']);

/**
 * The placement of a service's engine, or null when the file does not say it for certain. Kept per service model and
 * variables: rules ask it of every other service (ComposeContext.peer), once per service they check.
 */
export function gpuPlacement(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): GpuPlacement | null {
  const kept = PLACEMENTS.get(info);
  if (kept && kept.dotEnv === dotEnv) return kept.placement;
  const placement = placementOf(info, dotEnv);
  PLACEMENTS.set(info, { dotEnv, placement });
  return placement;
}

const PLACEMENTS = new WeakMap<ServiceInfo, { dotEnv: ReadonlyMap<string, string>; placement: GpuPlacement | null }>();

function placementOf(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): GpuPlacement | null {
  const engine = info.engine;
  const setting = engine?.gpuMemoryFlag;
  if (!engine || !setting || !FIXED_SHARE.has(engine.id) || !info.isModelService || runsThroughShell(info) || isMultiNode(info, dotEnv)) return null;
  if (info.env.some((e) => e.name === 'NVIDIA_VISIBLE_DEVICES')) return null;
  const requests = deviceRequests(info);
  if (requests.length !== 1 || requests[0]!.kind === 'cdi') return null;
  const given = givenGpus(requests[0]!, dotEnv);
  if (!given) return null;
  const chosen = chosenByEnv(info, given.ids, dotEnv);
  const parallel = parallelismOf(info, dotEnv);
  if (chosen === null || !parallel) return null;
  const ranks = parallel.total;
  // With every GPU given, the container's index i is host GPU i.
  const gpus = chosen === 'all' ? Array.from({ length: ranks }, (_, i) => String(i)) : chosen.slice(0, ranks);
  if (gpus.length < ranks) return null;
  const share = shareOf(info, dotEnv);
  if (!share) return null;
  const replicas = replicasOf(info, dotEnv);
  if (replicas === 0) return null;
  const profiles = (info.service.map.seq('profiles')?.items() ?? []).map((p) => interpolate(p.text ?? '', dotEnv) ?? '').filter((p) => p !== '');
  return { gpus, byCount: given.byCount, ...share, replicas, profiles };
}

/** The host GPUs a device request gives, in the container's order; 'all' for every GPU. */
function givenGpus(request: ReturnType<typeof deviceRequests>[number], dotEnv: ReadonlyMap<string, string>): { ids: string[] | 'all'; byCount: boolean } | undefined {
  if (request.deviceIds && !request.count) {
    const ids: string[] = [];
    for (const item of request.deviceIds.asSeq()?.items() ?? []) {
      const text = item.text === undefined ? undefined : interpolate(item.text, dotEnv);
      if (text === undefined || hasInterpolation(text)) return undefined;
      // NVIDIA's runtime splits NVIDIA_VISIBLE_DEVICES on commas: one item may list several.
      ids.push(...text.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    }
    return ids.length ? { ids, byCount: false } : undefined;
  }
  // Neither count nor device_ids: every GPU since Compose 2.30, none before it (gpu-device-count-missing).
  if (request.deviceIds || (!request.count && request.view)) return undefined;
  const n = reservedBy(request, dotEnv);
  if (n === 'all') return { ids: 'all', byCount: true };
  return n === undefined || n < 1 ? undefined : { ids: Array.from({ length: n }, (_, i) => String(i)), byCount: true };
}

/** The given GPUs after CUDA_VISIBLE_DEVICES (indexes into them); null when it cannot be read for certain. */
function chosenByEnv(info: ServiceInfo, given: string[] | 'all', dotEnv: ReadonlyMap<string, string>): string[] | 'all' | null {
  const env = info.env.find((e) => e.name === 'CUDA_VISIBLE_DEVICES');
  if (!env) return given;
  const value = env.value === undefined ? undefined : interpolate(env.value, dotEnv);
  const indexes = deviceIndexes(value);
  if (!indexes) return null;
  if (given === 'all') return indexes.map(String);
  const picked = indexes.map((i) => given[i]);
  // An index past the given GPUs: gpu-selected-by-env says what CUDA does then.
  return picked.every((id): id is string => id !== undefined) ? picked : null;
}

/** CUDA_VISIBLE_DEVICES as plain indexes (`0`, `1,2`); undefined for anything else (UUIDs, MIG names, `-1`, unresolved). */
export function deviceIndexes(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((p) => p.trim());
  return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : undefined;
}

/** The engine's memory share: its flag, else its env var, else its default (vLLM's by release). */
function shareOf(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): { share: number; shareFrom: string } | undefined {
  const engine = info.engine!;
  const setting = engine.gpuMemoryFlag!;
  // vLLM sizes its KV cache from this instead of the share: the share no longer says what it takes. In sleep mode
  // it gives its memory back on request (POST /sleep), so two services can take turns on one GPU by design.
  if (engine.id === 'vllm' && findFlag(info.flags, ['--kv-cache-memory-bytes', '--enable-sleep-mode'])) return undefined;
  const flag = findFlag(info.flags, [setting.flag]);
  const env = setting.env ? info.env.find((e) => e.name === setting.env) : undefined;
  const written = flag ? { name: flag.name, value: flag.value } : env ? { name: env.name, value: env.value } : undefined;
  if (written) {
    const text = written.value === undefined ? undefined : interpolate(written.value, dotEnv)?.trim();
    const share = text !== undefined && /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
    return share > 0 && share <= 1 ? { share, shareFrom: `${written.name} ${text}` } : undefined;
  }
  const fallback = engine.id === 'vllm' ? (pinnedBefore(engineImage(info), VLLM_0_21) ? 0.9 : 0.92) : setting.default;
  return fallback === undefined ? undefined : { share: fallback, shareFrom: `${fallback}, ${engine.name}'s default` };
}

/** `deploy.replicas`, else `scale`, else 1; a value only `up` knows counts as 1 (each replica only adds). */
function replicasOf(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): number {
  const map = info.service.map;
  const raw = map.map('deploy')?.text('replicas') ?? map.text('scale');
  const n = resolveInt(raw, dotEnv);
  return n === undefined || n < 0 ? 1 : n;
}
