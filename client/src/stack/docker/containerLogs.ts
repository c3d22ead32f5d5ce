/**
 * Follows one Compose service's container logs through dockerode (issue 3, "Logs"):
 *
 *   GET /containers/{id}/logs?follow&stdout&stderr&timestamps -> DockerDemuxer (raw when Config.Tty)
 *   -> one LineSplitter, LineMasker and LogLineParser per stream -> LineBatcher -> onLines
 * (the masker removes terminal control sequences before it looks for secrets, so a coloured token is masked too)
 *
 * Reattach: a followed log stream ends when its container stops. The service's `start` / `restart` events (the
 * project's observer, projectObserver.ts) and a lost-and-back events connection make it look again: the newest
 * container of the service is found (a re-created one has a new id) and followed from where the last stream stopped
 * (`since` = the newest Docker time stamp seen). `since` is inclusive (moby daemon/logger: entries Before(since) are
 * skipped), so the lines at exactly that time stamp come again: as many as were already shown are skipped, which
 * leaves no duplicated and no lost line across a restart. (Docker's stdout and stderr copiers stamp lines
 * independently; a line stamped earlier than one already shown but written after it could be missed: the
 * window is the scheduling jitter between the two copiers, microseconds.)
 *
 * Bounded memory: the splitter cuts lines at 64 KiB, the batcher keeps at most `maxPending` lines (the oldest are
 * dropped and counted in `droppedLines`), and chunks are processed as they arrive, never queued.
 */

import type Dockerode from 'dockerode';
import { DockerDemuxer } from './dockerStream';
import { LineSplitter, LogLineParser, type LogLine } from '../logs/logLines';
import { LineBatcher } from '../logs/logBuffer';
import { LineMasker } from '../logs/mask';
import { explainDockerError, type DockerConnection } from './dockerApi';
import { connectionOf, watchProject, type ProjectEvent } from './projectEvents';
import type { ProjectEventSource } from './projectObserver';
import type { DockerProblem } from '../stackTypes';
import { findServiceContainer } from './projectContainers';

export interface FollowedLine extends LogLine {
  stream: 'stdout' | 'stderr';
  containerId: string;
}

export interface LogFollow {
  dispose(): void;
  /** Lines dropped because the consumer could not keep up (the batcher's bound). */
  readonly droppedLines: number;
  /** The container followed now (or last). */
  readonly containerId: string | undefined;
}

export type LogFollowStatus = 'attached' | 'waiting' | 'reattached' | 'ended';

export interface FollowOptions {
  docker: Dockerode;
  project: string;
  service: string;
  /** Lines of history at the first attach (default 500). */
  tail?: number;
  /** Batched (about every 50 ms, or as soon as `batchLines` are waiting), bounded. */
  onLines(lines: FollowedLine[]): void;
  onStatus?(status: LogFollowStatus, detail?: string): void;
  /** Lines dropped before the next batch (a flood the consumer could not keep up with). */
  onDropped?(count: number): void;
  /** For error texts naming the endpoint (default: read from the dockerode client). */
  connection?: Pick<DockerConnection, 'endpoint' | 'description'>;
  /** The project's observer, whose events say when the service's container (re)starts; default: a watch of its own. */
  events?: ProjectEventSource;
  /** Batching: flush when this many lines wait (default 1000); at most `maxPending` wait (default 20,000). */
  batchLines?: number;
  maxPending?: number;
  intervalMs?: number;
}

export const DEFAULT_TAIL = 500;

/** A Docker log time stamp ("2024-05-27T03:37:01.123456789Z", RFC3339Nano with a 9-digit fraction, moby
 *  jsonmessage.RFC3339NanoFixed) made fixed-width, so that string order is time order. */
export function timestampKey(ts: string): string {
  if (ts.length === 30 && ts.charCodeAt(29) === 0x5a /* Z */) return ts;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  if (m[3] !== 'Z') {
    const ms = Date.parse(ts);
    if (!Number.isFinite(ms)) return ts;
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19) + '.' + (m[2] ?? '').padEnd(9, '0').slice(0, 9) + 'Z';
  }
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z`;
}

/** The `since` query value for a Docker time stamp: "<unix seconds>.<nanoseconds>" (moby api/types/time.GetTimestamp). */
export function sinceParam(ts: string): string {
  const key = timestampKey(ts);
  const seconds = Math.floor(Date.parse(key.slice(0, 19) + 'Z') / 1000);
  return `${seconds}.${key.slice(20, 29)}`;
}

/** Splits Docker's time stamp off a line of `logs?timestamps=1`; undefined when the line has none (a `\r` redraw). */
export function splitTimestamp(line: string): { ts: string | undefined; text: string } {
  // "2024-05-27T03:37:01.123456789Z text": cheap checks before searching for the space.
  if (line.length > 20 && line.charCodeAt(4) === 0x2d && line.charCodeAt(10) === 0x54) {
    const sp = line.indexOf(' ', 19);
    if (sp !== -1) return { ts: line.slice(0, sp), text: line.slice(sp + 1) };
    if (line.length <= 36) return { ts: line, text: '' };
  }
  return { ts: undefined, text: line };
}

/**
 * What is already shown of a container, by time stamp: the newest one and how many lines carried it. A re-read
 * from `since` = that time stamp skips what is older and the first `count` lines at it.
 */
export class SeenLines {
  lastKey: string | undefined;
  lastTs: string | undefined;
  countAtLast = 0;
  private skipKey: string | undefined;
  private skipLeft = 0;

  /** Starts a re-read (from `since` = lastTs): lines up to what was seen are skipped. */
  beginReread(): void {
    this.skipKey = this.lastKey;
    this.skipLeft = this.countAtLast;
  }

  /** True when the line is new (and records it); false when it was shown before. `ts` undefined: a continuation. */
  accept(ts: string | undefined): boolean {
    const key = ts === undefined ? this.lastKey : timestampKey(ts);
    if (this.skipKey !== undefined && key !== undefined) {
      if (key < this.skipKey) return false;
      if (key === this.skipKey && this.skipLeft > 0) {
        this.skipLeft--;
        return false;
      }
      this.skipKey = undefined;
    }
    if (key === undefined) return true;
    if (key === this.lastKey) this.countAtLast++;
    else if (this.lastKey === undefined || key > this.lastKey) {
      this.lastKey = key;
      this.lastTs = ts ?? this.lastTs;
      this.countAtLast = 1;
    }
    return true;
  }
}

export function followServiceLogs(opts: FollowOptions): LogFollow {
  const { docker, project, service } = opts;
  const conn = opts.connection ?? connectionOf(docker);
  let disposed = false;
  let dirty = false;
  let looping = false;
  let streaming = false;
  let attachedOnce = false;
  let containerId: string | undefined;
  let seen = new SeenLines();
  let current: { destroy(): void } | undefined;
  let controller: AbortController | undefined;

  const batcher = new LineBatcher<FollowedLine>({
    onFlush: (lines, dropped) => {
      if (disposed) return;
      if (dropped > 0) opts.onDropped?.(dropped);
      if (lines.length > 0) opts.onLines(lines);
    },
    intervalMs: opts.intervalMs ?? 50,
    flushLines: opts.batchLines ?? 1000,
    minGapMs: 50,
    maxPending: opts.maxPending ?? 20_000,
  });

  const status = (s: LogFollowStatus, detail?: string): void => {
    if (!disposed) opts.onStatus?.(s, detail);
  };

  const kick = (): void => {
    dirty = true;
    if (!looping && !streaming && !disposed) void loop();
  };

  const handlers = {
    onEvent(e: ProjectEvent) {
      if (e.service === service && (e.action === 'start' || e.action === 'restart')) kick();
    },
    onReconnected: kick,
    onDisconnected(problem: DockerProblem) {
      if (!streaming) status('waiting', problem.title);
    },
  };
  // The project's observer when there is one (the extension's); a watch of its own otherwise (tests, benches).
  const watch: { dispose(): void } = opts.events ? opts.events.subscribe(handlers) : watchProject(docker, project, handlers, { connection: conn });

  async function loop(): Promise<void> {
    looping = true;
    try {
      while (dirty && !streaming && !disposed) {
        dirty = false;
        await attach();
      }
    } finally {
      looping = false;
    }
  }

  async function attach(): Promise<void> {
    let id: string | undefined;
    let info: Dockerode.ContainerInspectInfo;
    try {
      id = await findServiceContainer(docker, project, service);
      if (disposed) return;
      if (!id) {
        status('waiting', `no container for service "${service}" of project "${project}" yet`);
        return;
      }
      info = await docker.getContainer(id).inspect();
    } catch (err) {
      if (!disposed) status('waiting', explainDockerError(err, conn).title);
      return;
    }
    if (disposed) return;
    const logOptions: Dockerode.ContainerLogsOptions & { follow: true } = { follow: true, stdout: true, stderr: true, timestamps: true };
    if (id === containerId && seen.lastTs !== undefined) {
      logOptions.since = sinceParam(seen.lastTs);
      seen.beginReread();
    } else if (containerId !== undefined && seen.lastTs !== undefined) {
      // A re-created container: everything after what the old one last showed.
      logOptions.since = sinceParam(seen.lastTs);
      seen = new SeenLines();
    } else {
      logOptions.tail = opts.tail ?? DEFAULT_TAIL;
      seen = new SeenLines();
    }
    const name = (info.Name ?? '').replace(/^\//, '') || id.slice(0, 12);
    const reattach = attachedOnce;
    containerId = id;
    controller = new AbortController();
    logOptions.abortSignal = controller.signal;
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.getContainer(id).logs(logOptions);
    } catch (err) {
      if (!disposed) status('waiting', explainDockerError(err, conn).title);
      return;
    }
    if (disposed) {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      return;
    }
    streaming = true;
    attachedOnce = true;
    current = stream as unknown as { destroy(): void };
    status(reattach ? 'reattached' : 'attached', name);
    pump(stream, id, info.Config?.Tty === true);
  }

  function pump(stream: NodeJS.ReadableStream, id: string, tty: boolean): void {
    const demuxer = new DockerDemuxer({ tty });
    const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
    const parsers = { stdout: new LogLineParser(), stderr: new LogLineParser() };
    const maskers = { stdout: new LineMasker(), stderr: new LineMasker() };
    const emit = (raw: string, which: 'stdout' | 'stderr'): void => {
      const { ts, text } = splitTimestamp(raw);
      if (!seen.accept(ts)) return;
      const parsed = parsers[which].parse(maskers[which].mask(text)) as FollowedLine;
      parsed.dockerTime = ts;
      parsed.stream = which;
      parsed.containerId = id;
      batcher.push(parsed);
    };
    stream.on('data', (chunk: Buffer | string) => {
      if (disposed) return;
      for (const piece of demuxer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        const which = piece.stream === 'stdout' ? 'stdout' : 'stderr';
        for (const line of splitters[which].push(piece.data)) emit(line, which);
      }
    });
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (disposed) return;
      for (const which of ['stdout', 'stderr'] as const) for (const line of splitters[which].end()) emit(line, which);
      batcher.flush();
      streaming = false;
      current = undefined;
      void afterEnd(id);
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  }

  async function afterEnd(id: string): Promise<void> {
    try {
      const info = await docker.getContainer(id).inspect();
      if (disposed) return;
      if (!info.State?.Running) {
        const code = info.State?.ExitCode;
        status('ended', info.State?.Restarting ? 'restarting' : `${info.State?.Status ?? 'stopped'}${typeof code === 'number' ? ` (exit code ${code})` : ''}`);
      } else {
        // Running again already (restarted while we read the end): look again now.
        dirty = true;
      }
    } catch (err) {
      if (disposed) return;
      status('ended', (err as { statusCode?: number }).statusCode === 404 ? 'container removed' : explainDockerError(err, conn).title);
    }
    if (dirty && !looping && !streaming) void loop();
  }

  kick();

  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      watch.dispose();
      controller?.abort();
      current?.destroy();
      current = undefined;
      batcher.close();
    },
    get droppedLines() {
      return batcher.droppedTotal;
    },
    get containerId() {
      return containerId;
    },
  };
}
