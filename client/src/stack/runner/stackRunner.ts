/**
 * Start, stop and restart a Compose stack: the functions the VS Code commands call, and the Docker tests too.
 *
 * startStack: pre-flight (preflight.ts) -> `up -d` through the compose CLI with the connection's environment
 * (composeEnv: the same engine dockerode talks to) -> follow each service to its end phase, from three sources:
 *   - container state, health and restart count (listProjectServices), re-read when the project's events say
 *     something changed (watchProject: no polling);
 *   - the engine's startup log milestones and fatal errors (followServiceLogs -> StartupTracker, milestones.ts);
 *   - the `health_status: healthy` event's time, for the cold start (container StartedAt -> first healthy).
 * Cancelling stops the waiting only: `up` is not killed and the containers keep running (issue 3). Every stream and
 * timer it opened is disposed, whatever the outcome.
 *
 * The decisions (phase of a service, when the start has failed, cold start arithmetic) are pure functions below,
 * unit-tested in test/stack/stackRunner.test.ts.
 */

import { abortAfter } from '../abortAfter';
import { dirname } from 'node:path';
import { downCommand, explainComposeError, upCommand, type ComposeCommand, type ComposeErrorExplanation } from '../process/composeCommand';
import { listProjectServices, findServiceContainer } from '../docker/projectContainers';
import { followServiceLogs, type LogFollow } from '../docker/containerLogs';
import { watchProject, type ProjectEvent, type ProjectWatch } from '../docker/projectEvents';
import { applyEnv } from '../docker/dockerEndpoint';
import { explainDockerError, type DockerConnection } from '../docker/dockerApi';
import { maskSecrets } from '../logs/mask';
import { PHASE_LABELS, StartupTracker, type FatalError, type MilestoneEngineId, type MilestoneDetails, type StartupState } from './milestones';
import { onlyWarnings, portKey, runPreflight, type PreflightDeps } from './preflight';
import { startedServices } from './profiles';
import type { RunCommand } from '../process/processRunner';
import type { DockerProblem, ServiceProgress, ServiceStatus, StartOutcome, StartPhase } from '../stackTypes';
import type { PlannedService, StackPlan } from '../../../../server/src/compose/stackPlanTypes';

// ---------------------------------------------------------------------------------------------------------------
// Pure parts

/** What the runner knows of a service's engine logs. */
export interface LogView {
  state: StartupState;
  details: MilestoneDetails;
  /** The tracker's current failure (cleared when the engine restarts and logs its banner again). */
  failure?: FatalError;
}

export interface PhaseInput {
  status?: ServiceStatus;
  /** Undefined when the service's logs are not followed (not a known engine). */
  log?: LogView;
  /** The last fatal error the service logged, kept across restarts (the reason a crash loop gives). */
  lastFatal?: FatalError;
  /** The restart policy restarts the container when it fails (always, unless-stopped, on-failure). */
  restarts?: boolean;
}

/** Whether compose's `restart:` value restarts a failed container (compose.json `restart`). */
export function restartsOnFailure(restart: string | undefined): boolean {
  return restart !== undefined && /^(always|unless-stopped|on-failure(:\d+)?)$/.test(restart.trim());
}

const MILESTONE_ENGINES: readonly MilestoneEngineId[] = ['vllm', 'sglang', 'tgi', 'tei', 'triton'];

/**
 * The milestones table for a planned service's logs, or undefined when its engine is known to print none we know
 * (Ollama, llama.cpp). A service whose engine the Compose file does not reveal (an image built from a Dockerfile
 * `FROM vllm/vllm-openai`, a private mirror) gets vLLM's table: on another program's logs it matches nothing.
 */
export function trackerEngine(service: Pick<PlannedService, 'engine'>): MilestoneEngineId | undefined {
  if (service.engine === undefined) return 'vllm';
  return MILESTONE_ENGINES.find((e) => e === service.engine);
}

function loadingDetail(log: LogView): string {
  const d = log.details;
  const parts: string[] = [PHASE_LABELS[log.state as keyof typeof PHASE_LABELS] ?? log.state];
  if (d.weightsSeconds !== undefined) parts.push(`weights loaded in ${d.weightsSeconds} s${d.weightsGiB !== undefined ? ` (${d.weightsGiB} GiB)` : ''}`);
  if (d.kvCacheTokens !== undefined) parts.push(`KV cache ${d.kvCacheTokens.toLocaleString('en-US')} tokens`);
  return parts.join(' · ');
}

function exitDetail(status: ServiceStatus, lastFatal: FatalError | undefined): string {
  const parts: string[] = [];
  if (status.exitCode !== undefined) parts.push(`exit code ${status.exitCode}`);
  if (status.oomKilled) parts.push('killed: out of memory');
  if (status.restartCount > 0) parts.push(`restarted ${status.restartCount} time${status.restartCount === 1 ? '' : 's'}`);
  if (status.error) parts.push(status.error);
  if (lastFatal) parts.push(lastFatal.explanation);
  return parts.join('; ');
}

/**
 * A service's phase and the line under it, from its container and its logs. Health decides once there is a
 * healthcheck; without one, "running" is the end, unless the engine's logs say it is still loading.
 */
export function servicePhase(input: PhaseInput): { phase: StartPhase; detail?: string } {
  const { status, log, lastFatal } = input;
  if (!status) return { phase: 'waiting', detail: 'no container yet' };
  switch (status.state) {
    case 'created':
      return { phase: 'creating', detail: 'container created' };
    case 'restarting':
      return { phase: 'restarting', detail: exitDetail(status, lastFatal) };
    case 'exited':
    case 'dead':
    case 'removing':
      return { phase: 'exited', detail: exitDetail(status, lastFatal) };
    default:
      break;
  }
  if (status.health === 'unhealthy') {
    return { phase: 'unhealthy', detail: status.lastHealthOutput ? `last healthcheck: ${status.lastHealthOutput}` : 'the healthcheck failed' };
  }
  if (log?.failure && status.health !== 'healthy') return { phase: 'failed', detail: log.failure.explanation };
  if (status.health === 'healthy') return { phase: 'healthy' };
  const loading = log && log.state !== 'starting' && log.state !== 'ready' && log.state !== 'failed' && log.state !== 'stopping';
  if (status.health === 'starting') {
    return loading ? { phase: 'loading', detail: loadingDetail(log) } : { phase: 'starting', detail: log?.state === 'ready' ? 'engine ready, waiting for the healthcheck' : 'waiting for the healthcheck' };
  }
  // No healthcheck.
  if (loading) return { phase: 'loading', detail: loadingDetail(log) };
  return { phase: 'running', detail: 'running (no healthcheck)' };
}

/** Phases from the one that most needs attention (a failure) to the one furthest along. */
const PHASE_RANK: readonly StartPhase[] = ['failed', 'exited', 'restarting', 'unhealthy', 'waiting', 'creating', 'starting', 'loading', 'running', 'healthy'];

/**
 * The replica that stands for a scaled service (`deploy.replicas`, `scale`): the one in trouble, else the one
 * furthest behind, so the service is healthy only when every replica is. `phaseOf` gives a replica's phase.
 */
export function representativeReplica(replicas: readonly ServiceStatus[], phaseOf: (s: ServiceStatus) => StartPhase): ServiceStatus | undefined {
  let best: ServiceStatus | undefined;
  let bestRank = Infinity;
  for (const r of replicas) {
    const rank = PHASE_RANK.indexOf(phaseOf(r));
    if (rank < bestRank) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}

/** Seconds from container start to first healthy, to 0.1 s; undefined when the times do not make sense. */
export function coldStartSeconds(startedAt: number | undefined, healthyAt: number | undefined): number | undefined {
  if (startedAt === undefined || healthyAt === undefined || healthyAt < startedAt) return undefined;
  return Math.round((healthyAt - startedAt) / 100) / 10;
}

export interface FailureRules {
  /** A service that restarted this many times is crash-looping (default 2). */
  crashLoopRestarts: number;
}

/** Why the start has failed because of this service, or undefined while it may still come up. */
export function failureReason(service: string, input: PhaseInput, rules: FailureRules): string | undefined {
  const { status, lastFatal } = input;
  if (!status) return undefined;
  const cause = lastFatal ? `: ${lastFatal.explanation}` : '';
  const exit = status.exitCode !== undefined ? ` (exit code ${status.exitCode}${status.oomKilled ? ', out of memory' : ''})` : status.oomKilled ? ' (out of memory)' : '';
  if (status.restartCount >= rules.crashLoopRestarts && status.health !== 'healthy') {
    return `${service} is crash-looping: restarted ${status.restartCount} times${exit}${cause}`;
  }
  if (status.state === 'exited' || status.state === 'dead') return `${service} exited${exit}${cause}`;
  if (status.health === 'unhealthy') return `${service} is unhealthy${status.lastHealthOutput ? `: ${status.lastHealthOutput}` : ''}`;
  // A fatal error in the logs ends the start at once, unless the engine will restart the container: then a
  // restart may still succeed (memory freed by another process), and the crash-loop count decides.
  const phase = servicePhase(input).phase;
  if (phase === 'failed' && !input.restarts) return `${service} failed: ${input.log?.failure?.explanation ?? 'a fatal error in its logs'}`;
  return undefined;
}

/** Every expected service is healthy, or running without a healthcheck. */
export function allReady(progress: readonly ServiceProgress[]): boolean {
  return progress.length > 0 && progress.every((p) => p.phase === 'healthy' || p.phase === 'running');
}

/** The `tcp` published ports of the project's running containers, as preflight's ownPorts. */
export function ownPortsOf(statuses: readonly ServiceStatus[]): Set<string> {
  const out = new Set<string>();
  for (const s of statuses) if (s.state === 'running' || s.state === 'restarting') for (const p of s.ports) out.add(portKey(p.hostPort, p.protocol));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// startStack

export interface StartOptions {
  plan: StackPlan;
  connection: DockerConnection;
  compose: Pick<ComposeCommand, 'argv'>;
  run: RunCommand;
  preflight: PreflightDeps | 'skip';
  /** Go on when pre-flight found only warnings (the person chose "Start anyway"). */
  acceptWarnings?: boolean;
  /** Stops the waiting; the containers keep running. */
  signal?: AbortSignal;
  /** Waiting for the services, after `up` (default 30 min: big models load slowly). */
  timeoutMs?: number;
  /** Bound on `up -d` itself (pulls and builds included; default 30 min). */
  upTimeoutMs?: number;
  onProgress(services: ServiceProgress[]): void;
  /** compose's own output lines, masked. */
  onOutput?(line: string): void;
  /** Base environment for compose (default process.env); the connection's composeEnv is applied on top. */
  env?: Readonly<Record<string, string | undefined>>;
  crashLoopRestarts?: number;
  /** Clock (ms), for elapsed times. */
  now?: () => number;
}

/** How long a Start waits for healthy unless told otherwise: the default of inferenceStack.startTimeoutSeconds. */
export const DEFAULT_START_TIMEOUT_SECONDS = 900;
/** How long `compose up -d` itself may run: it pulls images, tens of GB for a model server. */
const UP_TIMEOUT_MS = 30 * 60_000;
/** Re-list at most this often when events come in bursts. */
const RELIST_DEBOUNCE_MS = 100;
const TICK_MS = 1000;
const OWN_PORTS_TIMEOUT_MS = 3000;

interface Tracked {
  planned: PlannedService;
  /** The replica that stands for the service (representativeReplica). */
  status?: ServiceStatus;
  /** Every container of the service, for its cold start. */
  replicas?: ServiceStatus[];
  tracker?: StartupTracker;
  lastFatal?: FatalError;
  logs?: LogFollow;
  coldStart?: number;
  /** health_status: healthy events not yet matched to a container's StartedAt. */
  healthyEvents: { containerId: string; time: number }[];
}

/** What servicePhase and failureReason read of one tracked service. */
function phaseInputOf(t: Tracked): PhaseInput {
  const input: PhaseInput = { restarts: restartsOnFailure(t.planned.restart) };
  if (t.status) input.status = t.status;
  if (t.tracker) {
    input.log = { state: t.tracker.state, details: t.tracker.details };
    if (t.tracker.failure) input.log.failure = t.tracker.failure;
  }
  if (t.lastFatal) input.lastFatal = t.lastFatal;
  return input;
}

export async function startStack(opts: StartOptions): Promise<StartOutcome> {
  const { plan, connection } = opts;
  const docker = connection.docker;
  const now = opts.now ?? Date.now;

  if (opts.preflight !== 'skip') {
    let deps = opts.preflight;
    if (!deps.ownPorts) {
      // Bounded: an engine that does not answer is pre-flight's to report, not this lookup's to wait for.
      const timed = abortAfter(OWN_PORTS_TIMEOUT_MS);
      const own = await listProjectServices(docker, plan.project, { signal: timed.signal }).then(ownPortsOf, () => new Set<string>());
      timed.clear();
      deps = { ...deps, ownPorts: own };
    }
    const issues = await runPreflight(plan, deps);
    if (issues.length > 0 && !(opts.acceptWarnings && onlyWarnings(issues))) return { kind: 'blocked', issues };
  }
  if (opts.signal?.aborted) return { kind: 'cancelled', services: [] };

  const t0 = now();
  const tracked = new Map<string, Tracked>(startedServices(plan).map((s) => [s.name, { planned: s, healthyEvents: [] }]));
  const disposers: (() => void)[] = [];
  let relistTimer: ReturnType<typeof setTimeout> | undefined;
  let tick: ReturnType<typeof setInterval> | undefined;
  let finish: ((o: StartOutcome) => void) | undefined;
  let done = false;
  let lastSent = '';
  let upFinished = false;

  const progress = (): ServiceProgress[] => [...tracked.values()].map((t) => {
    const { phase, detail } = servicePhase(phaseInputOf(t));
    const since = t.status?.startedAt !== undefined && t.status.startedAt >= t0 - 5000 ? t.status.startedAt : t0;
    const p: ServiceProgress = { service: t.planned.name, phase, elapsedMs: Math.max(0, now() - since) };
    if (detail) p.detail = detail;
    if (t.coldStart !== undefined) {
      p.coldStartSeconds = t.coldStart;
      if (phase === 'healthy') p.detail = `healthy after ${t.coldStart} s`;
    }
    return p;
  });
  const coldStarts = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const t of tracked.values()) if (t.coldStart !== undefined) out[t.planned.name] = t.coldStart;
    return out;
  };

  const emit = (services: ServiceProgress[]): void => {
    const key = JSON.stringify(services.map((s) => [s.phase, s.detail, Math.floor(s.elapsedMs / 1000), s.coldStartSeconds]));
    if (key === lastSent) return;
    lastSent = key;
    try {
      opts.onProgress(services);
    } catch {
      // A failing progress callback must not break the start.
    }
  };

  const evaluate = (): void => {
    if (done) return;
    const services = progress();
    emit(services);
    if (!upFinished) return;
    const rules = { crashLoopRestarts: opts.crashLoopRestarts ?? 2 };
    for (const t of tracked.values()) {
      const reason = failureReason(t.planned.name, phaseInputOf(t), rules);
      if (reason) return finish?.({ kind: 'failed', services, coldStarts: coldStarts(), reason });
    }
    if (allReady(services)) finish?.({ kind: 'ready', services, coldStarts: coldStarts() });
  };

  // A scaled service's cold start is its slowest replica's: measured once every replica has turned healthy.
  const matchHealthy = (t: Tracked): void => {
    if (t.coldStart !== undefined || !t.replicas?.length) return;
    const each = t.replicas.map((r) => {
      const ev = t.healthyEvents.find((e) => e.containerId === r.containerId);
      return ev ? coldStartSeconds(r.startedAt, ev.time) : undefined;
    });
    if (each.every((c): c is number => c !== undefined)) t.coldStart = Math.max(...each);
  };

  let listing = false;
  let again = false;
  const relist = async (): Promise<void> => {
    if (listing) {
      again = true;
      return;
    }
    listing = true;
    try {
      do {
        again = false;
        const statuses = await listProjectServices(docker, plan.project).catch(() => undefined);
        if (!statuses || done) continue;
        for (const t of tracked.values()) {
          const replicas = statuses.filter((s) => s.service === t.planned.name);
          t.replicas = replicas;
          t.status = representativeReplica(replicas, (status) => servicePhase({ ...phaseInputOf(t), status }).phase);
          matchHealthy(t);
          if (t.status && !t.logs) startLogs(t);
        }
      } while (again && !done);
    } finally {
      listing = false;
    }
    evaluate();
  };
  const scheduleRelist = (): void => {
    if (relistTimer || done) return;
    relistTimer = setTimeout(() => {
      relistTimer = undefined;
      void relist();
    }, RELIST_DEBOUNCE_MS);
  };

  const startLogs = (t: Tracked): void => {
    const engine = trackerEngine(t.planned);
    if (!engine) return;
    const tracker = new StartupTracker({ engine, now });
    t.tracker = tracker;
    t.logs = followServiceLogs({
      docker,
      project: plan.project,
      service: t.planned.name,
      connection,
      onLines: (lines) => {
        let changed = false;
        for (const l of lines) {
          for (const e of tracker.feed(l.line)) {
            if (e.kind === 'failed') t.lastFatal = e.error;
            if (e.kind !== 'milestone' || e.phaseChanged) changed = true;
          }
        }
        if (changed) evaluate();
      },
    });
    disposers.push(() => t.logs?.dispose());
  };

  const onEvent = (e: ProjectEvent): void => {
    const t = tracked.get(e.service);
    if (!t) return;
    if (e.action === 'health_status' && e.health === 'healthy') t.healthyEvents.push({ containerId: e.containerId, time: e.time });
    scheduleRelist();
  };

  const outcome = new Promise<StartOutcome>((resolve) => {
    finish = (o) => {
      if (done) return;
      done = true;
      resolve(o);
    };
  });

  // Watch before `up`, from a little before now, so no event of this start is missed.
  const watch: ProjectWatch = watchProject(docker, plan.project, { onEvent, onReconnected: scheduleRelist }, { since: t0 - 1000, connection });
  disposers.push(() => watch.dispose());
  const onAbort = (): void => finish?.({ kind: 'cancelled', services: progress() });
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  disposers.push(() => opts.signal?.removeEventListener('abort', onAbort));

  try {
    emit(progress());
    // `up` is not tied to the cancel signal: cancelling stops the waiting, not the stack (a killed `up` would leave
    // it half created). Its own timeout bounds it.
    const baseEnv = opts.env ?? process.env;
    const up = opts.run(upCommand(opts.compose, { files: [plan.file], project: plan.project, profiles: plan.activeProfiles ?? [] }), {
      timeoutMs: opts.upTimeoutMs ?? UP_TIMEOUT_MS,
      env: applyEnv(baseEnv, connection.composeEnv),
      cwd: dirname(plan.file),
      onStdoutLine: (l) => opts.onOutput?.(maskSecrets(l)),
      onStderrLine: (l) => opts.onOutput?.(maskSecrets(l)),
    });
    void up.then((r) => {
      if (done) return;
      if (r.error || r.exitCode !== 0) {
        const text = [r.stderr, r.error ? r.error.message : ''].filter(Boolean).join('\n') || r.stdout;
        const explained = explainComposeError(text);
        finish?.({
          kind: 'compose-error',
          exitCode: r.exitCode,
          verbatim: explained.verbatim,
          explanations: explained.explanations.map((x: ComposeErrorExplanation) => ({ title: x.title, explanation: x.explanation, steps: x.steps })),
        });
        return;
      }
      upFinished = true;
      const timer = setTimeout(() => finish?.({ kind: 'timeout', services: progress() }), opts.timeoutMs ?? DEFAULT_START_TIMEOUT_SECONDS * 1000);
      disposers.push(() => clearTimeout(timer));
      tick = setInterval(evaluate, TICK_MS);
      void relist();
    });
    return await outcome;
  } finally {
    done = true;
    if (relistTimer) clearTimeout(relistTimer);
    if (tick) clearInterval(tick);
    for (const d of disposers) {
      try {
        d();
      } catch {
        // keep disposing the rest
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// stopStack, restartService

export interface StopResult {
  ok: boolean;
  exitCode: number | null;
  /** compose's output (stderr, then stdout), masked. */
  verbatim: string;
  explanations: { title: string; explanation: string; steps: string[] }[];
}

/** `down`: containers and networks go, volumes stay unless `removeVolumes` is exactly 'yes-remove-volumes' (the
 *  UI passes it only after the person typed the project name: model caches are tens of GB). */
export async function stopStack(opts: {
  plan: StackPlan; connection: DockerConnection; compose: Pick<ComposeCommand, 'argv'>; run: RunCommand;
  removeVolumes?: 'yes-remove-volumes'; timeoutMs?: number; env?: Readonly<Record<string, string | undefined>>;
  onOutput?(line: string): void;
}): Promise<StopResult> {
  // Every declared profile: compose v2's `down` leaves the containers of inactive profiles (and then cannot remove
  // the network: docker/compose#13027, #13647); v1 1.29 removes them anyway. Either way no variant is left running.
  const cmd = downCommand(opts.compose, { files: [opts.plan.file], project: opts.plan.project, profiles: opts.plan.declaredProfiles ?? [] }, opts.removeVolumes === 'yes-remove-volumes' ? { removeVolumes: 'yes-remove-volumes' } : {});
  const r = await opts.run(cmd, {
    timeoutMs: opts.timeoutMs ?? 5 * 60_000,
    env: applyEnv(opts.env ?? process.env, opts.connection.composeEnv),
    cwd: dirname(opts.plan.file),
    onStdoutLine: (l) => opts.onOutput?.(maskSecrets(l)),
    onStderrLine: (l) => opts.onOutput?.(maskSecrets(l)),
  });
  const text = [r.stderr, r.stdout, r.error ? r.error.message : ''].filter(Boolean).join('\n');
  const explained = explainComposeError(text);
  return {
    ok: !r.error && r.exitCode === 0,
    exitCode: r.exitCode,
    verbatim: explained.verbatim,
    explanations: explained.explanations.map((x) => ({ title: x.title, explanation: x.explanation, steps: x.steps })),
  };
}

export type RestartResult = { ok: true; containerId: string } | { ok: false; problem: DockerProblem };

/** Restarts the service's newest container through dockerode (the same engine as everything else). */
export async function restartService(opts: { connection: DockerConnection; project: string; service: string; timeoutSeconds?: number }): Promise<RestartResult> {
  const { connection, project, service } = opts;
  try {
    const id = await findServiceContainer(connection.docker, project, service);
    if (!id) {
      return { ok: false, problem: { id: 'engine-error', title: `${service} has no container in project ${project}`, steps: ['Start the stack first.'], endpoint: connection.description } };
    }
    await connection.docker.getContainer(id).restart(opts.timeoutSeconds !== undefined ? { t: opts.timeoutSeconds } : {});
    return { ok: true, containerId: id };
  } catch (err) {
    return { ok: false, problem: explainDockerError(err, connection) };
  }
}
