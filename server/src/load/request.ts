/**
 * One streaming chat completion, timed as `vllm bench serve` times it (vllm/benchmarks/lib/endpoint_request_func.py
 * async_request_openai_chat_completions at 02cfb534): TTFT is the first SSE message with `choices` (the role chunk
 * counts: vLLM sends it with the first token); each later message with `choices` adds an inter-token latency; the
 * latency ends at the last such message; output tokens come from the trailing `usage` (stream_options.include_usage).
 */
import { baseUrlOf } from './baseUrl';
import { SseSplitter } from './sse';

export interface ChatRequest {
  /** http://host:port (the API's base, without /v1). */
  baseUrl: string;
  model: string;
  prompt: string;
  maxTokens: number;
  apiKey?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Clock in ms (performance.now by default). */
  now?: () => number;
}

export interface RequestOutput {
  success: boolean;
  /** Why it failed: the HTTP status, the connection error, or no chunk at all. */
  error?: string;
  /** ms. */
  ttft: number;
  itl: number[];
  latency: number;
  outputTokens: number;
  promptTokens?: number;
  /** ms since the clock's origin, when it was sent. */
  startTime: number;
}

export async function streamChat(req: ChatRequest): Promise<RequestOutput> {
  const now = req.now ?? (() => performance.now());
  const st = now();
  const out: RequestOutput = { success: false, ttft: 0, itl: [], latency: 0, outputTokens: 0, startTime: st };
  let recent = st;
  let first = false;
  let chunks = 0;
  try {
    const res = await (req.fetch ?? fetch)(`${baseUrlOf(req.baseUrl)}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}) },
      body: JSON.stringify({
        model: req.model,
        messages: [{ role: 'user', content: req.prompt }],
        max_completion_tokens: req.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
      }),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    if (res.status !== 200 || !res.body) {
      out.error = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      await res.body?.cancel().catch(() => undefined);
      return out;
    }
    const sse = new SseSplitter();
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (const data of sse.push(bytes)) {
        if (data === '[DONE]') continue;
        const t = now();
        let message: { choices?: unknown[]; usage?: { completion_tokens?: number; prompt_tokens?: number } };
        try {
          message = JSON.parse(data);
        } catch {
          continue;
        }
        if (Array.isArray(message.choices) && message.choices.length) {
          if (!first) {
            first = true;
            out.ttft = t - st;
          } else out.itl.push(t - recent);
          recent = t;
          chunks++;
        } else if (message.usage) {
          if (typeof message.usage.completion_tokens === 'number') out.outputTokens = message.usage.completion_tokens;
          if (typeof message.usage.prompt_tokens === 'number') out.promptTokens = message.usage.prompt_tokens;
        }
      }
    }
    out.success = first;
    if (!first) out.error = 'no chunk in the answer';
    // A server that sends no usage: one token per content chunk (the role chunk carries none).
    if (first && out.outputTokens === 0) out.outputTokens = Math.max(0, chunks - 1);
    out.latency = recent - st;
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    out.error = cause ?? (e as Error).message ?? String(e);
  }
  return out;
}
