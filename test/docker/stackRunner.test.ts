/**
 * startStack / stopStack against the real engine, exactly as the Start / Stop commands call them: the plan from
 * planStack, the real pre-flight deps, the compose command findComposeCommand finds (v1 docker-compose here), and
 * processRunner's runCommand. Compose files: test/docker/stacks/. Every project is unique and removed afterwards.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planStack } from '../../server/src/compose/stackPlan';
import { boundedReader } from '../../server/src/compose/project';
import { planProject } from '../../server/src/compose/projectPlan';
import { upCommand, type ComposeCommand } from '../../client/src/stack/process/composeCommand';
import { ProjectObserver } from '../../client/src/stack/docker/projectObserver';
import { connectDocker, type DockerConnection } from '../../client/src/stack/docker/dockerApi';
import { applyEnv, nodeEndpointFs } from '../../client/src/stack/docker/dockerEndpoint';
import { nodePreflightDeps, findOnPath } from '../../client/src/stack/runner/preflight';
import { runCommand } from '../../client/src/stack/process/processRunner';
import { runProbe } from '../../client/src/stack/probe/probe';
import { withActiveProfiles } from '../../client/src/stack/runner/profiles';
import { restartService, startStack, stopStack } from '../../client/src/stack/runner/stackRunner';
import type { ServiceProgress, StartOutcome } from '../../client/src/stack/stackTypes';
import type { StackPlan } from '../../server/src/compose/stackPlanTypes';
import { cleanupProject, requireComposeCommand, requireEngine, REPO_ROOT, uniqueProject, waitFor, type Engine } from './engine';

const STACKS = join(REPO_ROOT, 'test', 'docker', 'stacks');
const LOAD_SECONDS = 3;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('startStack / stopStack against the Docker engine', () => {
  let engine: Engine;
  let compose: ComposeCommand;
  const projects: string[] = [];

  before(async () => {
    engine = await requireEngine({ images: ['standin'] });
    compose = await requireComposeCommand(engine);
  });
  after(async () => {
    for (const p of projects) {
      const failures = await cleanupProject(engine.docker, p);
      assert.deepEqual(failures, [], `cleanup of ${p}`);
    }
  });

  /** The plan for a fixture, under a fresh project name, with the test's variables. */
  function planFor(file: string, env: Record<string, string>): { plan: StackPlan; env: Record<string, string | undefined> } {
    const path = join(STACKS, file);
    const fullEnv = { ...process.env, ...env };
    const plan = planStack(readFileSync(path, 'utf8'), path, { env: fullEnv });
    assert.equal(plan.parseError, undefined);
    plan.project = uniqueProject(`d2-${file.replace(/\.yaml$/, '')}`);
    projects.push(plan.project);
    return { plan, env: fullEnv };
  }

  async function start(plan: StackPlan, env: Record<string, string | undefined>, more: { acceptWarnings?: boolean; connection?: DockerConnection; timeoutMs?: number; observer?: ProjectObserver } = {}): Promise<{ outcome: StartOutcome; progress: ServiceProgress[][]; output: string[] }> {
    const progress: ServiceProgress[][] = [];
    const output: string[] = [];
    const connection = more.connection ?? engine.connection;
    const outcome = await startStack({
      plan, connection, compose, run: runCommand, env,
      preflight: nodePreflightDeps(connection, { env }),
      ...(more.acceptWarnings ? { acceptWarnings: true } : {}),
      ...(more.observer ? { observer: more.observer } : {}),
      timeoutMs: more.timeoutMs ?? 60_000,
      upTimeoutMs: 120_000,
      onProgress: (s) => progress.push(s),
      onOutput: (l) => output.push(l),
    });
    return { outcome, progress, output };
  }

  it('starts a stand-in vLLM: loading, then healthy after the load delay; the probe passes; down keeps the volume', async () => {
    const port = await freePort();
    const { plan, env } = planFor('standin.yaml', { ISTEST_PORT: String(port), STANDIN_LOAD_SECONDS: String(LOAD_SECONDS) });
    assert.deepEqual(plan.services[0]!.publishedPorts, [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 8000, protocol: 'tcp' }]);
    // As in the extension: the Start follows the project through the views' observer, which hears the same cold start.
    const observer = new ProjectObserver(engine.connection, plan.project);
    const viewColdStarts: { service: string; seconds: number }[] = [];
    observer.subscribe({ onColdStart: (m) => viewColdStarts.push(m) });
    const { outcome, progress } = await start(plan, env, { observer }).finally(() => observer.dispose());
    assert.equal(outcome.kind, 'ready', JSON.stringify(outcome));
    if (outcome.kind !== 'ready') return;
    assert.deepEqual(viewColdStarts, [{ service: 'vllm', seconds: outcome.coldStarts.vllm }], 'one measurement, heard by the views and the Start');
    const phases = progress.map((p) => p[0]!.phase);
    assert.ok(phases.includes('loading'), `phases seen: ${phases.join(' ')}`);
    assert.equal(phases[phases.length - 1], 'healthy');
    assert.ok(phases.indexOf('loading') < phases.lastIndexOf('healthy'));
    const cold = outcome.coldStarts.vllm;
    assert.ok(cold !== undefined && cold >= LOAD_SECONDS && cold < LOAD_SECONDS + 20, `cold start ${cold} s for a ${LOAD_SECONDS} s load`);
    assert.equal(outcome.services[0]!.coldStartSeconds, cold);

    const probe = await runProbe({ baseUrl: `http://127.0.0.1:${port}`, servedModelName: plan.services[0]!.servedModelName!, timeoutMs: 10_000 });
    assert.equal(probe.pass, true, JSON.stringify(probe));
    assert.equal(probe.model, 'qwen');

    const stop = await stopStack({ plan, connection: engine.connection, compose, run: runCommand, env });
    assert.ok(stop.ok, stop.verbatim);
    const left = await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${plan.project}`] } });
    assert.deepEqual(left, [], 'down removed the containers');
    const volumes = await engine.docker.listVolumes({ filters: { label: [`com.docker.compose.project=${plan.project}`] } });
    assert.deepEqual((volumes.Volumes ?? []).map((v) => v.Name), [`${plan.project}_hf_cache`], 'down kept the named volume');
  });

  it('a Compose file with an override runs with its override: the container has the override\'s environment and port', async () => {
    const [basePort, port] = [await freePort(), await freePort()];
    const dir = join(STACKS, 'override');
    const env = { ...process.env, ISTEST_BASE_PORT: String(basePort), ISTEST_PORT: String(port) };
    // As the extension plans the chosen compose.yaml: its project, override included.
    const plan = planProject({ files: [join(dir, 'compose.yaml')], env, reader: boundedReader({ root: dir }) });
    assert.equal(plan.parseError, undefined);
    assert.deepEqual(plan.files, [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
    assert.deepEqual(plan.services[0]!.publishedPorts.map((p) => p.hostPort), [basePort, port]);
    plan.project = uniqueProject('d2-override');
    projects.push(plan.project);
    const { outcome, output } = await start(plan, env, { timeoutMs: 20_000 });
    assert.equal(outcome.kind, 'ready', `${JSON.stringify(outcome)}\n${output.join('\n')}`);

    const [container] = await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${plan.project}`] } });
    const inspected = await engine.docker.getContainer(container!.Id).inspect();
    const variables = inspected.Config.Env.filter((e) => /^(ISTEST_FROM|STANDIN_LOAD_SECONDS)=/.test(e)).sort();
    assert.deepEqual(variables, ['ISTEST_FROM=override', 'STANDIN_LOAD_SECONDS=1']);
    const published = (inspected.HostConfig.PortBindings?.['8000/tcp'] ?? []).map((b: { HostPort?: string }) => Number(b.HostPort)).sort((a: number, b: number) => a - b);
    assert.deepEqual(published, [basePort, port].sort((a, b) => a - b), 'the override\'s port is published');
    const labels = inspected.Config.Labels['com.docker.compose.project.config_files'];
    assert.equal(labels, `${join(dir, 'compose.yaml')},${join(dir, 'compose.override.yaml')}`, 'compose was given both files, in order');
    const probe = await runProbe({ baseUrl: `http://127.0.0.1:${port}`, servedModelName: 'qwen', timeoutMs: 10_000 });
    assert.equal(probe.pass, true, JSON.stringify(probe));

    const stop = await stopStack({ plan, connection: engine.connection, compose, run: runCommand, env });
    assert.ok(stop.ok, stop.verbatim);
    assert.deepEqual(await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${plan.project}`] } }), [], 'down (with both files) removed it');
  });

  it('profiles: the chosen variant starts and is waited for, the others stay off (no GPU warning); down removes the profiled containers', async () => {
    const port = await freePort();
    const { plan: planned, env } = planFor('profiles.yaml', { ISTEST_PORT: String(port) });
    assert.deepEqual(planned.declaredProfiles, ['cpu', 'gpu-nvidia']);
    const plan = withActiveProfiles(planned, ['cpu']);
    const { outcome, output } = await start(plan, env);
    assert.equal(outcome.kind, 'ready', `${JSON.stringify(outcome)}\n${output.join('\n')}`);
    if (outcome.kind !== 'ready') return;
    assert.deepEqual(outcome.services.map((s) => `${s.service}:${s.phase}`).sort(), ['vllm-cpu:healthy', 'web:running']);
    const running = await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${plan.project}`] } });
    assert.deepEqual(running.map((c) => c.Labels['com.docker.compose.service']).sort(), ['vllm-cpu', 'web'], 'only the cpu variant was created');
    const probe = await runProbe({ baseUrl: `http://127.0.0.1:${port}`, servedModelName: 'qwen', timeoutMs: 10_000 });
    assert.equal(probe.pass, true, JSON.stringify(probe));

    // Stop from a plan with no profile chosen (a window reopened before the choice): every profiled container goes.
    const stop = await stopStack({ plan: planned, connection: engine.connection, compose, run: runCommand, env });
    assert.ok(stop.ok, stop.verbatim);
    const left = await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${plan.project}`] } });
    assert.deepEqual(left.map((c) => c.Names[0]), [], 'down removed the profiled container too');
    const networks = await engine.docker.listNetworks({ filters: { label: [`com.docker.compose.project=${plan.project}`] } });
    assert.deepEqual(networks.map((n) => n.Name), [], 'and the network');
  });

  it('a stack started from a terminal (`compose up -d`): the followed events give its cold start', async () => {
    const port = await freePort();
    const { plan, env } = planFor('standin.yaml', { ISTEST_PORT: String(port), STANDIN_LOAD_SECONDS: String(LOAD_SECONDS) });
    // What the Services view does: follow the project through its observer, whose meter measures the cold start.
    const observer = new ProjectObserver(engine.connection, plan.project);
    const measured: { service: string; seconds: number }[] = [];
    const listings: string[][] = [];
    observer.subscribe({
      onColdStart: (m) => measured.push(m),
      onStatuses: (statuses) => listings.push(statuses.map((st) => `${st.service}:${st.health ?? st.state}`)),
    });
    try {
      const up = await runCommand(upCommand(compose, { files: [plan.file], project: plan.project }), { env: applyEnv(env, engine.connection.composeEnv), timeoutMs: 120_000 });
      assert.equal(up.exitCode, 0, up.stderr);
      const cold = await waitFor('the cold start from the events', () => measured.find((m) => m.service === 'vllm'), { timeoutMs: 60_000, intervalMs: 100 });
      assert.ok(cold.seconds >= LOAD_SECONDS && cold.seconds < LOAD_SECONDS + 20, `cold start ${cold.seconds} s for a ${LOAD_SECONDS} s load`);
      await waitFor('a listing with the service healthy', () => listings.some((l) => l.includes('vllm:healthy')), { timeoutMs: 10_000, intervalMs: 100 });
    } finally {
      observer.dispose();
    }
  });

  it('a scaled service is ready when every replica is healthy; its cold start is the slowest replica\'s', async () => {
    const { plan, env } = planFor('scaled.yaml', { STANDIN_LOAD_SECONDS: String(LOAD_SECONDS) });
    const { outcome, progress } = await start(plan, env);
    assert.equal(outcome.kind, 'ready', JSON.stringify(outcome));
    if (outcome.kind !== 'ready') return;
    const replicas = await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${plan.project}`] } });
    assert.equal(replicas.length, 2);
    const inspected = await Promise.all(replicas.map((c) => engine.docker.getContainer(c.Id).inspect()));
    assert.deepEqual(inspected.map((i) => i.State.Health?.Status), ['healthy', 'healthy'], 'ready means every replica is healthy');
    const slowest = Math.max(...inspected.map((i) => {
      const firstOk = i.State.Health!.Log.find((l) => l.ExitCode === 0)!;
      return (Date.parse(firstOk.End) - Date.parse(i.State.StartedAt)) / 1000;
    }));
    const cold = outcome.coldStarts.vllm!;
    assert.ok(cold >= LOAD_SECONDS && Math.abs(cold - slowest) < 1.5, `cold start ${cold} s; the slowest replica's first passing check ended ${slowest} s after its start`);
    assert.ok(progress.some((p) => p[0]!.phase === 'loading'), 'progress showed the load');
  });

  it('a wrong-answer server comes up healthy but fails the probe, with its answer shown', async () => {
    const port = await freePort();
    const { plan, env } = planFor('standin.yaml', { ISTEST_PORT: String(port), STANDIN_LOAD_SECONDS: '1', STANDIN_MODE: 'wrong' });
    const { outcome } = await start(plan, env);
    assert.equal(outcome.kind, 'ready', JSON.stringify(outcome));
    const probe = await runProbe({ baseUrl: `http://127.0.0.1:${port}`, servedModelName: 'qwen', timeoutMs: 10_000 });
    assert.equal(probe.pass, false);
    const failure = probe.results[0]!.failure;
    assert.equal(failure?.kind, 'wrong-answer');
    assert.ok(probe.results[0]!.answer && !/\b4\b/.test(probe.results[0]!.answer), `answer: ${probe.results[0]!.answer}`);
    assert.ok(failure && failure.message.includes(probe.results[0]!.answer!), failure?.message);
  });

  it('a crash-looping service ends failed, with its restarts counted and the logged cause', async () => {
    const { plan, env } = planFor('crashloop.yaml', {});
    const { outcome, progress } = await start(plan, env);
    assert.equal(outcome.kind, 'failed', JSON.stringify(outcome));
    if (outcome.kind !== 'failed') return;
    assert.match(outcome.reason, /^vllm is crash-looping: restarted ([2-9]|\d\d+) times \(exit code 1\): The model's weights do not fit in GPU memory/);
    assert.ok(progress.some((p) => p[0]!.phase === 'restarting' || p[0]!.phase === 'exited' || p[0]!.phase === 'failed'), 'progress showed the crash');
  });

  it('cancelling stops the waiting, not the stack; a re-start of the running stack is not blocked by its own port and times out while it loads; restartService restarts it', async () => {
    const port = await freePort();
    const { plan, env } = planFor('standin.yaml', { ISTEST_PORT: String(port), STANDIN_LOAD_SECONDS: '60' });
    const controller = new AbortController();
    const seen: string[] = [];
    const outcome = await startStack({
      plan, connection: engine.connection, compose, run: runCommand, env, preflight: nodePreflightDeps(engine.connection, { env }),
      signal: controller.signal, timeoutMs: 60_000,
      onProgress: (s) => {
        seen.push(s[0]!.phase);
        if (s[0]!.phase === 'loading') controller.abort();
      },
    });
    assert.equal(outcome.kind, 'cancelled', `${JSON.stringify(outcome)} after ${seen.join(' ')}`);
    const running = await engine.docker.listContainers({ filters: { label: [`com.docker.compose.project=${plan.project}`], status: ['running'] } });
    assert.equal(running.length, 1, 'the container keeps running after cancel');

    const again = await start(plan, env, { timeoutMs: 1500 });
    assert.equal(again.outcome.kind, 'timeout', JSON.stringify(again.outcome));
    if (again.outcome.kind === 'timeout') assert.equal(again.outcome.services[0]!.phase, 'loading');

    const before = running[0]!.Id;
    const startedBefore = (await engine.docker.getContainer(before).inspect()).State.StartedAt;
    const restarted = await restartService({ connection: engine.connection, project: plan.project, service: 'vllm', timeoutSeconds: 5 });
    assert.deepEqual(restarted, { ok: true, containerId: before });
    const after = (await engine.docker.getContainer(before).inspect()).State;
    assert.equal(after.Running, true);
    assert.notEqual(after.StartedAt, startedBefore, 'the container was started again');
    const missing = await restartService({ connection: engine.connection, project: plan.project, service: 'nope' });
    assert.equal(missing.ok, false);
  });

  it('a published port in use blocks the start, naming the service and the port', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    try {
      const port = (holder.address() as { port: number }).port;
      const { plan, env } = planFor('standin.yaml', { ISTEST_PORT: String(port) });
      const { outcome } = await start(plan, env);
      assert.equal(outcome.kind, 'blocked', JSON.stringify(outcome));
      if (outcome.kind !== 'blocked') return;
      assert.deepEqual(outcome.issues.map((i) => [i.id, i.service]), [['port-in-use', 'vllm']]);
      assert.match(outcome.issues[0]!.title, new RegExp(`port 127\\.0\\.0\\.1:${port} `));
      const containers = await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${plan.project}`] } });
      assert.deepEqual(containers, [], 'nothing was started');
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('a stopped daemon blocks the start with the docker-unreachable issue naming the endpoint', async () => {
    const env = { ...process.env, DOCKER_HOST: 'unix:///tmp/istest-no-daemon.sock' };
    const connected = connectDocker({ env, homedir: '/nonexistent', platform: process.platform, fs: nodeEndpointFs((p, e) => readFileSync(p, e)) });
    assert.ok(connected.ok);
    const { plan } = planFor('standin.yaml', {});
    const { outcome } = await start(plan, env, { connection: connected.connection });
    assert.equal(outcome.kind, 'blocked', JSON.stringify(outcome));
    if (outcome.kind !== 'blocked') return;
    const issue = outcome.issues.find((i) => i.id === 'docker-unreachable');
    assert.ok(issue, JSON.stringify(outcome.issues));
    assert.equal(issue.severity, 'blocker');
    assert.match(issue.title, /unix:\/\/\/tmp\/istest-no-daemon\.sock/);
  });

  it('a GPU reservation on this host: a warning first, then with Start anyway the explained compose error', async () => {
    assert.equal(await findOnPath('nvidia-smi'), undefined, 'this test expects a host without nvidia-smi');
    const { plan, env } = planFor('gpu.yaml', {});
    const first = await start(plan, env);
    assert.equal(first.outcome.kind, 'blocked', JSON.stringify(first.outcome));
    if (first.outcome.kind === 'blocked') assert.deepEqual(first.outcome.issues.map((i) => [i.id, i.severity]), [['gpu-runtime-missing', 'warning']]);
    const second = await start(plan, env, { acceptWarnings: true });
    assert.equal(second.outcome.kind, 'compose-error', JSON.stringify(second.outcome));
    if (second.outcome.kind !== 'compose-error') return;
    assert.match(second.outcome.verbatim, /could not select device driver "nvidia" with capabilities: \[\[gpu\]\]/);
    assert.equal(second.outcome.explanations[0]?.title, 'The Docker engine cannot give this container a GPU');
    assert.ok(second.output.some((l) => /could not select device driver/.test(l)), 'compose output was passed through');
  });
});
