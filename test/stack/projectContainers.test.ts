// serviceStatusFromInspect on `docker inspect` answers RECORDED from the real engine (dockerd 20.10.24, API 1.41) by
// test/stack/fixtures/docker/record.mjs: a healthy stand-in whose health check prints a (fake) HF token, a
// crash-looping one (restart: always, then stopped), an unhealthy one, one created and never started.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type Dockerode from 'dockerode';
import { COMPOSE_LABELS, compareServices, engineTime, publishedPorts, serviceStatusFromInspect } from '../../client/src/stack/docker/projectContainers';

const dir = join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'docker');
const inspect = (name: string): Dockerode.ContainerInspectInfo => JSON.parse(readFileSync(join(dir, `inspect-${name}.json`), 'utf8'));

describe('serviceStatusFromInspect (recorded inspect)', () => {
  it('a healthy service: state, health, last health output masked, ports, start time', () => {
    const raw = inspect('vllm');
    const s = serviceStatusFromInspect(raw);
    assert.equal(s.service, 'vllm');
    assert.equal(s.replica, 1);
    assert.equal(s.containerName, 'istest-d1-record-vllm-1');
    assert.equal(s.containerId, raw.Id);
    assert.equal(s.image, 'inference-stack/vllm-standin:test');
    assert.equal(s.state, 'running');
    assert.equal(s.health, 'healthy');
    assert.equal(s.lastHealthExitCode, 0);
    // The recorded output holds the fake token in clear; the view must not.
    assert.ok(JSON.stringify(raw).includes('hf_FakeFake'));
    assert.equal(s.lastHealthOutput, 'checked with token hf_****');
    assert.deepEqual(s.ports, [{ hostIp: '127.0.0.1', hostPort: Number(raw.NetworkSettings.Ports['8000/tcp']![0]!.HostPort), containerPort: 8000, protocol: 'tcp' }]);
    assert.equal(s.startedAt, Date.parse(raw.State.StartedAt));
    assert.equal(s.restartCount, 0);
    // Running after a `docker restart`: the previous run's exit code is not news.
    assert.equal(s.exitCode, undefined);
    assert.equal(s.error, undefined);
  });

  it('a crash-looping service shows its restarts and exit code', () => {
    const s = serviceStatusFromInspect(inspect('crashy'));
    assert.equal(s.state, 'exited');
    assert.equal(s.health, undefined);
    assert.ok(s.restartCount >= 2, `restartCount ${s.restartCount}`);
    assert.equal(s.exitCode, 1);
    assert.ok(s.finishedAt! >= s.startedAt!);
    assert.deepEqual(s.ports, []);
  });

  it('an unhealthy service keeps the failing check\'s exit code', () => {
    const s = serviceStatusFromInspect(inspect('sick'));
    assert.equal(s.state, 'running');
    assert.equal(s.health, 'unhealthy');
    assert.equal(s.lastHealthExitCode, 1);
    assert.equal(s.lastHealthOutput, '');
    // Exposed but not published: no port to show.
    assert.deepEqual(s.ports, []);
  });

  it('a container never started has no times and no exit code', () => {
    const s = serviceStatusFromInspect(inspect('idle'));
    assert.equal(s.state, 'created');
    assert.equal(s.startedAt, undefined);
    assert.equal(s.finishedAt, undefined);
    assert.equal(s.exitCode, undefined);
  });

  it('masks the engine error and caps a long health output', () => {
    const raw = inspect('sick');
    raw.State.Error = 'failed: --api-key sk-abcdefghijklmnopqrstuvwxyz0123';
    (raw.State.Health as unknown as { Log: { Output: string; ExitCode: number }[] }).Log.push({ Output: 'x'.repeat(5000) + ' HF_TOKEN=abc', ExitCode: 1 });
    const s = serviceStatusFromInspect(raw);
    assert.equal(s.error, 'failed: --api-key sk-****');
    assert.ok(s.lastHealthOutput!.length <= 1010);
    assert.ok(s.lastHealthOutput!.endsWith('HF_TOKEN=****'));
  });
});

describe('projectContainers helpers', () => {
  it('labels are compose\'s', () => {
    const list = JSON.parse(readFileSync(join(dir, 'list.json'), 'utf8')) as Dockerode.ContainerInfo[];
    for (const c of list) {
      assert.equal(c.Labels[COMPOSE_LABELS.project], 'istest-d1-record');
      assert.ok(c.Labels[COMPOSE_LABELS.service]);
      assert.ok(c.Labels[COMPOSE_LABELS.containerNumber]);
      assert.ok(c.Labels[COMPOSE_LABELS.oneoff]);
    }
  });

  it('engineTime: zero time is undefined', () => {
    assert.equal(engineTime('0001-01-01T00:00:00Z'), undefined);
    assert.equal(engineTime(undefined), undefined);
    assert.equal(engineTime('2026-11-27T06:36:55.652833301Z'), Date.parse('2026-11-27T06:36:55.652Z'));
  });

  it('publishedPorts: IPv4 and IPv6 bindings, udp, unpublished ports skipped', () => {
    assert.deepEqual(publishedPorts({
      '9000/udp': [{ HostIp: '0.0.0.0', HostPort: '9000' }],
      '8000/tcp': [{ HostIp: '0.0.0.0', HostPort: '8000' }, { HostIp: '::', HostPort: '8000' }],
      '8001/tcp': null,
    }), [
      { hostIp: '0.0.0.0', hostPort: 8000, containerPort: 8000, protocol: 'tcp' },
      { hostIp: '::', hostPort: 8000, containerPort: 8000, protocol: 'tcp' },
      { hostIp: '0.0.0.0', hostPort: 9000, containerPort: 9000, protocol: 'udp' },
    ]);
  });

  it('sorts by service then replica', () => {
    const mk = (service: string, replica: number) => ({ service, replica, containerName: `${service}-${replica}` }) as never;
    const sorted = [mk('web', 1), mk('vllm', 2), mk('vllm', 10), mk('vllm', 1)].sort(compareServices);
    assert.deepEqual(sorted.map((s: { containerName: string }) => s.containerName), ['vllm-1', 'vllm-2', 'vllm-10', 'web-1']);
  });
});
