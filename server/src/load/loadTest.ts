/**
 * A load test of an OpenAI-compatible chat endpoint: `concurrency` clients each send streaming chat completions
 * one after another, for `requests` requests in all or for `durationS` seconds, and the results are summarised with
 * `vllm bench serve`'s definitions (vllm/benchmarks/serve.py calculate_metrics at 02cfb534: request throughput =
 * completed / duration; output throughput = output tokens / duration; TPOT = (latency − TTFT) / (tokens − 1) for
 * requests with more than one token; percentiles as numpy's).
 */
import { streamChat, type ChatRequest, type RequestOutput } from './request';
import { stats, type Stats } from './stats';

export interface LoadOptions {
  baseUrl: string;
  model: string;
  concurrency: number;
  /** Stop after this many requests (default when neither is given: 10 × concurrency). */
  requests?: number;
  /** Or send for this many seconds. */
  durationS?: number;
  /** Approximate prompt length in tokens (words of a fixed text). */
  promptTokens: number;
  maxTokens: number;
  apiKey?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  now?: () => number;
  /** After each request: how many are done and how many failed. */
  onProgress?(done: number, errors: number): void;
}

/** What `inference-stack load --format json` prints (times in ms). */
export interface LoadSummary {
  requests: number;
  errors: number;
  duration_s: number;
  request_rate: number;
  output_tokens_per_s: number;
  ttft_ms: Stats;
  itl_ms: Stats;
  tpot_ms: Stats;
  e2e_ms: Stats;
  /** The first distinct error messages (at most 5). */
  error_samples: string[];
}

const WORDS = 'the quick brown fox jumps over the lazy dog while a model server answers every question it is asked'.split(' ');

/** A prompt of about `tokens` tokens (one word each; the engine's tokenizer may count a few more). */
export function syntheticPrompt(tokens: number): string {
  return Array.from({ length: Math.max(1, tokens) }, (_, i) => WORDS[i % WORDS.length]).join(' ');
}

export async function runLoad(opts: LoadOptions): Promise<{ summary: LoadSummary; results: RequestOutput[] }> {
  const now = opts.now ?? (() => performance.now());
  const total = opts.durationS === undefined ? (opts.requests ?? 10 * opts.concurrency) : opts.requests;
  const deadline = opts.durationS === undefined ? undefined : now() + opts.durationS * 1000;
  const prompt = syntheticPrompt(opts.promptTokens);
  const request: ChatRequest = { baseUrl: opts.baseUrl, model: opts.model, prompt, maxTokens: opts.maxTokens, now };
  if (opts.apiKey) request.apiKey = opts.apiKey;
  if (opts.signal) request.signal = opts.signal;
  if (opts.fetch) request.fetch = opts.fetch;
  const results: RequestOutput[] = [];
  let started = 0;
  let errors = 0;
  const more = () => !opts.signal?.aborted && (total === undefined || started < total) && (deadline === undefined || now() < deadline);
  const client = async () => {
    while (more()) {
      started++;
      const r = await streamChat(request);
      results.push(r);
      if (!r.success) errors++;
      opts.onProgress?.(results.length, errors);
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, client));
  return { summary: summarize(results, (now() - t0) / 1000), results };
}

export function summarize(results: readonly RequestOutput[], durationS: number): LoadSummary {
  const ok = results.filter((r) => r.success);
  const outputTokens = ok.reduce((a, r) => a + r.outputTokens, 0);
  const tpot = ok.filter((r) => r.outputTokens > 1).map((r) => (r.latency - r.ttft) / (r.outputTokens - 1));
  const errorSamples = [...new Set(results.filter((r) => !r.success).map((r) => r.error ?? 'failed'))].slice(0, 5);
  const seconds = Math.max(durationS, 1e-9);
  return {
    requests: ok.length,
    errors: results.length - ok.length,
    duration_s: durationS,
    request_rate: ok.length / seconds,
    output_tokens_per_s: outputTokens / seconds,
    ttft_ms: stats(ok.map((r) => r.ttft)),
    itl_ms: stats(ok.flatMap((r) => r.itl)),
    tpot_ms: stats(tpot),
    e2e_ms: stats(ok.map((r) => r.latency)),
    error_samples: errorSamples,
  };
}
