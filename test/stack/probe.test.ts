import assert from 'node:assert/strict';
import { apiKeyHow } from '../../server/src/engines/apiKey';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  DEFAULT_PROBE_CASES, answerMatches, formatProbeRun, normaliseBaseUrl, redact, runProbe, validateCase, type ProbeCase,
} from '../../client/src/stack/probe/probe';
import { freePort, startFakeOpenAi, type FakeOpenAi } from './fakeOpenAi';

describe('runProbe against a local OpenAI-compatible server', () => {
  let fake: FakeOpenAi;
  before(async () => { fake = await startFakeOpenAi(); });
  after(async () => { await fake.close(); });
  beforeEach(() => {
    fake.mode = 'right'; fake.models = ['qwen']; delete fake.apiKey; fake.oldErrorFormat = false; fake.requests = [];
  });

  it('passes the default 2 + 2 probe, asking the first listed model with temperature 0 and few tokens', async () => {
    const run = await runProbe({ baseUrl: fake.url, timeoutMs: 2000 });
    assert.equal(run.pass, true);
    assert.equal(run.model, 'qwen');
    assert.equal(run.modelSource, 'models-endpoint');
    assert.equal(run.results.length, 1);
    assert.equal(run.results[0]!.name, '2 + 2');
    assert.equal(run.results[0]!.answer, '2 + 2 = 4');
    assert.ok(run.results[0]!.latencyMs >= 0);
    const chat = fake.requests.find((r) => r.path === '/v1/chat/completions')!;
    assert.equal(chat.body.model, 'qwen');
    assert.equal(chat.body.temperature, 0);
    assert.ok(chat.body.max_tokens > 0 && chat.body.max_tokens <= 64);
    assert.deepEqual(chat.body.messages, DEFAULT_PROBE_CASES[0]!.messages);
  });

  it('uses the served model name without listing models, and prefers the --model id among several', async () => {
    const given = await runProbe({ baseUrl: `${fake.url}/v1/`, servedModelName: 'qwen', timeoutMs: 2000 });
    assert.equal(given.modelSource, 'served-model-name');
    assert.equal(fake.requests.some((r) => r.path === '/v1/models'), false);
    fake.models = ['lora-a', 'Qwen/Qwen3-0.6B'];
    const hinted = await runProbe({ baseUrl: fake.url, modelHint: 'Qwen/Qwen3-0.6B', timeoutMs: 2000 });
    assert.equal(hinted.model, 'Qwen/Qwen3-0.6B');
    assert.equal(hinted.pass, true);
  });

  it('fails a wrong answer and shows the answer itself', async () => {
    fake.mode = 'wrong';
    const run = await runProbe({ baseUrl: fake.url, timeoutMs: 2000 });
    const f = run.results[0]!.failure!;
    assert.equal(run.pass, false);
    assert.equal(f.kind, 'wrong-answer');
    assert.ok(f.kind === 'wrong-answer' && f.answer === 'The answer is 5.');
    assert.match(f.message, /answered "The answer is 5\."/);
  });

  it('says when the answer was cut by max_tokens', async () => {
    fake.mode = 'cut';
    const run = await runProbe({ baseUrl: fake.url, timeoutMs: 2000, maxTokens: 8 });
    const f = run.results[0]!.failure!;
    assert.equal(f.kind, 'wrong-answer');
    assert.match(f.message, /cut at max_tokens=8/);
  });

  for (const oldErrorFormat of [false, true]) {
    it(`reports no-such-model from vLLM's 404 (${oldErrorFormat ? 'older flat' : 'current nested'} error body)`, async () => {
      fake.oldErrorFormat = oldErrorFormat;
      const run = await runProbe({ baseUrl: fake.url, servedModelName: 'llama', timeoutMs: 2000 });
      const f = run.results[0]!.failure!;
      assert.equal(f.kind, 'no-such-model');
      assert.ok(f.kind === 'no-such-model' && f.model === 'llama' && f.status === 404);
      assert.match(f.message, /does not serve a model named "llama"/);
      assert.match(f.message, /--served-model-name/);
    });
  }

  it('times out on a service that never answers', async () => {
    fake.mode = 'hang';
    const started = Date.now();
    const run = await runProbe({ baseUrl: fake.url, servedModelName: 'qwen', timeoutMs: 150 });
    const f = run.results[0]!.failure!;
    assert.equal(f.kind, 'timeout');
    assert.ok(f.kind === 'timeout' && f.timeoutMs === 150);
    assert.ok(Date.now() - started < 1500, 'the timeout fired');
  });

  it('times out while listing models too, and every case carries that reason', async () => {
    fake.mode = 'hang';
    const cases: ProbeCase[] = [
      { name: 'a', messages: [{ role: 'user', content: 'x' }], expect: 'x' },
      { name: 'b', messages: [{ role: 'user', content: 'y' }], expect: 'y' },
    ];
    const run = await runProbe({ baseUrl: fake.url, cases, timeoutMs: 150 });
    assert.equal(run.modelFailure?.kind, 'timeout');
    assert.deepEqual(run.results.map((r) => [r.name, r.failure?.kind]), [['a', 'timeout'], ['b', 'timeout']]);
  });

  it('calls a non-OpenAI 200 answer malformed, with a body excerpt', async () => {
    fake.mode = 'garbage';
    const run = await runProbe({ baseUrl: fake.url, timeoutMs: 2000 });
    const f = run.results[0]!.failure!;
    assert.equal(f.kind, 'malformed');
    assert.ok(f.kind === 'malformed' && f.bodyExcerpt.includes('proxy says hello'));
  });

  it('reports other HTTP errors with the status and the error message', async () => {
    fake.mode = 'error500';
    const run = await runProbe({ baseUrl: fake.url, timeoutMs: 2000 });
    const f = run.results[0]!.failure!;
    assert.equal(f.kind, 'http');
    assert.ok(f.kind === 'http' && f.status === 500);
    assert.match(f.message, /HTTP 500: EngineCore encountered an issue/);
  });

  it('explains a 401 from a service started with --api-key, and passes with the key sent as Bearer', async () => {
    fake.apiKey = 'sk-test-0123456789abcdef';
    const without = await runProbe({ baseUrl: fake.url, timeoutMs: 2000 });
    const f = without.results[0]!.failure!;
    assert.equal(f.kind, 'http');
    assert.ok(f.kind === 'http' && f.status === 401);
    assert.match(f.message, /\(the service requires an API key: it was started with --api-key\)$/);
    // The words of the service's engine (engines/apiKey.ts): vLLM's variable, SGLang's flag alone.
    const vllm = await runProbe({ baseUrl: fake.url, timeoutMs: 2000, apiKeyHow: apiKeyHow('vllm')! });
    assert.match(vllm.results[0]!.failure!.message, /started with VLLM_API_KEY or --api-key\)$/);
    const refused = await runProbe({ baseUrl: fake.url, timeoutMs: 2000, apiKey: 'sk-wrong-0123456789abcdef', apiKeyHow: apiKeyHow('tgi')! });
    assert.match(refused.results[0]!.failure!.message, /the API key was refused: compare it with the service's API_KEY or --api-key\)$/);
    assert.equal(apiKeyHow('sglang'), '--api-key');
    assert.equal(apiKeyHow('llamacpp'), 'LLAMA_API_KEY or --api-key');
    assert.equal(apiKeyHow('ollama'), undefined);
    const withKey = await runProbe({ baseUrl: fake.url, apiKey: fake.apiKey, timeoutMs: 2000 });
    assert.equal(withKey.pass, true);
    assert.equal(fake.requests.at(-1)!.authorization, `Bearer ${fake.apiKey}`);
  });

  it('never puts the API key in results, even when the server echoes it', async () => {
    fake.apiKey = 'sk-right-0123456789abcdef';
    const wrongKey = 'sk-wrong-0123456789abcdef';
    const echo = async (_url: string, init?: RequestInit) =>
      new Response(JSON.stringify({ error: `Unauthorized: ${(init?.headers as Record<string, string>).authorization}` }), { status: 401 });
    const run = await runProbe({ baseUrl: fake.url, apiKey: wrongKey, fetch: echo, timeoutMs: 2000 });
    const text = JSON.stringify(run);
    assert.equal(text.includes(wrongKey), false);
    assert.match(run.results[0]!.failure!.message, /Bearer \*\*\*/);
    assert.match(run.results[0]!.failure!.message, /API key was refused/);
  });

  it('says "is the service up?" when nothing listens', async () => {
    const port = await freePort();
    const run = await runProbe({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const f = run.results[0]!.failure!;
    assert.equal(f.kind, 'connection');
    assert.ok(f.kind === 'connection' && f.code === 'ECONNREFUSED');
    assert.match(f.message, /is the service up\?/);
  });

  it('never throws, even when the injected fetch does something odd', async () => {
    const odd = (() => { throw new Error('boom'); }) as unknown as typeof fetch;
    const run = await runProbe({ baseUrl: 'http://127.0.0.1:1', fetch: odd, servedModelName: 'm', timeoutMs: 100 });
    assert.equal(run.pass, false);
    assert.equal(run.results[0]!.failure!.kind, 'connection');
  });

  it('runs several cases and reports each; a bad case is reported as such, not sent', async () => {
    const cases: ProbeCase[] = [
      { name: 'sum', messages: [{ role: 'user', content: '2+2?' }], expect: '4' },
      { name: 'bad regex', messages: [{ role: 'user', content: '?' }], expect: { regex: '(' } },
      { name: 'wants 5', messages: [{ role: 'user', content: '?' }], expect: { regex: '^5$' } },
    ];
    const run = await runProbe({ baseUrl: fake.url, servedModelName: 'qwen', cases, timeoutMs: 2000 });
    assert.deepEqual(run.results.map((r) => [r.name, r.pass, r.failure?.kind]), [
      ['sum', true, undefined], ['bad regex', false, 'invalid-case'], ['wants 5', false, 'wrong-answer'],
    ]);
    assert.equal(fake.requests.filter((r) => r.path === '/v1/chat/completions').length, 2);
    const lines = formatProbeRun(run);
    assert.match(lines[0]!, /^PASS sum/);
    assert.match(lines[1]!, /^FAIL bad regex .*\[invalid-case\]: invalid regex/);
  });
});

describe('probe helpers', () => {
  it('matches substrings case-sensitively and regexes with flags', () => {
    assert.equal(answerMatches('The answer is 4.', '4'), true);
    assert.equal(answerMatches('Paris', 'paris'), false);
    const def = DEFAULT_PROBE_CASES[0]!.expect;
    for (const yes of ['4', '2 + 2 = 4', 'Four.', 'four']) assert.equal(answerMatches(yes, def), true, yes);
    for (const no of ['42', '14', '5', 'fourteen', '']) assert.equal(answerMatches(no, def), false, no);
  });

  it('validates cases', () => {
    assert.equal(validateCase({ messages: [{ role: 'user', content: 'x' }], expect: 'x' }), undefined);
    assert.match(validateCase({ messages: [], expect: 'x' })!, /at least one message/);
    assert.match(validateCase({ messages: [{ role: 'user', content: 'x' }], expect: '' })!, /every answer would pass/);
    assert.match(validateCase({ messages: [{ role: 'user', content: 'x' }], expect: { regex: 'a', flags: 'g' } })!, /only i, m, s/);
  });

  it('redacts keys and tokens, and normalises base URLs', () => {
    // The one masker (mask.ts): the known key anywhere, tokens of the known formats, one fixed-length marker.
    assert.equal(redact('key abcdefgh1234 and hf_abcdefghijklmnopqrstuvwxyz0123 and sk-abcdefghijklmnopqrstuvwx', 'abcdefgh1234'), 'key **** and hf_**** and sk-****');
    assert.equal(redact('Authorization: Bearer xyz.123'), 'Authorization: Bearer ****');
    assert.equal(normaliseBaseUrl('http://h:8000/v1/'), 'http://h:8000');
    assert.equal(normaliseBaseUrl(' http://h:8000 '), 'http://h:8000');
  });
});
