// followServiceLogs against the real engine: the stand-in's vLLM startup log through dockerode, demux, masking and
// batching; reattach after `docker restart` and after the container is re-created, compared line by line with what
// `docker logs --timestamps` (the CLI) has for the same container.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type Dockerode from 'dockerode';
import { followServiceLogs, type FollowedLine, type LogFollow, type LogFollowStatus } from '../../client/src/stack/docker/containerLogs';
import { maskSecrets } from '../../client/src/stack/logs/mask';
import { stripAnsi } from '../../client/src/stack/logs/logLines';
import { cleanupProject, composeLabels, dockerCli, Inbox, requireEngine, STANDIN_IMAGE, uniqueProject } from './engine';

const TOKEN = 'hf_' + 'Abcd1234'.repeat(5);
// The stand-in, with two lines of our own first: the token on stdout, a warning on stderr.
const ENTRYPOINT = ['/node', '-e',
  "console.log('login with ' + process.env.HF_TOKEN); console.error('WARNING 11-27 06:00:00 [wrapper.py:1] stderr works');" +
  "process.argv.splice(1, 0, '/vllm-standin.mjs'); import('/vllm-standin.mjs');"];

/** What the CLI has for the container: per stream, "<docker time> <masked line>" for every line. */
function cliLines(id: string): { stdout: string[]; stderr: string[] } {
  const r = spawnSync('docker', ['logs', '--timestamps', id], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const split = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => {
    const sp = l.indexOf(' ');
    return `${l.slice(0, sp)} ${stripAnsi(maskSecrets(l.slice(sp + 1)))}`;
  });
  return { stdout: split(r.stdout), stderr: split(r.stderr) };
}

describe('followServiceLogs (real engine)', () => {
  let docker: Dockerode;
  const project = uniqueProject('d1-logs');
  const lines = new Inbox<FollowedLine>();
  const statuses = new Inbox<{ status: LogFollowStatus; detail?: string }>();
  let follow: LogFollow | undefined;
  let first: Dockerode.Container;

  const create = () => docker.createContainer({
    name: `${project}-vllm-${Date.now().toString(36)}`,
    Image: STANDIN_IMAGE,
    Entrypoint: ENTRYPOINT,
    Cmd: ['Qwen/Qwen3-0.6B', '--served-model-name', 'qwen', '--api-key', 'sk-' + 'k'.repeat(30)],
    Env: ['STANDIN_LOAD_SECONDS=0.5', `HF_TOKEN=${TOKEN}`],
    Labels: composeLabels(project, 'vllm'),
  });

  before(async () => {
    ({ docker } = await requireEngine());
    follow = followServiceLogs({
      docker, project, service: 'vllm',
      onLines: (batch) => batch.forEach(lines.push),
      onStatus: (status, detail) => statuses.push({ status, detail }),
    });
    // Nothing there yet: it waits, then attaches when the container starts (project events).
    await statuses.next('waiting', (s) => s.status === 'waiting', { timeoutMs: 20_000 });
    first = await create();
    await first.start();
  });

  after(async () => {
    follow?.dispose();
    if (docker) assert.deepEqual(await cleanupProject(docker, project), []);
  });

  const startupCount = () => lines.items.filter((l) => l.text === 'Application startup complete.').length;

  it('carries the vLLM startup milestones, parsed, from both streams', async () => {
    await statuses.next('attached', (s) => s.status === 'attached', { timeoutMs: 20_000 });
    await lines.next('startup complete', (l) => l.text === 'Application startup complete.', { timeoutMs: 30_000 });
    const loading = lines.items.find((l) => l.text.startsWith('Loading weights took'));
    assert.ok(loading, 'Loading weights milestone');
    assert.equal(loading.level, 'info');
    assert.equal(loading.process, 'EngineCore_DP0'); // vLLM loads weights in the engine core process
    assert.match(loading.source ?? '', /\.py:\d+$/);
    assert.ok(lines.items.some((l) => l.text.startsWith('Starting vLLM server on http://')));
    const warn = lines.items.find((l) => l.text === 'stderr works');
    assert.ok(warn);
    assert.equal(warn.stream, 'stderr');
    assert.equal(warn.level, 'warning');
    assert.ok(lines.items.every((l) => l.containerId === first.id && /^\d{4}-\d\d-\d\dT.*Z$/.test(l.dockerTime ?? '')));
  });

  it('masks the HF token and the API key the container prints', () => {
    const all = JSON.stringify(lines.items);
    assert.ok(!all.includes(TOKEN), 'the HF token is never in clear');
    assert.ok(!all.includes('k'.repeat(30)), 'the API key is never in clear');
    assert.ok(lines.items.some((l) => l.line === 'login with hf_****'));
  });

  it('reattaches after `docker restart` with no duplicated and no lost line', async () => {
    const mark = statuses.items.length;
    dockerCli(['restart', '-t', '5', first.id]);
    await statuses.next('reattached', (s) => s.status === 'reattached', { from: mark, timeoutMs: 30_000 });
    await lines.next('second startup', () => startupCount() === 2, { timeoutMs: 30_000 });
    // The first run's shutdown lines and the second run's startup, each once: exactly what the CLI has.
    const ours = { stdout: [] as string[], stderr: [] as string[] };
    for (const l of lines.items) ours[l.stream].push(`${l.dockerTime} ${l.line}`);
    const cli = cliLines(first.id);
    assert.deepEqual(ours.stdout, cli.stdout);
    assert.deepEqual(ours.stderr, cli.stderr);
    assert.equal(new Set(ours.stdout).size, ours.stdout.length, 'no line twice');
    assert.equal(lines.items.filter((l) => l.text === 'Application shutdown complete.').length, 1);
    assert.equal(follow!.droppedLines, 0);
  });

  it('follows the new container when the service is re-created', async () => {
    const mark = statuses.items.length;
    const from = lines.items.length;
    await first.remove({ force: true });
    const second = await create();
    await second.start();
    await statuses.next('reattached to the new container', (s) => s.status === 'reattached', { from: mark, timeoutMs: 30_000 });
    await lines.next('startup of the new container', (l) => l.containerId === second.id && l.text === 'Application startup complete.', { from, timeoutMs: 30_000 });
    const fresh = lines.items.slice(from).filter((l) => l.containerId === second.id);
    assert.equal(fresh[0]!.line, 'login with hf_****', 'from its first line on');
    assert.equal(follow!.containerId, second.id);
  });
});
