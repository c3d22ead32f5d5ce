/**
 * Pre-flight against the engine's CPUs and memory (resourceCheck.ts): the plan's resources as Compose applies them
 * (compose/resourcePlan.ts), and what the engine refuses (found with dockerd 20.10 on a 2-CPU host: the messages
 * quoted are its own).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { engineInfoFromDockerInfo } from '../../client/src/stack/docker/dockerApi';
import { runPreflight, type PreflightDeps } from '../../client/src/stack/runner/preflight';
import { resourceIssues } from '../../client/src/stack/runner/resourceCheck';
import type { EngineInfo } from '../../client/src/stack/stackTypes';
import { cpusetSize } from '../../server/src/compose/resourcePlan';
import { planStack } from '../../server/src/compose/stackPlan';

const GIB = 1024 ** 3;
/** The engine of test/stack/fixtures/docker/engine.json: NCPU 2, MemTotal 25276502016 (23.54 GiB). */
const recorded = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'docker', 'engine.json'), 'utf8'));
const ENGINE: EngineInfo = engineInfoFromDockerInfo(recorded.info);

const planOf = (services: string, env: Record<string, string> = {}) => planStack(`services:\n${services}`, '/p/s/compose.yaml', { env });

function deps(info: EngineInfo = ENGINE): PreflightDeps {
  return {
    checkEngine: async () => ({ ok: true, info }),
    findCompose: async () => ({ found: true, command: { argv: ['docker-compose'], version: '1.29.2', flavour: 'v1', source: 'detected' }, tried: [] }),
    nvidiaSmiAvailable: async () => false,
    pathExists: async () => true,
    portInUse: async () => false,
  };
}

describe('the engine\'s CPUs and memory', () => {
  it('docker info NCPU and MemTotal become the engine\'s cpus and memoryBytes', () => {
    assert.equal(ENGINE.cpus, 2);
    assert.equal(ENGINE.memoryBytes, 25276502016);
    assert.equal(engineInfoFromDockerInfo({ ServerVersion: '27.0' }).cpus, undefined);
  });
});

describe('the plan\'s resources, as Compose applies them', () => {
  it('deploy.resources.limits wins over the legacy keys; each value keeps the key and text it was written with', () => {
    const plan = planOf([
      '  a:',
      '    image: x',
      '    cpus: 0.5',
      '    mem_reservation: 1gb',
      '    cpuset: "0-3,6"',
      '    deploy:',
      '      resources:',
      '        limits:',
      '          cpus: "${CPUS}"',
      '          memory: 64G',
      '  b:',
      '    image: x',
      '    cpus: 8',
      '    mem_limit: 32g',
      '  c:',
      '    image: x',
      '',
    ].join('\n'), { CPUS: '8' });
    const [a, b, c] = plan.services;
    assert.deepEqual(a!.resources, {
      cpus: { value: 8, text: '8', key: 'deploy.resources.limits.cpus' },
      memoryLimit: { value: 64 * GIB, text: '64G', key: 'deploy.resources.limits.memory' },
      memoryReservation: { value: GIB, text: '1gb', key: 'mem_reservation' },
      cpuset: { value: 5, text: '0-3,6', key: 'cpuset' },
    });
    assert.deepEqual(b!.resources, { cpus: { value: 8, text: '8', key: 'cpus' }, memoryLimit: { value: 32 * GIB, text: '32g', key: 'mem_limit' } });
    assert.equal(c!.resources, undefined);
  });

  it('cpusetSize counts the CPUs a cpuset names', () => {
    assert.equal(cpusetSize('0-3'), 4);
    assert.equal(cpusetSize('0,2, 4-5'), 4);
    assert.equal(cpusetSize('1-0'), undefined);
    assert.equal(cpusetSize('all'), undefined);
  });
});

describe('resourceIssues', () => {
  it('a CPU limit above the engine\'s CPUs: a blocker with the service, the value, the engine\'s count and its refusal', () => {
    const plan = planOf('  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    deploy:\n      resources:\n        limits:\n          cpus: "8"\n          memory: 16g\n');
    const issues = resourceIssues(plan, ENGINE);
    assert.equal(issues.length, 1);
    const [i] = issues;
    assert.equal(i!.id, 'resource-limit-refused');
    assert.equal(i!.severity, 'blocker');
    assert.equal(i!.service, 'vllm');
    assert.equal(i!.title, 'vllm asks for 8 CPUs (deploy.resources.limits.cpus: 8), but the Docker engine has 2 CPUs');
    assert.match(i!.steps[0]!, /"Range of CPUs is from 0\.01 to 2\.00, as there are only 2 CPUs available"/);
    assert.match(i!.steps[1]!, /Lower deploy\.resources\.limits\.cpus to 2 or less/);
    assert.deepEqual(i!.actions, ['open-file', 'retry']);
  });

  it('as many CPUs as the engine has, replicas included, is accepted (the engine does not add replicas up)', () => {
    const plan = planOf('  a:\n    image: x\n    cpus: 2\n    deploy:\n      replicas: 3\n');
    assert.deepEqual(resourceIssues(plan, ENGINE), []);
  });

  it('a cpuset naming more CPUs than the engine has: a blocker', () => {
    const issues = resourceIssues(planOf('  a:\n    image: x\n    cpuset: "0-3"\n'), ENGINE);
    assert.deepEqual(issues.map((i) => [i.severity, i.title]), [['blocker', 'a pins 4 CPUs (cpuset: "0-3"), but the Docker engine has 2 CPUs']]);
    assert.match(issues[0]!.steps[0]!, /Requested CPUs are not available - requested 0-3/);
    assert.deepEqual(resourceIssues(planOf('  a:\n    image: x\n    cpuset: "1"\n'), ENGINE), []);
  });

  it('memory the engine refuses whatever it has: under 6 MiB, or below the reservation', () => {
    const tiny = resourceIssues(planOf('  a:\n    image: x\n    mem_limit: 4m\n'), undefined);
    assert.deepEqual(tiny.map((i) => [i.id, i.severity]), [['resource-limit-refused', 'blocker']]);
    assert.match(tiny[0]!.steps[0]!, /"Minimum memory limit allowed is 6MB"/);
    const below = resourceIssues(planOf('  a:\n    image: x\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n        reservations:\n          memory: 2g\n'), ENGINE);
    assert.deepEqual(below.map((i) => i.title), ['a\'s memory limit (deploy.resources.limits.memory: 1g) is below its memory reservation (deploy.resources.reservations.memory: 2g)']);
    assert.match(below[0]!.steps[0]!, /Minimum memory limit can not be less than memory reservation limit/);
  });

  it('memory past what the engine has: accepted by the engine, so a warning offering Start anyway', () => {
    const issues = resourceIssues(planOf('  vllm:\n    image: x\n    cpus: 1\n    mem_limit: 64g\n    mem_reservation: 32g\n'), ENGINE);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.id, 'memory-above-engine');
    assert.equal(issues[0]!.severity, 'warning');
    assert.equal(issues[0]!.title, 'vllm is given 64 GiB (mem_limit: 64g) and 32 GiB (mem_reservation: 32g), more than the 23.54 GiB of memory the Docker engine has');
    assert.deepEqual(issues[0]!.actions, ['open-file', 'start-anyway']);
    assert.deepEqual(resourceIssues(planOf('  vllm:\n    image: x\n    mem_limit: 16g\n'), ENGINE), []);
  });

  it('nothing against an engine that did not say (no NCPU / MemTotal), nor for services a profile leaves out', () => {
    const plan = planOf('  a:\n    image: x\n    cpus: 64\n    mem_limit: 1t\n  b:\n    image: x\n    profiles: [big]\n    cpus: 64\n');
    assert.deepEqual(resourceIssues(plan, { version: '27', runtimes: [], gpuCapable: false }), []);
    assert.deepEqual(resourceIssues(plan, ENGINE).map((i) => i.service), ['a', 'a']);
  });
});

describe('runPreflight with the engine\'s resources', () => {
  it('blocks before `up` on a CPU limit the engine refuses; an unreachable engine says nothing of CPUs', async () => {
    const plan = planOf('  vllm:\n    image: x\n    cpus: "64"\n');
    const issues = await runPreflight(plan, deps());
    assert.deepEqual(issues.map((i) => [i.id, i.severity, i.service]), [['resource-limit-refused', 'blocker', 'vllm']]);
    assert.match(issues[0]!.title, /the Docker engine has 2 CPUs/);
    const down = await runPreflight(plan, { ...deps(), checkEngine: async () => ({ ok: false, problem: { id: 'daemon-down', title: 'down', steps: [] } }) });
    assert.deepEqual(down.map((i) => i.id), ['docker-unreachable']);
  });
});
