/**
 * A service's healthcheck as the healthcheck rules read it, and the probe each engine answers. Sources:
 * compose.json `healthcheck`; dockerfile-healthcheck.json (engine defaults, images with their own
 * HEALTHCHECK); serving-engines.json (ports, health endpoints).
 */
import type { EngineSpec } from '../engines/engines';
import { parseImageRef } from '../engines/engines';
import { parseComposeDuration } from '../core/duration';
import { formatDuration } from '../core/duration';
import { DOCKER_HEALTHCHECK_DEFAULTS, WRITTEN_HEALTHCHECK_TIMING } from '../core/healthcheckDefaults';
import { findFlag, ServiceInfo } from './service';
import { hasInterpolation, interpolate } from './interpolation';
import type { MapEntry, MapView, ValueView } from './yamlView';

export interface HealthcheckView {
  /** The `healthcheck:` entry of the service. */
  entry: MapEntry;
  /** Its map, when it is one (undefined for `healthcheck:` left empty). */
  map: MapView | undefined;
  /** `disable: true` or `test: [NONE]`: switched off on purpose. */
  disabled: boolean;
  test: ValueView | undefined;
}

export function readHealthcheck(info: ServiceInfo): HealthcheckView | undefined {
  const entry = info.service.map.get('healthcheck');
  if (!entry) return undefined;
  const map = entry.value.asMap();
  const test = map?.value('test');
  const disable = map?.value('disable');
  const disabled = disable?.asScalar()?.value === true || disable?.text === 'true' || firstTestItem(test) === 'NONE';
  return { entry, map, disabled, test };
}

function firstTestItem(test: ValueView | undefined): string | undefined {
  const seq = test?.asSeq();
  return seq ? seq.items()[0]?.text : undefined;
}

/**
 * The HEALTHCHECK an engine image brings itself: only the llama.cpp `server*` images have one, probing
 * port 8080 with all timing defaults (dockerfile-healthcheck.json `relevance_to_ai_images`).
 */
export function imageHealthcheck(info: ServiceInfo): { port: number } | undefined {
  if (info.engine?.id !== 'llamacpp' || !info.image) return undefined;
  const tag = parseImageRef(info.image).tag;
  return tag !== undefined && /^server(?:-|$)/.test(tag) ? { port: 8080 } : undefined;
}

/** Flags and env vars that set the HTTP port, per engine (serving-engines.json). */
const PORT_FLAGS: Partial<Record<EngineSpec['id'], readonly string[]>> = { triton: ['--http-port'] };
const PORT_ENV: Partial<Record<EngineSpec['id'], readonly string[]>> = {
  tgi: ['PORT'],
  tei: ['PORT'],
  llamacpp: ['LLAMA_ARG_PORT'],
  // NIM for LLMs reads NIM_SERVER_PORT; NVIDIA's other NIMs (retrievers, speech) NIM_HTTP_API_PORT (nim-facts.json).
  nim: ['NIM_SERVER_PORT', 'NIM_HTTP_API_PORT'],
};

/** NVIDIA's speech NIMs (Riva) serve HTTP on a port of their own that the facts do not give: no probe is offered. */
const NIM_SPEECH = /(^|\/)(riva|parakeet|canary|fastpitch|magpie|audio2face)[\w.-]*$|(^|[/-])(asr|tts)([/-]|$)/;

/**
 * The port the engine listens on inside the container: its port flag, else its port env var, else the
 * engine's default. A `${VAR}` that `.env` does not resolve is kept as written (Compose interpolates the
 * healthcheck test too).
 */
export function servingPort(info: ServiceInfo, engine: EngineSpec, dotEnv: ReadonlyMap<string, string>): number | string {
  const flag = findFlag(info.flags, PORT_FLAGS[engine.id] ?? ['--port']);
  const envNames = PORT_ENV[engine.id] ?? [];
  const raw = flag?.value ?? info.env.find((e) => envNames.includes(e.name))?.value;
  if (raw === undefined) return engine.defaultPort;
  const value = interpolate(raw, dotEnv);
  if (value !== undefined && /^\d+$/.test(value.trim())) return Number(value.trim());
  return hasInterpolation(raw) ? raw : engine.defaultPort;
}

/** The engine's own probe, as a Compose `test` list. */
export function probeFor(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): string[] | undefined {
  const engine = info.engine;
  if (!engine) return undefined;
  const portSet = (PORT_ENV[engine.id] ?? []).some((name) => info.env.some((e) => e.name === name));
  if (engine.id === 'nim' && !portSet && info.resolvedImage && NIM_SPEECH.test(parseImageRef(info.resolvedImage).name)) return undefined;
  const port = servingPort(info, engine, dotEnv);
  if (typeof port === 'number') return engine.healthTest(port);
  // A port known only at `compose up`: write the reference itself into the URL.
  return engine.healthTest(0).map((arg) => arg.replace('//localhost:0/', `//localhost:${port}/`));
}

/**
 * The keys of a new healthcheck (fixes and completion write the same): the engine's probe, the usual timing and a
 * `start_period` covering the cold start.
 */
export function healthcheckBody(probe: readonly string[], startPeriodSeconds: number): string[] {
  const { interval, timeout, retries } = WRITTEN_HEALTHCHECK_TIMING;
  return [`test: ${flowList(probe)}`, `interval: ${interval}`, `timeout: ${timeout}`, `retries: ${retries}`, `start_period: ${formatDuration(startPeriodSeconds)}`];
}

/** `["CMD", "curl", ...]`: the flow-style list every fix writes. */
export function flowList(items: readonly string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

export type FieldValue =
  | { kind: 'absent' }
  /** `${VAR}` with no value in `.env`: known only at `compose up`. */
  | { kind: 'unknown' }
  | { kind: 'invalid'; text: string }
  | { kind: 'ok'; value: number };

/** A duration field of a healthcheck map, in seconds. */
export function durationField(map: MapView | undefined, key: string, dotEnv: ReadonlyMap<string, string>): FieldValue {
  const view = map?.value(key);
  if (!view || view.isNull) return { kind: 'absent' };
  const scalar = view.asScalar();
  if (!scalar) return { kind: 'invalid', text: '' };
  // compose-go formats any scalar with fmt.Sprint before parsing: `30` (no unit) fails, `0` passes.
  const text = typeof scalar.value === 'string' ? scalar.value : String(scalar.value);
  const resolved = typeof scalar.value === 'string' ? interpolate(text, dotEnv) : text;
  if (resolved === undefined) return { kind: 'unknown' };
  const value = parseComposeDuration(resolved);
  return value === undefined ? { kind: 'invalid', text } : { kind: 'ok', value };
}

/** `retries` as a number (numeric strings allowed: Compose casts interpolated values). */
export function retriesField(map: MapView | undefined, dotEnv: ReadonlyMap<string, string>): FieldValue {
  const view = map?.value('retries');
  if (!view || view.isNull) return { kind: 'absent' };
  const scalar = view.asScalar();
  if (!scalar) return { kind: 'invalid', text: '' };
  if (typeof scalar.value === 'number') return { kind: 'ok', value: scalar.value };
  const text = String(scalar.value);
  const resolved = interpolate(text, dotEnv);
  if (resolved === undefined) return { kind: 'unknown' };
  return /^[-+]?\d+$/.test(resolved.trim()) ? { kind: 'ok', value: Number(resolved) } : { kind: 'invalid', text };
}

/**
 * How long a starting container may fail its probe before Docker marks it unhealthy: failures inside
 * start_period do not count, then `retries` consecutive failures `interval` apart do (moby daemon/health.go).
 * Fields left out (or 0) take the image's value, else the engine default. Undefined when a field is unknown.
 */
export function unhealthyAfter(startPeriod: FieldValue, interval: FieldValue, retries: FieldValue): number | undefined {
  const pick = (f: FieldValue, fallback: number) => (f.kind === 'ok' && f.value > 0 ? f.value : f.kind === 'absent' || f.kind === 'ok' ? fallback : undefined);
  const sp = pick(startPeriod, DOCKER_HEALTHCHECK_DEFAULTS.startPeriod);
  const iv = pick(interval, DOCKER_HEALTHCHECK_DEFAULTS.interval);
  const rt = pick(retries, DOCKER_HEALTHCHECK_DEFAULTS.retries);
  if (sp === undefined || iv === undefined || rt === undefined) return undefined;
  return sp + Math.round(rt) * iv;
}
