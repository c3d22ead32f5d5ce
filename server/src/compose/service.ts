import { isMap, isPair, isScalar, isSeq, Node, Pair } from 'yaml';
import type { BuildContextReader } from '../core/analysisOptions';
import type { Span } from '../core/types';
import { detectEngine, EngineSpec, parseImageRef } from '../engines/engines';
import { isKnownModelServer } from '../engines/modelServers';
import { labelledEngine } from './engineLabel';
import type { BuiltEngine } from '../dockerfile/imageEngine';
import { BuildSource, builtEngine, readBuild } from './build';
import { readFlags, type ParsedFlag } from '../core/commandWords';
import { ArgList, readArgs } from './command';
import { interpolateBestEffort } from './interpolation';
import type { ComposeService } from './composeFile';
import { MapEntry, MapView, spanOf, ValueView } from './yamlView';

/** Facts about one service that many rules need, computed once per analysis. */
export interface ServiceInfo {
  service: ComposeService;
  /** `image:` as written. */
  image: string | undefined;
  /** `image:` with `${VAR}` resolved from `.env` (unset ones empty): what engine detection reads. */
  resolvedImage: string | undefined;
  imageAt: Span | undefined;
  engine: EngineSpec | undefined;
  /**
   * What made this a model service, in this order: the `command:` / `entrypoint:` names the engine, the
   * `image:` does, the Dockerfile of its `build:` does (`built`), or (no engine known) its `inference-stack.engine`
   * label names one (`engine` stays undefined: the label says nothing of the image), or it asks for a GPU.
   */
  detectedBy: 'image' | 'command' | 'build' | 'label' | 'gpu' | undefined;
  /** `build:` as written (`${VAR}` resolved), when the service has one. */
  build: BuildSource | undefined;
  /** What the `build:` Dockerfile says, when the engine came from it (`detectedBy` 'build'). */
  built: BuiltEngine | undefined;
  /** `command:` arguments (what follows the image's entrypoint). */
  command: ArgList | undefined;
  entrypoint: ArgList | undefined;
  /** Flags from `entrypoint:` then `command:`. */
  flags: ParsedFlag[];
  env: EnvEntry[];
  environment: MapEntry | undefined;
  gpu: GpuRequest;
  /**
   * Runs a model server in this file: a known engine, named by its command, its image or the Dockerfile it is
   * built from; see `runsServer` for what does not count. A GPU reservation alone does not make one (a ComfyUI
   * UI, a development shell, a vector database): the rules about serving a model speak only of model servers.
   */
  isModelService: boolean;
  /** Asks for a GPU and runs something, with no engine we know: GPU rules apply, serving rules do not. */
  isGpuWorkload: boolean;
}

export interface EnvEntry {
  name: string;
  /** Undefined for `- NAME` / `NAME:` with no value (taken from the shell at `up`). */
  value: string | undefined;
  nameSpan: Span;
  valueSpan: Span | undefined;
  /** The pair (map form) or item (list form), for edits; undefined when inherited. */
  item: Pair | Node | undefined;
  form: 'map' | 'list';
}

export interface DeviceEntry {
  view: MapView;
  count: ValueView | undefined;
  deviceIds: ValueView | undefined;
  capabilities: string[] | undefined;
  driver: string | undefined;
}

export interface GpuRequest {
  /**
   * `deploy.resources.reservations.devices` entries that are GPUs: capability gpu, driver nvidia, or driver cdi
   * naming NVIDIA GPUs.
   */
  devices: DeviceEntry[];
  /** All device entries, GPU or not. */
  allDevices: DeviceEntry[];
  /** The `devices` key under reservations, when present. */
  devicesEntry: MapEntry | undefined;
  /** `gpus:` (Compose 2.30+): `all`, or a list of device requests. */
  gpus: MapEntry | undefined;
  /** `runtime: nvidia`. */
  runtime: MapEntry | undefined;
  /** NVIDIA CDI device names under `devices:` (`nvidia.com/gpu=all`; the long form's `source`). */
  cdi: ValueView[];
  /** Any of the above. */
  any: boolean;
}

/**
 * Facts about one service. `buildContexts` reads the Dockerfile of a local `build:` context; it is asked only
 * when neither the command nor the image names the engine.
 */
export function describeService(service: ComposeService, dotEnv: ReadonlyMap<string, string> = new Map(), buildContexts?: BuildContextReader): ServiceInfo {
  const map = service.map;
  const imageEntry = map.get('image');
  const image = imageEntry?.value.text;
  const resolvedImage = image === undefined ? undefined : interpolateBestEffort(image, dotEnv);
  const command = readArgs(map.value('command'));
  const entrypoint = readArgs(map.value('entrypoint'));
  const flags = [...(entrypoint ? readFlags(entrypoint.tokens) : []), ...(command ? readFlags(command.tokens) : [])];
  const gpu = readGpuRequest(map);
  const { env, environment } = readEnvironment(map);

  const commandLine = [...(entrypoint?.tokens ?? []), ...(command?.tokens ?? [])].map((t) => t.text).join(' ');
  const detected = detectEngine(commandLine, resolvedImage);
  const build = readBuild(map, dotEnv);
  const built = detected || !build ? undefined : builtEngine(build, buildContexts);
  const engine = detected?.spec ?? built?.spec;
  const labelled = engine ? undefined : labelledEngine(map);
  const detectedBy: ServiceInfo['detectedBy'] = detected?.by ?? (built ? 'build' : labelled ? 'label' : gpu.any ? 'gpu' : undefined);
  const info: Omit<ServiceInfo, 'isModelService' | 'isGpuWorkload'> = {
    service,
    image,
    resolvedImage,
    imageAt: imageEntry?.value.at,
    engine,
    detectedBy,
    build,
    built,
    command,
    entrypoint,
    flags,
    env,
    environment,
    gpu,
  };
  const runs = detectedBy !== undefined && runsServer(info);
  const serves = detectedBy !== 'gpu' || isKnownModelServer(resolvedImage === undefined ? undefined : parseImageRef(resolvedImage).name, commandLine);
  return { ...info, isModelService: runs && serves, isGpuWorkload: runs && !serves };
}

/**
 * False for what looks like a model service but runs no server in this file: a Compose override fragment
 * (neither `image` nor `build`: the base file defines the service), an engine image whose entrypoint was
 * replaced by something that is not the engine (a `/bin/sh -c "ollama pull ..."` init job), or an Ollama
 * image told to run a client command instead of `serve`.
 */
function runsServer(info: Omit<ServiceInfo, 'isModelService' | 'isGpuWorkload'>): boolean {
  const { engine } = info;
  if (!info.image && !info.service.map.has('build')) return false;
  // A `provider:` service is set up by a plugin (Model Runner for `type: model`), not run from an image; a
  // service with `models:` and no engine of its own is a client of those models, whatever it reserves.
  if (info.service.map.has('provider') || (!engine && info.service.map.has('models'))) return false;
  if (!startedByImageEntrypoint(info) || !engine) return true;
  const entrypoint = info.entrypoint?.tokens.map((t) => t.text).join(' ');
  if (entrypoint !== undefined && entrypoint !== engine.imageEntrypoint.join(' ')) return false;
  const first = info.command?.tokens[0]?.text;
  return !(engine.id === 'ollama' && first !== undefined && first !== 'serve');
}

/**
 * Whether the engine is started by an image's own ENTRYPOINT (so `command:` holds only its arguments): the
 * `image:` named the engine, or the `build:` Dockerfile's base image did and the Dockerfile kept its entrypoint.
 */
export function startedByImageEntrypoint(info: Pick<ServiceInfo, 'detectedBy' | 'built'>): boolean {
  return info.detectedBy === 'image' || (info.detectedBy === 'build' && info.built?.by === 'image' && info.built.keepsImageEntrypoint);
}

/**
 * The image whose tag tells the engine's version and build (CPU, ROCm...): the base image of the `build:`
 * Dockerfile when the engine came from it, else `image:` as written.
 */
export function engineImage(info: Pick<ServiceInfo, 'detectedBy' | 'built' | 'image'>): string | undefined {
  return info.detectedBy === 'build' ? info.built?.baseImage : info.image;
}

function readEnvironment(map: MapView): { env: EnvEntry[]; environment: MapEntry | undefined } {
  const environment = map.get('environment');
  const env: EnvEntry[] = [];
  if (!environment) return { env, environment };
  const asMap = environment.value.asMap();
  if (asMap) {
    for (const entry of asMap.entries()) {
      const value = entry.value.isNull ? undefined : entry.value.text;
      env.push({
        name: entry.key,
        value,
        nameSpan: entry.keyAt,
        valueSpan: entry.value.isNull ? undefined : entry.value.at,
        item: entry.pair,
        form: 'map',
      });
    }
  }
  const asSeq = environment.value.asSeq();
  if (asSeq) {
    for (const item of asSeq.items()) {
      const text = item.text;
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      const name = eq >= 0 ? text.slice(0, eq) : text;
      const span = item.at;
      const scalar = item.asScalar();
      // Exact spans only when the scalar's source is the text itself (plain or simply quoted).
      const offset = !item.inherited && scalar && scalar.type !== 'PLAIN' ? 1 : 0;
      const exact = !item.inherited && isScalar(scalar) && (scalar.source ?? text) === text;
      const nameSpan = exact || offset ? { start: span.start + offset, end: span.start + offset + name.length } : span;
      const valueSpan =
        eq < 0 ? undefined : exact || offset ? { start: nameSpan.end + 1, end: nameSpan.end + 1 + (text.length - eq - 1) } : span;
      env.push({ name, value: eq >= 0 ? text.slice(eq + 1) : undefined, nameSpan, valueSpan, item: item.inherited ? undefined : (item.node ?? undefined), form: 'list' });
    }
  }
  return { env, environment };
}

function readDevice(view: MapView): DeviceEntry {
  const caps = view.seq('capabilities');
  const capabilities = caps ? caps.items().flatMap((i) => (i.text !== undefined ? [i.text] : [])) : undefined;
  return {
    view,
    count: view.value('count'),
    deviceIds: view.value('device_ids'),
    capabilities,
    driver: view.text('driver'),
  };
}

function isGpuDevice(d: DeviceEntry): boolean {
  if (d.driver === 'cdi') return (d.deviceIds?.asSeq()?.items() ?? []).some((i) => isNvidiaCdiName(i.text));
  return d.driver === 'nvidia' || (d.capabilities ?? []).some((c) => c === 'gpu' || c.startsWith('nvidia'));
}

function readGpuRequest(map: MapView): GpuRequest {
  const reservations = map.map('deploy')?.map('resources')?.map('reservations');
  const devicesEntry = reservations?.get('devices');
  const allDevices = (devicesEntry?.value.asSeq()?.items() ?? []).flatMap((item) => {
    const m = item.asMap();
    return m ? [readDevice(m)] : [];
  });
  const devices = allDevices.filter(isGpuDevice);
  const gpus = map.get('gpus');
  const runtimeEntry = map.get('runtime');
  const runtime = runtimeEntry?.value.text === 'nvidia' ? runtimeEntry : undefined;
  const cdi = (map.seq('devices')?.items() ?? []).flatMap((item) => {
    // Short form `nvidia.com/gpu=0`, or long form `{source: nvidia.com/gpu=all, target: ...}` (compose-go
    // transform/device.go reads both into the same source/target mapping).
    const name = item.asMap()?.value('source') ?? item;
    return isNvidiaCdiName(name.text) ? [name] : [];
  });
  return {
    devices,
    allDevices,
    devicesEntry,
    gpus,
    runtime,
    cdi,
    any: devices.length > 0 || !!gpus || !!runtime || cdi.length > 0,
  };
}

/** A CDI name of NVIDIA GPUs: `nvidia.com/gpu=all`, `nvidia.com/gpu=0`, `nvidia.com/gpu=GPU-<uuid>`. */
export function isNvidiaCdiName(text: string | undefined): boolean {
  return /^nvidia\.com\/gpu=./.test(text?.trim() ?? '');
}

/** The first flag in `flags` matching one of `names` (canonical form). */
export function findFlag(flags: readonly ParsedFlag[], names: readonly string[]): ParsedFlag | undefined {
  return flags.find((f) => names.includes(f.canonical) || names.includes(f.name));
}

/** The span of a node in the file, for nodes the view hands out. */
export function nodeSpan(node: unknown): Span | undefined {
  if (isPair(node)) return spanOf(node.key as Node);
  if (isMap(node) || isSeq(node) || isScalar(node)) return spanOf(node);
  return undefined;
}
