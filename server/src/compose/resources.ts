import type { MapEntry, MapView } from './yamlView';

/**
 * CPU and memory limits and reservations of a service: `deploy.resources.{limits,reservations}` and the
 * legacy service keys `mem_limit`, `cpus`, `mem_reservation`, which docker compose applies the same way.
 * Source: compose.json `deploy.resources` and `docker_compose_mapping`.
 */
export interface ServiceResources {
  deploy: MapEntry | undefined;
  resources: MapEntry | undefined;
  limits: MapEntry | undefined;
  reservations: MapEntry | undefined;
  limitCpus: MapEntry | undefined;
  limitMemory: MapEntry | undefined;
  reservationCpus: MapEntry | undefined;
  reservationMemory: MapEntry | undefined;
}

export function readResources(service: MapView): ServiceResources {
  const deploy = service.get('deploy');
  const resources = deploy?.value.asMap()?.get('resources');
  const resourcesMap = resources?.value.asMap();
  const limits = resourcesMap?.get('limits');
  const reservations = resourcesMap?.get('reservations');
  const limitsMap = limits?.value.asMap();
  const reservationsMap = reservations?.value.asMap();
  return {
    deploy,
    resources,
    limits,
    reservations,
    limitCpus: limitsMap?.get('cpus') ?? service.get('cpus'),
    limitMemory: limitsMap?.get('memory') ?? service.get('mem_limit'),
    reservationCpus: reservationsMap?.get('cpus'),
    reservationMemory: reservationsMap?.get('memory') ?? service.get('mem_reservation'),
  };
}

/** The scalar text of an entry's value (numbers as written), or undefined for null / non-scalars. */
export function entryText(entry: MapEntry | undefined): string | undefined {
  if (!entry || entry.value.isNull) return undefined;
  return entry.value.text;
}
