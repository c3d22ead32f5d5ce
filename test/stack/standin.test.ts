/**
 * The project's vLLM stand-in (test/standin/vllm-standin.mjs), run as a child process on 127.0.0.1 and read with
 * the real modules the extension uses: its logs through LineSplitter, LogLineParser and StartupTracker, its API
 * through runProbe, its /metrics through summarizeText. What the stand-in imitates comes from
 * server/src/engines/facts/vllm-server.json and vllm-metrics.json (see the script's header); the facts quoted here say so.
 *
 * Every child is killed in `finally` / `after`; waits are for the line or the exit we expect, each with a timeout.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LineSplitter, LogLineParser, type LogLine } from '../../client/src/stack/logs/logLines';
import { histogramSeries, parseExposition, summarizeText } from '../../client/src/stack/probe/metrics';
import { matchFatalError, StartupTracker } from '../../client/src/stack/runner/milestones';
import { runProbe, type ProbeCase } from '../../client/src/stack/probe/probe';
import { freePort } from './fakeOpenAi';

const SCRIPT = join(__dirname, '..', '..', '..', 'test', 'standin', 'vllm-standin.mjs');
const LOAD_SECONDS = 0.3;
const API_KEY = 'sk-standin0123456789abcdefghij';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Standin {
  child: ChildProcess;
  /** Every line of stdout and stderr, as parsed by the log pipeline. */
  lines: LogLine[];
  tracker: StartupTracker;
  exited: Promise<Exit>;
  /** The first line (already seen or to come) matching `re`; rejects on timeout or when the process exits first. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then the exit (SIGKILL after `timeoutMs`, and the test fails). */
  stop(timeoutMs?: number): Promise<Exit>;
  /** The URL the "Starting vLLM server on" line gave. */
  url(): string;
}

const alive = new Set<ChildProcess>();
after(() => {
  for (const child of alive) child.kill('SIGKILL');
});

function startStandin(args: string[], env: Record<string, string> = {}): Standin {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: { ...process.env, STANDIN_LOAD_SECONDS: String(LOAD_SECONDS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alive.add(child);
  const lines: LogLine[] = [];
  const tracker = new StartupTracker();
  const waiters: { re: RegExp; resolve: (l: LogLine) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  let exit: Exit | undefined;
  const onLine = (line: LogLine) => {
    lines.push(line);
    tracker.feed(line.line);
    for (const w of [...waiters]) {
      if (w.re.test(line.line)) {
        clearTimeout(w.timer);
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    // One splitter and parser per stream, as the Docker log pipeline does.
    const splitter = new LineSplitter();
    const parser = new LogLineParser();
    stream.on('data', (chunk: Buffer) => {
      for (const raw of splitter.push(chunk)) onLine(parser.parse(raw));
    });
  }
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      alive.delete(child);
      exit = { code, signal };
      // Lines still in the pipes arrive before 'close'; fail the waiters only then.
      child.on('close', () => {
        for (const w of waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`the stand-in exited (${code ?? signal}) before a line matched ${w.re}; it printed:\n${lines.map((l) => l.line).join('\n')}`));
        }
        resolve(exit!);
      });
    });
  });
  const waitForLine = (re: RegExp, timeoutMs = 5000) => {
    const seen = lines.find((l) => re.test(l.line));
    if (seen) return Promise.resolve(seen);
    if (exit) return Promise.reject(new Error(`the stand-in had exited before a line matched ${re}`));
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.findIndex((w) => w.timer === timer), 1);
        reject(new Error(`no line matched ${re} within ${timeoutMs} ms; printed so far:\n${lines.map((l) => l.line).join('\n')}`));
      }, timeoutMs);
      waiters.push({ re, resolve, reject, timer });
    });
  };
  const stop = async (timeoutMs = 3000): Promise<Exit> => {
    if (exit) return exit;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(killer);
    }
  };
  const url = () => {
    const u = tracker.details.url;
    assert.ok(u, 'no "Starting vLLM server on" line yet');
    return u;
  };
  return { child, lines, tracker, exited, waitForLine, stop, url };
}

const READY = /Application startup complete\./;
const BASE_ARGS = ['--model', 'Qwen/Qwen3-0.6B', '--served-model-name', 'qwen', '--host', '127.0.0.1', '--port', '0'];

async function metricsText(s: Standin): Promise<string> {
  const res = await fetch(`${s.url()}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

describe('vLLM stand-in, ok mode', () => {
  let s: Standin;
  before(async () => {
    s = startStandin([...BASE_ARGS, '--api-key', API_KEY, '--gpu-memory-utilization', '0.9'], { STANDIN_TTFT_MS: '30' });
    await s.waitForLine(READY);
  });
  after(async () => {
    await s.stop();
  });

  it('prints vLLM startup milestones that take StartupTracker to ready after about the load time', () => {
    assert.equal(s.tracker.state, 'ready');
    const phases = s.tracker.timeline.map((t) => t.phase);
    assert.deepEqual(phases, ['starting', 'loading-weights', 'weights-loaded', 'allocating-kv-cache', 'capturing-cuda-graphs', 'api-starting', 'ready']);
    const seconds = s.tracker.secondsToReady!;
    assert.ok(seconds >= LOAD_SECONDS - 0.05 && seconds < LOAD_SECONDS + 1.5, `ready after ${seconds} s, load is ${LOAD_SECONDS} s`);
    assert.equal(s.tracker.details.model, 'Qwen/Qwen3-0.6B');
    assert.equal(s.tracker.details.maxModelLen, 40960);
    assert.equal(s.tracker.details.weightsGiB, 1.12);
    assert.match(s.tracker.details.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.tracker.failure, undefined);
  });

  it('writes lines in vLLM and uvicorn formats, and never the API key in clear', () => {
    const banner = s.lines.find((l) => /vLLM server version/.test(l.line))!;
    assert.equal(banner.process, 'APIServer');
    assert.equal(banner.source, 'utils.py:253');
    assert.match(banner.time!, /^\d\d-\d\d \d\d:\d\d:\d\d$/);
    const weights = s.lines.find((l) => /Starting to load model/.test(l.line))!;
    assert.equal(weights.process, 'EngineCore_DP0');
    const ready = s.lines.find((l) => READY.test(l.line))!;
    assert.equal(ready.source, 'uvicorn');
    const args = s.lines.find((l) => /non-default args: /.test(l.line))!;
    assert.match(args.text, /'api_key': \['\*\*\*'\]/);
    assert.match(args.text, /'gpu_memory_utilization': 0\.9/);
    assert.equal(s.lines.some((l) => l.line.includes(API_KEY)), false);
    assert.equal(s.lines.some((l) => /Uvicorn running on/.test(l.line)), false, 'recent vLLM never prints it (pre-bound socket)');
  });

  it('answers /health and /metrics openly, and /v1/* only with the API key (401 {"error": "Unauthorized"})', async () => {
    const health = await fetch(`${s.url()}/health`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), '');
    const noKey = await fetch(`${s.url()}/v1/models`);
    assert.equal(noKey.status, 401);
    assert.deepEqual(await noKey.json(), { error: 'Unauthorized' });
    const models = await fetch(`${s.url()}/v1/models`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const body = (await models.json()) as { object: string; data: { id: string; root: string; owned_by: string }[] };
    assert.equal(body.object, 'list');
    assert.deepEqual(body.data.map((m) => [m.id, m.root, m.owned_by]), [['qwen', 'Qwen/Qwen3-0.6B', 'vllm']]);
    const access = await s.waitForLine(/"GET \/health HTTP\/1\.1" 200 OK$/);
    assert.equal(access.source, 'uvicorn');
    assert.equal(access.level, 'info');
    await s.waitForLine(/"GET \/v1\/models HTTP\/1\.1" 401 Unauthorized$/);
  });

  it('passes the default 2 + 2 probe, computes other arithmetic, and says no-such-model for a wrong name', async () => {
    const run = await runProbe({ baseUrl: s.url(), apiKey: API_KEY, timeoutMs: 3000 });
    assert.equal(run.pass, true, JSON.stringify(run));
    assert.equal(run.model, 'qwen');
    assert.equal(run.results[0]!.answer, '4');
    const cases: ProbeCase[] = [
      { name: 'times', messages: [{ role: 'user', content: 'What is 12 * 7?' }], expect: { regex: '^84$' } },
      { name: 'minus', messages: [{ role: 'system', content: 'Be brief: 1 + 1.' }, { role: 'user', content: 'What is 10 - 15?' }], expect: { regex: '^-5$' } },
      { name: 'big', messages: [{ role: 'user', content: 'what is 123456789123 + 876543210877' }], expect: '1000000000000' },
    ];
    const more = await runProbe({ baseUrl: s.url(), apiKey: API_KEY, servedModelName: 'qwen', cases, timeoutMs: 3000 });
    assert.deepEqual(more.results.map((r) => [r.name, r.pass, r.answer]), [['times', true, '84'], ['minus', true, '-5'], ['big', true, '1000000000000']]);
    const wrongName = await runProbe({ baseUrl: s.url(), apiKey: API_KEY, servedModelName: 'Qwen/Qwen3-0.6B', timeoutMs: 3000 });
    const f = wrongName.results[0]!.failure!;
    assert.equal(f.kind, 'no-such-model');
    assert.ok(f.kind === 'no-such-model' && f.status === 404 && f.model === 'Qwen/Qwen3-0.6B');
    const noKey = await runProbe({ baseUrl: s.url(), timeoutMs: 3000 });
    assert.equal(noKey.modelFailure?.kind, 'http');
    assert.ok(noKey.modelFailure?.kind === 'http' && noKey.modelFailure.status === 401);
  });

  it('honours max_tokens (finish_reason "length") and rejects a negative temperature with 400', async () => {
    const post = (body: unknown) => fetch(`${s.url()}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const cut = (await (await post({ model: 'qwen', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 3 })).json()) as {
      choices: { message: { content: string }; finish_reason: string }[]; usage: { completion_tokens: number };
    };
    assert.equal(cut.choices[0]!.finish_reason, 'length');
    assert.equal(cut.usage.completion_tokens, 3);
    assert.equal(cut.choices[0]!.message.content.split(' ').length, 3);
    const bad = await post({ model: 'qwen', messages: [{ role: 'user', content: 'Hello' }], temperature: -1 });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { type: string } }).error.type, 'BadRequestError');
  });

  it('exposes vLLM metrics that summarizeText reads, and the TTFT count grows with each request', async () => {
    const beforeText = await metricsText(s);
    const first = summarizeText(beforeText);
    assert.equal(first.engineMetrics, true);
    assert.deepEqual(Object.keys(first.models), ['qwen']);
    assert.equal(first.used.itl, 'vllm:inter_token_latency_seconds');
    assert.equal(first.used.kvCacheUsage, 'vllm:kv_cache_usage_perc');
    assert.equal(first.running, 0);
    assert.equal(first.waiting, 0);
    assert.equal(first.skippedLines, 0);
    // vllm-metrics.json: the TTFT bucket bounds, labels model_name and engine.
    const ttft = histogramSeries(parseExposition(beforeText), 'vllm:time_to_first_token_seconds');
    assert.deepEqual(ttft.map((h) => h.labels), [{ engine: '0', model_name: 'qwen' }]);
    assert.deepEqual(ttft[0]!.buckets.map((b) => b.le), [
      0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0, Infinity,
    ]);
    const tokensBefore = parseExposition(beforeText).samples.find((x) => x.name === 'vllm:generation_tokens_total')!.value;

    const run = await runProbe({ baseUrl: s.url(), apiKey: API_KEY, servedModelName: 'qwen', timeoutMs: 3000 });
    assert.equal(run.pass, true);
    const afterText = await metricsText(s);
    const now = summarizeText(afterText);
    assert.equal(now.ttft.count, first.ttft.count + 1);
    const interval = summarizeText(afterText, beforeText);
    assert.equal(interval.ttft.count, 1);
    // STANDIN_TTFT_MS=30: the one request waited about 30 ms for its first token (a timer may fire a millisecond
    // early against the clock the stand-in measures with).
    assert.ok(interval.ttft.sum! >= 0.025, `TTFT sum ${interval.ttft.sum}`);
    assert.ok(interval.ttft.p50! > 0.02, `TTFT p50 ${interval.ttft.p50}`);
    const tokensAfter = parseExposition(afterText).samples.find((x) => x.name === 'vllm:generation_tokens_total')!.value;
    assert.equal(tokensAfter, tokensBefore + 1); // "4" is one token
  });

  it('shuts down on SIGTERM (docker stop) with uvicorn\'s lines and exit code 0', async () => {
    const started = Date.now();
    const exit = await s.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(Date.now() - started < 2000);
    assert.ok(s.lines.some((l) => /Shutting down FastAPI HTTP server\./.test(l.line)));
    assert.ok(s.lines.some((l) => /Application shutdown complete\./.test(l.line)));
    assert.equal(s.tracker.state, 'stopping');
  });
});

describe('vLLM stand-in, other modes', () => {
  it('refuses connections while loading (like vLLM) and answers once ready', async () => {
    const port = await freePort();
    const s = startStandin(['Qwen/Qwen3-0.6B', '--host', '127.0.0.1', '--port', String(port)], { STANDIN_LOAD_SECONDS: '0.8' });
    try {
      await s.waitForLine(/Starting to load model/);
      const early = await runProbe({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 1000 });
      assert.equal(early.modelFailure?.kind, 'connection');
      assert.ok(early.modelFailure?.kind === 'connection' && early.modelFailure.code === 'ECONNREFUSED');
      await s.waitForLine(READY);
      assert.equal(s.url(), `http://127.0.0.1:${port}`);
      const run = await runProbe({ baseUrl: s.url(), modelHint: 'Qwen/Qwen3-0.6B', timeoutMs: 3000 });
      assert.equal(run.pass, true);
      assert.equal(run.model, 'Qwen/Qwen3-0.6B'); // no --served-model-name: the model itself
      assert.ok(s.tracker.secondsToReady! >= 0.75);
    } finally {
      await s.stop();
    }
  });

  it('wrong: the probe fails with wrong-answer and shows the answer', async () => {
    const s = startStandin(BASE_ARGS, { STANDIN_MODE: 'wrong' });
    try {
      await s.waitForLine(READY);
      const run = await runProbe({ baseUrl: s.url(), timeoutMs: 3000 });
      const f = run.results[0]!.failure!;
      assert.equal(f.kind, 'wrong-answer');
      assert.ok(f.kind === 'wrong-answer' && f.answer === '5');
      assert.match(f.message, /the model answered "5"/);
    } finally {
      await s.stop();
    }
  });

  it('hang: chat completions never answer (probe timeout), /health still 200, the request counts as running; SIGTERM still exits 0', async () => {
    const s = startStandin(BASE_ARGS, { STANDIN_MODE: 'hang' });
    const pending = new AbortController();
    try {
      await s.waitForLine(READY);
      const run = await runProbe({ baseUrl: s.url(), servedModelName: 'qwen', timeoutMs: 300 });
      assert.equal(run.results[0]!.failure?.kind, 'timeout');
      assert.equal((await fetch(`${s.url()}/health`)).status, 200);
      const hung = fetch(`${s.url()}/v1/chat/completions`, {
        method: 'POST', signal: pending.signal, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'qwen', messages: [{ role: 'user', content: 'What is 2 + 2?' }] }),
      }).catch((e: unknown) => e);
      // The request is counted as soon as the stand-in has read it; poll /metrics for it (bounded).
      let running = 0;
      for (let i = 0; i < 50 && running === 0; i++) running = summarizeText(await metricsText(s)).running ?? 0;
      assert.equal(running, 1);
      const exp = parseExposition(await metricsText(s));
      const aborted = exp.samples.find((x) => x.name === 'vllm:request_success_total' && x.labels['finished_reason'] === 'abort')!;
      assert.equal(aborted.value, 1); // the probe's request, given up at its timeout
      const exit = await s.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
      await hung;
    } finally {
      pending.abort();
      await s.stop();
    }
  });

  it('unhealthy: /health answers 503 while the API still answers', async () => {
    const s = startStandin(BASE_ARGS, { STANDIN_MODE: 'unhealthy' });
    try {
      await s.waitForLine(READY);
      assert.equal((await fetch(`${s.url()}/health`)).status, 503);
      assert.equal((await fetch(`${s.url()}/v1/models`)).status, 200);
    } finally {
      await s.stop();
    }
  });

  for (const [error, id] of [[undefined, 'weights-oom'], ['no-kv-cache-memory', 'no-kv-cache-memory'], ['no-gpu', 'no-gpu']] as const) {
    it(`crash during load (${error ?? 'default'}): exit code 1, and StartupTracker fails with ${id}`, async () => {
      const s = startStandin(BASE_ARGS, { STANDIN_MODE: 'crash', STANDIN_LOAD_SECONDS: '0.4', ...(error ? { STANDIN_CRASH_ERROR: error } : {}) });
      try {
        const exit = await s.exited;
        assert.deepEqual(exit, { code: 1, signal: null });
        assert.equal(s.tracker.state, 'failed');
        assert.equal(s.tracker.failure?.id, id);
        assert.equal(s.tracker.timeline.some((t) => t.phase === 'ready'), false);
        const fatal = s.lines.filter((l) => matchFatalError(l.line)?.id === id);
        assert.equal(fatal.length, 1);
        assert.equal(fatal[0]!.level, 'error');
        assert.ok(s.lines.some((l) => /Engine core initialization failed\. See root cause above\./.test(l.line)));
      } finally {
        await s.stop();
      }
    });
  }

  it('crash after ready (STANDIN_CRASH_AFTER past the load): the engine dies, /health was 200 before, exit code 1', async () => {
    const s = startStandin(BASE_ARGS, { STANDIN_MODE: 'crash', STANDIN_LOAD_SECONDS: '0.2', STANDIN_CRASH_AFTER: '0.6' });
    try {
      await s.waitForLine(READY);
      assert.equal((await fetch(`${s.url()}/health`)).status, 200);
      const exit = await s.exited;
      assert.equal(exit.code, 1);
      assert.equal(s.tracker.state, 'failed');
      assert.equal(s.tracker.failure?.id, 'engine-dead');
    } finally {
      await s.stop();
    }
  });

  it('takes vLLM arguments as compose passes them: positional model, VLLM_API_KEY, unknown flags ignored, --disable-log-stats', async () => {
    const s = startStandin(
      ['Qwen/Qwen3-0.6B', '--enforce-eager', '--tensor-parallel-size', '1', '--max_model_len', '8k', '--no-enable-prefix-caching', '--host', '127.0.0.1', '--port=0', '--disable-log-stats'],
      { VLLM_API_KEY: API_KEY },
    );
    try {
      await s.waitForLine(READY);
      assert.equal(s.tracker.details.maxModelLen, 8000);
      assert.equal(s.lines.some((l) => /Graph capturing finished/.test(l.line)), false, '--enforce-eager captures no CUDA graphs');
      assert.equal(s.lines.some((l) => l.line.includes(API_KEY)), false);
      assert.equal((await fetch(`${s.url()}/v1/models`)).status, 401);
      const run = await runProbe({ baseUrl: s.url(), apiKey: API_KEY, timeoutMs: 3000 });
      assert.equal(run.pass, true);
      assert.equal(run.model, 'Qwen/Qwen3-0.6B');
      // vllm-metrics.json when_present: with --disable-log-stats there are no vllm:* series.
      assert.equal(summarizeText(await metricsText(s)).engineMetrics, false);
    } finally {
      await s.stop();
    }
  });
});
