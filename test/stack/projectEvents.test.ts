// parseDockerEvent on the events stream RECORDED from the real engine (dockerd 20.10.24) by
// test/stack/fixtures/docker/record.mjs, and watchProject's reconnection against a scripted dockerode stand-in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type Dockerode from 'dockerode';
import { parseDockerEvent, watchProject, WATCHED_ACTIONS, type ProjectEvent } from '../../client/src/stack/docker/projectEvents';
import type { DockerProblem } from '../../client/src/stack/stackTypes';

const dir = join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'docker');
const recorded: unknown[] = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

describe('parseDockerEvent (recorded stream)', () => {
  const events = recorded.map(parseDockerEvent).filter((e): e is ProjectEvent => e !== undefined);

  it('every recorded container event parses, with service, id and an ms time from timeNano', () => {
    assert.equal(events.length, recorded.length);
    for (const [i, e] of events.entries()) {
      const raw = recorded[i] as { timeNano: number; Actor: { ID: string } };
      assert.equal(e.containerId, raw.Actor.ID);
      assert.ok(['vllm', 'crashy', 'sick', 'idle'].includes(e.service), e.service);
      assert.equal(e.project, 'istest-d1-record');
      // timeNano as JSON is a float64: ms precision survives.
      assert.ok(Math.abs(e.time - raw.timeNano / 1e6) < 1, `${e.time} vs ${raw.timeNano}`);
    }
  });

  it('health_status carries the health; die carries the exit code', () => {
    const health = events.filter((e) => e.action === 'health_status').map((e) => `${e.service}:${e.health}`);
    assert.ok(health.includes('vllm:healthy'));
    assert.ok(health.includes('sick:unhealthy'));
    const crashDies = events.filter((e) => e.action === 'die' && e.service === 'crashy');
    assert.ok(crashDies.length >= 3, `crashy died ${crashDies.length} times`);
    assert.ok(crashDies.every((e) => e.exitCode === 1));
    const crashStarts = events.filter((e) => e.action === 'start' && e.service === 'crashy');
    assert.ok(crashStarts.length >= 3);
  });

  it('exec events (every healthcheck run) are parsed to their bare action and are not watched', () => {
    const exec = events.filter((e) => e.action.startsWith('exec_'));
    assert.ok(exec.length > 0);
    assert.ok(exec.every((e) => !e.action.includes(' ')), 'the command (which may hold a token) is cut off');
    for (const a of ['exec_create', 'exec_start', 'exec_die']) assert.ok(!(WATCHED_ACTIONS as readonly string[]).includes(a));
  });

  it('non-container events and containers without a compose service give nothing', () => {
    assert.equal(parseDockerEvent({ Type: 'network', Action: 'connect', Actor: { ID: 'n', Attributes: {} }, time: 1 }), undefined);
    assert.equal(parseDockerEvent({ Type: 'container', Action: 'start', Actor: { ID: 'c', Attributes: { name: 'x' } }, time: 1 }), undefined);
    assert.equal(parseDockerEvent(null), undefined);
    assert.equal(parseDockerEvent('start'), undefined);
  });
});

/** A dockerode stand-in whose getEvents hands out streams the test controls (or fails). */
function fakeDocker() {
  const calls: { options: Dockerode.GetEventsOptions; stream?: PassThrough }[] = [];
  let failNext = 0;
  const waiters: (() => void)[] = [];
  const docker = {
    modem: { socketPath: '/var/run/docker.sock' },
    getEvents(options: Dockerode.GetEventsOptions) {
      const call: (typeof calls)[number] = { options };
      calls.push(call);
      waiters.splice(0).forEach((w) => w());
      if (failNext > 0) {
        failNext--;
        return Promise.reject(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }));
      }
      call.stream = new PassThrough();
      return Promise.resolve(call.stream);
    },
  };
  return {
    docker: docker as unknown as Dockerode,
    calls,
    failNext(n: number) { failNext = n; },
    async nextCall(count: number): Promise<void> {
      while (calls.length < count) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

const ev = (action: string, service: string, nano: bigint) =>
  JSON.stringify({ Type: 'container', Action: action, Actor: { ID: `id-${service}`, Attributes: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': service } }, time: Number(nano / 1_000_000_000n), timeNano: String(nano) }) + '\n';

describe('watchProject', () => {
  it('filters by project label and watched actions; delivers events split across chunks', async () => {
    const f = fakeDocker();
    const got: ProjectEvent[] = [];
    const w = watchProject(f.docker, 'p', { onEvent: (e) => got.push(e) });
    await f.nextCall(1);
    await new Promise((r) => setImmediate(r));
    const filters = f.calls[0]!.options.filters as { label: string[]; event: string[]; type: string[] };
    assert.deepEqual(filters.label, ['com.docker.compose.project=p']);
    assert.deepEqual(filters.type, ['container']);
    assert.ok(filters.event.includes('health_status') && filters.event.includes('die'));
    const text = ev('start', 'vllm', 1_000_000_000_000_000_000n) + ev('health_status: healthy', 'vllm', 1_000_000_001_000_000_000n);
    f.calls[0]!.stream!.write(text.slice(0, 50));
    f.calls[0]!.stream!.write(text.slice(50));
    assert.deepEqual(got.map((e) => [e.action, e.health]), [['start', undefined], ['health_status', 'healthy']]);
    w.dispose();
  });

  it('reconnects with backoff after the stream ends or the engine refuses, says so, and drops replayed events', async () => {
    const f = fakeDocker();
    const got: string[] = [];
    const problems: DockerProblem[] = [];
    let reconnected = 0;
    const w = watchProject(f.docker, 'p', {
      onEvent: (e) => got.push(`${e.action}@${e.service}`),
      onDisconnected: (p) => problems.push(p),
      onReconnected: () => reconnected++,
    }, { initialBackoffMs: 5, maxBackoffMs: 20 });
    await f.nextCall(1);
    await new Promise((r) => setImmediate(r));
    f.calls[0]!.stream!.write(ev('start', 'a', 5_000_000_000_500_000_000n));
    f.failNext(2);
    f.calls[0]!.stream!.end();
    await f.nextCall(4); // two refused, then a stream
    await new Promise((r) => setImmediate(r));
    assert.equal(problems.length, 1, 'one disconnection reported, not one per retry');
    assert.equal(problems[0]!.id, 'daemon-down');
    assert.match(problems[0]!.title, /unix:\/\/\/var\/run\/docker\.sock/);
    assert.equal(reconnected, 1);
    // It asks again from the last event's second, and drops what it had already delivered.
    assert.equal(f.calls[3]!.options.since, 5_000_000_000);
    f.calls[3]!.stream!.write(ev('start', 'a', 5_000_000_000_500_000_000n) + ev('die', 'a', 5_000_000_000_600_000_000n));
    assert.deepEqual(got, ['start@a', 'die@a']);
    w.dispose();
    const before = f.calls.length;
    f.calls[3]!.stream!.end();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(f.calls.length, before, 'no reconnection after dispose');
  });
});
