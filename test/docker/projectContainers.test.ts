// listProjectServices, findServiceContainer and watchProject against the real engine, with stand-in containers
// labelled as compose labels them (what `docker-compose up` would create).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Dockerode from 'dockerode';
import { findServiceContainer, listProjectServices } from '../../client/src/stack/docker/projectContainers';
import { watchProject, type ProjectEvent, type ProjectWatch } from '../../client/src/stack/docker/projectEvents';
import { cleanupProject, composeLabels, Inbox, requireEngine, STANDIN_IMAGE, uniqueProject, waitFor } from './engine';

const s = (n: number) => Math.round(n * 1e9);
const HEALTH = ['CMD', '/node', '-e', "fetch('http://127.0.0.1:8000/health').then(r=>{console.log('health '+r.status);process.exit(r.ok?0:1)},()=>process.exit(1))"];

describe('a Compose project on the real engine', () => {
  let docker: Dockerode;
  const project = uniqueProject('d1-state');
  const events = new Inbox<ProjectEvent>();
  let watch: ProjectWatch | undefined;
  const ids: Record<string, string> = {};

  before(async () => {
    ({ docker } = await requireEngine());
    // The stream connects asynchronously: without `since` a start that wins the race is never seen (CI 43f845f
    // timed out waiting for it). The engine replays from `since`, as the views' watch does after a relist.
    watch = watchProject(docker, project, { onEvent: events.push }, { since: Date.now() - 2000 });
    const make = async (name: string, service: string, env: string[], extra: Partial<Dockerode.ContainerCreateOptions> = {}, labels = composeLabels(project, service)) => {
      const c = await docker.createContainer({ name: `${project}-${name}`, Image: STANDIN_IMAGE, Cmd: ['Qwen/Qwen3-0.6B'], Env: env, Labels: labels, ...extra });
      ids[name] = c.id;
      return c;
    };
    const vllm = await make('vllm-1', 'vllm', ['STANDIN_LOAD_SECONDS=1'], {
      ExposedPorts: { '8000/tcp': {} },
      Healthcheck: { Test: HEALTH, Interval: s(0.5), Timeout: s(3), Retries: 3, StartPeriod: s(30) },
      HostConfig: { PortBindings: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    const crashy = await make('crashy-1', 'crashy', ['STANDIN_MODE=crash', 'STANDIN_LOAD_SECONDS=0.4'], { HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 0 } } });
    await make('vllm-run-1', 'vllm', ['STANDIN_LOAD_SECONDS=0.2'], {}, { ...composeLabels(project, 'vllm'), 'com.docker.compose.oneoff': 'True' });
    await Promise.all([vllm.start(), crashy.start()]);
  });

  after(async () => {
    watch?.dispose();
    if (docker) {
      const failures = await cleanupProject(docker, project);
      assert.deepEqual(failures, []);
    }
  });

  it('lists the services with state, health, the last health output, ports; `compose run` containers left out', async () => {
    const vllm = await waitFor('vllm healthy', async () => {
      const list = await listProjectServices(docker, project);
      const v = list.find((x) => x.service === 'vllm');
      return v?.health === 'healthy' ? { list, v } : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    assert.deepEqual(vllm.list.map((x) => x.service), ['crashy', 'vllm']);
    assert.equal(vllm.v.containerId, ids['vllm-1']);
    assert.equal(vllm.v.state, 'running');
    assert.equal(vllm.v.lastHealthOutput, 'health 200');
    assert.equal(vllm.v.lastHealthExitCode, 0);
    assert.equal(vllm.v.ports.length, 1);
    assert.equal(vllm.v.ports[0]!.containerPort, 8000);
    assert.equal(vllm.v.ports[0]!.hostIp, '127.0.0.1');
    assert.ok(vllm.v.ports[0]!.hostPort > 0);
    assert.ok(vllm.v.startedAt! <= Date.now());
    assert.equal(await findServiceContainer(docker, project, 'vllm'), ids['vllm-1']);
    assert.equal(await findServiceContainer(docker, project, 'nope'), undefined);
  });

  it('a crash-looping service shows its restarts', async () => {
    const crashy = await waitFor('crashy restarted twice', async () => {
      const c = (await listProjectServices(docker, project)).find((x) => x.service === 'crashy');
      return c && c.restartCount >= 2 ? c : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    assert.ok(['running', 'restarting', 'exited'].includes(crashy.state), crashy.state);
  });

  it('events arrive for start, health_status and die (with the exit code)', async () => {
    const start = await events.next('vllm start', (e) => e.service === 'vllm' && e.action === 'start');
    assert.equal(start.containerId, ids['vllm-1']);
    const healthy = await events.next('vllm healthy', (e) => e.service === 'vllm' && e.action === 'health_status' && e.health === 'healthy', { timeoutMs: 60_000 });
    assert.ok(healthy.time >= start.time);
    const die = await events.next('crashy die', (e) => e.service === 'crashy' && e.action === 'die', { timeoutMs: 60_000 });
    assert.equal(die.exitCode, 1);
    // Only this project's containers, and never the one-off's (it was not started) or exec noise.
    assert.ok(events.items.every((e) => e.project === project && !e.action.startsWith('exec_')));
  });
});
