import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DockerConnection } from '../../client/src/stack/docker/dockerApi';
import { matchFatalError, StartupTracker } from '../../client/src/stack/runner/milestones';
import type { PreflightDeps } from '../../client/src/stack/runner/preflight';
import type { RunCommand } from '../../client/src/stack/process/processRunner';
import { allReady, failureReason, ownPortsOf, restartsOnFailure, startStack, trackerEngine } from '../../client/src/stack/runner/stackRunner';
import { representativeReplica, servicePhase, type LogView } from '../../client/src/stack/runner/servicePhase';
import type { ServiceStatus } from '../../client/src/stack/stackTypes';
import type { StackPlan } from '../../server/src/compose/stackPlanTypes';

const status = (over: Partial<ServiceStatus> = {}): ServiceStatus => ({
  service: 'vllm', replica: 1, containerId: 'c1', containerName: 'p-vllm-1', image: 'img', state: 'running', restartCount: 0, ports: [], startedAt: 1000, ...over,
});
const OOM = matchFatalError('ERROR 05-27 03:37:01 [gpu_model_runner.py:1] Failed to load model - not enough GPU memory.')!;

/** The tracker's view after feeding real vLLM-format lines. */
function logAfter(lines: string[]): LogView {
  const t = new StartupTracker({ now: () => 0 });
  for (const l of lines) t.feed(l);
  return { state: t.state, details: t.details, ...(t.failure ? { failure: t.failure } : {}) };
}
const LOADING = logAfter([
  '(APIServer pid=1) INFO 05-27 03:37:01 [utils.py:1] vLLM server version 0.21.0, serving model Qwen/Qwen3-0.6B',
  '(EngineCore_DP0 pid=2) INFO 05-27 03:37:02 [gpu_model_runner.py:1] Starting to load model Qwen/Qwen3-0.6B...',
]);
const READY = logAfter(['(APIServer pid=1) INFO 05-27 03:37:01 [utils.py:1] vLLM server version 0.21.0', 'INFO:     Application startup complete.']);

describe('servicePhase', () => {
  it('follows a service through waiting, creating, starting, loading, healthy', () => {
    assert.deepEqual(servicePhase({}), { phase: 'waiting', detail: 'no container yet' });
    assert.equal(servicePhase({ status: status({ state: 'created' }) }).phase, 'creating');
    assert.deepEqual(servicePhase({ status: status({ health: 'starting' }), log: logAfter([]) }), { phase: 'starting', detail: 'waiting for the healthcheck' });
    const loading = servicePhase({ status: status({ health: 'starting' }), log: LOADING });
    assert.equal(loading.phase, 'loading');
    assert.match(loading.detail ?? '', /^loading weights/);
    assert.equal(servicePhase({ status: status({ health: 'starting' }), log: READY }).detail, 'engine ready, waiting for the healthcheck');
    assert.deepEqual(servicePhase({ status: status({ health: 'healthy' }), log: READY }), { phase: 'healthy' });
  });

  it('without a healthcheck: loading while the engine logs say so, then running', () => {
    assert.equal(servicePhase({ status: status(), log: LOADING }).phase, 'loading');
    assert.equal(servicePhase({ status: status(), log: READY }).phase, 'running');
    assert.equal(servicePhase({ status: status() }).phase, 'running', 'a service whose logs are not followed');
  });

  it('unhealthy, restarting, exited and failed carry their cause', () => {
    assert.deepEqual(servicePhase({ status: status({ health: 'unhealthy', lastHealthOutput: 'HTTP 503' }) }), { phase: 'unhealthy', detail: 'last healthcheck: HTTP 503' });
    const restarting = servicePhase({ status: status({ state: 'restarting', exitCode: 1, restartCount: 2 }), lastFatal: OOM });
    assert.equal(restarting.phase, 'restarting');
    assert.match(restarting.detail ?? '', /^exit code 1; restarted 2 times; The model's weights do not fit in GPU memory/);
    assert.deepEqual(servicePhase({ status: status({ state: 'exited', exitCode: 137, oomKilled: true }) }), { phase: 'exited', detail: 'exit code 137; killed: out of memory' });
    const failed = servicePhase({ status: status({ health: 'starting' }), log: { ...LOADING, failure: OOM, state: 'failed' } });
    assert.equal(failed.phase, 'failed');
    assert.match(failed.detail ?? '', /do not fit in GPU memory/);
  });

  it('a container the engine could not start failed (not "creating" forever); a paused one is paused', () => {
    const gpuError = 'could not select device driver "nvidia" with capabilities: [[gpu]]';
    assert.deepEqual(servicePhase({ status: status({ state: 'created', error: gpuError }) }), { phase: 'failed', detail: `could not start: ${gpuError}` });
    assert.equal(failureReason('vllm', { status: status({ state: 'created', error: gpuError }) }, { crashLoopRestarts: 2 }), `vllm could not start: ${gpuError}`);
    assert.equal(servicePhase({ status: status({ state: 'paused', health: 'healthy' }) }).phase, 'paused');
  });
});

describe('representativeReplica (scaled services)', () => {
  const phaseOf = (s: ServiceStatus) => servicePhase({ status: s, restarts: false }).phase;
  const a = status({ containerId: 'a', replica: 1, health: 'healthy' });
  const b = status({ containerId: 'b', replica: 2, health: 'starting' });
  const c = status({ containerId: 'c', replica: 3, state: 'exited', exitCode: 1 });

  it('the replica furthest behind stands for the service: healthy only when every replica is', () => {
    assert.equal(representativeReplica([a, b], phaseOf)?.containerId, 'b');
    assert.equal(phaseOf(representativeReplica([a, b], phaseOf)!), 'starting');
    assert.equal(representativeReplica([a, { ...b, health: 'healthy' }], phaseOf)?.containerId, 'a');
  });

  it('a replica in trouble comes first, so a failure is not hidden behind a healthy one', () => {
    assert.equal(representativeReplica([a, b, c], phaseOf)?.containerId, 'c');
    assert.equal(representativeReplica([], phaseOf), undefined);
  });
});

describe('failureReason', () => {
  const rules = { crashLoopRestarts: 2 };
  it('names the service and the cause', () => {
    assert.equal(failureReason('vllm', {}, rules), undefined);
    assert.equal(failureReason('vllm', { status: status({ health: 'starting', restartCount: 1 }) }, rules), undefined);
    assert.match(failureReason('vllm', { status: status({ state: 'restarting', restartCount: 2, exitCode: 1 }), lastFatal: OOM }, rules) ?? '',
      /^vllm is crash-looping: restarted 2 times \(exit code 1\): The model's weights do not fit/);
    assert.equal(failureReason('vllm', { status: status({ state: 'exited', exitCode: 0 }) }, rules), 'vllm exited (exit code 0)');
    assert.equal(failureReason('vllm', { status: status({ health: 'unhealthy', lastHealthOutput: 'HTTP 503' }) }, rules), 'vllm is unhealthy: HTTP 503');
    assert.match(failureReason('vllm', { status: status({ health: 'starting' }), log: { ...LOADING, state: 'failed', failure: OOM } }, rules) ?? '', /^vllm failed: The model's weights/);
    assert.equal(failureReason('vllm', { status: status({ health: 'healthy', restartCount: 5 }) }, rules), undefined, 'healthy after restarts is not failing');
    assert.equal(failureReason('vllm', { restarts: true, status: status({ health: 'starting' }), log: { ...LOADING, state: 'failed', failure: OOM } }, rules), undefined,
      'with a restart policy a logged fatal error waits for the crash-loop count');
  });
  it('restartsOnFailure reads compose\'s restart values', () => {
    assert.deepEqual(['always', 'unless-stopped', 'on-failure', 'on-failure:3', 'no', undefined].map((r) => restartsOnFailure(r)), [true, true, true, true, false, false]);
  });
});

describe('cold start and readiness', () => {
  it('allReady: every service healthy or running', () => {
    assert.equal(allReady([]), false);
    assert.equal(allReady([{ service: 'a', phase: 'healthy', elapsedMs: 0 }, { service: 'b', phase: 'running', elapsedMs: 0 }]), true);
    assert.equal(allReady([{ service: 'a', phase: 'healthy', elapsedMs: 0 }, { service: 'b', phase: 'loading', elapsedMs: 0 }]), false);
  });
  it('ownPortsOf: the running containers\' published ports', () => {
    const ports = ownPortsOf([
      status({ ports: [{ hostIp: '0.0.0.0', hostPort: 8000, containerPort: 8000, protocol: 'tcp' }] }),
      status({ state: 'exited', ports: [{ hostIp: '0.0.0.0', hostPort: 9000, containerPort: 9000, protocol: 'tcp' }] }),
    ]);
    assert.deepEqual([...ports], ['8000/tcp']);
  });
  it('trackerEngine: engines with known startup lines, vLLM\'s for an unknown engine', () => {
    assert.equal(trackerEngine({ engine: 'vllm' }), 'vllm');
    assert.equal(trackerEngine({ engine: 'ollama' }), undefined);
    assert.equal(trackerEngine({ engine: 'tgi' }), 'tgi');
    assert.equal(trackerEngine({}), 'vllm', 'an engine the file does not reveal (a custom image) may be vLLM');
  });
});

describe('startStack pre-flight', () => {
  const plan: StackPlan = { file: '/p/s/compose.yaml', files: ['/p/s/compose.yaml'], project: 's', services: [{ name: 'vllm', isModelService: true, requestsGpu: true, bindMounts: [], publishedPorts: [], hasHealthcheck: true }] };
  const deps: PreflightDeps = {
    checkEngine: async () => ({ ok: true, info: { version: '20.10', runtimes: ['runc'], gpuCapable: false } }),
    findCompose: async () => ({ found: true, command: { argv: ['docker-compose'], version: '1.29.2', flavour: 'v1', source: 'detected' }, tried: [] }),
    nvidiaSmiAvailable: async () => false,
    pathExists: async () => true,
    portInUse: async () => false,
    ownPorts: new Set(),
  };
  const noRun: RunCommand = async () => { throw new Error('compose must not run when blocked'); };
  const noDocker = {} as DockerConnection;

  it('a warning blocks until the person accepts it; a blocker always blocks', async () => {
    const out = await startStack({ plan, connection: noDocker, compose: { argv: ['docker-compose'] }, run: noRun, preflight: deps, onProgress: () => undefined });
    assert.equal(out.kind, 'blocked');
    assert.deepEqual(out.kind === 'blocked' ? out.issues.map((i) => i.id) : [], ['gpu-runtime-missing']);
    const blocker = await startStack({
      plan, connection: noDocker, compose: { argv: ['docker-compose'] }, run: noRun, acceptWarnings: true, onProgress: () => undefined,
      preflight: { ...deps, checkEngine: async () => ({ ok: false, problem: { id: 'daemon-down', title: 'Docker is not running at unix:///x', steps: [] } }) },
    });
    assert.equal(blocker.kind, 'blocked');
  });
});
