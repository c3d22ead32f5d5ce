/**
 * The one observer of a Compose project: one Docker events stream (projectEvents.ts, reconnecting by itself) and one
 * relist loop (projectContainers.ts, one listing at a time, debounced over event bursts), shared by everything that
 * follows the project: the Services view and the status bar (ui/stackController.ts), a Start (runner/stackRunner.ts),
 * log terminals and followers (containerLogs.ts re-attaches on the service's start events) and the cold-start
 * measurement (coldStartMeter.ts, fed first so its figures are there when a listener hears of the event).
 *
 * No `vscode` import: the Docker tests drive it as the extension does.
 */
import { ColdStartMeter, type ColdStart } from './coldStartMeter';
import { explainDockerError, type DockerConnection } from './dockerApi';
import { listProjectServices } from './projectContainers';
import { watchProject, type ProjectEvent, type ProjectWatch } from './projectEvents';
import type { DockerProblem, ServiceStatus } from '../stackTypes';

export interface ProjectListener {
  onEvent?(event: ProjectEvent): void;
  /** A new listing of the project's containers. */
  onStatuses?(statuses: readonly ServiceStatus[]): void;
  /** A listing failed (the engine went away between two events). */
  onListFailed?(problem: DockerProblem): void;
  /** The events stream ended or failed; it reconnects with backoff. */
  onDisconnected?(problem: DockerProblem): void;
  /** Connected again (a listing follows: events may have been missed). */
  onReconnected?(): void;
  /** A service's cold start, measured (coldStartMeter.ts). */
  onColdStart?(measured: ColdStart): void;
}

/** What a log follower needs of the observer: the service's start events and reconnections. */
export interface ProjectEventSource {
  subscribe(listener: ProjectListener): { dispose(): void };
}

export interface ObserverOptions {
  /** Events come in bursts (create, start, health_status...): one listing per burst (default 100 ms). */
  relistDebounceMs?: number;
  /** Epoch ms: replay the events since then at the first connection (default: a second before now, so a
   *  Start that subscribes right after creating the observer misses none of its events). */
  since?: number;
}

const DEFAULT_RELIST_DEBOUNCE_MS = 100;

export class ProjectObserver implements ProjectEventSource {
  /** The last listing (undefined until the first one). */
  statuses: ServiceStatus[] | undefined;
  private readonly listeners = new Set<ProjectListener>();
  private readonly meter = new ColdStartMeter();
  private readonly watch: ProjectWatch;
  private relistTimer: ReturnType<typeof setTimeout> | undefined;
  private listing: Promise<void> | undefined;
  private relistAgain = false;
  private disposed = false;

  constructor(
    readonly connection: DockerConnection,
    readonly project: string,
    private readonly opts: ObserverOptions = {},
  ) {
    this.watch = watchProject(connection.docker, project, {
      onEvent: (e) => {
        const measured = this.meter.noteEvent(e);
        this.emit((l) => l.onEvent?.(e));
        if (measured) this.emit((l) => l.onColdStart?.(measured));
        this.scheduleRelist();
      },
      onDisconnected: (problem) => this.emit((l) => l.onDisconnected?.(problem)),
      onReconnected: () => {
        this.emit((l) => l.onReconnected?.());
        void this.relist();
      },
    }, { since: opts.since ?? Date.now() - 1000, connection });
  }

  subscribe(listener: ProjectListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  scheduleRelist(): void {
    if (this.relistTimer || this.disposed) return;
    this.relistTimer = setTimeout(() => {
      this.relistTimer = undefined;
      void this.relist();
    }, this.opts.relistDebounceMs ?? DEFAULT_RELIST_DEBOUNCE_MS);
  }

  /** Lists the project's containers now; one listing at a time, and one more if asked meanwhile. */
  relist(): Promise<void> {
    if (this.listing) {
      this.relistAgain = true;
      return this.listing;
    }
    this.listing = (async () => {
      do {
        this.relistAgain = false;
        try {
          const statuses = await listProjectServices(this.connection.docker, this.project);
          if (this.disposed) return;
          this.statuses = statuses;
          this.meter.noteStatuses(statuses);
          this.emit((l) => l.onStatuses?.(statuses));
        } catch (e) {
          if (this.disposed) return;
          const problem = explainDockerError(e, this.connection);
          this.emit((l) => l.onListFailed?.(problem));
        }
      } while (this.relistAgain && !this.disposed);
    })().finally(() => {
      this.listing = undefined;
    });
    return this.listing;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.relistTimer) clearTimeout(this.relistTimer);
    this.watch.dispose();
    this.listeners.clear();
  }

  private emit(call: (l: ProjectListener) => void): void {
    for (const l of [...this.listeners]) {
      try {
        call(l);
      } catch {
        // One listener's bug must not stop the others.
      }
    }
  }
}
