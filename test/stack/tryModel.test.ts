/**
 * "Try the Model": the streamed answer's text (masked a whole word at a time, plain), the line under it, and one
 * request against a local streaming server: the text as it comes, TTFT, tokens, an error's message, timeouts, Cancel.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerSummary, StreamedAnswer } from '../../client/src/stack/actions/streamedAnswer';
import { tryModel } from '../../client/src/stack/actions/tryModel';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] });
const content = (text: string) => chunk({ content: text });

/** Feeds `pieces` as content deltas; returns each increment and the whole shown text. */
function stream(pieces: readonly string[], known: string[] = []): { increments: string[]; text: string } {
  const answer = new StreamedAnswer(known);
  const increments = pieces.map((p) => answer.push(content(p)));
  increments.push(answer.end());
  return { increments, text: increments.join('') };
}

describe('StreamedAnswer', () => {
  it('shows the text a word at a time as it comes, and all of it at the end', () => {
    const { increments, text } = stream(['The', ' answer', ' is', ' 4', '.\nNext', ' line']);
    assert.equal(text, 'The answer is 4.\nNext line\n');
    assert.deepEqual(increments, ['', 'The', ' answer', ' is', ' 4.\n', 'Next', ' line\n']);
  });

  it('a token cut by chunk boundaries is never shown in clear, in any increment', () => {
    const hf = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const pieces = ['my token is ', ...hf.match(/.{1,5}/g)!, ' ok, and HF_TOKEN=', 'abc', 'def and', ' --api-key ', 'supersecret', ' done'];
    const { increments, text } = stream(pieces);
    for (const i of increments) {
      assert.ok(!/hf_[A-Za-z0-9]{3,}/.test(i), `increment ${JSON.stringify(i)}`);
      assert.ok(!i.includes('abcdef') && !i.includes('supersecret'), `increment ${JSON.stringify(i)}`);
    }
    assert.ok(!text.includes(hf) && !text.includes('supersecret') && !text.includes('abcdef'), text);
    assert.match(text, /my token is hf_\*\*\*\*/);
  });

  it('a known secret (the API key sent) is masked wherever the model repeats it', () => {
    const { text } = stream(['your key is k3y-', '0001 indeed'], ['k3y-0001']);
    assert.equal(text, 'your key is **** indeed\n');
  });

  it('plain text: terminal control sequences and other controls are dropped', () => {
    const { text } = stream(['\x1b]8;;http://evil\x07click\x1b]8;;\x07 me', ' \x1b[2J\x1b[31mred\x1b[0m\x07 done']);
    assert.equal(text, 'click me red done\n');
  });

  it('a private key block is held back until whole lines can be masked', () => {
    // A body line after a prefix (a log line quoted), then a space: a complete word the partial line would show.
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    const { increments, text } = stream(['-----BEGIN PRIVATE KEY-----\n', '(APIServer pid=1) ', body.slice(0, 20), `${body.slice(20)} `, '\n-----END PRIVATE KEY-----\n']);
    for (const i of increments) assert.ok(!i.includes(body.slice(0, 20)), JSON.stringify(i));
    assert.ok(!text.includes(body.slice(0, 20)), text);
    assert.match(text, /-----END PRIVATE KEY-----\n$/);
  });

  it('reasoning then answer, each under its heading; the finish reason; [DONE] and garbage ignored', () => {
    const answer = new StreamedAnswer();
    let text = answer.push(chunk({ role: 'assistant', content: '' }));
    text += answer.push(chunk({ reasoning_content: 'Two plus two' }));
    text += answer.push(chunk({ reasoning_content: ' is four.' }));
    text += answer.push(content('4'));
    text += answer.push(chunk({}, 'stop'));
    text += answer.push('[DONE]');
    text += answer.push('not json');
    text += answer.end();
    assert.equal(text, '(thinking)\nTwo plus two is four.\n\n(answer)\n4\n');
    assert.equal(answer.finishReason, 'stop');
    assert.equal(answer.textChunks, 3);
    assert.ok(answer.answered);
  });

  it('CRLF and a CR split from its LF end one line each', () => {
    assert.equal(stream(['a\r', '\nb\r\nc']).text, 'a\nb\nc\n');
  });
});

describe('answerSummary', () => {
  it('time to first token, tokens, total time and rate, the finish reason', () => {
    const r = { success: true, ttft: 123.4, itl: [], latency: 2000, outputTokens: 50, startTime: 0 };
    assert.equal(answerSummary(r, 'length'), 'time to first token 123 ms · 50 tokens in 2.00 s, 25.0 tokens/s · finish reason length (cut at the token limit)');
    assert.equal(answerSummary({ ...r, outputTokens: 1, latency: 500 }), 'time to first token 123 ms · 1 token in 500 ms, 2.0 tokens/s');
  });
});

// -------------------------------------------------------------------------------------------------- a live request

type Mode = 'stream' | 'hang' | 'stall' | 'unauthorized';

describe('tryModel against a local streaming server', () => {
  let server: Server;
  let url: string;
  let mode: Mode = 'stream';
  const requests: { authorization?: string; body: any }[] = [];

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        if (mode === 'unauthorized') {
          res.writeHead(401, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: 'Unauthorized' }));
        }
        if (mode === 'hang') return undefined;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const send = (data: string) => res.write(`data: ${data}\n\n`);
        send(chunk({ role: 'assistant', content: '' }));
        if (mode === 'stall') {
          send(content('Hello'));
          return undefined; // never more
        }
        const words = ['Hello', ' from', ' the', ' stand-in', '.'];
        let i = 0;
        const next = () => {
          if (i < words.length) {
            send(content(words[i++]!));
            setTimeout(next, 5);
            return;
          }
          send(chunk({}, 'stop'));
          send(JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 5 } }));
          send('[DONE]');
          res.end();
        };
        setTimeout(next, 20);
        return undefined;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('streams the answer in pieces, then TTFT, tokens and time; the request is the load generator\'s', async () => {
    mode = 'stream';
    const pieces: string[] = [];
    const outcome = await tryModel({ baseUrl: url, model: 'qwen', prompt: 'hi', apiKey: 'k-123456', onText: (t) => pieces.push(t) });
    assert.equal(outcome.kind, 'answered', outcome.summary);
    assert.ok(pieces.length >= 3, `pieces ${JSON.stringify(pieces)}`);
    assert.equal(pieces.join(''), 'Hello from the stand-in.\n');
    assert.equal(outcome.result.outputTokens, 5);
    assert.ok(outcome.result.ttft > 0 && outcome.result.ttft <= outcome.result.latency);
    assert.equal(outcome.finishReason, 'stop');
    assert.match(outcome.summary, /^time to first token \d+ ms · 5 tokens in \d+ ms, [\d.]+ tokens\/s · finish reason stop$/);
    const sent = requests.at(-1)!;
    assert.equal(sent.authorization, 'Bearer k-123456');
    assert.equal(sent.body.model, 'qwen');
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.messages, [{ role: 'user', content: 'hi' }]);
  });

  it('an HTTP error gives the status and the server\'s message', async () => {
    mode = 'unauthorized';
    const outcome = await tryModel({ baseUrl: url, model: 'qwen', prompt: 'hi', onText: () => assert.fail('no text') });
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.problem, 'HTTP 401 Unauthorized: Unauthorized');
  });

  it('a server that never answers: stopped at the first-chunk timeout', async () => {
    mode = 'hang';
    const t0 = Date.now();
    const outcome = await tryModel({ baseUrl: url, model: 'qwen', prompt: 'hi', firstChunkTimeoutMs: 200, onText: () => undefined });
    assert.equal(outcome.kind, 'timeout');
    assert.equal(outcome.problem, 'no answer within 0.2 s');
    assert.ok(Date.now() - t0 < 5000);
  });

  it('an answer that stops half-way: stopped at the idle timeout, with what came shown', async () => {
    mode = 'stall';
    const pieces: string[] = [];
    const outcome = await tryModel({ baseUrl: url, model: 'qwen', prompt: 'hi', idleTimeoutMs: 200, onText: (t) => pieces.push(t) });
    assert.equal(outcome.kind, 'timeout');
    assert.equal(outcome.problem, 'no more of the answer for 0.2 s');
    assert.equal(pieces.join(''), 'Hello\n');
  });

  it('the total timeout bounds even a server that keeps sending', async () => {
    mode = 'stall';
    const outcome = await tryModel({ baseUrl: url, model: 'qwen', prompt: 'hi', idleTimeoutMs: 10_000, totalTimeoutMs: 300, onText: () => undefined });
    assert.equal(outcome.kind, 'timeout');
    assert.match(outcome.problem!, /did not end within 0\.3 s/);
  });

  it('Cancel ends it at once', async () => {
    mode = 'hang';
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const t0 = Date.now();
    const outcome = await tryModel({ baseUrl: url, model: 'qwen', prompt: 'hi', signal: abort.signal, onText: () => undefined });
    assert.equal(outcome.kind, 'cancelled');
    assert.ok(Date.now() - t0 < 2000);
  });

  it('nothing listening: the connection error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await tryModel({ baseUrl: `http://127.0.0.1:${port}`, model: 'qwen', prompt: 'hi', onText: () => undefined });
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.problem, `cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
