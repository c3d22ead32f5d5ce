/**
 * Pre-flight against the real engine's CPUs (docker info NCPU), and the engine's own refusal it stands in for: a
 * service with `cpus: "64"` (more than this host's CPUs) is blocked before `up`, naming the engine's CPU count; with
 * pre-flight skipped, Compose fails on the engine's message that pre-flight quotes. Also the image look-ups pre-flight
 * makes (dockerApi.ts imageOnEngine, registryAnswer) against the engine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { imageOnEngine, registryAnswer } from '../../client/src/stack/docker/dockerApi';
import type { ComposeCommand } from '../../client/src/stack/process/composeCommand';
import { runCommand } from '../../client/src/stack/process/processRunner';
import { nodePreflightDeps } from '../../client/src/stack/runner/preflight';
import { startStack } from '../../client/src/stack/runner/stackRunner';
import { planStack } from '../../server/src/compose/stackPlan';
import type { StackPlan } from '../../server/src/compose/stackPlanTypes';
import { cleanupProject, requireComposeCommand, requireEngine, REPO_ROOT, STANDIN_IMAGE, uniqueProject, type Engine } from './engine';

const FILE = join(REPO_ROOT, 'test', 'docker', 'stacks', 'cpus-above-engine.yaml');

describe('pre-flight against the Docker engine\'s CPUs', () => {
  let engine: Engine;
  let compose: ComposeCommand;
  let ncpu: number;
  const projects: string[] = [];

  before(async () => {
    engine = await requireEngine({ images: ['standin'] });
    compose = await requireComposeCommand(engine);
    ncpu = ((await engine.docker.info()) as { NCPU: number }).NCPU;
    assert.ok(ncpu < 64, `this test needs an engine with fewer than 64 CPUs (it has ${ncpu})`);
  });
  after(async () => {
    for (const p of projects) assert.deepEqual(await cleanupProject(engine.docker, p), [], `cleanup of ${p}`);
  });

  function plan(): StackPlan {
    const p = planStack(readFileSync(FILE, 'utf8'), FILE, { env: process.env });
    assert.equal(p.parseError, undefined);
    p.project = uniqueProject('preflight-cpus');
    projects.push(p.project);
    return p;
  }

  const start = (p: StackPlan, preflight: 'real' | 'skip') => startStack({
    plan: p, connection: engine.connection, compose, run: runCommand, env: process.env,
    preflight: preflight === 'skip' ? 'skip' : nodePreflightDeps(engine.connection, { env: process.env }),
    timeoutMs: 30_000, upTimeoutMs: 120_000, onProgress: () => undefined, onOutput: () => undefined,
  });

  it('blocks before `up`, naming the service, the value and the engine\'s CPU count; no container is created', async () => {
    const p = plan();
    const outcome = await start(p, 'real');
    assert.equal(outcome.kind, 'blocked', JSON.stringify(outcome));
    if (outcome.kind !== 'blocked') return;
    const issue = outcome.issues.find((i) => i.id === 'resource-limit-refused');
    assert.ok(issue, JSON.stringify(outcome.issues));
    assert.equal(issue.severity, 'blocker');
    assert.equal(issue.service, 'vllm');
    assert.equal(issue.title, `vllm asks for 64 CPUs (deploy.resources.limits.cpus: 64), but the Docker engine has ${ncpu} CPU${ncpu === 1 ? '' : 's'}`);
    const containers = await engine.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${p.project}`] } });
    assert.deepEqual(containers, [], 'up never ran');
  });

  it('without pre-flight, Compose fails on the engine\'s refusal, which pre-flight quotes word for word', async () => {
    const p = plan();
    const pre = await start(plan(), 'real');
    const quoted = pre.kind === 'blocked' ? /"(Range of CPUs[^"]+)"/.exec(pre.issues[0]!.steps[0]!)?.[1] : undefined;
    assert.ok(quoted, JSON.stringify(pre));
    const outcome = await start(p, 'skip');
    assert.equal(outcome.kind, 'compose-error', JSON.stringify(outcome));
    if (outcome.kind !== 'compose-error') return;
    assert.ok(outcome.verbatim.includes(quoted), `compose said:\n${outcome.verbatim}\npre-flight quoted: ${quoted}`);
  });

  it('the image look-ups: an image the engine has, one it lacks; the registry look-up answers or gives up in time', async () => {
    assert.equal(await imageOnEngine(engine.connection, STANDIN_IMAGE), true);
    assert.equal(await imageOnEngine(engine.connection, 'inference-stack/not-built-here:none'), false);
    const t0 = Date.now();
    const answer = await registryAnswer(engine.connection, 'inference-stack/not-built-here:none', 3000);
    assert.ok(Date.now() - t0 < 5000, 'bounded by its timeout');
    // No registry answers here ("no such host"); one that does refuses an image nobody published.
    if (answer) assert.equal(answer.ok, false, JSON.stringify(answer));
  });
});
