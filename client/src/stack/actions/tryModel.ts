/**
 * "Try the Model": one streaming chat completion with the person's prompt, its text handed over as it arrives, timed
 * as the load test times a request. The request is the load generator's own (server/src/load/request.ts streamChat):
 * the same body, headers and timing; this module only reads a copy of the response stream (a tee of its body) for the
 * text, and bounds the wait.
 *
 * Never hangs: the first chunk must come within `firstChunkTimeoutMs`, each next one within `idleTimeoutMs`, the whole
 * answer within `totalTimeoutMs`; the caller's signal (the notification's Cancel) ends it too. Never throws.
 */
import { streamChat, type RequestOutput } from '../../../../server/src/load/request';
import { SseSplitter } from '../../../../server/src/load/sse';
import { maskSecrets } from '../logs/mask';
import { answerSummary, StreamedAnswer } from './streamedAnswer';

export interface TryModelOptions {
  /** http://host:port, the API's base (without /v1). */
  baseUrl: string;
  model: string;
  prompt: string;
  apiKey?: string;
  /** Default 512. */
  maxTokens?: number;
  /** The person's Cancel. */
  signal?: AbortSignal;
  /** Default 60 s: a model that answers at all sends its first chunk well within it. */
  firstChunkTimeoutMs?: number;
  /** Default 30 s between two chunks. */
  idleTimeoutMs?: number;
  /** Default 5 min for the whole answer. */
  totalTimeoutMs?: number;
  /** The answer's text as it arrives (masked, plain). */
  onText(text: string): void;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface TryModelOutcome {
  kind: 'answered' | 'failed' | 'timeout' | 'cancelled';
  result: RequestOutput;
  finishReason?: string;
  /** Why it did not answer, in words (masked): the HTTP status and the server's message, the timeout, the error. */
  problem?: string;
  /** The line under the answer: time to first token, tokens, time (for an answer), else the problem. */
  summary: string;
}

/** The message of an OpenAI-style error body ({"error": {"message"}}, {"error": "…"}, {"message"}), else its text. */
function errorBodyText(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    if (j.error && typeof j.error === 'object' && typeof (j.error as { message?: unknown }).message === 'string') return (j.error as { message: string }).message;
    if (typeof j.error === 'string') return j.error;
    if (typeof j.message === 'string') return j.message;
    if (typeof j.detail === 'string') return j.detail;
  } catch {
    /* not JSON */
  }
  return body.replace(/\s+/g, ' ').trim();
}

const MAX_ERROR_BODY = 4096;

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export async function tryModel(opts: TryModelOptions): Promise<TryModelOutcome> {
  const known = [opts.apiKey];
  const abort = new AbortController();
  let timedOut: string | undefined;
  const cancel = () => abort.abort();
  if (opts.signal?.aborted) abort.abort();
  else opts.signal?.addEventListener('abort', cancel, { once: true });
  let idle: NodeJS.Timeout | undefined;
  const arm = (ms: number, what: string) => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      timedOut ??= what;
      abort.abort();
    }, ms);
  };
  const firstMs = opts.firstChunkTimeoutMs ?? 60_000;
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  const totalMs = opts.totalTimeoutMs ?? 300_000;
  arm(firstMs, `no answer within ${seconds(firstMs)}`);
  const total = setTimeout(() => {
    timedOut ??= `the answer did not end within ${seconds(totalMs)}`;
    abort.abort();
  }, totalMs);

  const answer = new StreamedAnswer(known);
  let reading: Promise<void> = Promise.resolve();
  let errorBody: string | undefined;
  const readAnswer = async (stream: ReadableStream<Uint8Array>) => {
    const sse = new SseSplitter();
    try {
      for await (const bytes of stream as unknown as AsyncIterable<Uint8Array>) {
        for (const data of sse.push(bytes)) {
          arm(idleMs, `no more of the answer for ${seconds(idleMs)}`);
          const text = answer.push(data);
          if (text) opts.onText(text);
        }
      }
    } catch {
      /* aborted, or the connection broke: streamChat says which */
    }
  };
  const readError = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = '';
    try {
      while (text.length < MAX_ERROR_BODY) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      /* what came is enough */
    } finally {
      void reader.cancel().catch(() => undefined);
    }
    errorBody = text.slice(0, MAX_ERROR_BODY);
  };
  // The load generator's fetch, with a copy of the body read here: the request stays streamChat's.
  const base = opts.fetch ?? fetch;
  const teeFetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const res = await base(input, init);
    if (!res.body || [101, 204, 205, 304].includes(res.status)) return res;
    const [mine, theirs] = res.body.tee();
    reading = res.status === 200 ? readAnswer(mine) : readError(mine);
    return new Response(theirs, { status: res.status, statusText: res.statusText, headers: res.headers });
  }) as typeof fetch;

  let result: RequestOutput;
  try {
    result = await streamChat({
      baseUrl: opts.baseUrl,
      model: opts.model,
      prompt: opts.prompt,
      maxTokens: opts.maxTokens ?? 512,
      signal: abort.signal,
      fetch: teeFetch,
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
    await reading;
  } finally {
    clearTimeout(idle);
    clearTimeout(total);
    opts.signal?.removeEventListener('abort', cancel);
  }
  const rest = answer.end();
  if (rest) opts.onText(rest);

  const mask = (text: string) => maskSecrets(text, { known });
  const finishReason = answer.finishReason;
  const withReason = (o: Omit<TryModelOutcome, 'finishReason'>): TryModelOutcome => (finishReason ? { ...o, finishReason } : o);
  if (opts.signal?.aborted && !timedOut) return withReason({ kind: 'cancelled', result, problem: 'cancelled', summary: 'cancelled' });
  if (timedOut) return withReason({ kind: 'timeout', result, problem: timedOut, summary: `stopped: ${timedOut}` });
  if (!result.success) {
    const detail = errorBody ? errorBodyText(errorBody) : '';
    const error = result.error ?? 'failed';
    // No HTTP status and no stream: the request did not get through (ECONNREFUSED, a reset, a bad address).
    const unreachable = !error.startsWith('HTTP ') && error !== 'no chunk in the answer';
    const problem = mask(unreachable
      ? `cannot reach ${opts.baseUrl} (${error})`
      : `${error}${detail ? `: ${detail.length > 300 ? `${detail.slice(0, 300)}…` : detail}` : ''}`);
    return withReason({ kind: 'failed', result, problem, summary: `failed: ${problem}` });
  }
  return withReason({ kind: 'answered', result, summary: answerSummary(result, finishReason) });
}
