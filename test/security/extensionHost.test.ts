// Issue 15, findings 5 and 8 on the extension host: the Compose file read and planned off the main thread with a size
// cap and a deadline; settings an untrusted workspace may not choose; probe patterns time-limited; no API key from the
// shell environment sent for an untrusted workspace; programs never taken from the working folder or the workspace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planStack } from '../../server/src/compose/stackPlan';
import { resolveExecutable } from '../../client/src/stack/process/executablePath';
import { scrapeMetrics } from '../../client/src/stack/probe/metricsScrape';
import { planOffThread } from '../../client/src/stack/plan/planOffThread';
import { matchAnswer, runProbe, type FetchLike, type ProbeCase } from '../../client/src/stack/probe/probe';
import { runCommand } from '../../client/src/stack/process/processRunner';
import { isUnreadable } from '../../client/src/stack/plan/readPlan';
import { RETRY_COMMAND, serviceRows, statusSummary } from '../../client/src/stack/views/sidebarModel';
import { RESTRICTED_SETTINGS, settingValue } from '../../client/src/stack/trust/trustPolicy';

/** Runs `work` while a 10 ms timer ticks; the longest gap between ticks says how long the event loop was blocked. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number; elapsedMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  try {
    const value = await work();
    stallMs = Math.max(stallMs, performance.now() - last);
    return { value, stallMs, elapsedMs: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

/** A Compose file of about `bytes` with many model services: slow to parse, every line valid. */
function bigCompose(bytes: number): string {
  const service = (i: number) =>
    `  svc${i}:\n    image: vllm/vllm-openai:v0.8.5\n    command: ["--model", "Qwen/Qwen3-0.6B", "--served-model-name", "q${i}", "--port", "8000"]\n    ports: ["${10000 + (i % 50000)}:8000"]\n    environment:\n      - HF_TOKEN=\${HF_TOKEN}\n      - LABEL=${'x'.repeat(40)}\n`;
  const parts = ['services:\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const s = service(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
}

describe('the Compose file is planned off the extension host main thread (finding 5)', () => {
  let ws: string;
  before(() => { ws = mkdtempSync(join(tmpdir(), 'is-plan-')); });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('refuses a 9.8 MiB Compose file as too large, before reading it, while the event loop keeps turning', async () => {
    const file = join(ws, 'huge', 'compose.yaml');
    mkdirSync(join(ws, 'huge'));
    writeFileSync(file, bigCompose(9.8 * 1024 * 1024));
    const { value, stallMs } = await longestStall(() => planOffThread({ file, roots: [ws], env: {} }));
    assert.ok(isUnreadable(value.plan));
    assert.equal(value.plan.parseError, `${file} was not read: larger than 8 MiB`);
    assert.ok(stallMs < 1500, `the event loop stalled ${Math.round(stallMs)} ms`);
  });

  it('stops a plan that outlives its deadline (a big file under the cap) without blocking the event loop', async () => {
    const file = join(ws, 'slow', 'compose.yaml');
    mkdirSync(join(ws, 'slow'));
    writeFileSync(file, bigCompose(6 * 1024 * 1024));
    const { value, stallMs, elapsedMs } = await longestStall(() => planOffThread({ file, roots: [ws], env: {} }, { timeoutMs: 400 }));
    assert.equal(value.plan.parseError, `the Compose file took too long to read: ${file} was not planned within 0.4 s`);
    assert.ok(isUnreadable(value.plan));
    assert.ok(elapsedMs < 2000, `the deadline was not kept: ${Math.round(elapsedMs)} ms`);
    assert.ok(stallMs < 1500, `the event loop stalled ${Math.round(stallMs)} ms`);
  });

  it('the Services view and the status bar show the refusal as a state, with Retry', () => {
    const message = '/w/compose.yaml was not read: larger than 8 MiB';
    const rows = serviceRows({ state: { kind: 'plan-error', message }, statuses: [], now: 0 });
    assert.deepEqual(rows.map((r) => [r.label, r.description, r.command?.command]), [
      ['The Compose file cannot be read', message, undefined],
      ['Retry', undefined, RETRY_COMMAND],
    ]);
    assert.equal(statusSummary({ state: { kind: 'plan-error', message }, statuses: [], now: 0 }).text, 'Compose file unreadable');
  });

  it('gives the same plan as planStack for an ordinary file, with its .env and the shell environment', async () => {
    const dir = join(ws, 'ordinary');
    mkdirSync(dir);
    const text = 'services:\n  llm:\n    image: vllm/vllm-openai:v0.8.5\n    command: ["--model", "m", "--served-model-name", "${NAME}", "--api-key", "${KEY}"]\n    ports: ["${PORT}:8000"]\n';
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, text);
    writeFileSync(join(dir, '.env'), 'NAME=qwen\nPORT=8100\n');
    const env = { KEY: 'sk-shell-0123456789', PORT: '8200' };
    const { plan, notes } = await planOffThread({ file, roots: [ws], env });
    assert.deepEqual(plan, planStack(text, file, { env, dotEnv: 'NAME=qwen\nPORT=8100\n' }));
    assert.equal(plan.services[0]!.servedModelName, 'qwen');
    assert.deepEqual(plan.services[0]!.publishedPorts.map((p) => p.hostPort), [8200]);
    assert.deepEqual(notes, []);
  });

  it('a .env pointing at a 2 GiB sparse file, or a FIFO, cannot make it hang: the plan comes back, the .env unread', async () => {
    const dir = join(ws, 'dotenv');
    mkdirSync(dir);
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, 'services:\n  web:\n    image: nginx:1.27\n    ports: ["${PORT:-8080}:80"]\n');
    const sparse = join(dir, 'sparse.bin');
    writeFileSync(sparse, '');
    truncateSync(sparse, 2 * 1024 ** 3);
    symlinkSync(sparse, join(dir, '.env'));
    const { value, stallMs, elapsedMs } = await longestStall(() => planOffThread({ file, roots: [ws], env: {} }));
    assert.deepEqual(value.plan.services.map((s) => s.name), ['web']);
    assert.deepEqual(value.notes, [`${join(dir, '.env')} was not read: larger than 1 MiB`]);
    assert.ok(elapsedMs < 5000, `planning took ${Math.round(elapsedMs)} ms`);
    assert.ok(stallMs < 1500, `the event loop stalled ${Math.round(stallMs)} ms`);

    if (process.platform === 'win32') return;
    rmSync(join(dir, '.env'));
    assert.equal(spawnSync('mkfifo', [join(dir, '.env')]).status, 0);
    const fifo = await planOffThread({ file, roots: [ws], env: {} }, { timeoutMs: 5000 });
    assert.deepEqual(fifo.plan.services.map((s) => s.name), ['web']);
    assert.deepEqual(fifo.notes, [`${join(dir, '.env')} was not read: not a regular file`]);
  });
});

describe('settings an untrusted workspace may not choose (finding 8)', () => {
  it('ignores a workspace composeCommand: it is machine-scoped, the user\'s own value or the default counts', () => {
    const fromRepo = { defaultValue: '', workspaceValue: './tools/docker-compose', workspaceFolderValue: 'evil' };
    assert.equal(settingValue(fromRepo, false, ''), '');
    assert.equal(settingValue({ ...fromRepo, globalValue: '/usr/local/bin/docker-compose' }, false, ''), '/usr/local/bin/docker-compose');
    assert.equal(settingValue(undefined, false, ''), '');
  });

  it('takes probe cases from the workspace only when it is trusted', () => {
    const def: ProbeCase[] = [{ messages: [{ role: 'user', content: '2+2?' }], expect: '4' }];
    const planted: ProbeCase[] = [{ messages: [{ role: 'user', content: 'say a' }], expect: { regex: '^(a+)+$' } }];
    const inspected = { defaultValue: def, workspaceValue: planted };
    assert.deepEqual(settingValue(inspected, false, []), def);
    assert.deepEqual(settingValue(inspected, true, []), planted);
  });

  it('the manifest lists them in restrictedConfigurations and makes composeCommand machine-scoped', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
      contributes: { configuration: { properties: Record<string, { scope?: string }> } | { properties: Record<string, { scope?: string }> }[] };
    };
    const sections = [pkg.contributes.configuration].flat();
    const props = Object.assign({}, ...sections.map((c) => c.properties)) as Record<string, { scope?: string }>;
    assert.deepEqual([...(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [])].sort(), [...RESTRICTED_SETTINGS].sort());
    assert.equal(props['inferenceStack.composeCommand']?.scope, 'machine');
  });
});

describe('probe patterns are time-limited (finding 8)', () => {
  const answering = (content: string): FetchLike => async (url) =>
    new Response(JSON.stringify(url.endsWith('/v1/models') ? { data: [{ id: 'm' }] } : { choices: [{ message: { content }, finish_reason: 'stop' }] }), { status: 200 });

  it('^(a+)+$ against a 27-character answer fails with a clear reason in well under a second', async () => {
    const answer = `${'a'.repeat(27)}!`;
    const started = performance.now();
    const run = await runProbe({ baseUrl: 'http://model.test', servedModelName: 'm', cases: [{ messages: [{ role: 'user', content: 'x' }], expect: { regex: '^(a+)+$' } }], fetch: answering(answer) });
    const elapsed = performance.now() - started;
    assert.equal(run.pass, false);
    const failure = run.results[0]!.failure!;
    assert.equal(failure.kind, 'invalid-case');
    assert.equal(failure.message, 'the expected pattern /^(a+)+$/ took too long (over 100 ms) on the answer and was stopped: check it for nested quantifiers such as (a+)+');
    assert.ok(elapsed < 1000, `the probe took ${Math.round(elapsed)} ms`);
  });

  it('matchAnswer still matches ordinary patterns and says too-slow only for runaway ones', () => {
    assert.equal(matchAnswer('The answer is Four.', { regex: '\\b(4|four)\\b', flags: 'i' }), 'match');
    assert.equal(matchAnswer('42', { regex: '\\b(4|four)\\b', flags: 'i' }), 'no-match');
    assert.equal(matchAnswer(`${'a'.repeat(40)}!`, { regex: '^(a+)+$' }, 50), 'too-slow');
  });
});

describe('no API key from the shell environment for an untrusted workspace (finding 8)', () => {
  const seen: (string | undefined)[] = [];
  const recording: FetchLike = async (_url, init) => {
    seen.push((init?.headers as Record<string, string> | undefined)?.authorization);
    return new Response('vllm:num_requests_running{model_name="m"} 0\n', { status: 200 });
  };
  const plan = (text: string, env: Record<string, string>, dotEnv = '') => planStack(text, '/w/compose.yaml', { env, dotEnv }).services[0]!;
  const vllm = (extra: string) => `services:\n  llm:\n    image: vllm/vllm-openai:v0.8.5\n${extra}`;

  it('the metrics scraper sends an interpolated ${VLLM_API_KEY} only when the workspace is trusted', async () => {
    const service = plan(vllm('    command: ["--model", "m", "--api-key", "${VLLM_API_KEY}"]\n'), { VLLM_API_KEY: 'sk-from-your-shell-0123' });
    assert.equal(service.apiKeyFromEnvironment, true);
    seen.length = 0;
    assert.equal((await scrapeMetrics('http://model.test', service, { trusted: false, fetch: recording })).ok, true);
    await scrapeMetrics('http://model.test', service, { trusted: true, fetch: recording });
    assert.deepEqual(seen, [undefined, 'Bearer sk-from-your-shell-0123']);
  });

  it('a bare `- VLLM_API_KEY` from the shell is withheld; a key the workspace wrote (file, .env) is sent', async () => {
    const bare = plan(vllm('    environment:\n      - VLLM_API_KEY\n'), { VLLM_API_KEY: 'sk-from-your-shell-0123' });
    const literal = plan(vllm('    command: ["--api-key", "sk-in-the-file"]\n'), { VLLM_API_KEY: 'sk-from-your-shell-0123' });
    const dotEnv = plan(vllm('    command: ["--api-key", "${KEY}"]\n'), {}, 'KEY=sk-in-dotenv\n');
    seen.length = 0;
    for (const s of [bare, literal, dotEnv]) await scrapeMetrics('http://model.test', s, { trusted: false, fetch: recording });
    assert.deepEqual(seen, [undefined, 'Bearer sk-in-the-file', 'Bearer sk-in-dotenv']);
  });

  it('says why when the service refuses the scrape without the withheld key', async () => {
    const service = plan(vllm('    command: ["--api-key", "${VLLM_API_KEY}"]\n'), { VLLM_API_KEY: 'sk-from-your-shell-0123' });
    const refused: FetchLike = async () => new Response('{"error":"Unauthorized"}', { status: 401 });
    const m = await scrapeMetrics('http://model.test', service, { trusted: false, fetch: refused });
    assert.deepEqual(m.ok ? undefined : m.error, 'http://model.test/metrics: HTTP 401 (the API key comes from your environment: trust the workspace to send it)');
  });
});

describe('programs are resolved to absolute paths, never from the working folder or the workspace (finding 8)', () => {
  let root: string;
  before(() => { root = mkdtempSync(join(tmpdir(), 'is-exe-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  const program = (dir: string, name: string, out: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), `#!/bin/sh\necho ${out}\n`);
    chmodSync(join(dir, name), 0o755);
  };

  it('a program planted in the Compose folder does not run through an empty, `.` or workspace PATH entry', { skip: process.platform === 'win32' }, async () => {
    const repo = join(root, 'repo');
    program(repo, 'is-test-docker', 'planted');
    program(join(repo, 'bin'), 'is-test-docker', 'planted-bin');
    const r = await runCommand({ file: 'is-test-docker', args: [] }, { timeoutMs: 5000, cwd: repo, env: { PATH: `:.:bin:${join(repo, 'bin')}` }, excludeFolders: [repo] });
    assert.equal(r.error?.code, 'ENOENT');
    assert.equal(r.error?.message, 'is-test-docker was not found on PATH (only absolute PATH folders outside the workspace are searched)');
    assert.equal(r.stdout, '');

    program(join(root, 'system-bin'), 'is-test-docker', 'system');
    const ok = await runCommand({ file: 'is-test-docker', args: [] }, { timeoutMs: 5000, cwd: repo, env: { PATH: `.:${join(repo, 'bin')}:${join(root, 'system-bin')}` }, excludeFolders: [repo] });
    assert.equal(ok.stdout.trim(), 'system');
  });

  it('refuses a relative path (it would be looked up from the working folder)', async () => {
    const r = await runCommand({ file: './docker', args: [] }, { timeoutMs: 5000, cwd: root });
    assert.equal(r.error?.code, 'ENOENT');
    assert.match(r.error!.message, /^\.\/docker is a relative path/);
  });

  it('on a simulated Windows: PATHEXT order, only .exe/.com, case-insensitive folders, never the repository', () => {
    const files = new Set([
      'C:\\work\\repo\\docker.exe',
      'C:\\work\\repo\\tools\\docker.exe',
      'tools\\docker.exe',
      'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.bat',
      'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe',
    ].map((f) => f.toLowerCase()));
    const isExecutable = (p: string) => files.has(p.toLowerCase());
    const env = { Path: 'C:\\WORK\\Repo\\tools;tools;;"C:\\Program Files\\Docker\\Docker\\resources\\bin"', PATHEXT: '.BAT;.CMD;.EXE;.COM' };
    const found = resolveExecutable('docker', { platform: 'win32', env, exclude: ['c:\\work\\repo'], isExecutable });
    assert.equal(found, win32.join('C:\\Program Files\\Docker\\Docker\\resources\\bin', 'docker.exe'));
    assert.equal(resolveExecutable('docker', { platform: 'win32', env: { Path: 'tools;C:\\work\\repo' }, exclude: ['C:\\work\\repo'], isExecutable }), undefined);
    assert.equal(resolveExecutable('docker.exe', { platform: 'win32', env, exclude: ['C:\\work\\repo'], isExecutable }), found);
    assert.equal(resolveExecutable('C:\\tools\\docker-compose.exe', { platform: 'win32', env, isExecutable }), 'C:\\tools\\docker-compose.exe');
    assert.equal(resolveExecutable('tools\\docker.exe', { platform: 'win32', env, isExecutable }), undefined);
  });

  it('on POSIX: empty, `.` and relative PATH entries are skipped', () => {
    const isExecutable = (p: string) => ['/usr/bin/nvidia-smi', 'bin/nvidia-smi', '/repo/nvidia-smi'].includes(p);
    assert.equal(resolveExecutable('nvidia-smi', { platform: 'linux', env: { PATH: ':.:bin:/usr/bin' }, exclude: ['/repo'], isExecutable }), '/usr/bin/nvidia-smi');
    assert.equal(resolveExecutable('nvidia-smi', { platform: 'linux', env: { PATH: '/repo::bin' }, exclude: ['/repo'], isExecutable }), undefined);
  });
});
