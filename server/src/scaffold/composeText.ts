// The pieces of Compose YAML text both templates write: scalars, indentation, log rotation, limits and GPU
// reservations, healthchecks. Each returns lines indented for a service's keys (two spaces under the service name).
//
// What "done right" means is what the rules check (server/src/rules): a GPU reservation with capabilities
// (gpu-reservation-missing, gpu-capabilities-missing) and a count or device_ids covering the tensor-parallel size
// (gpu-count-below-parallelism, gpu-count-and-device-ids); a healthcheck whose grace is at least twice the cold
// start (healthcheck-missing, healthcheck-start-period-short); CPU and memory limits (resource-limits-missing);
// rotated logs (log-rotation-missing).

import { estimateColdStart, recommendedStartPeriod } from '../engines/coldStart';
import { formatDuration } from '../core/duration';
import { WRITTEN_HEALTHCHECK_TIMING } from '../core/healthcheckDefaults';
import { isLocalGguf, SCAFFOLD_ENGINES, type ScaffoldEngineId } from './scaffoldEngines';

/** The start grace never goes below vLLM's VLLM_ENGINE_READY_TIMEOUT_S default (probeScript.ts): first starts download. */
const MIN_START_PERIOD_SECONDS = 600;

/** A YAML scalar: plain when that reads back as the same string, double-quoted otherwise (numbers, booleans...). */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z0-9_./-][A-Za-z0-9_./:@+-]*$/.test(value) && !/:$/.test(value) && value !== '-';
  const ambiguous = /^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) || /^(true|false|yes|no|on|off|y|n|null|~)$/i.test(value);
  return plain && !ambiguous ? value : JSON.stringify(value);
}

/** An exec-form list on one line: `["CMD", "curl", "-f", "..."]`. */
export function flowList(items: readonly string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

export function indent(n: number, lines: readonly string[]): string[] {
  const pad = ' '.repeat(n);
  return lines.map((l) => (l ? pad + l : l));
}

/** Docker's json-file driver never rotates on its own, and a model server logs every request (log-rotation-missing). */
export function logRotation(): string[] {
  return ['  logging:', '    driver: json-file', '    options:', '      max-size: 10m', '      max-file: "3"'];
}

/** Which GPUs a service reserves: the first `count` Docker picks, or these device ids exactly. */
export type GpuRequest = { count: number } | { deviceIds: readonly string[] };

/** `deploy.resources`: limits always; an NVIDIA reservation when GPUs are asked for. */
export function deployResources(limits: { cpus: number; memory: string; comment?: string }, gpus?: GpuRequest): string[] {
  const devices = !gpus
    ? []
    : 'count' in gpus
      ? gpus.count > 0
        ? [`            count: ${gpus.count}`]
        : []
      : [`            device_ids: ${flowList(gpus.deviceIds)}`];
  const reservation = devices.length
    ? ['      reservations:', '        devices:', '          - driver: nvidia', ...devices, '            capabilities: [gpu]']
    : [];
  return [
    '  deploy:',
    '    resources:',
    ...(limits.comment ? [`      # ${limits.comment}`] : []),
    '      limits:',
    `        cpus: "${limits.cpus}"`,
    `        memory: ${limits.memory}`,
    ...reservation,
  ];
}

/** A healthcheck with the timing the extension writes everywhere, and the given grace. */
export function healthcheck(test: readonly string[], startPeriod: string): string[] {
  return [
    '  healthcheck:',
    `    test: ${flowList(test)}`,
    `    interval: ${WRITTEN_HEALTHCHECK_TIMING.interval}`,
    `    timeout: ${WRITTEN_HEALTHCHECK_TIMING.timeout}`,
    `    retries: ${WRITTEN_HEALTHCHECK_TIMING.retries}`,
    `    start_period: ${startPeriod}`,
  ];
}

/** The model server's own health endpoint, with a grace of twice the estimated cold start (at least 10 minutes). */
export function engineHealthcheck(engine: ScaffoldEngineId, model: string): string[] {
  const scaffold = SCAFFOLD_ENGINES[engine];
  return [
    '  # The grace is twice the estimated cold start, and at least 10 minutes for the first download of the weights.',
    ...healthcheck(scaffold.spec.healthTest(scaffold.containerPort), modelStartPeriod(engine, model)),
  ];
}

export function modelStartPeriod(engine: ScaffoldEngineId, model: string): string {
  const estimate = estimateColdStart({}, engine, isLocalGguf(model) ? model.split('/').pop()! : model);
  return formatDuration(Math.max(recommendedStartPeriod(estimate), MIN_START_PERIOD_SECONDS));
}

/** The HF_TOKEN lines of `.env.example`. */
export function hfTokenExample(engine: ScaffoldEngineId, model: string, label: string): string[] {
  return SCAFFOLD_ENGINES[engine].usesHfToken(model)
    ? ['# Hugging Face token (https://huggingface.co/settings/tokens): needed for gated models; empty is fine for public ones.', 'HF_TOKEN=']
    : [`# ${label} needs no Hugging Face token for this model; HF_TOKEN is kept for a later switch to a Hub model.`, 'HF_TOKEN='];
}
