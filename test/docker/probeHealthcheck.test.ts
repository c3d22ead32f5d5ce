/**
 * "Write Accuracy Probe Healthcheck Script" with the Compose target, in a real container: a stock-vLLM-like image
 * (the stand-in with Debian's python3, as vllm/vllm-openai has python3), its curl healthcheck replaced through
 * composeProbeHealthcheckEdit by the probe script the command writes, started with startStack as "Start" does. A
 * right answer makes the service healthy; a wrong answer (HTTP 200 all the same) makes it unhealthy, with the
 * probe's own words as the health output the Services view shows. The Dockerfile target too: its curl HEALTHCHECK
 * replaced through probeHealthcheckEdit, the image built by `up` from the local base, healthy through the probe.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeProbeHealthcheckEdit } from '../../client/src/stack/probe/composeHealthcheckEdit';
import type { ComposeCommand } from '../../client/src/stack/process/composeCommand';
import { nodePreflightDeps } from '../../client/src/stack/runner/preflight';
import { DEFAULT_PROBE_CASES } from '../../client/src/stack/probe/probe';
import { probeHealthcheckEdit } from '../../client/src/stack/probe/healthcheckEdit';
import { buildProbeScript, composeHealthcheck, dockerfileHealthcheck } from '../../server/src/scaffold/probeScript';
import { runCommand } from '../../client/src/stack/process/processRunner';
import { listProjectServices } from '../../client/src/stack/docker/projectContainers';
import { startStack, stopStack } from '../../client/src/stack/runner/stackRunner';
import { planStack } from '../../server/src/compose/stackPlan';
import { cleanupProject, requireComposeCommand, requireEngine, uniqueProject, waitFor, type Engine } from './engine';

// As a person writes it for the stock image: a curl check (which this image could not even run).
const COMPOSE = `services:
  vllm:
    image: inference-stack/vllm-standin-python:test
    command: ["Qwen/Qwen3-0.6B", "--served-model-name", "qwen"]
    environment:
      STANDIN_LOAD_SECONDS: "1"
      STANDIN_MODE: "\${STANDIN_MODE:-ok}"
    restart: "no"
    healthcheck:
      test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
      interval: 30s
`;

describe('the accuracy probe as the healthcheck (Compose file and Dockerfile), in a real container', () => {
  let engine: Engine;
  let compose: ComposeCommand;
  const dirs: string[] = [];
  const projects: string[] = [];

  before(async () => {
    engine = await requireEngine({ images: ['standin-python'] });
    compose = await requireComposeCommand(engine);
  });
  after(async () => {
    for (const p of projects) assert.deepEqual(await cleanupProject(engine.docker, p), [], `cleanup of ${p}`);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** probe.py as the command writes it, into `dir`. */
  function writeProbe(dir: string): void {
    const script = buildProbeScript({ cases: [...DEFAULT_PROBE_CASES], url: 'http://localhost:8000', servedModelName: 'qwen', timeoutSeconds: 10 });
    assert.ok(script.ok);
    writeFileSync(join(dir, 'probe.py'), script.script);
  }

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'istest-probehc-'));
    dirs.push(dir);
    return dir;
  }

  /** The folder the command leaves: compose.yaml with the probe wired in, probe.py beside it. */
  function stackWithProbe(): string {
    const dir = tempDir();
    // Short timings so the test does not wait 30 s per check; the command's defaults differ only in numbers.
    const lines = composeHealthcheck({ interval: '2s', timeout: '20s', startPeriod: '4s', retries: 2 });
    const edit = composeProbeHealthcheckEdit(COMPOSE, 'vllm', lines);
    assert.ok(edit.ok, edit.ok ? '' : edit.reason);
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE.slice(0, edit.edit.start) + edit.edit.newText + COMPOSE.slice(edit.edit.end));
    writeProbe(dir);
    return join(dir, 'compose.yaml');
  }

  async function start(mode: 'ok' | 'wrong', file = stackWithProbe(), name = `d3-probehc-${mode}`) {
    const env = { ...process.env, STANDIN_MODE: mode };
    const plan = planStack(readFileSync(file, 'utf8'), file, { env });
    plan.project = uniqueProject(name);
    projects.push(plan.project);
    const outcome = await startStack({
      plan, connection: engine.connection, compose, run: runCommand, env,
      preflight: nodePreflightDeps(engine.connection, { env }),
      timeoutMs: 60_000, upTimeoutMs: 120_000, onProgress: () => undefined,
    });
    return { plan, env, outcome };
  }

  it('a right answer: the service turns healthy through the probe, which printed its pass', async () => {
    const { plan, env, outcome } = await start('ok');
    assert.equal(outcome.kind, 'ready', JSON.stringify(outcome));
    const [vllm] = await listProjectServices(engine.docker, plan.project);
    assert.equal(vllm?.health, 'healthy');
    assert.equal(vllm?.lastHealthExitCode, 0);
    assert.match(vllm?.lastHealthOutput ?? '', /pass/i, `health output: ${vllm?.lastHealthOutput}`);
    const stop = await stopStack({ plan, connection: engine.connection, compose, run: runCommand, env });
    assert.ok(stop.ok, stop.verbatim);
  });

  it('a wrong answer with HTTP 200: unhealthy, and the health output says what the model answered', async () => {
    const { plan, outcome } = await start('wrong');
    assert.notEqual(outcome.kind, 'ready', 'a wrong answer must not pass as ready');
    const vllm = await waitFor('vllm unhealthy', async () => {
      const [s] = await listProjectServices(engine.docker, plan.project);
      return s?.health === 'unhealthy' ? s : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    assert.equal(vllm.lastHealthExitCode, 1);
    // e.g. probe FAIL 2 + 2 (25 ms, model qwen) [wrong-answer]: expected /\b(4|four)\b/i, the model answered "5"
    assert.match(vllm.lastHealthOutput ?? '', /FAIL 2 \+ 2 .*\[wrong-answer\].*the model answered "\d+"/, `health output: ${vllm.lastHealthOutput}`);
    if (outcome.kind === 'failed') assert.match(outcome.reason, /unhealthy/);
  });

  it('the Dockerfile path: the curl HEALTHCHECK replaced by COPY probe.py + HEALTHCHECK, built by `up`, turns healthy', async () => {
    const dir = tempDir();
    const dockerfile = 'FROM inference-stack/vllm-standin-python:test\nHEALTHCHECK --interval=30s --start-period=10s CMD curl -f http://localhost:8000/health || exit 1\n';
    const { edit, replaced } = probeHealthcheckEdit(dockerfile, dockerfileHealthcheck({ interval: '2s', timeout: '20s', startPeriod: '4s', retries: 2 }));
    assert.equal(replaced, true);
    writeFileSync(join(dir, 'Dockerfile'), dockerfile.slice(0, edit.start) + edit.newText + dockerfile.slice(edit.end));
    writeProbe(dir);
    const tag = `${uniqueProject('d3-probehc-image')}:test`;
    writeFileSync(join(dir, 'compose.yaml'), `services:\n  vllm:\n    build: .\n    image: ${tag}\n    command: ["Qwen/Qwen3-0.6B", "--served-model-name", "qwen"]\n    environment:\n      STANDIN_LOAD_SECONDS: "1"\n    restart: "no"\n`);
    try {
      const { plan, outcome } = await start('ok', join(dir, 'compose.yaml'), 'd3-probehc-build');
      assert.equal(outcome.kind, 'ready', JSON.stringify(outcome));
      const [vllm] = await listProjectServices(engine.docker, plan.project);
      assert.equal(vllm?.health, 'healthy');
      assert.match(vllm?.lastHealthOutput ?? '', /pass/i, `health output: ${vllm?.lastHealthOutput}`);
    } finally {
      await cleanupProject(engine.docker, projects[projects.length - 1]!);
      await engine.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
  });
});
