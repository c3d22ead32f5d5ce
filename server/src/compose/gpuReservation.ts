import type { InvolvedValue, Span, SpanEdit } from '../core/types';
import { parseImageRef } from '../engines/engines';
import type { ComposeFile } from './composeFile';
import { hasInterpolation, interpolate } from './interpolation';
import { insertUnderPath, nestUnder } from './nestedInsert';
import { findFlag, ServiceInfo } from './service';
import { MapView, ValueView } from './yamlView';

/**
 * GPU knowledge shared by the gpu-* rules: how many GPUs a service's command needs (tensor × pipeline
 * parallel size), which GPUs it reserves, whether it needs an NVIDIA GPU at all, and the edit that inserts
 * a device reservation. Sources: compose.json `device_request`, `gpus_shorthand`, `devices_key`;
 * serving-engines.json and vllm-cli-flags.json for the parallelism flags.
 */

// ---------------------------------------------------------------------------------------------------------
// Parallelism

export interface ParallelFactor {
  /** The flag or env var as written, e.g. `--tensor-parallel-size` or `NUM_SHARD`. */
  source: string;
  size: number;
  /** Where the size is written (the flag's value, or the env var's). */
  at: Span;
}

export interface Parallelism {
  /** tensor × pipeline: the GPUs one instance of the engine needs. */
  total: number;
  /** The settings that were set (empty when every size is the default 1). */
  factors: ParallelFactor[];
}

/**
 * The GPUs the service's engine needs: tensor × pipeline parallel size, from its flags (and `NUM_SHARD`
 * for TGI, whose launcher reads its options from env vars too; a flag wins over the env var, as with clap).
 * 1 when nothing is set. Undefined when a size is set but cannot be known here (an unresolvable `${VAR}`
 * or not a positive integer): callers then stay quiet.
 */
export function parallelismOf(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): Parallelism | undefined {
  const engine = info.engine;
  if (!engine) return { total: 1, factors: [] };
  const factors: ParallelFactor[] = [];
  const groups: Array<{ flags: readonly string[]; env?: string }> = [
    { flags: engine.tensorParallelFlags, ...(engine.tensorParallelEnv ? { env: engine.tensorParallelEnv } : {}) },
    { flags: engine.pipelineParallelFlags, ...(engine.pipelineParallelEnv ? { env: engine.pipelineParallelEnv } : {}) },
  ];
  for (const group of groups) {
    const factor = readFactor(info, group.flags, group.env, dotEnv);
    if (factor === null) return undefined;
    if (factor) factors.push(factor);
  }
  const dp = engine.dataParallel;
  if (dp && !findFlag(info.flags, dp.singleRankFlags)) {
    const local = readFactor(info, dp.localSizeFlags, undefined, dotEnv);
    const factor = local !== undefined ? local : readFactor(info, dp.sizeFlags, undefined, dotEnv);
    if (factor === null) return undefined;
    if (factor) factors.push(factor);
  }
  return { total: factors.reduce((n, f) => n * f.size, 1), factors };
}

/** A factor; undefined when unset; null when set but unknowable. */
function readFactor(
  info: ServiceInfo,
  flags: readonly string[],
  envName: string | undefined,
  dotEnv: ReadonlyMap<string, string>,
): ParallelFactor | undefined | null {
  if (flags.length === 0 && !envName) return undefined;
  const flag = flags.length ? findFlag(info.flags, flags) : undefined;
  if (flag) return factorFrom(flag.name, flag.value, flag.valueSpan ?? flag.nameSpan, dotEnv);
  const env = envName ? info.env.find((e) => e.name === envName) : undefined;
  // `- NUM_SHARD` with no value comes from the shell at `up`: unknowable here.
  if (env) return env.value === undefined ? null : factorFrom(env.name, env.value, env.valueSpan ?? env.nameSpan, dotEnv);
  return undefined;
}

function factorFrom(source: string, raw: string | undefined, at: Span, dotEnv: ReadonlyMap<string, string>): ParallelFactor | null {
  const size = resolveInt(raw, dotEnv);
  return size === undefined || size < 1 ? null : { source, size, at };
}

/** The parallel sizes as values a finding involves (core/types.ts InvolvedValue). */
export function involvedFactors(p: Parallelism): InvolvedValue[] {
  return p.factors.map((f) => ({ span: f.at, what: `${f.source} ${f.size}` }));
}

/** An integer value, `${VAR}` resolved from `.env`; undefined when it is not one or cannot be resolved. */
export function resolveInt(raw: string | undefined, dotEnv: ReadonlyMap<string, string>): number | undefined {
  if (raw === undefined) return undefined;
  const text = hasInterpolation(raw) ? interpolate(raw, dotEnv) : raw;
  if (text === undefined || !/^\s*-?\d+\s*$/.test(text)) return undefined;
  return Number(text.trim());
}

/** `--tensor-parallel-size 2 × --pipeline-parallel-size 2`, for messages. */
export function describeParallelism(p: Parallelism): string {
  return p.factors.map((f) => `${f.source} ${f.size}`).join(' × ');
}

/**
 * True when the engine's parallel group spans several containers or hosts (vLLM/SGLang `--nnodes` > 1, vLLM
 * `--headless` workers or the Ray backend): one container then holds only part of the GPUs.
 */
export function isMultiNode(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): boolean {
  const id = info.engine?.id;
  if (id !== 'vllm' && id !== 'sglang') return false;
  const nnodes = findFlag(info.flags, id === 'vllm' ? ['--nnodes', '-n'] : ['--nnodes']);
  if (nnodes && resolveInt(nnodes.value, dotEnv) !== 1) return true;
  if (id === 'vllm' && findFlag(info.flags, ['--headless'])) return true;
  const backend = findFlag(info.flags, ['--distributed-executor-backend']);
  return !!backend && backend.value !== 'mp' && backend.value !== 'uni';
}

// ---------------------------------------------------------------------------------------------------------
// What the service reserves

/**
 * One device request, in any of the forms compose-go reads (e70e961c3a3acebf0800b882f1afb3dbf1fb74a2): a
 * `deploy.resources.reservations.devices` entry, a `gpus:` list entry, `gpus: all` (transform/gpus.go turns any
 * string into `[{count: all}]`), or an NVIDIA CDI name under `devices:` (one device, or every GPU for `=all`).
 */
export interface GpuRequestEntry {
  /** The request's map; undefined for `gpus: all` and CDI names, which have no keys of their own. */
  view: MapView | undefined;
  /** Where the request is written. */
  at: Span;
  count: ValueView | undefined;
  /** `device_ids`; for a CDI name, the name itself. */
  deviceIds: ValueView | undefined;
  kind: 'deploy' | 'gpus' | 'cdi';
}

/**
 * Every device request that can hold GPUs: GPU entries under `deploy.resources.reservations.devices`
 * (or all of them with `all`), `gpus:` in both forms, and NVIDIA CDI names under `devices:`.
 */
export function deviceRequests(info: ServiceInfo, all = false): GpuRequestEntry[] {
  const deploy = (all ? info.gpu.allDevices : info.gpu.devices).map(
    (d): GpuRequestEntry => ({ view: d.view, at: d.view.at, count: d.count, deviceIds: d.deviceIds, kind: 'deploy' }),
  );
  const gpusValue = info.gpu.gpus?.value;
  const gpus = (gpusValue?.asSeq()?.items() ?? []).flatMap((item): GpuRequestEntry[] => {
    const view = item.asMap();
    return view ? [{ view, at: item.at, count: view.value('count'), deviceIds: view.value('device_ids'), kind: 'gpus' }] : [];
  });
  if (gpusValue?.text !== undefined) gpus.push({ view: undefined, at: gpusValue.at, count: undefined, deviceIds: undefined, kind: 'gpus' });
  const cdi = info.gpu.cdi.map((name): GpuRequestEntry => ({ view: undefined, at: name.at, count: undefined, deviceIds: name, kind: 'cdi' }));
  return [...deploy, ...gpus, ...cdi];
}

/**
 * Does the service ask for a device some way other than `runtime: nvidia`? A device request, `gpus:`, a CDI
 * name, host `/dev/nvidia*` nodes mapped by hand, or a Swarm `generic_resources` GPU.
 */
export function hasDeviceReservation(info: ServiceInfo): boolean {
  if (info.gpu.allDevices.length > 0 || info.gpu.gpus || info.gpu.cdi.length > 0) return true;
  const map = info.service.map;
  const devices = map.seq('devices')?.items() ?? [];
  if (devices.some((d) => /^\/dev\/nvidia/.test(d.text ?? d.asMap()?.text('source') ?? ''))) return true;
  const generic = map.map('deploy')?.map('resources')?.map('reservations')?.seq('generic_resources')?.items() ?? [];
  return generic.some((g) => /gpu/i.test(g.asMap()?.map('discrete_resource_spec')?.text('kind') ?? ''));
}

/** GPUs one request reserves: a number, 'all', or undefined when unknowable here. */
export type Reserved = number | 'all' | undefined;

/**
 * compose-go: `count: all` in any case (types/device.go lower-cases it) or -1, and a request with neither count
 * nor device_ids (transform/devices.go), reserve every GPU; otherwise `count` GPUs, or the listed IDs. One ID
 * string may list several (`'0,1,2'`), as NVIDIA's runtime splits NVIDIA_VISIBLE_DEVICES on commas; a CDI name
 * ending in `=all` is every GPU.
 */
export function reservedBy(entry: GpuRequestEntry, dotEnv: ReadonlyMap<string, string>): Reserved {
  if (entry.count) {
    const raw = entry.count.text;
    const text = raw !== undefined && hasInterpolation(raw) ? interpolate(raw, dotEnv) : raw;
    if (text === undefined) return undefined;
    if (text.trim().toLowerCase() === 'all') return 'all';
    const n = resolveInt(text, dotEnv);
    return n === undefined ? undefined : n < 0 ? 'all' : n;
  }
  if (entry.deviceIds) {
    const ids = entry.deviceIds.asSeq()?.items() ?? (entry.kind === 'cdi' ? [entry.deviceIds] : undefined);
    if (!ids) return undefined;
    let n = 0;
    for (const item of ids) {
      const raw = item.text;
      const text = raw !== undefined && hasInterpolation(raw) ? interpolate(raw, dotEnv) : raw;
      if (text === undefined) return undefined;
      if (/=all$/.test(text.trim())) return 'all';
      n += text.split(',').filter((s) => s.trim() !== '').length;
    }
    return n;
  }
  return 'all';
}

// ---------------------------------------------------------------------------------------------------------
// Does the service want an NVIDIA GPU?

/** Tag or name parts that mark a build for something other than NVIDIA GPUs. */
const NON_NVIDIA = /(^|[^a-z0-9])(cpu|rocm|amd|xpu|hpu|tpu|neuron|inf2|gaudi|habana|intel|openvino|vulkan|musa|metal|xeon)([^a-z0-9]|$)/;

/**
 * Whether the service runs an engine that wants an NVIDIA GPU: the engine's default, unless the image is a
 * CPU/ROCm/other-accelerator build, the service maps AMD or Intel GPU device nodes, asks for another runtime,
 * or (llama.cpp, CPU by default) the tag is a CUDA build. Ollama runs on CPU too: never required.
 */
export function wantsNvidiaGpu(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): boolean {
  const engine = info.engine;
  if (!engine || (info.detectedBy !== 'image' && info.detectedBy !== 'command' && info.detectedBy !== 'build')) return false;
  const resolve = (ref: string | undefined) => (ref ? (hasInterpolation(ref) ? interpolate(ref, dotEnv) : ref)?.toLowerCase() : undefined);
  // Built from a Dockerfile: its base image tells the build (a CPU or ROCm base); the `image:` it is
  // tagged as may say so too.
  const image = info.detectedBy === 'build' ? resolve(info.built?.baseImage) : resolve(info.image);
  if ([image, resolve(info.image)].some((ref) => ref && NON_NVIDIA.test(ref))) return false;
  const tag = image ? (parseImageRef(image).tag ?? '') : '';
  if (engine.id === 'llamacpp') return /cuda/.test(tag);
  // Triton's `-py3-sdk` image holds the clients (perf_analyzer), not the server.
  if (engine.id === 'triton' && /sdk/.test(tag)) return false;
  if (!engine.needsGpu) return false;
  if (usesOtherAccelerator(info)) return false;
  return true;
}

function usesOtherAccelerator(info: ServiceInfo): boolean {
  const map = info.service.map;
  const runtime = map.text('runtime');
  if (runtime && runtime !== 'nvidia' && runtime !== 'runc') return true;
  const devices = map.seq('devices')?.items() ?? [];
  // /dev/kfd + /dev/dri is how ROCm and Intel GPUs reach a container.
  if (devices.some((d) => /^\/dev\/(kfd|dri)\b/.test(d.text ?? d.asMap()?.text('source') ?? ''))) return true;
  const device = findFlag(info.flags, ['--device']);
  if (device?.value && !/^(cuda|auto|gpu)/i.test(device.value)) return true;
  // Profiles named after the CPU variant (`profiles: [cpu]`) are that variant.
  return (map.seq('profiles')?.items() ?? []).some((p) => NON_NVIDIA.test((p.text ?? '').toLowerCase()));
}

// ---------------------------------------------------------------------------------------------------------
// The edit that inserts a reservation

const PATH = ['deploy', 'resources', 'reservations', 'devices'] as const;

/** The device entry, as template lines (2-space step) for a sequence item. */
function deviceItem(count: number | 'all'): string[] {
  return ['- driver: nvidia', `  count: ${count}`, '  capabilities: [gpu]'];
}

/**
 * Inserts `deploy.resources.reservations.devices[{driver: nvidia, count, capabilities: [gpu]}]` into the
 * service, merging into whatever part of that path exists. Undefined when it cannot edit safely: a level that
 * came through an anchor or merge key (a new own key would replace the merged one entirely), flow style, or
 * a value of the wrong type.
 */
export function reservationEdit(file: ComposeFile, service: MapView, count: number | 'all'): SpanEdit | undefined {
  const edit = insertUnderPath(file, service, PATH, deviceItem(count));
  return edit && { span: edit.span, newText: alignItem(edit.newText) };
}

/** A whole new `deploy:` reservation (what completion offers), written with `unit` as the indentation step. */
export function reservationText(count: number | 'all', unit: string): string {
  const lines = nestUnder(PATH, deviceItem(count)).map((l) => l.replace(/^((?: {2})*)/, (m) => unit.repeat(m.length / 2)));
  return alignItem(lines.join('\n'));
}

/**
 * The edit helpers re-indent two template spaces as one step of the file, but the keys after `- driver:` align
 * with `driver` (dash + 2) whatever the step: in a 4-space file they would land 2 columns too deep.
 */
function alignItem(text: string): string {
  const lines = text.split(/(?<=\n)/);
  const first = lines.findIndex((l) => /^ *- driver: nvidia\r?\n?$/.test(l));
  if (first < 0) return text;
  const column = lines[first]!.indexOf('-') + 2;
  return lines.map((l, i) => (i > first ? ' '.repeat(column) + l.trimStart() : l)).join('');
}

/** The count a new reservation should ask for: the parallelism, `all` when it cannot be known. */
export function countForReservation(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): number | 'all' {
  return parallelismOf(info, dotEnv)?.total ?? 'all';
}
