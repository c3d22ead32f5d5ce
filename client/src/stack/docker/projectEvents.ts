/**
 * The Docker events stream (`GET /events`), filtered by the engine to one Compose project's containers, so the
 * Services view stays current without polling (issue 3: "Kept current from the Docker events stream, not by tight
 * polling"). When the stream ends or fails (the daemon restarted, the socket went away), it reconnects with backoff
 * (1 s doubling to 30 s) and tells the caller, who re-lists: events may have been missed meanwhile.
 *
 * Event shape (engine API 1.41, moby api/types/events Message; recorded in test/stack/fixtures/docker/events-*.jsonl):
 *   {"status":"die","id":"<id>","from":"<image>","Type":"container","Action":"die",
 *    "Actor":{"ID":"<id>","Attributes":{"com.docker.compose.service":"vllm","exitCode":"1",...}},
 *    "scope":"local","time":1700000000,"timeNano":1700000000123456789}
 * Health changes are the action "health_status: healthy" (also "health_status: unhealthy" / "starting");
 * exec actions carry the command ("exec_start: /node -e fetch(...)"), which is why they are not watched.
 */

import type Dockerode from 'dockerode';
import { LineSplitter } from '../logs/logLines';
import { COMPOSE_LABELS } from './projectContainers';
import { explainDockerError, type DockerConnection } from './dockerApi';
import type { DockerProblem, HealthState } from '../stackTypes';

export interface ProjectEvent {
  /** The action without its detail: "create", "start", "die", "health_status", "destroy", ... */
  action: string;
  service: string;
  containerId: string;
  /** Epoch ms, from timeNano (or time). */
  time: number;
  /** Nanosecond precision time stamp as the engine sent it (for ordering and de-duplication). */
  timeNano?: bigint;
  /** From "health_status: healthy". */
  health?: HealthState;
  /** From a "die" event's exitCode attribute. */
  exitCode?: number;
  /** The container's name (Actor.Attributes.name). */
  containerName?: string;
  /** com.docker.compose.project of the container. */
  project?: string;
}

/** The container actions the watch asks the engine for (engine-side filter `event`; "health_status" matches
 *  "health_status: healthy", the engine compares the part before the colon). Exec events (every healthcheck run)
 *  and attach/resize noise are left out. */
export const WATCHED_ACTIONS = ['create', 'start', 'restart', 'die', 'stop', 'kill', 'oom', 'pause', 'unpause', 'destroy', 'rename', 'health_status'] as const;

const HEALTH: readonly string[] = ['starting', 'healthy', 'unhealthy'];

/** One event of the stream as a ProjectEvent; undefined for non-container events or ones without a compose service. Pure. */
export function parseDockerEvent(json: unknown): ProjectEvent | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const e = json as {
    Type?: unknown; Action?: unknown; status?: unknown; id?: unknown; time?: unknown; timeNano?: unknown;
    Actor?: { ID?: unknown; Attributes?: Record<string, unknown> };
  };
  const type = typeof e.Type === 'string' ? e.Type : 'container'; // engines before API 1.22 had no Type
  if (type !== 'container') return undefined;
  const rawAction = typeof e.Action === 'string' ? e.Action : typeof e.status === 'string' ? e.status : undefined;
  if (!rawAction) return undefined;
  const attrs = e.Actor?.Attributes ?? {};
  const service = attrs[COMPOSE_LABELS.service];
  if (typeof service !== 'string' || service === '') return undefined;
  const containerId = typeof e.Actor?.ID === 'string' ? e.Actor.ID : typeof e.id === 'string' ? e.id : undefined;
  if (!containerId) return undefined;
  const colon = rawAction.indexOf(':');
  const action = colon === -1 ? rawAction : rawAction.slice(0, colon);
  let timeNano: bigint | undefined;
  let time: number;
  if (typeof e.timeNano === 'number' || typeof e.timeNano === 'string' || typeof e.timeNano === 'bigint') {
    try {
      timeNano = BigInt(typeof e.timeNano === 'number' ? Math.trunc(e.timeNano) : e.timeNano);
    } catch {
      timeNano = undefined;
    }
  }
  if (timeNano !== undefined) time = Number(timeNano / 1_000_000n);
  else time = typeof e.time === 'number' ? e.time * 1000 : Date.now();
  const event: ProjectEvent = { action, service, containerId, time };
  if (timeNano !== undefined) event.timeNano = timeNano;
  if (action === 'health_status' && colon !== -1) {
    const h = rawAction.slice(colon + 1).trim();
    if (HEALTH.includes(h)) event.health = h as HealthState;
  }
  if (action === 'die') {
    const code = Number(attrs.exitCode);
    if (attrs.exitCode !== undefined && Number.isInteger(code)) event.exitCode = code;
  }
  if (typeof attrs.name === 'string') event.containerName = attrs.name;
  const project = attrs[COMPOSE_LABELS.project];
  if (typeof project === 'string') event.project = project;
  return event;
}

export interface ProjectWatch {
  dispose(): void;
}

export interface WatchHandlers {
  onEvent(e: ProjectEvent): void;
  /** The stream ended or failed: it reconnects with backoff (1 s doubling to 30 s). */
  onDisconnected?(problem: DockerProblem): void;
  /** Connected again: re-list, events may have been missed. */
  onReconnected?(): void;
}

export interface WatchOptions {
  /** Epoch ms: replay the events since then at the first connection. */
  since?: number;
  /** For DockerProblem texts (the endpoint named); default: read from the dockerode client. */
  connection?: Pick<DockerConnection, 'endpoint' | 'description'>;
  /** Backoff bounds, ms (default 1000 and 30000). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** The endpoint of a dockerode client, in DockerConnection terms (for error texts when none was given). */
export function connectionOf(docker: Dockerode): Pick<DockerConnection, 'endpoint' | 'description'> {
  const modem = (docker as unknown as { modem?: { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown } }).modem ?? {};
  const host = typeof modem.socketPath === 'string' && modem.socketPath
    ? `unix://${modem.socketPath}`
    : `tcp://${String(modem.host ?? 'localhost')}${modem.port ? `:${String(modem.port)}` : ''}`;
  return { endpoint: { host, source: 'default', context: 'default', configDir: '', warnings: [] }, description: host };
}

/** Watches one project's container events; reconnects by itself until disposed. */
export function watchProject(docker: Dockerode, project: string, handlers: WatchHandlers, opts: WatchOptions = {}): ProjectWatch {
  const initialBackoff = opts.initialBackoffMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const conn = opts.connection ?? connectionOf(docker);
  let disposed = false;
  let backoff = initialBackoff;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let stream: NodeJS.ReadableStream | undefined;
  let connectedOnce = false;
  let disconnected = false;
  /** The last event seen: a reconnection asks for what came after it, and drops what it already had. */
  let lastNano: bigint | undefined;
  const seenAtLast = new Set<string>();

  const deliver = (json: unknown): void => {
    const event = parseDockerEvent(json);
    if (!event) return;
    if (event.project !== undefined && event.project !== project) return;
    if (event.timeNano !== undefined) {
      const key = `${event.containerId} ${event.action} ${event.health ?? ''}`;
      if (lastNano !== undefined && event.timeNano < lastNano) return;
      if (lastNano !== undefined && event.timeNano === lastNano) {
        if (seenAtLast.has(key)) return;
      } else {
        lastNano = event.timeNano;
        seenAtLast.clear();
      }
      seenAtLast.add(key);
    }
    try {
      handlers.onEvent(event);
    } catch {
      // A handler's bug must not stop the watch.
    }
  };

  const lost = (err: unknown): void => {
    if (disposed) return;
    stream = undefined;
    controller?.abort();
    controller = undefined;
    if (!disconnected) {
      disconnected = true;
      const problem = err === undefined
        ? { ...explainDockerError(Object.assign(new Error('the Docker events stream ended'), { code: 'ECONNRESET' }), conn), detail: 'the Docker events stream ended' }
        : explainDockerError(err, conn);
      try {
        handlers.onDisconnected?.(problem);
      } catch {
        // ignore
      }
    }
    const wait = backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
    timer = setTimeout(connect, wait);
  };

  function connect(): void {
    timer = undefined;
    if (disposed) return;
    controller = new AbortController();
    const mine = controller;
    const since = lastNano !== undefined ? Number(lastNano / 1_000_000_000n) : opts.since !== undefined ? Math.floor(opts.since / 1000) : undefined;
    const options: Dockerode.GetEventsOptions & { abortSignal?: AbortSignal } = {
      filters: { type: ['container'], label: [`${COMPOSE_LABELS.project}=${project}`], event: [...WATCHED_ACTIONS] } as Dockerode.GetEventsOptions['filters'],
      abortSignal: mine.signal,
    };
    if (since !== undefined) options.since = since;
    docker.getEvents(options).then(
      (s) => {
        if (disposed || mine !== controller) {
          (s as unknown as { destroy?: () => void }).destroy?.();
          return;
        }
        stream = s;
        backoff = initialBackoff;
        const splitter = new LineSplitter({ maxLineBytes: 1024 * 1024 });
        const reconnected = connectedOnce;
        connectedOnce = true;
        if (disconnected || reconnected) {
          disconnected = false;
          try {
            handlers.onReconnected?.();
          } catch {
            // ignore
          }
        }
        let settled = false;
        const finish = (err?: unknown): void => {
          if (settled || mine !== controller) return;
          settled = true;
          lost(err);
        };
        s.on('data', (chunk: Buffer | string) => {
          for (const line of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
            if (!line.trim()) continue;
            let json: unknown;
            try {
              json = JSON.parse(line);
            } catch {
              continue;
            }
            deliver(json);
          }
        });
        s.on('error', (err: unknown) => finish(err));
        s.on('end', () => finish());
        s.on('close', () => finish());
      },
      (err: unknown) => {
        if (disposed || mine !== controller) return;
        lost(err);
      },
    );
  }

  connect();
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
      (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
      stream = undefined;
    },
  };
}
