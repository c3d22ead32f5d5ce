/**
 * Pre-flight checks before `up` (issue 3, "Pre-flight and errors"): each problem a person can fix before compose
 * fails on it, with what to do. The checks are pure over injected deps (PreflightDeps); nodePreflightDeps gives
 * the real ones (engine ping through dockerApi, compose lookup, a PATH lookup for nvidia-smi, fs.stat, and a real
 * listen() on each published port).
 *
 * - Docker not reachable: a blocker carrying the DockerProblem (daemon down, permission, remote, timeout).
 * - No compose command: a blocker with the install hints.
 * - A GPU reservation with no NVIDIA runtime on the engine and no nvidia-smi on this host: a warning only (the
 *   engine may use CDI, or be remote): "Start anyway" or the NVIDIA Container Toolkit steps.
 * - A bind-mounted host folder that does not exist: a blocker. Docker would create it empty and root-owned, and the
 *   engine would then fail later with "model not found" instead of now, here.
 * - A published port already in use: a blocker naming the service and the port; ports the project's own running
 *   containers publish are not a conflict (a re-start of a running stack).
 * - A Compose file that does not parse: a blocker.
 * - Models from Docker Model Runner with the runner missing or off: a blocker with how to enable it
 *   (modelRunnerCheck.ts).
 * - The GPU plan against this machine's GPUs, when the engine runs here (gpuPlanCheck.ts): a GPU that is not there (a
 *   blocker), shares past a GPU, memory another process holds, a model the estimate says will not fit (warnings).
 * - CPU and memory limits against the engine's CPUs and memory (resourceCheck.ts): what the engine refuses (a CPU
 *   limit above its CPUs, a memory limit below 6 MiB or below the reservation) is a blocker; memory past what it has
 *   is a warning.
 * - Images the engine lacks and cannot pull (imageCheck.ts): a registry it cannot reach, `pull_policy: never`.
 * - `${VAR}` nothing sets (variableCheck.ts): a required one is a blocker; with no `.env` but an example beside the
 *   Compose file that sets them, "Create .env from .env.example" (envFileCopy.ts).
 */

import { stat } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { MAX_SIDE_FILE_BYTES, readBoundedTextOrUndefined } from '../../../../server/src/core/boundedFile';
import { checkEngine, imageOnEngine, registryAnswer, type DockerConnection } from '../docker/dockerApi';
import { applyEnv } from '../docker/dockerEndpoint';
import type { CommandResult, Exec } from '../process/command';
import { explainComposeError, findComposeCommand, type ComposeLookup } from '../process/composeCommand';
import { resolveExecutable } from '../process/executablePath';
import { execCommand } from '../process/processRunner';
import { MODEL_STATUS_TIMEOUT_MS, modelRunnerIssues } from './modelRunnerCheck';
import { gpuPlanIssues } from './gpuPlanCheck';
import { imageIssues } from './imageCheck';
import { resourceIssues } from './resourceCheck';
import { requiredVariableOf, variableIssues } from './variableCheck';
import type { GpuState } from '../gpu/gpus';
import { startedServices } from './profiles';
import type { DockerProblem, EngineInfo, PreflightIssue } from '../stackTypes';
import type { StackPlan } from '../../../../server/src/compose/stackPlanTypes';

export type EngineCheck = { ok: true; info: EngineInfo } | { ok: false; problem: DockerProblem };

export interface PreflightDeps {
  checkEngine(): Promise<EngineCheck>;
  findCompose(): Promise<ComposeLookup>;
  nvidiaSmiAvailable(): Promise<boolean>;
  pathExists(path: string): Promise<boolean>;
  /** True when something on this host already holds the port (on hostIp, "" = all interfaces). */
  portInUse(hostIp: string, port: number, protocol: 'tcp' | 'udp'): Promise<boolean>;
  /** portKey()s the project's own running containers publish: not a conflict on a re-start. */
  ownPorts?: Set<string>;
  /** `docker model status` (modelRunnerCheck.ts), asked only when the project uses Model Runner models. */
  modelRunnerStatus?(): Promise<CommandResult>;
  /** This machine's GPUs (nvidia-smi), when the engine runs here: the GPU plan is checked against them (gpuPlanCheck.ts). */
  localGpus?(): Promise<GpuState | undefined>;
  /** The project's own containers run: GPU memory in use may be theirs. */
  stackRunning?: boolean;
  /** Whether the engine has an image (imageCheck.ts); absent: images are not checked. */
  imageOnEngine?(image: string): Promise<boolean | undefined>;
  /** The engine's lookup of an image in its registry, for an image it lacks (imageCheck.ts). */
  registryAnswer?(image: string): Promise<{ ok: true } | { ok: false; message: string } | undefined>;
  /** A small text file beside the Compose file (an env example: variableCheck.ts). */
  readText?(path: string): Promise<string | undefined>;
}

/** Key of a published port in ownPorts: "8000/tcp". */
export function portKey(hostPort: number, protocol: string): string {
  return `${hostPort}/${protocol}`;
}

/** The NVIDIA Container Toolkit steps: the same ones compose's GPU error is explained with (composeCommand.ts). */
export function toolkitSteps(): string[] {
  return explainComposeError('could not select device driver "nvidia" with capabilities: [[gpu]]').explanations[0]?.steps ?? [];
}

function engineIssue(problem: DockerProblem): PreflightIssue {
  const steps = [...problem.steps];
  if (problem.detail) steps.push(`Detail: ${problem.detail}`);
  return { id: 'docker-unreachable', severity: 'blocker', title: problem.title, steps, actions: ['retry'] };
}

function composeIssue(lookup: Extract<ComposeLookup, { found: false }>): PreflightIssue {
  return { id: 'compose-missing', severity: 'blocker', title: lookup.message, steps: [...lookup.install], actions: ['install-compose', 'open-settings', 'retry'] };
}

async function gpuIssues(plan: StackPlan, engine: EngineCheck, deps: PreflightDeps): Promise<PreflightIssue[]> {
  const gpuServices = startedServices(plan).filter((s) => s.requestsGpu).map((s) => s.name);
  // An engine we cannot reach says nothing about its runtimes: the docker-unreachable blocker covers it.
  if (!gpuServices.length || !engine.ok || engine.info.gpuCapable) return [];
  if (await deps.nvidiaSmiAvailable()) return [];
  const runtimes = engine.info.runtimes.length ? engine.info.runtimes.join(', ') : 'none';
  return [{
    id: 'gpu-runtime-missing',
    severity: 'warning',
    service: gpuServices[0]!,
    title: `${gpuServices.join(', ')} ${gpuServices.length > 1 ? 'reserve' : 'reserves'} a GPU, but the Docker engine has no NVIDIA runtime (runtimes: ${runtimes}) and no nvidia-smi was found on this machine`,
    steps: [
      'Without the NVIDIA Container Toolkit, `up` fails with: could not select device driver "nvidia" with capabilities: [[gpu]].',
      ...toolkitSteps(),
      'If the engine provides GPUs another way (CDI, a remote engine), choose Start anyway.',
    ],
    actions: ['start-anyway', 'open-toolkit-steps'],
  }];
}

async function bindMountIssues(plan: StackPlan, deps: PreflightDeps): Promise<PreflightIssue[]> {
  const checks = startedServices(plan).flatMap((s) => s.bindMounts.map((m) => ({ service: s.name, mount: m })));
  const exists = await Promise.all(checks.map((c) => deps.pathExists(c.mount.hostPath)));
  return checks.filter((_, i) => !exists[i]).map(({ service, mount }) => ({
    id: 'bind-mount-missing' as const,
    severity: 'blocker' as const,
    service,
    title: `${service}: the host folder ${mount.hostPath} (mounted at ${mount.containerPath}) does not exist`,
    steps: [
      'Docker would create it empty and owned by root, and the model server would then fail to find its files.',
      `Create it and put the model files there (\`mkdir -p "${mount.hostPath}"\`), or fix the path in the Compose file (relative paths start at the Compose file's folder).`,
    ],
    actions: ['open-file', 'retry'],
  }));
}

async function portIssues(plan: StackPlan, deps: PreflightDeps): Promise<PreflightIssue[]> {
  const seen = new Set<string>();
  const checks: { service: string; hostIp: string; hostPort: number; containerPort: number; protocol: 'tcp' | 'udp' }[] = [];
  for (const s of startedServices(plan)) {
    for (const p of s.publishedPorts) {
      if (deps.ownPorts?.has(portKey(p.hostPort, p.protocol))) continue;
      const key = `${p.hostIp}|${p.hostPort}/${p.protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      checks.push({ service: s.name, hostIp: p.hostIp, hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol });
    }
  }
  const inUse = await Promise.all(checks.map((c) => deps.portInUse(c.hostIp, c.hostPort, c.protocol)));
  return checks.filter((_, i) => inUse[i]).map((c) => ({
    id: 'port-in-use' as const,
    severity: 'blocker' as const,
    service: c.service,
    title: `${c.service}: ${c.protocol === 'udp' ? 'UDP ' : ''}port ${c.hostIp ? `${c.hostIp}:` : ''}${c.hostPort} (for container port ${c.containerPort}) is already in use on this machine`,
    steps: [
      `Find what holds it: \`docker ps --filter publish=${c.hostPort}/${c.protocol}\` for a container, \`sudo ss -${c.protocol === 'udp' ? 'lunp' : 'ltnp'} 'sport = :${c.hostPort}'\` for a process.`,
      `Stop it, or publish ${c.service} on another host port in the Compose file (ports: "<free port>:${c.containerPort}${c.protocol === 'udp' ? '/udp' : ''}").`,
    ],
    actions: ['open-file', 'retry'],
  }));
}

/** Every pre-flight issue of this plan, blockers first. Never throws: a failing dep counts as "no problem found". */
export async function runPreflight(plan: StackPlan, deps: PreflightDeps): Promise<PreflightIssue[]> {
  const safe = <T>(p: Promise<T>, fallback: T): Promise<T> => p.catch(() => fallback);
  const [engine, compose] = await Promise.all([
    deps.checkEngine().catch((e: unknown): EngineCheck => ({ ok: false, problem: { id: 'engine-error', title: `Docker check failed: ${(e as Error)?.message ?? String(e)}`, steps: ['Retry.'] } })),
    safe<ComposeLookup | undefined>(deps.findCompose(), undefined),
  ]);
  const issues: PreflightIssue[] = [];
  const variables = await safe(variableIssues(plan, deps), []);
  // A required variable nothing sets: its own blocker says which and where, in place of compose-go's one line.
  const required = requiredVariableOf(plan.parseError);
  const refusalExplained = required !== undefined && variables.some((v) => v.severity === 'blocker') && !!plan.unsetVariables?.some((v) => v.required && v.name === required);
  if (plan.parseError && !refusalExplained) {
    issues.push({
      id: 'compose-file-invalid',
      severity: 'blocker',
      title: `The Compose file does not parse: ${plan.parseError}`,
      steps: ['Fix the YAML at the position shown (the editor marks it too); compose refuses the file as it is.'],
      actions: ['open-file'],
    });
  }
  if (!engine.ok) issues.push(engineIssue(engine.problem));
  if (compose && !compose.found) issues.push(composeIssue(compose));
  const status = deps.modelRunnerStatus;
  const imageOn = deps.imageOnEngine;
  const [gpu, mounts, ports, models, localGpus, images] = await Promise.all([
    safe(gpuIssues(plan, engine, deps), []),
    safe(bindMountIssues(plan, deps), []),
    safe(portIssues(plan, deps), []),
    status && engine.ok ? safe(modelRunnerIssues(plan, compose, () => status()), []) : [],
    deps.localGpus ? safe(deps.localGpus(), undefined) : undefined,
    imageOn && engine.ok ? safe(imageIssues(plan, { imageOnEngine: imageOn, ...(deps.registryAnswer ? { registryAnswer: deps.registryAnswer } : {}) }, compose?.found ? compose.command.flavour : undefined), []) : [],
  ]);
  issues.push(
    ...variables,
    ...resourceIssues(plan, engine.ok ? engine.info : undefined),
    ...images,
    ...mounts, ...ports, ...models, ...gpu, ...gpuPlanIssues(plan, localGpus, { stackRunning: !!deps.stackRunning }),
  );
  return issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'blocker' ? -1 : 1));
}

/** Only warnings (which "Start anyway" may pass), or nothing at all. */
export function onlyWarnings(issues: readonly PreflightIssue[]): boolean {
  return issues.every((i) => i.severity === 'warning');
}

// ---------------------------------------------------------------------------------------------------------------
// Real I/O

const PORT_CHECK_MS = 2000;

/** The common part of a bind probe: the socket answers with an error or 'listening'; either way it is closed
 *  before the answer, so the port is free again for the engine. No answer in time counts as free. */
interface BindableSocket {
  once(event: 'error', cb: (err: NodeJS.ErrnoException) => void): unknown;
  once(event: 'listening', cb: () => void): unknown;
  close(cb?: () => void): unknown;
  unref(): unknown;
}

function bindProbe(socket: BindableSocket, bind: () => void, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    let bound = false;
    const done = (inUse: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (bound) return void socket.close(() => resolve(inUse));
      try {
        socket.close(); // a datagram socket whose bind failed still holds its handle
      } catch {
        /* not open */
      }
      resolve(inUse);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', (err) => done(err.code === 'EADDRINUSE'));
    socket.once('listening', () => {
      bound = true;
      // Bound after the timeout already answered: close at once.
      if (settled) socket.close();
      else done(false);
    });
    socket.unref();
    bind();
  });
}

/**
 * Whether the TCP port is held: listen on it and close again. EADDRINUSE means taken; anything else (EACCES for a
 * low port as a user, EADDRNOTAVAIL for an address this host does not have, no answer in time) is "not known to
 * be taken", so it never blocks a start by itself: compose reports the real error then.
 */
export function tcpPortInUse(hostIp: string, port: number, timeoutMs = PORT_CHECK_MS): Promise<boolean> {
  const server = createServer();
  // The engine publishes "" on every interface (0.0.0.0 and ::); listening on 0.0.0.0 collides with a holder on
  // any IPv4 address of the host, and with a dual-stack [::] holder.
  return bindProbe(server, () => server.listen({ port, host: hostIp || '0.0.0.0', exclusive: true }), timeoutMs);
}

/** The same for a UDP port (a datagram socket bound and closed again); the same "not known to be taken" rule. */
export function udpPortInUse(hostIp: string, port: number, timeoutMs = PORT_CHECK_MS): Promise<boolean> {
  const socket = createSocket({ type: hostIp.includes(':') ? 'udp6' : 'udp4' });
  return bindProbe(socket, () => socket.bind({ port, address: hostIp || '0.0.0.0', exclusive: true }), timeoutMs);
}

/** `which nvidia-smi`, without a shell: executablePath.ts's lookup (absolute PATH folders, PATHEXT on Windows). */
export async function findOnPath(name: string, env: Readonly<Record<string, string | undefined>> = process.env, platform = process.platform): Promise<string | undefined> {
  return resolveExecutable(name, { env, platform });
}

export interface NodePreflightOptions {
  /** `inferenceStack.composeCommand`. */
  composeSetting?: string;
  /** The runner's exec (processRunner), so the lookup's processes are cleaned up with the rest. */
  exec?: Exec;
  /** Base environment (default process.env); the connection's composeEnv is applied on top. */
  env?: Readonly<Record<string, string | undefined>>;
  engineTimeoutMs?: number;
  ownPorts?: Set<string>;
  /** The compose command the Start already found: handed over, not looked up again. */
  compose?: ComposeLookup;
  /** This machine's GPUs, read when the engine runs here (the controller's nvidia-smi reading). */
  localGpus?: () => Promise<GpuState | undefined>;
  stackRunning?: boolean;
}

/** A lookup made once: "Start anyway" runs pre-flight again with the same deps, and the engine was just checked. */
function once<T>(look: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= look());
}

/** The real deps: the same engine the runner uses, compose found with that engine's environment. Each lookup is made
 *  once per deps object: keep it for a second pre-flight of the same Start. */
export function nodePreflightDeps(conn: DockerConnection, opts: NodePreflightOptions = {}): PreflightDeps {
  const baseEnv = opts.env ?? process.env;
  const deps: PreflightDeps = {
    checkEngine: once(() => checkEngine(conn, opts.engineTimeoutMs !== undefined ? { timeoutMs: opts.engineTimeoutMs } : {})),
    findCompose: opts.compose ? async () => opts.compose! : () => findComposeCommand({
      env: applyEnv(baseEnv, conn.composeEnv),
      ...(opts.exec ? { exec: opts.exec } : {}),
      ...(opts.composeSetting ? { setting: opts.composeSetting } : {}),
    }),
    nvidiaSmiAvailable: async () => (await findOnPath('nvidia-smi', baseEnv)) !== undefined,
    pathExists: async (p) => {
      try {
        await stat(p);
        return true;
      } catch {
        return false;
      }
    },
    portInUse: (hostIp, port, protocol) => (protocol === 'udp' ? udpPortInUse(hostIp, port) : tcpPortInUse(hostIp, port)),
    imageOnEngine: (image) => imageOnEngine(conn, image),
    registryAnswer: (image) => registryAnswer(conn, image),
    // Only files beside a Compose file are asked for (an env example); read as the plan reads `.env`.
    readText: async (path) => readBoundedTextOrUndefined(path, { root: dirname(path) }, MAX_SIDE_FILE_BYTES),
    modelRunnerStatus: once(async (): Promise<CommandResult> => {
      const docker = await findOnPath('docker', baseEnv);
      if (!docker) return { stdout: '', stderr: '', exitCode: null, error: { code: 'ENOENT', message: 'docker is not on PATH' } };
      return (opts.exec ?? execCommand)({ file: docker, args: ['model', 'status'] }, { timeoutMs: MODEL_STATUS_TIMEOUT_MS, env: applyEnv(baseEnv, conn.composeEnv) });
    }),
  };
  if (opts.ownPorts) deps.ownPorts = opts.ownPorts;
  if (opts.localGpus) deps.localGpus = once(opts.localGpus);
  if (opts.stackRunning) deps.stackRunning = true;
  return deps;
}
