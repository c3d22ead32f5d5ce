/**
 * The one measurement of a service's cold start: container start to its first `health_status: healthy`, for any
 * start the project's observer sees (Start from VS Code, `docker compose up` in a terminal, a restart policy). Fed
 * by projectObserver.ts with every event and every listing, before anyone else hears of them.
 *
 * A container's start is its `start`/`restart` event, or a listing that shows it running with its healthcheck still
 * "starting" (the observer came later). Only the first healthy after a start counts: a container that was healthy,
 * went unhealthy and recovered is not loading a model. A scaled service's cold start is its slowest replica's: it
 * is reported once no replica of the service is still loading.
 */
import type { ProjectEvent } from './projectEvents';
import type { ServiceStatus } from '../stackTypes';

export interface ColdStart {
  service: string;
  seconds: number;
}

/** Seconds from container start to first healthy, to 0.1 s; undefined when the times do not make sense. */
export function coldStartSeconds(startedAt: number | undefined, healthyAt: number | undefined): number | undefined {
  if (startedAt === undefined || healthyAt === undefined || healthyAt < startedAt) return undefined;
  return Math.round((healthyAt - startedAt) / 100) / 10;
}

/** A listing's StartedAt this close to a start event's time is the same start. */
const SAME_START_MS = 5000;

interface Container {
  service: string;
  /** Epoch ms of its current start (the listing's StartedAt wins over the event's time: it is the engine's). */
  startedAt: number | undefined;
  loading: boolean;
  /** Measured for this start and not yet reported with its service. */
  measured?: number;
}

export class ColdStartMeter {
  private readonly containers = new Map<string, Container>();

  /** Takes a listing of the project. */
  noteStatuses(statuses: readonly ServiceStatus[]): void {
    const listed = new Set<string>();
    for (const s of statuses) {
      listed.add(s.containerId);
      const known = this.containers.get(s.containerId);
      const running = s.state === 'running';
      if (known?.loading) {
        // A listing may have been asked for before the start it arrives after: only this start's times count.
        const sameStart = s.startedAt !== undefined && (known.startedAt === undefined || Math.abs(s.startedAt - known.startedAt) < SAME_START_MS);
        if (running && sameStart) known.startedAt = s.startedAt;
        const endedSince = s.finishedAt !== undefined && known.startedAt !== undefined && s.finishedAt > known.startedAt;
        if (!running && endedSince) known.loading = false;
      } else if (!known && running && s.health === 'starting') {
        this.containers.set(s.containerId, { service: s.service, startedAt: s.startedAt, loading: true });
      } else if (!known) {
        this.containers.set(s.containerId, { service: s.service, startedAt: s.startedAt, loading: false });
      }
    }
    // A removed container is no longer part of its service.
    for (const id of this.containers.keys()) if (!listed.has(id)) this.containers.delete(id);
  }

  /** The service's cold start, when `event` ends the loading of the last replica of it that was loading. */
  noteEvent(event: ProjectEvent): ColdStart | undefined {
    if (event.action === 'start' || event.action === 'restart') {
      this.containers.set(event.containerId, { service: event.service, startedAt: event.time, loading: true });
      return undefined;
    }
    if (event.action === 'die' || event.action === 'destroy') {
      const c = this.containers.get(event.containerId);
      if (c) c.loading = false;
      if (event.action === 'destroy') this.containers.delete(event.containerId);
      return undefined;
    }
    if (event.action !== 'health_status' || event.health !== 'healthy') return undefined;
    const c = this.containers.get(event.containerId);
    if (!c?.loading) return undefined;
    c.loading = false;
    const seconds = coldStartSeconds(c.startedAt, event.time);
    if (seconds === undefined) return undefined;
    c.measured = seconds;
    return this.serviceDone(c.service);
  }

  private serviceDone(service: string): ColdStart | undefined {
    const replicas = [...this.containers.values()].filter((c) => c.service === service);
    if (replicas.some((c) => c.loading)) return undefined;
    let slowest: number | undefined;
    for (const c of replicas) {
      if (c.measured !== undefined) slowest = Math.max(slowest ?? 0, c.measured);
      delete c.measured;
    }
    return slowest === undefined ? undefined : { service, seconds: slowest };
  }
}
