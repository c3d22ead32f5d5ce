import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findOnPath, onlyWarnings, portKey, runPreflight, tcpPortInUse, udpPortInUse, type PreflightDeps } from '../../client/src/stack/runner/preflight';
import { createSocket } from 'node:dgram';
import type { StackPlan } from '../../server/src/compose/stackPlanTypes';
import { planStack } from '../../server/src/compose/stackPlan';
import { readGpuState } from '../../client/src/stack/gpu/gpus';

const ENGINE_OK = { ok: true as const, info: { version: '20.10.24', runtimes: ['io.containerd.runc.v2', 'runc'], gpuCapable: false } };

function deps(over: Partial<PreflightDeps> = {}): PreflightDeps & { portsAsked: string[] } {
  const portsAsked: string[] = [];
  return {
    checkEngine: async () => ENGINE_OK,
    findCompose: async () => ({ found: true, command: { argv: ['docker-compose'], version: '1.29.2', flavour: 'v1', source: 'detected' }, tried: [] }),
    nvidiaSmiAvailable: async () => false,
    pathExists: async () => true,
    portInUse: async (ip, port) => {
      portsAsked.push(`${ip}:${port}`);
      return false;
    },
    portsAsked,
    ...over,
  };
}

const plan = (services: Partial<StackPlan['services'][number]>[], extra: Partial<StackPlan> = {}): StackPlan => ({
  file: '/p/s/compose.yaml',
  files: ['/p/s/compose.yaml'],
  project: 's',
  services: services.map((s, i) => ({ name: `svc${i}`, isModelService: false, requestsGpu: false, bindMounts: [], publishedPorts: [], hasHealthcheck: false, ...s })),
  ...extra,
});

describe('runPreflight', () => {
  it('finds nothing for a plain plan on a working host', async () => {
    assert.deepEqual(await runPreflight(plan([{ name: 'a', publishedPorts: [{ hostIp: '', hostPort: 8000, containerPort: 8000, protocol: 'tcp' }] }]), deps()), []);
  });

  it('Docker unreachable: a blocker with the problem title and steps', async () => {
    const issues = await runPreflight(plan([{}]), deps({
      checkEngine: async () => ({ ok: false, problem: { id: 'daemon-down', title: 'Docker is not running at unix:///tmp/x.sock', steps: ['Start Docker'], detail: 'connect ENOENT /tmp/x.sock' } }),
    }));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.id, 'docker-unreachable');
    assert.equal(issues[0]!.severity, 'blocker');
    assert.equal(issues[0]!.title, 'Docker is not running at unix:///tmp/x.sock');
    assert.deepEqual(issues[0]!.steps, ['Start Docker', 'Detail: connect ENOENT /tmp/x.sock']);
    assert.deepEqual(issues[0]!.actions, ['retry']);
  });

  it('no compose command: a blocker with the install hints', async () => {
    const issues = await runPreflight(plan([{}]), deps({ findCompose: async () => ({ found: false, tried: [], message: 'No Docker Compose found.', install: ['apt-get install docker-compose-plugin'] }) }));
    assert.deepEqual(issues.map((i) => [i.id, i.severity, i.title, i.steps]), [['compose-missing', 'blocker', 'No Docker Compose found.', ['apt-get install docker-compose-plugin']]]);
  });

  it('a GPU reservation with no nvidia runtime and no nvidia-smi: a warning offering Start anyway and the toolkit steps', async () => {
    const p = plan([{ name: 'vllm', requestsGpu: true }, { name: 'web' }]);
    const issues = await runPreflight(p, deps());
    assert.equal(issues.length, 1);
    const gpu = issues[0]!;
    assert.equal(gpu.id, 'gpu-runtime-missing');
    assert.equal(gpu.severity, 'warning');
    assert.equal(gpu.service, 'vllm');
    assert.match(gpu.title, /^vllm reserves a GPU, but the Docker engine has no NVIDIA runtime \(runtimes: io\.containerd\.runc\.v2, runc\)/);
    assert.ok(gpu.steps.some((s) => s.includes('nvidia-ctk runtime configure')), gpu.steps.join('\n'));
    assert.deepEqual(gpu.actions, ['start-anyway', 'open-toolkit-steps']);
    assert.ok(onlyWarnings(issues));
    // An nvidia runtime, or nvidia-smi on this host, or an unreachable engine: no GPU warning.
    assert.deepEqual(await runPreflight(p, deps({ checkEngine: async () => ({ ok: true, info: { ...ENGINE_OK.info, runtimes: ['nvidia', 'runc'], gpuCapable: true } }) })), []);
    assert.deepEqual(await runPreflight(p, deps({ nvidiaSmiAvailable: async () => true })), []);
    const down = await runPreflight(p, deps({ checkEngine: async () => ({ ok: false, problem: { id: 'daemon-down', title: 'down', steps: [] } }) }));
    assert.deepEqual(down.map((i) => i.id), ['docker-unreachable']);
  });

  it('a missing bind-mounted folder: a blocker naming service, host folder and container path', async () => {
    const p = plan([{ name: 'vllm', bindMounts: [{ hostPath: '/data/models', containerPath: '/models', readOnly: true }, { hostPath: '/data/ok', containerPath: '/ok', readOnly: false }] }]);
    const issues = await runPreflight(p, deps({ pathExists: async (x) => x === '/data/ok' }));
    assert.deepEqual(issues.map((i) => [i.id, i.severity, i.service]), [['bind-mount-missing', 'blocker', 'vllm']]);
    assert.match(issues[0]!.title, /\/data\/models \(mounted at \/models\) does not exist/);
    assert.ok(!onlyWarnings(issues));
  });

  it('a published port in use: a blocker naming service and port (UDP too); the project\'s own ports are not checked', async () => {
    const p = plan([
      { name: 'vllm', publishedPorts: [{ hostIp: '127.0.0.1', hostPort: 8000, containerPort: 8000, protocol: 'tcp' }, { hostIp: '', hostPort: 9000, containerPort: 9000, protocol: 'udp' }] },
      { name: 'web', publishedPorts: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }] },
    ]);
    const d = deps({ portInUse: async (_ip, port, protocol) => port === 8000 || port === 8080 || (port === 9000 && protocol === 'udp') });
    const issues = await runPreflight(p, d);
    assert.deepEqual(issues.map((i) => [i.id, i.service]), [['port-in-use', 'vllm'], ['port-in-use', 'vllm'], ['port-in-use', 'web']]);
    assert.match(issues[0]!.title, /^vllm: port 127\.0\.0\.1:8000 \(for container port 8000\) is already in use/);
    assert.match(issues[1]!.title, /^vllm: UDP port 9000 \(for container port 9000\) is already in use/);
    assert.match(issues[1]!.steps.join('\n'), /ss -lunp/);
    assert.match(issues[2]!.title, /^web: port 8080 /);
    const own = deps({ portInUse: async () => true, ownPorts: new Set([portKey(8000, 'tcp'), portKey(8080, 'tcp'), portKey(9000, 'udp')]) });
    assert.deepEqual(await runPreflight(p, own), []);
    assert.deepEqual(own.portsAsked, []);
  });

  it('a Compose file that does not parse: a blocker; blockers come before warnings', async () => {
    const p = plan([{ name: 'vllm', requestsGpu: true }], { parseError: '/p/s/compose.yaml:3:5: Flow sequence not closed' });
    const issues = await runPreflight(p, deps());
    assert.deepEqual(issues.map((i) => [i.id, i.severity]), [['compose-file-invalid', 'blocker'], ['gpu-runtime-missing', 'warning']]);
    assert.match(issues[0]!.title, /compose\.yaml:3:5/);
  });

  it('a dep that throws does not throw out of runPreflight', async () => {
    const issues = await runPreflight(plan([{ bindMounts: [{ hostPath: '/x', containerPath: '/y', readOnly: false }] }]), deps({
      checkEngine: async () => { throw new Error('boom'); },
      pathExists: async () => { throw new Error('EIO'); },
    }));
    assert.deepEqual(issues.map((i) => i.id), ['docker-unreachable']);
  });
});

describe('real I/O deps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'istest-d2-preflight-'));
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tcpPortInUse: true for a port someone listens on, false once it is free again', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    assert.equal(await tcpPortInUse('127.0.0.1', port), true);
    assert.equal(await tcpPortInUse('', port), true, 'all interfaces collide with a holder on 127.0.0.1');
    await new Promise<void>((r) => server.close(() => r()));
    assert.equal(await tcpPortInUse('', port), false);
    assert.equal(await tcpPortInUse('', port), false, 'the probe itself released the port');
  });

  it('udpPortInUse: true for a UDP port someone holds, false once it is free again', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', r));
    const port = holder.address().port;
    assert.equal(await udpPortInUse('127.0.0.1', port), true);
    assert.equal(await udpPortInUse('', port), true, 'all interfaces collide with a holder on 127.0.0.1');
    await new Promise<void>((r) => holder.close(() => r()));
    assert.equal(await udpPortInUse('', port), false);
    assert.equal(await udpPortInUse('', port), false, 'the probe itself released the port');
    assert.equal(await tcpPortInUse('', port), false, 'UDP and TCP ports are separate');
  });

  it('findOnPath: finds an executable on PATH, not a plain file', async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\n');
    assert.equal(await findOnPath('nvidia-smi', { PATH: `/nonexistent:${bin}` }, 'linux'), undefined);
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    assert.equal(await findOnPath('nvidia-smi', { PATH: `/nonexistent:${bin}` }, 'linux'), join(bin, 'nvidia-smi'));
    assert.equal(await findOnPath('nvidia-smi', { PATH: '' }, 'linux'), undefined);
  });
});

describe('pre-flight for Docker Model Runner models', () => {
  const V2 = { found: true as const, command: { argv: ['docker', 'compose'], version: '2.39.1', flavour: 'v2' as const, source: 'detected' as const }, tried: [] };
  // Docker's docs example: a `chat` service using the top-level model `llm`.
  const withModels = plan([{ name: 'chat' }], { models: [{ name: 'llm', model: 'ai/smollm2', usedBy: ['chat'], source: 'models' }] });
  const running = async () => ({ stdout: 'Docker Model Runner is running\n\nStatus:\nllama.cpp: running llama.cpp latest-cpu\n', stderr: '', exitCode: 0 });

  it('asks `docker model status` only when a started service uses a model', async () => {
    let asked = 0;
    const status = async () => {
      asked++;
      return running();
    };
    assert.deepEqual(await runPreflight(withModels, deps({ findCompose: async () => V2, modelRunnerStatus: status })), []);
    assert.equal(asked, 1);
    assert.deepEqual(await runPreflight(plan([{ name: 'a' }]), deps({ findCompose: async () => V2, modelRunnerStatus: status })), []);
    const profiled = plan([{ name: 'chat', profiles: ['gpu'] }], { models: withModels.models!, activeProfiles: [] });
    assert.deepEqual(await runPreflight(profiled, deps({ findCompose: async () => V2, modelRunnerStatus: status })), []);
    assert.equal(asked, 1, 'not for a plain project, nor for a model only an inactive profile uses');
  });

  it('a runner that is off (status.go: exit 1, "Docker Model Runner is not running"): a blocker with how to enable it', async () => {
    const issues = await runPreflight(withModels, deps({ findCompose: async () => V2, modelRunnerStatus: async () => ({ stdout: 'Docker Model Runner is not running\n', stderr: '', exitCode: 1 }) }));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.id, 'model-runner-unavailable');
    assert.equal(issues[0]!.severity, 'blocker');
    assert.equal(issues[0]!.title, 'The project uses models (llm) but Docker Model Runner is not running');
    assert.match(issues[0]!.steps.join('\n'), /docker desktop enable model-runner/);
    assert.match(issues[0]!.steps.join('\n'), /docker-model-plugin/);
  });

  it('no plugin ("\'model\' is not a docker command"), no docker CLI, no answer in time', async () => {
    const noPlugin = await runPreflight(withModels, deps({ findCompose: async () => V2, modelRunnerStatus: async () => ({ stdout: '', stderr: "docker: 'model' is not a docker command.\nSee 'docker --help'\n", exitCode: 1 }) }));
    assert.match(noPlugin[0]!.title, /Docker Model Runner is not installed: `docker model` is not a docker command here/);
    const noCli = await runPreflight(withModels, deps({ findCompose: async () => V2, modelRunnerStatus: async () => ({ stdout: '', stderr: '', exitCode: null, error: { code: 'ENOENT', message: 'docker is not on PATH' } }) }));
    assert.match(noCli[0]!.title, /the docker CLI was not found/);
    const slow = await runPreflight(withModels, deps({ findCompose: async () => V2, modelRunnerStatus: async () => ({ stdout: '', stderr: '', exitCode: null, error: { code: 'ETIMEDOUT', message: 'timed out' } }) }));
    assert.equal(slow[0]!.severity, 'warning', 'it may be installing the runner: Start anyway is offered');
    assert.ok(slow[0]!.actions.includes('start-anyway'));
  });

  it('Compose v1 (1.29) or a v2 before 2.38 with top-level models: a warning naming the version', async () => {
    const v1 = await runPreflight(withModels, deps({ modelRunnerStatus: running }));
    assert.deepEqual(v1.map((i) => [i.severity, i.title]), [['warning', 'docker-compose 1.29.2 may not know top-level `models:`: Docker Model Runner needs Docker Compose 2.38.0 or later']]);
    const old = { ...V2, command: { ...V2.command, version: 'v2.36.0-desktop.1' } };
    assert.equal((await runPreflight(withModels, deps({ findCompose: async () => old, modelRunnerStatus: running }))).length, 1);
    const provider = plan([{ name: 'ai' }], { models: [{ name: 'ai', usedBy: [], source: 'provider' }] });
    assert.deepEqual(await runPreflight(provider, deps({ findCompose: async () => old, modelRunnerStatus: running })), [], 'provider services came with 2.35');
  });
});

describe('pre-flight against this machine\'s GPUs (recorded nvidia-smi)', () => {
  const gpuFixture = (name: string) => readFileSync(join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'nvidia-smi', name), 'utf8');
  const smi = (csv: string) => readGpuState({ stdout: csv, stderr: '', exitCode: 0 });
  const vllm = (name: string, args: string, gpu: string) =>
    `  ${name}:\n    image: vllm/vllm-openai:v0.11.0\n    command: [${args}]\n    deploy:\n      resources:\n        reservations:\n          devices: [{ driver: nvidia, ${gpu}, capabilities: [gpu] }]\n`;
  const stack = (...services: string[]) => planStack(`services:\n${services.join('')}`, '/p/s/compose.yaml', { env: {}, dotEnv: '' });
  const busyH100 = smi(gpuFixture('h100-busy.recorded.query.csv'));
  const idle4090 = smi('0, GPU-21636369-8b52-4b4a-97b7-50923ceb3ffd, NVIDIA GeForce RTX 4090, 310, 24564, 0, 31, [N/A]\n');

  it('warns when another process holds more of the GPU than a service\'s share leaves, unless the stack itself runs', async () => {
    const p = stack(vllm('chat', '"--model", "Qwen/Qwen3-0.6B"', 'count: 1'));
    const issues = await runPreflight(p, deps({ localGpus: async () => busyH100, nvidiaSmiAvailable: async () => true }));
    assert.deepEqual(issues.map((i) => [i.id, i.severity, i.service]), [['gpu-memory-taken', 'warning', 'chat']]);
    assert.equal(issues[0]!.title, "chat takes 0.9, vLLM's default of GPU 0 (71.68 GiB), but only 58.70 of 79.65 GiB are free now");
    assert.ok(onlyWarnings(issues));
    assert.deepEqual(await runPreflight(p, deps({ localGpus: async () => busyH100, nvidiaSmiAvailable: async () => true, stackRunning: true })), []);
  });

  it('blocks on a GPU index nvidia-smi does not list', async () => {
    const issues = await runPreflight(stack(vllm('chat', '"--model", "Qwen/Qwen3-0.6B", "--gpu-memory-utilization", "0.5"', 'device_ids: ["1"]')), deps({ localGpus: async () => idle4090, nvidiaSmiAvailable: async () => true }));
    assert.deepEqual(issues.map((i) => [i.id, i.severity]), [['gpu-device-missing', 'blocker']]);
    assert.equal(issues[0]!.title, 'chat asks for GPU 1, but nvidia-smi on this machine lists only GPU 0');
  });

  it('warns when two services\' shares pass one GPU, and when the estimate says a model will not fit it', async () => {
    const two = await runPreflight(stack(vllm('a', '"--model", "Qwen/Qwen3-0.6B"', 'count: 1'), vllm('b', '"--model", "Qwen/Qwen3-0.6B", "--gpu-memory-utilization", "0.3"', 'count: 1')), deps({ localGpus: async () => idle4090, nvidiaSmiAvailable: async () => true }));
    assert.deepEqual(two.map((i) => i.id), ['gpu-oversubscribed']);
    assert.match(two[0]!.title, /^GPU 0 \(NVIDIA GeForce RTX 4090\) would run a and b, whose memory shares add up to 120% of it$/);
    const big = await runPreflight(stack(vllm('chat', '"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "131072"', 'count: 1')), deps({ localGpus: async () => idle4090, nvidiaSmiAvailable: async () => true }));
    assert.deepEqual(big.map((i) => [i.id, i.severity]), [['model-does-not-fit', 'warning']]);
    assert.match(big[0]!.title, /^chat: meta-llama\/Llama-3\.1-8B-Instruct will not fit GPU 0 \(NVIDIA GeForce RTX 4090\): the KV cache holds fewer tokens than --max-model-len/);
    // GPUs not read (a remote engine, no nvidia-smi): nothing about the plan.
    const unread = await runPreflight(stack(vllm('chat', '"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "131072"', 'count: 1')), deps({ nvidiaSmiAvailable: async () => true }));
    assert.deepEqual(unread, []);
  });
});
