/**
 * Cold starts of containers the extension did not start itself (`docker compose up` in a terminal, a restart
 * policy, another tool): while the Services view follows the project, a container seen as "starting" that then sends
 * `health_status: healthy` has taken (event time − its StartedAt) to load. Only the first healthy after a start
 * counts: a container that was healthy, went unhealthy and recovered is not loading a model.
 */
import { coldStartSeconds } from './stackRunner';
import type { ProjectEvent } from '../docker/projectEvents';
import type { ServiceStatus } from '../stackTypes';

export class ColdStartObserver {
  /** containerId -> StartedAt of the containers last listed while their healthcheck said "starting". */
  private readonly loading = new Map<string, number>();

  /** Takes a listing of the project: remembers which containers are still loading. */
  noteStatuses(statuses: readonly ServiceStatus[]): void {
    this.loading.clear();
    for (const s of statuses) if (s.state === 'running' && s.health === 'starting' && s.startedAt !== undefined) this.loading.set(s.containerId, s.startedAt);
  }

  /** The service and its cold start in seconds, when `event` ends the loading of a container seen loading. */
  noteEvent(event: ProjectEvent): { service: string; seconds: number } | undefined {
    if (event.action !== 'health_status' || event.health !== 'healthy') return undefined;
    const startedAt = this.loading.get(event.containerId);
    this.loading.delete(event.containerId);
    const seconds = coldStartSeconds(startedAt, event.time);
    return seconds === undefined ? undefined : { service: event.service, seconds };
  }
}
