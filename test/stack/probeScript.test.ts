import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildProbeScript, composeHealthcheck, dockerfileHealthcheck } from '../../server/src/scaffold/probeScript';
import { freePort, startFakeOpenAi, type FakeOpenAi } from './fakeOpenAi';

describe('buildProbeScript', () => {
  it('refuses invalid cases and settings with the reason', () => {
    const r = buildProbeScript({ cases: [{ name: 'x', messages: [{ role: 'user', content: 'q' }], expect: { regex: '[' } }], timeoutSeconds: 0 });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.errors.some((e) => /^x: invalid regex/.test(e)) && r.errors.some((e) => /timeoutSeconds/.test(e)));
  });

  it('embeds the cases, the defaults, and no placeholder', () => {
    const r = buildProbeScript({ servedModelName: 'qwen', url: 'http://localhost:8001' });
    assert.ok(r.ok);
    assert.doesNotMatch(r.script, /__[A-Z_]+__/);
    assert.match(r.script, /^#!\/usr\/bin\/env python3\n/);
    assert.match(r.script, /DEFAULT_URL = "http:\/\/localhost:8001"/);
    assert.match(r.script, /DEFAULT_MODEL = "qwen"/);
    assert.match(r.script, /What is 2 \+ 2\?/);
    const imports = [...r.script.matchAll(/^import (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(imports, ['argparse', 'json', 'os', 're', 'socket', 'sys', 'time', 'urllib.error', 'urllib.request']);
  });
});

describe('healthcheck snippets', () => {
  it('Dockerfile: copies the script and runs it with the given timing, never exiting 2', () => {
    assert.equal(dockerfileHealthcheck({ startPeriod: '180s', startInterval: '5s' }), [
      'COPY probe.py /probe.py',
      'HEALTHCHECK --interval=30s --timeout=20s --start-period=180s --start-interval=5s --retries=3 \\',
      '  CMD python3 /probe.py || exit 1',
    ].join('\n'));
    assert.doesNotMatch(dockerfileHealthcheck(), /start-interval/);
    assert.match(dockerfileHealthcheck(), /--start-period=600s/);
  });

  it('Compose: a read-only mount and an exec-form healthcheck', () => {
    const c = composeHealthcheck({ startPeriod: '5m' });
    assert.equal(c.volume, './probe.py:/probe.py:ro');
    assert.equal(c.healthcheck, [
      'healthcheck:',
      '  test: ["CMD", "python3", "/probe.py"]',
      '  interval: 30s',
      '  timeout: 20s',
      '  start_period: 5m',
      '  retries: 3',
    ].join('\n'));
  });
});

// Runs the generated script with the real python3 against the local server. Async execFile, not spawnSync: the
// server answers from this same event loop.
const hasPython = spawnSync('python3', ['--version']).status === 0;

function runPython(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const base = { ...process.env };
    delete base.VLLM_API_KEY; delete base.PROBE_URL; delete base.PROBE_MODEL; delete base.PROBE_TIMEOUT;
    execFile('python3', [script, ...args], { env: { ...base, ...env }, timeout: 10000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe('generated probe.py run by python3', { skip: hasPython ? false : 'python3 not found' }, () => {
  let fake: FakeOpenAi;
  let dir: string;
  let script: string;
  before(async () => {
    fake = await startFakeOpenAi();
    dir = mkdtempSync(join(tmpdir(), 'probe-py-'));
    script = join(dir, 'probe.py');
    const r = buildProbeScript({ timeoutSeconds: 5 });
    assert.ok(r.ok);
    writeFileSync(script, r.script);
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => { fake.mode = 'right'; fake.models = ['qwen']; delete fake.apiKey; fake.requests = []; });

  it('exits 0 on a right answer, asking the listed model with temperature 0', async () => {
    const r = await runPython(script, ['--url', fake.url]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^probe PASS 2 \+ 2 \(\d+ ms, model qwen\): "2 \+ 2 = 4"$/m);
    const chat = fake.requests.find((q) => q.path === '/v1/chat/completions')!;
    assert.equal(chat.body.temperature, 0);
    assert.equal(chat.body.model, 'qwen');
  });

  it('exits 1 on a wrong answer and prints it', async () => {
    fake.mode = 'wrong';
    const r = await runPython(script, [], { PROBE_URL: fake.url });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /\[wrong-answer\]: expected \/\\b\(4\|four\)\\b\/i, the model answered "The answer is 5\."/);
  });

  it('exits 1 with no-such-model for an unknown model', async () => {
    const r = await runPython(script, ['--url', fake.url, '--model', 'llama']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /\[no-such-model\]: the service does not serve a model named "llama" \(HTTP 404: The model `llama` does not exist\.\)/);
  });

  it('exits 1 with timeout when the service hangs', async () => {
    fake.mode = 'hang';
    const r = await runPython(script, ['--url', fake.url, '--model', 'qwen', '--timeout', '0.3']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /\[timeout\]/);
  });

  it('exits 1 with malformed on a non-OpenAI answer', async () => {
    fake.mode = 'garbage';
    const r = await runPython(script, ['--url', fake.url]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /\[malformed\].*proxy says hello/);
  });

  it('reads the API key from VLLM_API_KEY and never prints it', async () => {
    fake.apiKey = 'sk-probe-0123456789abcdef';
    const without = await runPython(script, ['--url', fake.url]);
    assert.equal(without.code, 1);
    assert.match(without.out, /\[http\]: HTTP 401: Unauthorized \(the service requires an API key: set VLLM_API_KEY\)/);
    const withKey = await runPython(script, ['--url', fake.url], { VLLM_API_KEY: fake.apiKey });
    assert.equal(withKey.code, 0, withKey.out);
    assert.equal(fake.requests.at(-1)!.authorization, `Bearer ${fake.apiKey}`);
    const wrong = await runPython(script, ['--url', fake.url], { VLLM_API_KEY: 'not-the-key-123' });
    assert.equal(wrong.code, 1);
    assert.equal(wrong.out.includes('not-the-key-123'), false);
  });

  it('exits 1 (not 2) on a refused connection and on a bad argument', async () => {
    const port = await freePort();
    const refused = await runPython(script, ['--url', `http://127.0.0.1:${port}`]);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /\[connection\]: cannot reach .* is the service up\?/);
    const bad = await runPython(script, ['--no-such-flag']);
    assert.equal(bad.code, 1, bad.out);
  });
});
