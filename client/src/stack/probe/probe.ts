// Accuracy probe: ask an OpenAI-compatible service (vLLM and friends) a question whose answer we know, and say
// precisely why it failed when it does. Pure except for the injected fetch; never throws.
//
// Wire facts used here come from server/src/engines/facts/vllm-server.json:
//  - http_endpoints: GET /v1/models lists the served model names; POST /v1/chat/completions answers.
//  - http_endpoints.auth: --api-key / VLLM_API_KEY protects /v1/* with a Bearer token; 401 body {"error": "Unauthorized"}.
//  - startup_and_health_semantics.port_during_model_load: while weights load, connections are refused, so
//    'connection' is the normal answer of a service that is still starting.
// vLLM's unknown-model answer (vllm/entrypoints/openai/serving_engine.py `_check_model`): HTTP 404, type
// "NotFoundError", message "The model `<name>` does not exist." The body is {"error": {message, type, param, code}} in
// current vLLM and the flat {"object": "error", message, type, param, code} in older releases; both are read.
// (A LoRA resolver may answer 400 with its own message, which stays an 'http' failure.)

import { Script } from 'node:vm';
import { abortAfter } from '../abortAfter';
import { maskSecrets } from '../logs/mask';
import { DEFAULT_PROBE_CASES, describeExpect, quoteText, validateCase, type ProbeCase, type ProbeExpect } from '../../../../server/src/scaffold/probeCases';

// The cases and their checks live with the healthcheck script that asks the same questions (server/src/scaffold).
export { DEFAULT_PROBE_CASES, describeExpect, quoteText, validateCase, type ProbeCase, type ProbeExpect, type ProbeMessage } from '../../../../server/src/scaffold/probeCases';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ProbeOptions {
  /** e.g. http://localhost:8000 (a trailing slash or /v1 suffix is accepted). */
  baseUrl: string;
  cases?: readonly ProbeCase[];
  /** The service's --served-model-name when the caller knows it. */
  servedModelName?: string;
  /** The service's --model: preferred among /v1/models ids when no served name is given. */
  modelHint?: string;
  apiKey?: string;
  /** How the service is given its key, for a 401's message ("VLLM_API_KEY or --api-key": engines/apiKey.ts
   *  apiKeyHow); default "--api-key". */
  apiKeyHow?: string;
  /** Per request (model list, each case), in ms. Default 30000. */
  timeoutMs?: number;
  /** Default 32: enough for a short answer, small enough to keep the probe cheap. */
  maxTokens?: number;
  fetch?: FetchLike;
  /** Clock for latency, injectable for tests. */
  now?: () => number;
}

export type ProbeFailure =
  | { kind: 'http'; status: number; bodyExcerpt: string; message: string }
  | { kind: 'timeout'; timeoutMs: number; message: string }
  | { kind: 'connection'; code: string; message: string }
  | { kind: 'no-such-model'; model: string; status: number; available?: string[]; message: string }
  | { kind: 'wrong-answer'; answer: string; expected: string; finishReason?: string; message: string }
  | { kind: 'malformed'; bodyExcerpt: string; message: string }
  | { kind: 'invalid-case'; message: string };

export interface ProbeCaseResult {
  name: string;
  pass: boolean;
  latencyMs: number;
  /** Excerpt of the model's answer when one came back (pass or wrong answer). */
  answer?: string;
  failure?: ProbeFailure;
}

export interface ProbeRun {
  pass: boolean;
  /** The model name that was asked, when one was found. */
  model?: string;
  modelSource?: 'served-model-name' | 'models-endpoint';
  /** Set when the model list could not be read: every case then fails with this same reason. */
  modelFailure?: ProbeFailure;
  results: ProbeCaseResult[];
}

const EXCERPT = 200;

/**
 * How long an expected pattern may take on one answer. The pattern comes from settings and runs on the extension
 * host: a backtracking one (`^(a+)+$`) doubles its time with each character of the answer (4.6 s at 27).
 */
export const PATTERN_TIMEOUT_MS = 100;

export type MatchOutcome = 'match' | 'no-match' | 'too-slow';

let matchScript: Script | undefined;

/** Matches in a `vm` context with a timeout: V8 interrupts the regular expression itself when it runs over. */
export function matchAnswer(answer: string, expect: ProbeExpect, timeoutMs = PATTERN_TIMEOUT_MS): MatchOutcome {
  if (typeof expect === 'string') return answer.includes(expect) ? 'match' : 'no-match';
  matchScript ??= new Script('new RegExp(pattern, flags).test(text)');
  try {
    const matched: unknown = matchScript.runInNewContext({ pattern: expect.regex, flags: expect.flags ?? '', text: answer }, { timeout: timeoutMs });
    return matched === true ? 'match' : 'no-match';
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'too-slow';
    throw e;
  }
}

export function answerMatches(answer: string, expect: ProbeExpect): boolean {
  return matchAnswer(answer, expect) === 'match';
}

/** Hides the API key and every secret maskSecrets knows before text reaches a result (the one masker, mask.ts). */
export function redact(text: string, apiKey?: string): string {
  return maskSecrets(text, { known: [apiKey] });
}

/**
 * Every text of a failure masked: messages quote what the server answered, the URL asked (credentials in it),
 * the model's answer; they reach the output channel, the Probe view and notifications.
 */
function maskedFailure(failure: ProbeFailure, apiKey?: string): ProbeFailure {
  const masked = { ...failure, message: redact(failure.message, apiKey) };
  if ('bodyExcerpt' in masked) masked.bodyExcerpt = redact(masked.bodyExcerpt, apiKey);
  if ('answer' in masked) masked.answer = redact(masked.answer, apiKey);
  if ('available' in masked && masked.available) masked.available = masked.available.map((a) => redact(a, apiKey));
  if ('model' in masked) masked.model = redact(masked.model, apiKey);
  return masked;
}

function maskedResult(r: ProbeCaseResult, apiKey?: string): ProbeCaseResult {
  return {
    ...r,
    ...(r.answer !== undefined ? { answer: redact(r.answer, apiKey) } : {}),
    ...(r.failure ? { failure: maskedFailure(r.failure, apiKey) } : {}),
  };
}

function excerpt(text: string, apiKey?: string): string {
  const clean = redact(text, apiKey).replace(/\s+/g, ' ').trim();
  return clean.length > EXCERPT ? `${clean.slice(0, EXCERPT)}…` : clean;
}

/** http://host:8000, http://host:8000/ and http://host:8000/v1 all mean the same service. */
export function normaliseBaseUrl(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

type Exchange =
  | { ok: true; status: number; body: string }
  | { ok: false; failure: ProbeFailure };

/** One HTTP exchange with a timeout covering headers and body. */
async function exchange(fetchFn: FetchLike, url: string, init: RequestInit, timeoutMs: number, apiKey?: string): Promise<Exchange> {
  const timed = abortAfter(timeoutMs);
  try {
    const res = await fetchFn(url, { ...init, signal: timed.signal });
    const body = await res.text();
    return { ok: true, status: res.status, body };
  } catch (e) {
    if (timed.timedOut) {
      return { ok: false, failure: { kind: 'timeout', timeoutMs, message: `no answer within ${timeoutMs} ms from ${url}` } };
    }
    const code = connectionCode(e);
    return {
      ok: false,
      failure: {
        kind: 'connection',
        code,
        message: redact(`cannot reach ${url} (${code}): is the service up? A vLLM server refuses connections until its weights are loaded.`, apiKey),
      },
    };
  } finally {
    timed.clear();
  }
}

/** Node's fetch wraps socket errors as TypeError("fetch failed") with the errno in `cause.code`. */
function connectionCode(e: unknown): string {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return e instanceof Error ? e.message : String(e);
}

function headers(apiKey?: string, json = false): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The error message of an OpenAI-style error body, new ({error: {message}}) or old ({message}) vLLM shape. */
function errorMessage(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const j = json as { error?: unknown; message?: unknown };
  if (j.error && typeof j.error === 'object' && typeof (j.error as { message?: unknown }).message === 'string') {
    return (j.error as { message: string }).message;
  }
  if (typeof j.error === 'string') return j.error;
  return typeof j.message === 'string' ? j.message : undefined;
}

function httpFailure(status: number, body: string, apiKey?: string, apiKeyHow = '--api-key'): ProbeFailure {
  const detail = errorMessage(parseJson(body));
  let message = `HTTP ${status}${detail ? `: ${redact(detail, apiKey)}` : ''}`;
  if (status === 401) {
    message += apiKey
      ? ` (the API key was refused: compare it with the service's ${apiKeyHow})`
      : ` (the service requires an API key: it was started with ${apiKeyHow})`;
  }
  return { kind: 'http', status, bodyExcerpt: excerpt(body, apiKey), message };
}

export type ModelResolution =
  | { ok: true; model: string; source: 'served-model-name' | 'models-endpoint'; available?: string[] }
  | { ok: false; failure: ProbeFailure };

/** The served model name: given, else from GET /v1/models (the id equal to the --model hint, else the first). */
export async function resolveModel(opts: ProbeOptions): Promise<ModelResolution> {
  if (opts.servedModelName) return { ok: true, model: opts.servedModelName, source: 'served-model-name' };
  const base = normaliseBaseUrl(opts.baseUrl);
  const url = `${base}/v1/models`;
  const r = await exchange(opts.fetch ?? fetch, url, { method: 'GET', headers: headers(opts.apiKey) }, opts.timeoutMs ?? 30000, opts.apiKey);
  if (!r.ok) return r;
  if (r.status !== 200) return { ok: false, failure: httpFailure(r.status, r.body, opts.apiKey, opts.apiKeyHow) };
  const json = parseJson(r.body) as { data?: unknown } | undefined;
  const ids = Array.isArray(json?.data)
    ? json.data.map((m) => (m && typeof m === 'object' ? (m as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string')
    : undefined;
  if (!ids) {
    return { ok: false, failure: { kind: 'malformed', bodyExcerpt: excerpt(r.body, opts.apiKey), message: `${url} did not answer an OpenAI model list ({"data": [{"id": ...}]})` } };
  }
  if (ids.length === 0) {
    return { ok: false, failure: { kind: 'no-such-model', model: opts.modelHint ?? '', status: 200, available: [], message: `${url} lists no model` } };
  }
  const model = opts.modelHint && ids.includes(opts.modelHint) ? opts.modelHint : ids[0]!;
  return { ok: true, model, source: 'models-endpoint', available: ids };
}

interface ChatAnswer {
  content: string;
  finishReason?: string;
}

function readChatAnswer(json: unknown): ChatAnswer | undefined {
  const choices = (json as { choices?: unknown } | undefined)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const first = choices[0] as { message?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown }; finish_reason?: unknown };
  const msg = first?.message;
  if (!msg || typeof msg !== 'object') return undefined;
  const finishReason = typeof first.finish_reason === 'string' ? first.finish_reason : undefined;
  // A reasoning model may put everything in reasoning_content and leave content null when max_tokens cut it.
  if (typeof msg.content === 'string') return { content: msg.content, ...(finishReason ? { finishReason } : {}) };
  if (msg.content === null) return { content: '', ...(finishReason ? { finishReason } : {}) };
  return undefined;
}

function noSuchModel(status: number, body: string, model: string, available?: string[]): ProbeFailure | undefined {
  if (status !== 404 && status !== 400) return undefined;
  const msg = errorMessage(parseJson(body));
  if (!msg || !/\bmodel\b.*\bdoes not exist\b/i.test(msg)) return undefined;
  const list = available && available.length ? ` Served: ${available.join(', ')}.` : '';
  return {
    kind: 'no-such-model',
    model,
    status,
    ...(available ? { available } : {}),
    message: `the service does not serve a model named "${model}" (HTTP ${status}: ${msg}). Use the --served-model-name value, or the --model value when no served name is set.${list}`,
  };
}

async function runCase(opts: ProbeOptions, c: ProbeCase, index: number, model: string, available?: string[]): Promise<ProbeCaseResult> {
  const name = c.name ?? `case ${index + 1}`;
  const invalid = validateCase(c);
  if (invalid) return { name, pass: false, latencyMs: 0, failure: { kind: 'invalid-case', message: invalid } };
  const now = opts.now ?? (() => performance.now());
  const url = `${normaliseBaseUrl(opts.baseUrl)}/v1/chat/completions`;
  const body = JSON.stringify({ model, messages: c.messages, temperature: 0, max_tokens: opts.maxTokens ?? 32, stream: false });
  const started = now();
  const r = await exchange(opts.fetch ?? fetch, url, { method: 'POST', headers: headers(opts.apiKey, true), body }, opts.timeoutMs ?? 30000, opts.apiKey);
  const latencyMs = Math.max(0, Math.round(now() - started));
  if (!r.ok) return { name, pass: false, latencyMs, failure: r.failure };
  if (r.status !== 200) {
    return { name, pass: false, latencyMs, failure: noSuchModel(r.status, r.body, model, available) ?? httpFailure(r.status, r.body, opts.apiKey, opts.apiKeyHow) };
  }
  const answer = readChatAnswer(parseJson(r.body));
  if (!answer) {
    return {
      name, pass: false, latencyMs,
      failure: { kind: 'malformed', bodyExcerpt: excerpt(r.body, opts.apiKey), message: `${url} answered 200 but not an OpenAI chat completion ({"choices": [{"message": {"content": ...}}]})` },
    };
  }
  const answerExcerpt = excerpt(answer.content, opts.apiKey);
  const outcome = matchAnswer(answer.content, c.expect);
  if (outcome === 'match') return { name, pass: true, latencyMs, answer: answerExcerpt };
  const expected = describeExpect(c.expect);
  if (outcome === 'too-slow') {
    return {
      name, pass: false, latencyMs, answer: answerExcerpt,
      failure: { kind: 'invalid-case', message: `the expected pattern ${expected} took too long (over ${PATTERN_TIMEOUT_MS} ms) on the answer and was stopped: check it for nested quantifiers such as (a+)+` },
    };
  }
  const cut = answer.finishReason === 'length' ? ` (the answer was cut at max_tokens=${opts.maxTokens ?? 32})` : '';
  return {
    name, pass: false, latencyMs, answer: answerExcerpt,
    failure: {
      kind: 'wrong-answer', answer: answerExcerpt, expected,
      ...(answer.finishReason ? { finishReason: answer.finishReason } : {}),
      message: `expected ${expected}, the model answered ${quoteText(answerExcerpt)}${cut}`,
    },
  };
}

/** Runs every case in order (one request at a time: the probe must not load the service). Never throws. */
export async function runProbe(opts: ProbeOptions): Promise<ProbeRun> {
  const cases = opts.cases && opts.cases.length ? opts.cases : DEFAULT_PROBE_CASES;
  const names = cases.map((c, i) => c.name ?? `case ${i + 1}`);
  try {
    const resolved = await resolveModel(opts);
    if (!resolved.ok) {
      const failure = maskedFailure(resolved.failure, opts.apiKey);
      return { pass: false, modelFailure: failure, results: names.map((name) => ({ name, pass: false, latencyMs: 0, failure })) };
    }
    const results: ProbeCaseResult[] = [];
    for (let i = 0; i < cases.length; i++) results.push(maskedResult(await runCase(opts, cases[i]!, i, resolved.model, resolved.available), opts.apiKey));
    return { pass: results.every((r) => r.pass), model: resolved.model, modelSource: resolved.source, results };
  } catch (e) {
    // Only an injected fetch that misbehaves outside the Fetch contract gets here; still no throw.
    const failure: ProbeFailure = { kind: 'malformed', bodyExcerpt: '', message: redact(`probe failed unexpectedly: ${(e as Error)?.message ?? String(e)}`, opts.apiKey) };
    return { pass: false, results: names.map((name) => ({ name, pass: false, latencyMs: 0, failure })) };
  }
}

/** One line per case, for an output channel or a tooltip. */
export function formatProbeRun(run: ProbeRun): string[] {
  return run.results.map((r) =>
    r.pass
      ? `PASS ${r.name} (${r.latencyMs} ms): ${quoteText(r.answer ?? '')}`
      : `FAIL ${r.name} (${r.latencyMs} ms) [${r.failure?.kind}]: ${r.failure?.message}`,
  );
}
