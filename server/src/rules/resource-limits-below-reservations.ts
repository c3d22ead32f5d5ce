import { interpolate } from '../compose/interpolation';
import { readResources } from '../compose/resources';
import { formatBytes, parseByteSize, parseCpus } from '../core/byteSize';
import type { ComposeContext, Rule } from './rule';
import type { MapEntry } from '../compose/yamlView';

/**
 * A limit below its reservation. Memory: the Docker daemon refuses to create the container ("Minimum memory
 * limit can not be less than memory reservation limit", moby daemon/daemon_unix.go
 * verifyPlatformContainerResources). CPUs: docker compose ignores `reservations.cpus` (compose.json
 * `docker_compose_mapping`) and Swarm cannot guarantee more than it caps, so it is a warning.
 */
export const rule: Rule = {
  meta: {
    id: 'resource-limits-below-reservations',
    defaultSeverity: 'error',
    title: 'A resource limit below its reservation',
    appliesTo: ['compose'],
    fixable: false,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const res = readResources(info.service.map);
      const name = info.service.name;
      const memory = compare(ctx, res.limitMemory, res.reservationMemory, parseByteSize);
      if (memory) {
        ctx.report({
          span: memory.limit.value.at,
          message: `Service "${name}" limits memory to ${formatBytes(memory.limitValue)} but reserves ${formatBytes(memory.reservedValue)}: Docker refuses to create the container ("Minimum memory limit can not be less than memory reservation limit"). Raise the limit or lower the reservation.`,
          involves: [{ span: memory.reservation.value.at, what: `reservations.memory: ${memory.reservation.value.text}` }],
        });
      }
      const cpus = compare(ctx, res.limitCpus, res.reservationCpus, parseCpus);
      if (cpus) {
        ctx.report({
          span: cpus.limit.value.at,
          severity: 'warning',
          message: `Service "${name}" limits CPUs to ${cpus.limitValue} but reserves ${cpus.reservedValue}: a platform cannot guarantee more than it allows (docker compose ignores reservations.cpus; Swarm schedules on it). Raise the limit or lower the reservation.`,
          involves: [{ span: cpus.reservation.value.at, what: `reservations.cpus: ${cpus.reservation.value.text}` }],
        });
      }
    }
  },
};

interface Comparison {
  limit: MapEntry;
  reservation: MapEntry;
  limitValue: number;
  reservedValue: number;
}

function compare(ctx: ComposeContext, limit: MapEntry | undefined, reservation: MapEntry | undefined, parse: (text: string) => number | undefined): Comparison | undefined {
  const limitValue = valueOf(ctx, limit, parse);
  const reservedValue = valueOf(ctx, reservation, parse);
  if (!limit || !reservation || limitValue === undefined || reservedValue === undefined) return undefined;
  // 0 means "no limit" for Docker.
  if (limitValue === 0 || limitValue >= reservedValue) return undefined;
  return { limit, reservation, limitValue, reservedValue };
}

function valueOf(ctx: ComposeContext, entry: MapEntry | undefined, parse: (text: string) => number | undefined): number | undefined {
  const text = entry && !entry.value.isNull ? entry.value.text : undefined;
  if (text === undefined) return undefined;
  const resolved = interpolate(text, ctx.file.dotEnv);
  return resolved === undefined ? undefined : parse(resolved);
}
