/**
 * The CPU and memory a service's containers are given, as the stack plan carries them for pre-flight
 * (client/src/stack/runner/resourceCheck.ts): read with resources.ts (deploy.resources over the legacy keys, as both
 * docker compose and docker-compose 1.29 apply them: checked against the engine, `cpus: 0.5` beside
 * `deploy.resources.limits.cpus: "8"` is refused for 8 CPUs), interpolated with the project's variables.
 * `reservations.cpus` is left out: Compose does not apply it outside Swarm (compose.json `docker_compose_mapping`;
 * docker-compose 1.29 says "not supported and have been ignored").
 */
import { parseByteSize, parseCpus } from '../core/byteSize';
import { interpolate } from './interpolation';
import { readResources } from './resources';
import type { PlannedAmount, PlannedResources } from './stackPlanTypes';
import type { MapEntry, MapView } from './yamlView';

/** The service's resources, or undefined when it sets none of them. */
export function plannedResources(service: MapView, vars: ReadonlyMap<string, string>): PlannedResources | undefined {
  const res = readResources(service);
  const out: PlannedResources = {};
  const cpus = amount(res.limitCpus, service, 'deploy.resources.limits.cpus', vars, parseCpus);
  if (cpus) out.cpus = cpus;
  const memoryLimit = amount(res.limitMemory, service, 'deploy.resources.limits.memory', vars, parseByteSize);
  if (memoryLimit) out.memoryLimit = memoryLimit;
  const memoryReservation = amount(res.reservationMemory, service, 'deploy.resources.reservations.memory', vars, parseByteSize);
  if (memoryReservation) out.memoryReservation = memoryReservation;
  const cpuset = amount(service.get('cpuset'), service, 'cpuset', vars, cpusetSize);
  if (cpuset) out.cpuset = cpuset;
  return Object.keys(out).length ? out : undefined;
}

/** How many CPUs a cpuset list names ("0-3,6" → 5), or undefined when it is not one. */
export function cpusetSize(text: string): number | undefined {
  const cpus = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 4096) return undefined;
    for (let i = from; i <= to; i++) cpus.add(i);
  }
  return cpus.size || undefined;
}

/** The entry's value parsed; `deployKey` names it when it is not the service's own (legacy) key. */
function amount(entry: MapEntry | undefined, service: MapView, deployKey: string, vars: ReadonlyMap<string, string>, parse: (text: string) => number | undefined): PlannedAmount | undefined {
  if (!entry || entry.value.isNull) return undefined;
  const raw = entry.value.text;
  if (raw === undefined) return undefined;
  const text = interpolate(raw, vars)?.trim();
  if (!text) return undefined;
  const value = parse(text);
  if (value === undefined) return undefined;
  const legacy = service.get(entry.key);
  return { value, text, key: legacy === entry ? entry.key : deployKey };
}
