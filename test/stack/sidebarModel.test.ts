/**
 * The sidebar's rows and the status bar text, from the stack modules' own types: what a person reads in the
 * Services, GPUs and Probe & metrics views. Metrics and nvidia-smi inputs are the recorded fixtures.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readGpuState } from '../../client/src/stack/gpu/gpus';
import { summarizeText } from '../../client/src/stack/probe/metrics';
import { MetricsWindow } from '../../client/src/stack/probe/metricsWindow';
import type { ProbeRun } from '../../client/src/stack/probe/probe';
import {
  formatClock,
  formatDuration,
  gpuRows,
  probeRows,
  progressText,
  serviceBaseUrl,
  serviceRows,
  statusSummary,
  type Row,
  type SidebarInput,
} from '../../client/src/stack/views/sidebarModel';
import type { ServiceStatus } from '../../client/src/stack/stackTypes';
import type { PlannedService, StackPlan } from '../../server/src/compose/stackPlanTypes';

const ROOT = join(__dirname, '..', '..', '..');
const fixture = (...p: string[]) => readFileSync(join(ROOT, 'test', 'stack', 'fixtures', ...p), 'utf8');
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function planned(name: string, extra: Partial<PlannedService> = {}): PlannedService {
  return { name, isModelService: false, requestsGpu: false, bindMounts: [], publishedPorts: [], hasHealthcheck: true, ...extra };
}
function status(service: string, extra: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    service, replica: 1, containerId: `${service}0123456789`, containerName: `proj-${service}-1`, image: 'vllm/vllm-openai:v0.9.0',
    state: 'running', restartCount: 0, ports: [], startedAt: NOW - 192_000, ...extra,
  };
}
const plan: StackPlan = {
  file: '/w/compose.yaml',
  files: ['/w/compose.yaml'],
  project: 'proj',
  services: [
    planned('vllm', { engine: 'vllm', isModelService: true, requestsGpu: true, apiPort: 8000, servedModelName: 'qwen', apiKey: 'sk-secretsecretsecret' }),
    planned('proxy', { hasHealthcheck: false }),
  ],
};
const ready = (statuses: ServiceStatus[], extra: Partial<SidebarInput> = {}): SidebarInput => ({ state: { kind: 'ready' }, plan, statuses, now: NOW, ...extra });
const child = (row: Row, key: string) => row.children?.find((c) => c.id.endsWith(`/${key}`));

describe('status bar summary', () => {
  it('names the project it is about; without a plan, just "stack stopped"', () => {
    assert.equal(statusSummary({ state: { kind: 'ready' }, statuses: [], now: NOW }).text, 'stack stopped');
    assert.equal(statusSummary(ready([], { plan: { ...plan, project: 'demo' } })).text, 'demo: stopped');
  });

  it('counts healthy services and running ones without a healthcheck as up', () => {
    const s = statusSummary(ready([status('vllm', { health: 'healthy' }), status('proxy')]));
    assert.equal(s.text, 'proj: 2/2 healthy');
    assert.equal(s.severity, 'ok');
  });

  it('names what is still starting', () => {
    const s = statusSummary(ready([status('vllm', { health: 'starting' }), status('proxy')]));
    assert.equal(s.text, 'proj: 1/2 healthy · 1 starting');
    assert.equal(s.severity, 'warning');
  });

  it('flags unhealthy and restarting services as an error', () => {
    const s = statusSummary(ready([status('vllm', { health: 'unhealthy' }), status('proxy', { state: 'restarting', restartCount: 4 })]));
    assert.equal(s.text, 'proj: 0/2 healthy · 1 unhealthy · 1 restarting');
    assert.equal(s.severity, 'error');
  });

  it('says a container the engine could not start failed, with its error, instead of "starting" forever', () => {
    const gpuError = 'could not select device driver "nvidia" with capabilities: [[gpu]]';
    const vllm = status('vllm', { state: 'created', error: gpuError, startedAt: undefined });
    const s = statusSummary(ready([vllm]));
    assert.equal(s.text, 'proj: 1/2 failed to start');
    assert.equal(s.severity, 'error');
    assert.match(s.tooltip, /vllm: could not select device driver "nvidia"/);
    const [row] = serviceRows(ready([vllm]));
    assert.match(row!.description!, /^failed to start/);
    assert.equal(child(row!, 'error')!.description, gpuError);
    // A container created and not (yet) started: the same word the Start's progress uses.
    assert.equal(statusSummary(ready([status('vllm', { state: 'created' })])).text, 'proj: 0/2 healthy · 1 creating · 1 not created');
  });

  it('says "Docker not running" for a stopped daemon and "<project>: stopped" with no live container', () => {
    const down = statusSummary({ state: { kind: 'docker-down', problem: { id: 'daemon-down', title: 'Docker is not running at unix:///var/run/docker.sock', steps: [] } }, statuses: [], now: NOW });
    assert.equal(down.text, 'Docker not running');
    assert.equal(down.severity, 'error');
    assert.equal(statusSummary({ ...down, state: { kind: 'docker-down', problem: { id: 'remote-unreachable', title: 'x', steps: [] } }, statuses: [], now: NOW }).text, 'Docker unreachable');
    assert.equal(statusSummary(ready([])).text, 'proj: stopped');
    assert.equal(statusSummary(ready([status('vllm', { state: 'exited', exitCode: 1 }), status('proxy', { state: 'exited', exitCode: 0 })])).text, 'proj: stopped');
  });
});

describe('what a Start left behind (issue 12: state that is true)', () => {
  const failure = { title: 'The image inference-stack/vllm:gone is not on this engine', steps: ['Build it with docker build, or pull it where a registry can be reached.'], at: NOW - 30_000 };

  it('a Start that failed before any container existed: a row with the reason, its steps and a Retry, above the services', () => {
    const rows = serviceRows(ready([], { startFailure: failure }));
    assert.equal(rows[0]!.label, 'Start failed');
    assert.equal(rows[0]!.description, 'The image inference-stack/vllm:gone is not on this engine · 30 s ago');
    assert.deepEqual(rows[0]!.children!.map((c) => c.label), ['Build it with docker build, or pull it where a registry can be reached.', 'Retry']);
    assert.deepEqual(rows[0]!.children![1]!.command, { command: 'inferenceStack.start', title: 'Start Inference Stack', arguments: ['/w/compose.yaml'] }, 'Retry starts this project, whatever the active editor shows');
    assert.deepEqual(rows.slice(1).map((r) => r.label), ['vllm', 'proxy']);
  });

  it('the status bar says "start failed" instead of "stopped" while no container runs', () => {
    const s = statusSummary(ready([], { startFailure: failure }));
    assert.equal(s.text, 'proj: start failed');
    assert.equal(s.severity, 'error');
    assert.match(s.tooltip, /Start failed 30 s ago: The image inference-stack\/vllm:gone is not on this engine/);
    // Containers running again (started from elsewhere): they are the state.
    assert.equal(statusSummary(ready([status('vllm', { health: 'healthy' }), status('proxy')], { startFailure: failure })).text, 'proj: 2/2 healthy');
  });

  it('counts restarts by Restart Service, which Docker\'s restart count leaves out', () => {
    const [vllm] = serviceRows(ready([status('vllm', { health: 'healthy', restartCount: 0 })], { restartsByYou: { vllm: 1 } }));
    assert.equal(vllm!.description, 'healthy · 3m 12s · 1 restart');
    assert.equal(vllm!.children!.find((c) => c.id.endsWith('/restarts'))!.description, '1 (1 by Restart Service)');
    const [policy] = serviceRows(ready([status('vllm', { health: 'healthy', restartCount: 2 })]));
    assert.equal(policy!.children!.find((c) => c.id.endsWith('/restarts'))!.description, '2');
  });
});

describe('Services view rows', () => {
  it('shows state, health with the last healthcheck output, uptime, restarts, ports and the measured cold start', () => {
    const rows = serviceRows(ready(
      [status('vllm', {
        health: 'healthy', lastHealthOutput: 'probe PASS 2 + 2 (80 ms): "4"', lastHealthExitCode: 0, restartCount: 2,
        ports: [{ hostIp: '0.0.0.0', hostPort: 8000, containerPort: 8000, protocol: 'tcp' }],
      }), status('proxy')],
      { coldStarts: { vllm: 41.6 } },
    ));
    assert.deepEqual(rows.map((r) => r.label), ['vllm', 'proxy']);
    const vllm = rows[0]!;
    assert.equal(vllm.description, 'healthy · 3m 12s · 2 restarts · :8000');
    assert.equal(vllm.contextValue, 'service.model.running');
    assert.deepEqual(vllm.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
    assert.equal(child(vllm, 'health')?.description, 'healthy · probe PASS 2 + 2 (80 ms): "4"');
    assert.equal(child(vllm, 'ports')?.description, '0.0.0.0:8000->8000/tcp');
    assert.equal(child(vllm, 'restarts')?.description, '2');
    assert.equal(child(vllm, 'cold')?.description, '42 s (measured)');
    assert.match(vllm.tooltip!, /Last healthcheck: probe PASS/);
    const proxy = rows[1]!;
    assert.equal(proxy.contextValue, 'service.running');
    assert.equal(child(proxy, 'health')?.description, 'no healthcheck');
  });

  it('lists planned services that have no container as not created, and containers the plan does not name', () => {
    const rows = serviceRows(ready([status('extra', { state: 'exited', exitCode: 137, oomKilled: true })]));
    assert.deepEqual(rows.map((r) => [r.label, r.contextValue]), [['vllm', 'planned.model'], ['proxy', 'planned'], ['extra', 'service.exited']]);
    assert.equal(rows[2]!.description, 'exited (137)');
    assert.equal(child(rows[2]!, 'state')?.description, 'exited (exit 137, out of memory)');
    assert.equal(child(rows[0]!, 'cold')?.description, 'not measured yet');
  });

  it('gives each replica its own row', () => {
    const rows = serviceRows(ready([status('proxy', { replica: 2, containerId: 'b' }), status('proxy', { replica: 1, containerId: 'a' })]));
    assert.deepEqual(rows.map((r) => r.label), ['vllm', 'proxy #1', 'proxy #2']);
    assert.equal(new Set(rows.map((r) => r.id)).size, 3);
  });

  it('shows Docker unreachable as rows with the reason, the steps and a Retry item', () => {
    const rows = serviceRows({
      state: { kind: 'docker-down', problem: { id: 'permission-denied', title: 'No permission to use unix:///var/run/docker.sock', steps: ['sudo usermod -aG docker $USER', 'log out and in'] } },
      plan, statuses: [], now: NOW,
    });
    assert.equal(rows[0]!.label, 'No permission to use unix:///var/run/docker.sock');
    assert.deepEqual(rows[0]!.children!.map((c) => c.label), ['sudo usermod -aG docker $USER', 'log out and in']);
    assert.equal(rows[1]!.label, 'Retry');
    assert.equal(rows[1]!.command?.command, 'inferenceStack.refresh');
  });

  it('has no rows without a Compose file (the welcome content shows) and a connecting row while connecting', () => {
    assert.deepEqual(serviceRows({ state: { kind: 'no-compose-file' }, statuses: [], now: NOW }), []);
    assert.equal(serviceRows({ state: { kind: 'connecting' }, statuses: [], now: NOW })[0]!.label, 'Connecting to Docker…');
  });

  it('never shows a token printed by a healthcheck or an engine error', () => {
    const token = 'hf_' + 'a'.repeat(34);
    const rows = serviceRows(ready([status('vllm', { health: 'unhealthy', lastHealthOutput: `auth failed for ${token}`, error: `token ${token} refused` })]));
    const text = JSON.stringify(rows);
    assert.ok(!text.includes(token), text);
  });
});

describe('service base URL for probe and metrics', () => {
  const vllm = plan.services[0]!;
  it('uses the host port published for the API port, with "all interfaces" meaning the engine host', () => {
    const s = status('vllm', { ports: [{ hostIp: '0.0.0.0', hostPort: 18000, containerPort: 8000, protocol: 'tcp' }, { hostIp: '0.0.0.0', hostPort: 9000, containerPort: 9000, protocol: 'tcp' }] });
    assert.equal(serviceBaseUrl(s, vllm), 'http://127.0.0.1:18000');
    assert.equal(serviceBaseUrl(s, vllm, 'gpu-box'), 'http://gpu-box:18000');
    assert.equal(serviceBaseUrl(status('vllm', { ports: [{ hostIp: '::1', hostPort: 8001, containerPort: 8000, protocol: 'tcp' }] }), vllm), 'http://[::1]:8001');
  });
  it('takes the one published container port when the plan does not know the API port, IPv4 entry first', () => {
    const both = status('x', { ports: [{ hostIp: '::', hostPort: 18123, containerPort: 8000, protocol: 'tcp' }, { hostIp: '0.0.0.0', hostPort: 18123, containerPort: 8000, protocol: 'tcp' }] });
    assert.equal(serviceBaseUrl(both, planned('x')), 'http://127.0.0.1:18123');
    const two = status('x', { ports: [{ hostIp: '0.0.0.0', hostPort: 1, containerPort: 80, protocol: 'tcp' }, { hostIp: '0.0.0.0', hostPort: 2, containerPort: 81, protocol: 'tcp' }] });
    assert.equal(serviceBaseUrl(two, planned('x')), undefined);
  });
  it('is undefined when the API port is not published', () => {
    assert.equal(serviceBaseUrl(status('vllm'), vllm), undefined);
    assert.equal(serviceBaseUrl(status('vllm', { ports: [{ hostIp: '0.0.0.0', hostPort: 9000, containerPort: 9000, protocol: 'tcp' }] }), vllm), undefined);
  });
});

describe('Probe & metrics view rows', () => {
  const pass: ProbeRun = { pass: true, model: 'qwen', modelSource: 'served-model-name', results: [{ name: '2 + 2', pass: true, latencyMs: 84, answer: '4' }] };
  const wrong: ProbeRun = {
    pass: false, model: 'qwen', results: [{
      name: '2 + 2', pass: false, latencyMs: 90, answer: 'five',
      failure: { kind: 'wrong-answer', answer: 'five', expected: '/\\b(4|four)\\b/i', message: 'expected /\\b(4|four)\\b/i, the model answered "five"' },
    }],
  };

  it('offers a probe for a model service not probed yet', () => {
    const rows = probeRows(ready([status('vllm')]));
    assert.deepEqual(rows.map((r) => [r.label, r.description]), [['vllm', 'not probed yet']]);
    assert.deepEqual(rows[0]!.children![0]!.command?.arguments, ['vllm']);
  });

  it('shows pass with the answer and latency, and a wrong answer as itself', () => {
    const ok = probeRows(ready([], { probes: { vllm: { run: pass, at: NOW } } }))[0]!;
    assert.equal(ok.description, 'pass · 84 ms · just now');
    assert.equal(ok.children![0]!.description, '4 · 84 ms');
    const bad = probeRows(ready([], { probes: { vllm: { run: wrong, at: NOW } } }))[0]!;
    assert.equal(bad.description, 'fail: wrong answer "five" · just now');
    assert.equal(bad.icon?.color, 'testing.iconFailed');
    assert.match(bad.children![0]!.description!, /the model answered "five"/);
  });

  it('says how old a result is', () => {
    const at = (ms: number) => probeRows(ready([], { probes: { vllm: { run: pass, at: NOW - ms } } }))[0]!.description;
    assert.equal(at(3 * 60_000), 'pass · 84 ms · 3 min ago');
    assert.equal(at(2 * 3_600_000), 'pass · 84 ms · 2 h ago');
  });

  it('a failed probe of the running containers turns the status bar red; one from before the container started does not', () => {
    const healthy = [status('vllm', { health: 'healthy', startedAt: NOW - 60_000 }), status('proxy')];
    const failed = statusSummary(ready(healthy, { probes: { vllm: { run: wrong, at: NOW - 1000 } } }));
    assert.equal(failed.text, 'proj: 2/2 healthy · probe failed (vllm)');
    assert.equal(failed.severity, 'error');
    const stale = statusSummary(ready(healthy, { probes: { vllm: { run: wrong, at: NOW - 120_000 } } }));
    assert.equal(stale.text, 'proj: 2/2 healthy');
    assert.equal(statusSummary(ready(healthy, { probes: { vllm: { run: pass, at: NOW - 1000 } } })).severity, 'ok');
  });

  it('names the HTTP status, the timeout and the missing model', () => {
    const fail = (failure: NonNullable<ProbeRun['results'][number]['failure']>): string =>
      probeRows(ready([], { probes: { vllm: { run: { pass: false, results: [{ name: 'c', pass: false, latencyMs: 1, failure }] }, at: NOW } } }))[0]!.description!.replace(/ · just now$/, '');
    assert.equal(fail({ kind: 'http', status: 401, bodyExcerpt: '', message: 'HTTP 401' }), 'fail: HTTP 401');
    assert.equal(fail({ kind: 'timeout', timeoutMs: 30000, message: 'no answer' }), 'fail: timeout (30 s)');
    assert.equal(fail({ kind: 'no-such-model', model: 'llama', status: 404, message: 'no model' }), 'fail: no such model "llama"');
  });

  it('shows TTFT percentiles, running/waiting requests and KV-cache usage from a recorded /metrics page', () => {
    const summary = summarizeText(fixture('metrics', 'vllm-current.txt'));
    const row = probeRows(ready([], { metrics: { vllm: { ok: true, summary, at: NOW } } }))[0]!;
    const ttft = child(row, 'ttft')!;
    assert.ok(summary.ttft.count > 0);
    assert.match(ttft.description!, new RegExp(`^p50 \\d.* · p95 \\d.* · p99 \\d.* \\(${summary.ttft.count} req\\)$`), 'the percentiles say how many requests they rest on');
    assert.match(ttft.tooltip!, /since the server started/, 'one scrape: cumulative, and it says so');
    assert.equal(child(row, 'requests')!.description, `${summary.running} running · ${summary.waiting} waiting`);
    assert.equal(child(row, 'kv')!.description, `${(summary.kvCacheUsage! * 100).toFixed(1)}% used`);
    const old = probeRows(ready([], { metrics: { vllm: { ok: true, summary: summarizeText(fixture('metrics', 'vllm-0.8-old-names.txt')), at: NOW } } }))[0]!;
    assert.match(child(old, 'kv')!.description!, /% used$/);
  });

  it('metrics about now: the last window\'s percentiles, request rate and tokens/s; idle says so', () => {
    const window = new MetricsWindow();
    window.push(fixture('metrics', 'vllm-current.txt'), NOW - 5000);
    const later = window.push(fixture('metrics', 'vllm-current-5s-later.txt'), NOW);
    const row = probeRows(ready([], { metrics: { vllm: { ok: true, ...later, at: NOW } } }))[0]!;
    // 10 more first tokens and 100 more generated tokens in the 5 s between the two recorded pages.
    assert.match(child(row, 'ttft')!.description!, /\(10 req\)$/);
    assert.match(child(row, 'ttft')!.tooltip!, /10 request\(s\) in the last 5 s/);
    assert.match(child(row, 'requests')!.description!, /^2\.0 req\/s · \d+ running · \d+ waiting$/);
    assert.match(child(row, 'tokens')!.description!, /^20 tok\/s generated/);
    const idle = new MetricsWindow();
    idle.push(fixture('metrics', 'vllm-current.txt'), NOW - 5000);
    const same = idle.push(fixture('metrics', 'vllm-current.txt'), NOW);
    assert.equal(child(probeRows(ready([], { metrics: { vllm: { ok: true, ...same, at: NOW } } }))[0]!, 'ttft')!.description, 'no requests in the last 5 s');
  });

  it('while the model loads, a refused /metrics is "waiting for the model to load", not an error', () => {
    const refused = { vllm: { ok: false as const, error: 'cannot read http://127.0.0.1:8000/metrics (ECONNRESET)', at: NOW } };
    const loading = probeRows(ready([status('vllm', { health: 'starting' })], { metrics: refused }))[0]!;
    assert.equal(child(loading, 'metrics')!.description, 'waiting for the model to load');
    const up = probeRows(ready([status('vllm', { health: 'healthy' })], { metrics: refused }))[0]!;
    assert.match(child(up, 'metrics')!.description!, /ECONNRESET/);
  });

  it('says when there are no engine metrics or the scrape failed, and never shows the API key', () => {
    const row = probeRows(ready([], { metrics: { vllm: { ok: false, error: 'cannot reach http://127.0.0.1:8000/metrics (ECONNREFUSED)', at: NOW } } }))[0]!;
    assert.match(child(row, 'metrics')!.description!, /ECONNREFUSED/);
    const none = probeRows(ready([], { metrics: { vllm: { ok: true, summary: summarizeText('# nothing\n'), at: NOW } } }))[0]!;
    assert.equal(child(none, 'metrics')!.description, 'no vllm: metrics');
    assert.ok(!JSON.stringify(probeRows(ready([], { probes: { vllm: { run: pass, at: NOW } } }))).includes('sk-secret'));
  });
});

describe('GPUs view rows', () => {
  const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
  it('one row per GPU with memory, utilization and temperature', () => {
    const rows = gpuRows(readGpuState(ok(fixture('nvidia-smi', 'eight-gpus.query.csv')), ok(fixture('nvidia-smi', 'eight-gpus.list.txt'))));
    assert.equal(rows.length, 8);
    assert.match(rows[0]!.label, /^0: /);
    assert.match(rows[0]!.description!, /GiB · \d+% · \d+°C/);
  });
  it('MIG devices under their GPU', () => {
    const rows = gpuRows(readGpuState(ok(fixture('nvidia-smi', 'mig.query.csv')), ok(fixture('nvidia-smi', 'mig.list.txt'))));
    assert.ok(rows.some((r) => (r.children?.length ?? 0) > 0 && r.children!.every((c) => c.label.startsWith('MIG '))));
  });
  it('places the stack\'s model services under the GPUs they run on, with their shares as bars, and warns past 100%', () => {
    const state = readGpuState(ok(fixture('nvidia-smi', 'eight-gpus.query.csv')), ok(fixture('nvidia-smi', 'eight-gpus.list.txt')));
    const placed = (name: string, gpus: string[], share: number, replicas = 1) =>
      ({ name, isModelService: true, requestsGpu: true, bindMounts: [], publishedPorts: [], hasHealthcheck: true, gpuPlacement: { gpus, share, shareFrom: `--gpu-memory-utilization ${share}`, replicas } });
    const plan = { services: [placed('chat', ['0'], 0.9), placed('embed', ['0'], 0.3), placed('big', ['1', '2'], 0.45, 2)] };
    const rows = gpuRows(state, undefined, plan);
    const under = (i: number) => (rows[i]!.children ?? []).map((c) => `${c.label} ${c.description ?? ''}`);
    assert.deepEqual(under(0), ['chat ▇▇▇▇▇▇▇▇▇░ 90%', 'embed ▇▇▇░░░░░░░ 30%', 'Shares add up to 120% the service that starts last will not fit']);
    assert.deepEqual(under(1), ['big ▇▇▇▇▇▇▇▇▇░ 90%']);
    assert.deepEqual(under(3), []);
    // A service whose profile is not active does not start: not on the plan.
    const profiled = { services: [...plan.services, { ...placed('variant', ['3'], 0.9), profiles: ['big'] }], activeProfiles: [] };
    assert.deepEqual((gpuRows(state, undefined, profiled)[3]!.children ?? []).map((c) => c.label), []);
    assert.deepEqual((gpuRows(state, undefined, { ...profiled, activeProfiles: ['big'] })[3]!.children ?? []).map((c) => c.label), ['variant']);
    // Another machine's engine: its GPU ids are not this machine's.
    assert.ok(gpuRows(state, 'tcp://gpu-box:2376', plan).every((r) => !(r.children ?? []).some((c) => c.contextValue?.startsWith('gpu.plan'))));
  });

  it('says the rows are this machine\'s GPUs when the Docker engine is another machine', () => {
    const state = readGpuState(ok(fixture('nvidia-smi', 'h100-idle.recorded.query.csv')));
    assert.equal(gpuRows(state)[0]!.label, '0: NVIDIA H100 80GB HBM3');
    const [note, gpu] = gpuRows(state, 'tcp://gpu-box:2376');
    assert.equal(note!.label, 'GPUs of this machine');
    assert.match(note!.description!, /tcp:\/\/gpu-box:2376/);
    assert.equal(gpu!.label, '0: NVIDIA H100 80GB HBM3');
  });

  it('an explicit "no NVIDIA GPU found" state with what to do', () => {
    const rows = gpuRows(readGpuState({ stdout: '', stderr: '', exitCode: null, error: { code: 'ENOENT', message: 'spawn nvidia-smi ENOENT' } }));
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.label, 'No NVIDIA GPU found');
    assert.match(rows[0]!.description!, /not installed/);
    const driver = gpuRows(readGpuState({ stdout: fixture('nvidia-smi', 'driver-missing.txt'), stderr: '', exitCode: 9 }));
    assert.equal(driver[0]!.label, 'No NVIDIA GPU found');
    assert.match(driver[0]!.description!, /driver is not loaded/);
  });
});

describe('formatting', () => {
  it('durations', () => {
    assert.deepEqual([5_000, 192_000, 7_500_000, 97_200_000].map(formatDuration), ['5s', '3m 12s', '2h 5m', '1d 3h']);
  });
});

describe('start progress text', () => {
  it('each service\'s phase and elapsed time, as the notification shows it', () => {
    assert.equal(
      progressText([{ service: 'vllm', phase: 'loading', elapsedMs: 42_300 }, { service: 'proxy', phase: 'waiting', elapsedMs: 42_300 }]),
      'vllm: loading weights 0:42 · proxy: not created',
    );
    assert.equal(progressText([{ service: 'vllm', phase: 'healthy', elapsedMs: 61_000, coldStartSeconds: 58.6 }]), 'vllm: healthy in 59 s');
    assert.deepEqual([0, 59_999, 3_725_000].map(formatClock), ['0:00', '0:59', '1:02:05']);
  });
});

describe('one vocabulary: the views show a Start\'s phases', () => {
  const loading = { service: 'vllm', phase: 'loading' as const, detail: 'loading weights', elapsedMs: 42_300 };

  it('the Services row and the status bar say "loading weights 0:42" while the Start reads the engine\'s logs', () => {
    const input = ready([status('vllm', { health: 'starting' }), status('proxy')], { progress: [loading, { service: 'proxy', phase: 'running', elapsedMs: 40_000 }] });
    const row = serviceRows(input).find((r) => r.service === 'vllm')!;
    assert.equal(row.description, 'loading weights 0:42', 'the Start\'s clock, not the uptime beside it');
    assert.equal(row.icon?.id, 'loading~spin');
    assert.equal(progressText(input.progress!), 'vllm: loading weights 0:42 · proxy: running 0:40');
    assert.equal(statusSummary(input).text, 'proj: 1/2 healthy · 1 loading weights');
  });

  it('without a Start the container speaks for itself: starting, not loading', () => {
    const input = ready([status('vllm', { health: 'starting' }), status('proxy')]);
    assert.match(serviceRows(input).find((r) => r.service === 'vllm')!.description!, /^starting · /);
    assert.equal(statusSummary(input).text, 'proj: 1/2 healthy · 1 starting');
  });

  it('a scaled service\'s rows show each replica, not the progress of its slowest one', () => {
    const input = ready([status('vllm', { health: 'healthy' }), status('vllm', { replica: 2, containerId: 'c2', health: 'starting' }), status('proxy')], { progress: [loading] });
    const rows = serviceRows(input).filter((r) => r.service === 'vllm');
    assert.deepEqual(rows.map((r) => r.description!.split(' · ')[0]), ['healthy', 'starting']);
  });
});

describe('the project\'s models in the Services view', () => {
  it('one row per top-level model, after the services, with its reference and its users', () => {
    const rows = serviceRows(ready([status('vllm', { health: 'healthy' }), status('proxy')], {
      plan: { ...plan, models: [{ name: 'llm', model: 'ai/smollm2', usedBy: ['proxy'], source: 'models' }, { name: 'vllm', usedBy: [], source: 'provider' }] },
    }));
    assert.deepEqual(rows.map((r) => r.label), ['vllm', 'proxy', 'llm'], 'a provider service is already a service row');
    assert.equal(rows[2]!.description, 'ai/smollm2 · used by proxy');
    assert.equal(rows[2]!.icon?.id, 'hubot');
  });
});

describe('the status bar names the project\'s files', () => {
  it('a project of several files lists them in the tooltip', () => {
    const withOverride = { ...plan, files: ['/w/compose.yaml', '/w/compose.override.yaml'] };
    const s = statusSummary(ready([status('vllm', { health: 'healthy' }), status('proxy')], { plan: withOverride }));
    assert.match(s.tooltip, /^Inference Stack: proj \(compose\.yaml \+ compose\.override\.yaml\)\n/);
    assert.match(statusSummary(ready([status('vllm', { health: 'healthy' })])).tooltip, /^Inference Stack: proj\n/, 'one file: the project alone');
  });
});
