/**
 * The containers of one Compose project, found with dockerode by the labels compose puts on every container it
 * creates, and what the Services view shows of each (state, health and the last healthcheck output, restart count,
 * published ports). Compose v1 and v2 write the same labels.
 *
 * Label names: docker/compose pkg/api/labels.go (ProjectLabel, ServiceLabel, ContainerNumberLabel, OneoffLabel,
 * ConfigFilesLabel, WorkingDirLabel); docker-compose 1.29 compose/const.py (LABEL_PROJECT, LABEL_SERVICE,
 * LABEL_CONTAINER_NUMBER, LABEL_ONE_OFF, LABEL_CONFIG_FILES, LABEL_WORKING_DIR) has the same strings. `oneoff` is
 * "True" for `compose run` containers, which are not the service.
 */

import type Dockerode from 'dockerode';
import { maskSecrets } from '../logs/mask';
import type { ContainerState, HealthState, PublishedPort, ServiceStatus } from '../stackTypes';

export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  containerNumber: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configFiles: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
} as const;

/** The last healthcheck output kept for the view (the engine keeps up to 4 KiB of each run's output). */
export const MAX_HEALTH_OUTPUT = 1000;

const STATES: readonly ContainerState[] = ['created', 'running', 'restarting', 'paused', 'exited', 'dead', 'removing'];
const HEALTH: readonly HealthState[] = ['starting', 'healthy', 'unhealthy'];

/** Epoch ms of an engine time stamp; undefined for the zero time ("0001-01-01T00:00:00Z": never happened). */
export function engineTime(value: string | undefined): number | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `NetworkSettings.Ports` of `docker inspect`: {"8000/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8000"}] | null}. */
export function publishedPorts(ports: Record<string, { HostIp?: string; HostPort?: string }[] | null | undefined> | null | undefined): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    if (!bindings) continue;
    const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
    if (!m) continue;
    const containerPort = Number(m[1]);
    const protocol = (m[2] ?? 'tcp') as PublishedPort['protocol'];
    for (const b of bindings) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      out.push({ hostIp: b.HostIp ?? '', hostPort, containerPort, protocol });
    }
  }
  out.sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort || (a.hostIp < b.hostIp ? -1 : a.hostIp > b.hostIp ? 1 : 0));
  return out;
}

function cleanOutput(text: string): string {
  let t = text.trim();
  if (t.length > MAX_HEALTH_OUTPUT) t = '…' + t.slice(t.length - MAX_HEALTH_OUTPUT);
  return maskSecrets(t);
}

/** What the Services view shows of one container, from `docker inspect`. Pure; health output and errors are masked. */
export function serviceStatusFromInspect(info: Dockerode.ContainerInspectInfo): ServiceStatus {
  const labels = info.Config?.Labels ?? {};
  const state = info.State ?? ({} as Dockerode.ContainerInspectInfo['State']);
  const rawState = String(state.Status ?? '').toLowerCase() as ContainerState;
  const status: ServiceStatus = {
    service: labels[COMPOSE_LABELS.service] ?? (info.Name ?? '').replace(/^\//, ''),
    replica: Number(labels[COMPOSE_LABELS.containerNumber] ?? '1') || 1,
    containerId: info.Id,
    containerName: (info.Name ?? '').replace(/^\//, ''),
    image: info.Config?.Image ?? info.Image,
    state: STATES.includes(rawState) ? rawState : state.Running ? 'running' : 'exited',
    restartCount: info.RestartCount ?? 0,
    ports: publishedPorts(info.NetworkSettings?.Ports as Parameters<typeof publishedPorts>[0]),
  };
  const health = state.Health as { Status?: string; Log?: { ExitCode?: number; Output?: string }[] } | undefined;
  if (health && HEALTH.includes(health.Status as HealthState)) {
    status.health = health.Status as HealthState;
    const last = health.Log?.[health.Log.length - 1];
    if (last) {
      if (typeof last.Output === 'string') status.lastHealthOutput = cleanOutput(last.Output);
      if (typeof last.ExitCode === 'number') status.lastHealthExitCode = last.ExitCode;
    }
  }
  const startedAt = engineTime(state.StartedAt);
  if (startedAt !== undefined) status.startedAt = startedAt;
  const finishedAt = engineTime(state.FinishedAt);
  if (finishedAt !== undefined) status.finishedAt = finishedAt;
  // The exit code of the last run, while it is the news: a container that exited, died or is between two runs of a
  // crash loop. (A running container keeps its previous run's code, and one never started has 0.)
  if (typeof state.ExitCode === 'number' && (status.state === 'exited' || status.state === 'dead' || status.state === 'restarting') && finishedAt !== undefined) {
    status.exitCode = state.ExitCode;
  }
  if (state.OOMKilled) status.oomKilled = true;
  if (state.Error) status.error = maskSecrets(state.Error);
  return status;
}

function isAbort(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError';
}

/**
 * The project's service containers (all states, `compose run` ones left out), each inspected for its health log
 * and restart count; sorted by service, then replica. A container removed between the list and the inspect is
 * skipped.
 */
export async function listProjectServices(docker: Dockerode, project: string, opts: { signal?: AbortSignal } = {}): Promise<ServiceStatus[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${COMPOSE_LABELS.project}=${project}`] },
    ...(opts.signal ? { abortSignal: opts.signal } : {}),
  } as Dockerode.ContainerListOptions);
  const services = list.filter((c) => (c.Labels?.[COMPOSE_LABELS.oneoff] ?? 'False').toLowerCase() !== 'true' && c.Labels?.[COMPOSE_LABELS.service]);
  const inspected = await Promise.all(
    services.map(async (c) => {
      try {
        return await docker.getContainer(c.Id).inspect(opts.signal ? ({ abortSignal: opts.signal } as object) : {});
      } catch (err) {
        if (isAbort(err)) throw err;
        if ((err as { statusCode?: number } | null)?.statusCode === 404) return undefined;
        throw err;
      }
    }),
  );
  const out = inspected.filter((i): i is Dockerode.ContainerInspectInfo => i !== undefined).map(serviceStatusFromInspect);
  out.sort(compareServices);
  return out;
}

export function compareServices(a: ServiceStatus, b: ServiceStatus): number {
  return a.service < b.service ? -1 : a.service > b.service ? 1 : a.replica - b.replica || a.containerName.localeCompare(b.containerName);
}

/** The id of the service's newest container (by creation time), if it has one. */
export async function findServiceContainer(docker: Dockerode, project: string, service: string): Promise<string | undefined> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${COMPOSE_LABELS.project}=${project}`, `${COMPOSE_LABELS.service}=${service}`] },
  });
  const own = list.filter((c) => (c.Labels?.[COMPOSE_LABELS.oneoff] ?? 'False').toLowerCase() !== 'true');
  if (own.length === 0) return undefined;
  // Prefer a running one, then the newest.
  own.sort((a, b) => Number(b.State === 'running') - Number(a.State === 'running') || b.Created - a.Created);
  return own[0]!.Id;
}
