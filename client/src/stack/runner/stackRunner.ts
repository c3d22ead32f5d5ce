/**
 * Start, stop and restart a Compose stack: the functions the VS Code commands call, and the Docker tests too.
 *
 * startStack: pre-flight (preflight.ts) -> `up -d` through the compose CLI with the connection's environment
 * (composeEnv: the same engine dockerode talks to) -> follow each service to its end phase, from the project's
 * observer (docker/projectObserver.ts, the one the views follow too: no polling of its own) and the logs:
 *   - container state, health and restart count, from the observer's listings;
 *   - the engine's startup log milestones and fatal errors (followServiceLogs -> StartupTracker, milestones.ts);
 *   - the cold start, from the observer's meter (docker/coldStartMeter.ts: container start -> first healthy).
 * Cancelling stops the waiting only: `up` is not killed and the containers keep running (issue 3). Every stream and
 * timer it opened is disposed, whatever the outcome.
 *
 * The decisions (a service's phase in servicePhase.ts, when the start has failed below) are pure functions,
 * unit-tested in test/stack/stackRunner.test.ts.
 */

import { abortAfter, untilAborted } from '../abortAfter';
import { dirname } from 'node:path';
import { downCommand, explainComposeError, upCommand, type ComposeErrorExplanation, type ComposeProgram, type ComposeProject } from '../process/composeCommand';
import { listProjectServices, findServiceContainer } from '../docker/projectContainers';
import { followServiceLogs, type LogFollow } from '../docker/containerLogs';
import { ProjectObserver } from '../docker/projectObserver';
import { applyEnv } from '../docker/dockerEndpoint';
import { explainDockerError, type DockerConnection } from '../docker/dockerApi';
import { maskSecrets } from '../logs/mask';
import { StartupTracker, type FatalError, type MilestoneEngineId } from './milestones';
import type { RestartCancelled } from './restartWatch';
import { representativeReplica, servicePhase, type PhaseInput } from './servicePhase';
import { onlyWarnings, portKey, runPreflight, type PreflightDeps } from './preflight';
import { startedServices } from './profiles';
import type { RunCommand } from '../process/processRunner';
import type { DockerProblem, ServiceProgress, ServiceStatus, StartOutcome } from '../stackTypes';
import type { PlannedService, StackPlan } from '../../../../server/src/compose/stackPlanTypes';

// ---------------------------------------------------------------------------------------------------------------
// Pure parts

/** Whether compose's `restart:` value restarts a failed container (compose.json `restart`). */
export function restartsOnFailure(restart: string | undefined): boolean {
  return restart !== undefined && /^(always|unless-stopped|on-failure(:\d+)?)$/.test(restart.trim());
}

const MILESTONE_ENGINES: readonly MilestoneEngineId[] = ['vllm', 'sglang', 'tgi', 'tei', 'triton', 'nim'];

/**
 * The milestones table for a planned service's logs, or undefined when its engine is known to print none we know
 * (Ollama, llama.cpp). A service whose engine the Compose file does not reveal (an image built from a Dockerfile
 * `FROM vllm/vllm-openai`, a private mirror) gets vLLM's table: on another program's logs it matches nothing.
 */
export function trackerEngine(service: Pick<PlannedService, 'engine'>): MilestoneEngineId | undefined {
  if (service.engine === undefined) return 'vllm';
  return MILESTONE_ENGINES.find((e) => e === service.engine);
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
  if (status.state === 'created' && status.error) return `${service} could not start: ${status.error}`;
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

/**
 * What compose is told so that it loads the project that was planned: `-f` each of its files in order, the env files
 * and project directory the plan names, its name, the given profiles.
 */
export function composeTarget(plan: StackPlan, profiles: readonly string[]): ComposeProject {
  return {
    files: plan.files,
    ...(plan.envFiles ? { envFiles: plan.envFiles } : {}),
    ...(plan.projectDirectory ? { projectDirectory: plan.projectDirectory } : {}),
    project: plan.project,
    profiles,
  };
}

/** compose runs in the project's folder: the project directory, else the first file's. */
export function composeCwd(plan: StackPlan): string {
  return plan.projectDirectory ?? dirname(plan.file);
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
  compose: ComposeProgram;
  run: RunCommand;
  preflight: PreflightDeps | 'skip';
  /** Go on when pre-flight found only warnings (the person chose "Start anyway"). */
  acceptWarnings?: boolean;
  /** Stops the waiting; the containers keep running. */
  signal?: AbortSignal;
  /** Waiting for the services, after `up` (default DEFAULT_START_TIMEOUT_SECONDS). */
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
  /** The project's observer (the extension hands in the one its views follow); default: one for this start. */
  observer?: ProjectObserver;
}

/** How long a Start waits for healthy unless told otherwise: the default of inferenceStack.startTimeoutSeconds. */
export const DEFAULT_START_TIMEOUT_SECONDS = 900;
/** How long `compose up -d` itself may run: it pulls images, tens of GB for a model server. */
const UP_TIMEOUT_MS = 30 * 60_000;
/** How long a ready stack waits for the health events that measure its cold starts (they trail the listing). */
const COLD_START_GRACE_MS = 3000;
const TICK_MS = 1000;
const OWN_PORTS_TIMEOUT_MS = 3000;

interface Tracked {
  planned: PlannedService;
  /** The replica that stands for the service (representativeReplica). */
  status?: ServiceStatus;
  tracker?: StartupTracker;
  lastFatal?: FatalError;
  logs?: LogFollow;
  /** From the observer's cold-start meter (coldStartMeter.ts). */
  coldStart?: number;
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
  const tracked = new Map<string, Tracked>(startedServices(plan).map((s) => [s.name, { planned: s }]));
  const disposers: (() => void)[] = [];
  let tick: ReturnType<typeof setInterval> | undefined;
  let finish: ((o: StartOutcome) => void) | undefined;
  let done = false;
  let lastSent = '';
  let upFinished = false;
  let readySince: number | undefined;

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
    if (!allReady(services)) return;
    // The listing can show the last replica healthy a moment before its health event reaches the cold-start meter:
    // wait for the events a little, so the measured cold start is in the outcome (and remembered by the rules).
    readySince ??= now();
    // Only containers this start started are measured (a service already running has no start event to measure from).
    const measuring = [...tracked.values()].some((t) => t.status?.health === 'healthy' && (t.status.startedAt ?? 0) >= t0 - 1000 && t.coldStart === undefined);
    if (measuring && now() - readySince < COLD_START_GRACE_MS) return;
    finish?.({ kind: 'ready', services, coldStarts: coldStarts() });
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
      events: observer,
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

  const outcome = new Promise<StartOutcome>((resolve) => {
    finish = (o) => {
      if (done) return;
      done = true;
      resolve(o);
    };
  });

  // The project's observer (the views' own, when the extension runs this); else one for this start, created before
  // `up` and replaying from a second before now, so no event of this start is missed.
  const observer = opts.observer ?? new ProjectObserver(connection, plan.project, { since: t0 - 1000 });
  if (!opts.observer) disposers.push(() => observer.dispose());
  const subscription = observer.subscribe({
    onStatuses: (statuses) => {
      if (done) return;
      for (const t of tracked.values()) {
        const replicas = statuses.filter((s) => s.service === t.planned.name);
        t.status = representativeReplica(replicas, (status) => servicePhase({ ...phaseInputOf(t), status }).phase);
        if (t.status && !t.logs) startLogs(t);
      }
      evaluate();
    },
    // The meter reports a scaled service once its slowest replica is healthy.
    onColdStart: (measured) => {
      const t = tracked.get(measured.service);
      if (t) t.coldStart = measured.seconds;
      evaluate();
    },
  });
  disposers.push(() => subscription.dispose());
  const onAbort = (): void => finish?.({ kind: 'cancelled', services: progress() });
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  disposers.push(() => opts.signal?.removeEventListener('abort', onAbort));

  try {
    emit(progress());
    // `up` is not tied to the cancel signal: cancelling stops the waiting, not the stack (a killed `up` would leave
    // it half created). Its own timeout bounds it.
    const baseEnv = opts.env ?? process.env;
    const up = opts.run(upCommand(opts.compose, composeTarget(plan, plan.activeProfiles ?? [])), {
      timeoutMs: opts.upTimeoutMs ?? UP_TIMEOUT_MS,
      env: applyEnv(baseEnv, connection.composeEnv),
      cwd: composeCwd(plan),
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
      void observer.relist();
    });
    return await outcome;
  } finally {
    done = true;
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
  plan: StackPlan; connection: DockerConnection; compose: ComposeProgram; run: RunCommand;
  removeVolumes?: 'yes-remove-volumes'; timeoutMs?: number; env?: Readonly<Record<string, string | undefined>>;
  onOutput?(line: string): void;
}): Promise<StopResult> {
  // Every declared profile: compose v2's `down` leaves the containers of inactive profiles (and then cannot remove
  // the network: docker/compose#13027, #13647); v1 1.29 removes them anyway. Either way no variant is left running.
  const cmd = downCommand(opts.compose, composeTarget(opts.plan, opts.plan.declaredProfiles ?? []), opts.removeVolumes === 'yes-remove-volumes' ? { removeVolumes: 'yes-remove-volumes' } : {});
  const r = await opts.run(cmd, {
    timeoutMs: opts.timeoutMs ?? 5 * 60_000,
    env: applyEnv(opts.env ?? process.env, opts.connection.composeEnv),
    cwd: composeCwd(opts.plan),
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

export type RestartResult = { ok: true; containerId: string } | { ok: false; problem: DockerProblem } | { ok: false; cancelled: RestartCancelled };

/**
 * Restarts the service's newest container through dockerode (the same engine as everything else). `signal`: Cancel;
 * the wait ends at once and the request is aborted, though the engine, once asked, may still carry the restart out.
 */
export async function restartService(opts: { connection: DockerConnection; project: string; service: string; timeoutSeconds?: number; signal?: AbortSignal }): Promise<RestartResult> {
  const { connection, project, service, signal } = opts;
  let asked = false;
  try {
    const id = await untilAborted(findServiceContainer(connection.docker, project, service), signal);
    if (!id) {
      return { ok: false, problem: { id: 'engine-error', title: `${service} has no container in project ${project}`, steps: ['Start the stack first.'], endpoint: connection.description } };
    }
    signal?.throwIfAborted();
    asked = true;
    // dockerode 5 passes `abortSignal` to the request (lib/container.js restart); @types/dockerode does not list it.
    const options = { ...(opts.timeoutSeconds !== undefined ? { t: opts.timeoutSeconds } : {}), ...(signal ? { abortSignal: signal } : {}) };
    await untilAborted(connection.docker.getContainer(id).restart(options as Record<string, never>), signal);
    return { ok: true, containerId: id };
  } catch (err) {
    if (signal?.aborted) return { ok: false, cancelled: asked ? 'while-restarting' : 'before-asking' };
    return { ok: false, problem: explainDockerError(err, connection) };
  }
}
