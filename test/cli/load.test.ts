// `inference-stack load` against the vLLM stand-in (test/standin) run as a plain process with a known time to first
// token and inter-token delay: the measured values rest on those settings; --service finds the published port;
// --save and --compare; a server that is not there.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../stack/fakeOpenAi';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const STANDIN = join(ROOT, 'test', 'standin', 'vllm-standin.mjs');
const TTFT_MS = 120;
const ITL_MS = 8;

function cli(args: string[], cwd = ROOT, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, 'load', ...args], { encoding: 'utf8', cwd, env: { ...process.env, ...env }, timeout: 120_000 });
}

describe('inference-stack load', () => {
  let child: ChildProcess;
  let url: string;
  let port: number;

  before(async () => {
    port = await freePort();
    child = spawn(process.execPath, [STANDIN, '--port', String(port), '--served-model-name', 'qwen'], {
      env: { ...process.env, STANDIN_LOAD_SECONDS: '0', STANDIN_TTFT_MS: String(TTFT_MS), STANDIN_ITL_MS: String(ITL_MS) },
      stdio: 'ignore',
    });
    url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the stand-in did not come up');
  });
  after(() => child?.kill('SIGKILL'));

  it('measures TTFT, ITL, TPOT and throughput as vllm bench serve defines them, on a server with known delays', () => {
    const r = cli([url, '--concurrency', '4', '--requests', '24', '--max-tokens', '16', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.requests, 24);
    assert.equal(s.errors, 0);
    // The stand-in waits TTFT_MS before its first chunk and ITL_MS between tokens: nothing measured can be shorter.
    // (Upper bounds are loose: a loaded test machine delays timers; the note reports the measured error.)
    assert.ok(s.ttft_ms.p50 >= TTFT_MS && s.ttft_ms.p50 < TTFT_MS * 3, `TTFT p50 ${s.ttft_ms.p50} ms for a ${TTFT_MS} ms setting`);
    assert.ok(s.itl_ms.p50 >= ITL_MS - 1 && s.itl_ms.p50 < ITL_MS * 6, `ITL p50 ${s.itl_ms.p50} ms for ${ITL_MS} ms`);
    assert.ok(s.tpot_ms.mean > 0 && s.e2e_ms.p50 > s.ttft_ms.p50);
    assert.ok(s.output_tokens_per_s > 0 && s.request_rate > 0);
    assert.deepEqual(Object.keys(s), ['requests', 'errors', 'duration_s', 'request_rate', 'output_tokens_per_s', 'ttft_ms', 'itl_ms', 'tpot_ms', 'e2e_ms', 'error_samples']);
  });

  it('--service reads the published port from the Compose file; --save and --compare', () => {
    const dir = mkdtempSync(join(tmpdir(), 'is-load-'));
    writeFileSync(join(dir, 'compose.yaml'), `services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: --model Qwen/Qwen3-0.6B --served-model-name qwen\n    ports: ["127.0.0.1:${port}:8000"]\n`);
    const text = cli(['--service', 'vllm', '--requests', '6', '--concurrency', '2', '--save', 'a.json'], dir);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^http://127\\.0\\.0\\.1:${port} · qwen · concurrency 2\\n=+ Serving Benchmark Result =+\\nSuccessful requests: +6\\n`));
    assert.match(text.stdout, /Median TTFT \(ms\): +\d+\.\d\d/);
    assert.equal(cli(['--service', 'vllm', '--requests', '4', '--save', 'b.json', '--format', 'json'], dir).status, 0);
    const cmp = cli(['--compare', 'a.json', 'b.json'], dir);
    assert.equal(cmp.status, 0, cmp.stderr);
    assert.match(cmp.stdout, /^ +a\.json +b\.json +change\nrequests +6\.00 +4\.00 +-33\.3%\n/);
    assert.match(cmp.stdout, /TTFT p95 \(ms\)/);
    const missing = cli(['--service', 'nope', '--requests', '1'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /compose\.yaml has no service "nope"/);
  });

  it('a server that is not there: every request fails, said once, exit 1; no target is a usage error', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const r = cli([nobody, '--model', 'm', '--requests', '3', '--concurrency', '1', '--format', 'json']);
    assert.equal(r.status, 1);
    const s = JSON.parse(r.stdout);
    assert.equal(s.errors, 3);
    assert.deepEqual(s.error_samples, ['ECONNREFUSED']);
    const usage = cli(['--requests', '3']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /name the server: a URL or --service NAME/);
  });
});
