#!/usr/bin/env node
// vLLM stand-in: a small OpenAI-compatible server that starts, logs, answers and fails the way `vllm serve` does,
// for tests that run a Compose stack without a GPU. One file, Node's standard library only, so an image can be
// made with `docker import` of the node binary plus this file (see README.md next to it).
//
// Every wire and log fact below comes from server/src/engines/facts/ (in this repository):
//  - vllm-server.json: http_endpoints (routes, auth scope, 401 body), startup_and_health_semantics (the port is not
//    served while weights load; /health 200 empty when alive, 503 when the engine is dead), log_format (layout,
//    date format, process prefix, uvicorn lines), startup_milestones (message texts, files), fatal_errors (texts).
//  - vllm-metrics.json: metric names, types, labels (model_name, engine), bucket bounds, the periodic log line.
//  - vllm-cli-flags.json: how_flags_are_parsed (positional model_tag, dashes or underscores, BooleanOptionalAction
//    booleans, space-separated lists), the default model, --api-key falling back to VLLM_API_KEY.
//  - serving-engines.json: default port 8000, all interfaces by default, ready log markers.
// The unknown-model body is vLLM's serving_engine.py `_check_model` answer as client/src/stack/probe/probe.ts reads it.
//
// Stand-in knobs (environment): STANDIN_LOAD_SECONDS, STANDIN_MODE (ok | wrong | hang | crash | unhealthy),
// STANDIN_CRASH_AFTER, STANDIN_CRASH_ERROR, STANDIN_TTFT_MS, STANDIN_ITL_MS, STANDIN_REPLY, STANDIN_VLLM_VERSION.
// Sizes, times and line numbers in the logs are illustrative; the message texts are vLLM's.
import { createServer, STATUS_CODES } from 'node:http';
import { randomBytes } from 'node:crypto';

// -------------------------------------------------------------------------------------------------------------
// Configuration: vLLM arguments (argv) and stand-in knobs (env)

/** vllm-cli-flags.json: bool options (BooleanOptionalAction or store_true). They never take a value. */
const BOOL_FLAGS = new Set([
  'headless', 'grpc', 'disable-uvicorn-access-log', 'allow-credentials', 'enable-ssl-refresh', 'enable-request-id-headers',
  'disable-fastapi-docs', 'enable-offline-docs', 'enable-flash-late-interaction', 'trust-request-chat-template',
  'return-tokens-as-token-ids', 'enable-auto-tool-choice', 'exclude-tools-when-tool-choice-none', 'enable-prompt-tokens-details',
  'enable-server-load-tracking', 'enable-force-include-usage', 'enable-tokenizer-info-endpoint', 'enable-log-outputs',
  'enable-log-deltas', 'log-error-stack', 'tokens-only', 'trust-remote-code', 'allow-deprecated-quantization', 'enforce-eager',
  'enable-return-routed-experts', 'use-fp64-gumbel', 'disable-sliding-window', 'disable-cascade-attn', 'skip-tokenizer-init',
  'enable-prompt-embeds', 'enable-sleep-mode', 'enable-cumem-allocator', 'use-tqdm-on-load',
  'enable-mamba-cache-stochastic-rounding', 'numa-bind', 'data-parallel-hybrid-lb', 'data-parallel-external-lb',
  'data-parallel-multi-port-external-lb', 'enable-expert-parallel', 'enable-ep-weight-filter', 'enable-dbo', 'enable-elastic-ep',
  'disable-nccl-for-dp-synchronization', 'enable-eplb', 'ray-workers-use-nsight', 'disable-custom-all-reduce',
  'enable-prefix-caching', 'calculate-kv-scales', 'kv-sharing-fast-prefill', 'language-model-only', 'enable-mm-embeds',
  'mm-encoder-only', 'interleave-mm-strings', 'skip-mm-profiling', 'enable-lora', 'enable-tower-connector-lora',
  'fully-sharded-loras', 'specialize-active-lora', 'enable-mixed-moe-lora-format', 'kv-cache-metrics', 'cudagraph-metrics',
  'enable-layerwise-nvtx-tracing', 'enable-mfu-metrics', 'enable-logging-iteration-details', 'enable-chunked-prefill',
  'disable-chunked-mm-input', 'scheduler-reserve-full-isl', 'disable-hybrid-kv-cache-manager', 'async-scheduling',
  'enable-flashinfer-autotune', 'disable-log-stats', 'aggregate-engine-logging', 'fail-on-environ-validation', 'enable-log-requests',
]);
/** vllm-cli-flags.json: list options (nargs='+'): every following non-option word is theirs. */
const LIST_FLAGS = new Set([
  'api-key', 'allowed-origins', 'allowed-methods', 'allowed-headers', 'lora-modules', 'allowed-media-domains', 'served-model-name',
  'logits-processors', 'ignore-patterns', 'numa-bind-nodes', 'numa-bind-cpus', 'kv-cache-dtype-skip-layers', 'cpu-offload-params',
  'offload-params', 'lora-target-modules', 'collect-detailed-traces', 'cudagraph-capture-sizes',
]);

/** `vllm serve [model_tag] [options]`: returns the options given (dash names), the positional model, what was ignored. */
export function parseArgs(argv) {
  const opts = new Map();
  let modelTag;
  const ignored = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // `vllm serve ...` or `serve ...` spelled out in a compose command (the stand-in's entrypoint is itself).
    if (i === 0 && arg === 'vllm' && argv[1] === 'serve') { i++; continue; }
    if (arg === 'serve' && i === 0) continue;
    if (!arg.startsWith('-') || /^-\d/.test(arg)) {
      if (modelTag === undefined) modelTag = arg;
      else ignored.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(0, eq) : arg).replace(/^-+/, '').replace(/_/g, '-');
    if (eq > 0) {
      opts.set(name, LIST_FLAGS.has(name) ? [arg.slice(eq + 1)] : arg.slice(eq + 1));
      continue;
    }
    if (BOOL_FLAGS.has(name)) { opts.set(name, true); continue; }
    if (name.startsWith('no-') && BOOL_FLAGS.has(name.slice(3))) { opts.set(name.slice(3), false); continue; }
    const values = [];
    while (i + 1 < argv.length && (!argv[i + 1].startsWith('-') || /^-\d/.test(argv[i + 1]))) {
      values.push(argv[++i]);
      if (!LIST_FLAGS.has(name)) break;
    }
    opts.set(name, LIST_FLAGS.has(name) ? values : values.length ? values[0] : true);
  }
  return { opts, modelTag, ignored };
}

function number(text, fallback) {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) ? n : fallback;
}

/** --max-model-len accepts 1k / 1K style suffixes (vllm-cli-flags.json human_readable_ints). */
function humanInt(text, fallback) {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(String(text ?? ''));
  if (!m) return fallback;
  const unit = { '': 1, k: 1e3, m: 1e6, g: 1e9, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]];
  return Math.round(Number(m[1]) * unit);
}

const MODES = ['ok', 'wrong', 'hang', 'crash', 'unhealthy'];

export function readConfig(argv, env) {
  const { opts, modelTag, ignored } = parseArgs(argv);
  // Positional model_tag overrides --model; neither given: Qwen/Qwen3-0.6B (vllm-cli-flags.json positional_model).
  const model = modelTag ?? (typeof opts.get('model') === 'string' ? opts.get('model') : 'Qwen/Qwen3-0.6B');
  const served = opts.get('served-model-name');
  const keysFromArgs = opts.get('api-key');
  const apiKeys = Array.isArray(keysFromArgs) && keysFromArgs.length ? keysFromArgs : env.VLLM_API_KEY ? [env.VLLM_API_KEY] : [];
  const load = number(env.STANDIN_LOAD_SECONDS, 3);
  const mode = MODES.includes(env.STANDIN_MODE) ? env.STANDIN_MODE : 'ok';
  return {
    model,
    modelTagGiven: modelTag !== undefined,
    servedNames: Array.isArray(served) && served.length ? served : [model],
    host: typeof opts.get('host') === 'string' ? opts.get('host') : undefined,
    port: number(opts.get('port'), 8000),
    apiKeys,
    maxModelLen: humanInt(opts.get('max-model-len'), 40960),
    enforceEager: opts.get('enforce-eager') === true,
    logStats: opts.get('disable-log-stats') !== true,
    accessLog: opts.get('disable-uvicorn-access-log') !== true,
    opts,
    ignored,
    loadSeconds: Math.max(0, load),
    mode,
    badMode: env.STANDIN_MODE !== undefined && !MODES.includes(env.STANDIN_MODE) ? env.STANDIN_MODE : undefined,
    // Default: half way through loading the weights, the usual moment a real startup dies (OOM, no KV memory).
    crashAfter: Math.max(0, number(env.STANDIN_CRASH_AFTER, load / 2)),
    crashError: env.STANDIN_CRASH_ERROR,
    ttftMs: Math.max(0, number(env.STANDIN_TTFT_MS, 20)),
    itlMs: Math.max(0, number(env.STANDIN_ITL_MS, 2)),
    reply: env.STANDIN_REPLY ?? 'I am a vLLM stand-in for tests. Ask me an arithmetic question such as "What is 2 + 2?"',
    version: env.STANDIN_VLLM_VERSION ?? '0.21.0',
    statsIntervalS: number(env.VLLM_LOG_STATS_INTERVAL, 10),
    logPrefix: env.VLLM_LOGGING_PREFIX ?? '',
    processPrefix: env.VLLM_CONFIGURE_LOGGING !== '0',
  };
}

// -------------------------------------------------------------------------------------------------------------
// Logging in vLLM's format (vllm-server.json log_format)

const pad = (n) => String(n).padStart(2, '0');
/** `%m-%d %H:%M:%S`: no year, no milliseconds, local time as Python's asctime. */
function asctime(d = new Date()) {
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function makeLogger(config) {
  const apiPid = process.pid;
  const enginePid = process.pid + 1; // a second process in real vLLM; here a label only
  const prefix = (proc) => (config.processPrefix ? `(${proc === 'engine' ? 'EngineCore_DP0' : 'APIServer'} pid=${proc === 'engine' ? enginePid : apiPid}) ` : '');
  const out = (stream, text) => stream.write(text);
  return {
    apiPid,
    /** A vLLM logger record; a multi-line message repeats the header on every line (vLLM's NewLineFormatter). */
    vllm(proc, level, fileinfo, message, stream = process.stdout) {
      const head = `${prefix(proc)}${config.logPrefix}${level} ${asctime()} [${fileinfo}] `;
      out(stream, message.split('\n').map((l) => head + l).join('\n') + '\n');
    },
    /** uvicorn's default formatter: `%(levelprefix)s %(message)s`, level padded to 9 characters; stderr. */
    uvicorn(message, level = 'INFO') {
      out(process.stderr, `${prefix('api')}${`${level}:`.padEnd(9)} ${message}\n`);
    },
    /** uvicorn's access log, on stdout: `INFO:     172.17.0.1:53422 - "GET /health HTTP/1.1" 200 OK`. */
    access(client, method, path, httpVersion, status) {
      out(process.stdout, `${prefix('api')}INFO:     ${client} - "${method} ${path} HTTP/${httpVersion}" ${status} ${STATUS_CODES[status] ?? ''}\n`);
    },
    /** Text with no logger header (progress bars, Python's uncaught exception output on stderr). */
    raw(proc, text, stream = process.stdout) {
      out(stream, text.split('\n').map((l) => prefix(proc) + l).join('\n') + '\n');
    },
  };
}

/** Python repr of an argparse value, for the "non-default args" line. */
function pyRepr(value) {
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (/^-?\d+(\.\d+)?$/.test(String(value))) return String(value);
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** vLLM prints the parsed args with the key in clear; the stand-in never does: secrets do not reach logs. */
function nonDefaultArgs(config) {
  const parts = [];
  if (config.modelTagGiven) parts.push(`'model_tag': ${pyRepr(config.model)}`);
  for (const [name, value] of config.opts) {
    const key = name.replace(/-/g, '_');
    const shown = name === 'api-key' ? (Array.isArray(value) ? value.map(() => '***') : '***') : value;
    parts.push(`'${key}': ${pyRepr(shown)}`);
  }
  return `{${parts.join(', ')}}`;
}

// -------------------------------------------------------------------------------------------------------------
// Metrics in prometheus_client's text format, vLLM's names (vllm-metrics.json)

/** prometheus_client floatToGoString: Python repr, large values as Go writes them (1.76401239125e+09). */
function goFloat(d) {
  if (d === Infinity) return '+Inf';
  if (d === -Infinity) return '-Inf';
  if (Number.isNaN(d)) return 'NaN';
  const s = Number.isInteger(d) && Math.abs(d) < 1e16 ? `${d}.0` : String(d);
  const dot = s.indexOf('.');
  if (d > 0 && dot > 6) {
    const mantissa = `${s[0]}.${s.slice(1, dot)}${s.slice(dot + 1)}`.replace(/[0.]+$/, '');
    return `${mantissa}e+0${dot - 1}`;
  }
  return s;
}

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const E2E_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
/** "1,2,5,10,20,50,... up to max_model_len" (vLLM build_1_2_5_buckets). */
function buckets125(max) {
  const out = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exp > max) return out;
      out.push(m * exp);
    }
  }
}

class Histogram {
  constructor(name, help, bounds) {
    Object.assign(this, { name, help, bounds, counts: bounds.map(() => 0), count: 0, sum: 0 });
  }
  observe(v) {
    this.count++;
    this.sum += v;
    this.bounds.forEach((b, i) => { if (v <= b) this.counts[i]++; });
  }
}

function makeMetrics(config) {
  const created = Date.now() / 1000;
  const labels = `engine="0",model_name="${config.servedNames[0].replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const m = {
    running: 0,
    waiting: 0,
    promptTokens: 0,
    generationTokens: 0,
    success: { stop: 0, length: 0, abort: 0, error: 0, repetition: 0 },
    prefixQueries: 0,
    prefixHits: 0,
    ttft: new Histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', TTFT_BUCKETS),
    itl: new Histogram('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', ITL_BUCKETS),
    e2e: new Histogram('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', E2E_BUCKETS),
    promptHist: new Histogram('vllm:request_prompt_tokens', 'Number of prefill tokens processed.', buckets125(config.maxModelLen)),
    genHist: new Histogram('vllm:request_generation_tokens', 'Number of generation tokens processed.', buckets125(config.maxModelLen)),
    // For the periodic log line.
    window: { prompt: 0, generation: 0, since: Date.now() },
  };
  m.kvUsage = () => Math.min(1, m.running * 0.01);
  m.render = () => {
    const lines = [];
    const family = (name, type, help, samples) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    const gauge = (name, help, v) => family(name, 'gauge', help, [`${name}{${labels}} ${goFloat(v)}`]);
    // Counters: `<name>_total` plus a `<name>_created` gauge family, as prometheus_client writes them.
    const counter = (name, help, v) => {
      family(`${name}_total`, 'counter', help, [`${name}_total{${labels}} ${goFloat(v)}`]);
      family(`${name}_created`, 'gauge', help, [`${name}_created{${labels}} ${goFloat(created)}`]);
    };
    const histogram = (h) => {
      const bucketLines = h.bounds.map((b, i) => `${h.name}_bucket{engine="0",le="${goFloat(b)}",${labels.slice('engine="0",'.length)}} ${goFloat(h.counts[i])}`);
      bucketLines.push(`${h.name}_bucket{engine="0",le="+Inf",${labels.slice('engine="0",'.length)}} ${goFloat(h.count)}`);
      family(h.name, 'histogram', h.help, [...bucketLines, `${h.name}_count{${labels}} ${goFloat(h.count)}`, `${h.name}_sum{${labels}} ${goFloat(h.sum)}`]);
      family(`${h.name}_created`, 'gauge', h.help, [`${h.name}_created{${labels}} ${goFloat(created)}`]);
    };
    gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', m.running);
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', m.waiting);
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', m.kvUsage());
    counter('vllm:prefix_cache_queries', 'Prefix cache queries, in terms of number of queried tokens.', m.prefixQueries);
    counter('vllm:prefix_cache_hits', 'Prefix cache hits, in terms of number of cached tokens.', m.prefixHits);
    counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', m.promptTokens);
    counter('vllm:generation_tokens', 'Number of generation tokens processed.', m.generationTokens);
    const reasons = Object.keys(m.success);
    family('vllm:request_success_total', 'counter', 'Count of successfully processed requests.',
      reasons.map((r) => `vllm:request_success_total{engine="0",finished_reason="${r}",${labels.slice('engine="0",'.length)}} ${goFloat(m.success[r])}`));
    family('vllm:request_success_created', 'gauge', 'Count of successfully processed requests.',
      reasons.map((r) => `vllm:request_success_created{engine="0",finished_reason="${r}",${labels.slice('engine="0",'.length)}} ${goFloat(created)}`));
    for (const h of [m.promptHist, m.genHist, m.ttft, m.itl, m.e2e]) histogram(h);
    return lines.join('\n') + '\n';
  };
  return m;
}

// -------------------------------------------------------------------------------------------------------------
// Answers

/** The text of the last user message (a string, or OpenAI content parts). */
function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    const msg = messages[i];
    if (msg?.role !== 'user') continue;
    if (typeof msg.content === 'string') return msg.content;
    if (Array.isArray(msg.content)) return msg.content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join(' ');
  }
  return '';
}

/** "What is A + B?" with +, - or * between two integers: the exact result (BigInt), else undefined. */
export function arithmetic(text) {
  const m = /(-?\d+)\s*([-+*×x])\s*(-?\d+)/.exec(text);
  if (!m) return undefined;
  const a = BigInt(m[1]);
  const b = BigInt(m[3]);
  return m[2] === '+' ? a + b : m[2] === '-' ? a - b : a * b;
}

function answerFor(config, messages) {
  const result = arithmetic(lastUserText(messages));
  if (config.mode === 'wrong') {
    if (result === undefined) return 'I do not know.';
    // A wrong number that does not contain the right one (so a substring expectation fails too).
    let wrong = result + 1n;
    while (String(wrong).includes(String(result))) wrong += 1n;
    return String(wrong);
  }
  return result === undefined ? config.reply : String(result);
}

/** Words with their leading space: a crude tokenizer, enough for max_tokens and the token counters. */
const tokens = (text) => text.match(/\s*\S+/g) ?? [];
const countPromptTokens = (messages) => messages.reduce((n, msg) => n + 4 + tokens(typeof msg?.content === 'string' ? msg.content : JSON.stringify(msg?.content ?? '')).length, 2);

// -------------------------------------------------------------------------------------------------------------
// HTTP

function send(res, status, body, type = 'application/json') {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
const openAiError = (status, type, message, param = null) => ({ error: { message, type, param, code: status } });

function startServing(config, log, metrics, state) {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const client = `${req.socket.remoteAddress ?? '-'}:${req.socket.remotePort ?? 0}`.replace(/^::ffff:/, '');
    res.on('finish', () => { if (config.accessLog) log.access(client, req.method, req.url ?? '/', req.httpVersion, res.statusCode); });
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => handle(req, res, path, Buffer.concat(chunks).toString('utf8')));
  });

  function handle(req, res, path, raw) {
    const method = req.method ?? 'GET';
    // --api-key protects /v1, /v2 and /inference only; OPTIONS and every other path are open (http_endpoints.auth).
    if (config.apiKeys.length && method !== 'OPTIONS' && /^\/(v1|v2|inference)(\/|$)/.test(path)) {
      const auth = req.headers.authorization ?? '';
      if (!config.apiKeys.some((k) => auth === `Bearer ${k}`)) return send(res, 401, { error: 'Unauthorized' });
    }
    const route = (m, p) => method === m && path === p;
    if ((route('GET', '/health') || path === '/ping') && (method === 'GET' || method === 'POST')) {
      return send(res, config.mode === 'unhealthy' || state.engineDead ? 503 : 200, undefined);
    }
    if (route('GET', '/version')) return send(res, 200, { version: config.version });
    if (route('GET', '/metrics')) return send(res, 200, config.logStats ? metrics.render() : '', 'text/plain; version=0.0.4; charset=utf-8');
    if (route('GET', '/v1/models')) {
      const created = Math.floor(Date.now() / 1000);
      return send(res, 200, {
        object: 'list',
        data: config.servedNames.map((id) => ({
          id, object: 'model', created, owned_by: 'vllm', root: config.model, parent: null, max_model_len: config.maxModelLen,
          permission: [{ id: `modelperm-${randomBytes(16).toString('hex')}`, object: 'model_permission', created, allow_create_engine: false,
            allow_sampling: true, allow_logprobs: true, allow_search_indices: false, allow_view: true, allow_fine_tuning: false,
            organization: '*', group: null, is_blocking: false }],
        })),
      });
    }
    if (route('POST', '/v1/chat/completions')) return chat(req, res, raw);
    const known = ['/health', '/ping', '/version', '/metrics', '/v1/models', '/v1/chat/completions'];
    return known.includes(path) ? send(res, 405, { detail: 'Method Not Allowed' }) : send(res, 404, { detail: 'Not Found' });
  }

  function chat(req, res, raw) {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, openAiError(400, 'BadRequestError', 'Invalid JSON body'));
    }
    const model = body?.model ?? config.servedNames[0];
    if (!config.servedNames.includes(model)) {
      return send(res, 404, openAiError(404, 'NotFoundError', `The model \`${model}\` does not exist.`, 'model'));
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return send(res, 400, openAiError(400, 'BadRequestError', 'messages: Field required', 'messages'));
    }
    const temperature = body.temperature ?? 1;
    if (typeof temperature !== 'number' || temperature < 0) {
      return send(res, 400, openAiError(400, 'BadRequestError', `temperature must be non-negative, got ${temperature}.`, 'temperature'));
    }
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    if (maxTokens !== undefined && maxTokens !== null && !(Number.isInteger(maxTokens) && maxTokens >= 1)) {
      return send(res, 400, openAiError(400, 'BadRequestError', `max_tokens must be at least 1, got ${maxTokens}.`, 'max_tokens'));
    }
    const started = performance.now();
    const promptTokens = countPromptTokens(body.messages);
    metrics.running++;
    state.inFlight.add(res);
    let finished = false;
    const finish = (reason) => {
      if (finished) return;
      finished = true;
      metrics.running--;
      state.inFlight.delete(res);
      if (reason) metrics.success[reason]++;
    };
    res.on('close', () => finish(res.writableFinished ? undefined : 'abort'));
    if (config.mode === 'hang') return; // accepted, counted as running, never answered; /health still answers

    let words = tokens(answerFor(config, body.messages));
    let finishReason = 'stop';
    if (maxTokens && words.length > maxTokens) {
      words = words.slice(0, maxTokens);
      finishReason = 'length';
    }
    const content = words.join('').trimStart();
    const id = `chatcmpl-${randomBytes(16).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000);
    const account = () => {
      const e2e = (performance.now() - started) / 1000;
      metrics.promptTokens += promptTokens;
      metrics.generationTokens += words.length;
      metrics.prefixQueries += promptTokens;
      metrics.promptHist.observe(promptTokens);
      metrics.genHist.observe(words.length);
      metrics.e2e.observe(e2e);
      metrics.window.prompt += promptTokens;
      metrics.window.generation += words.length;
    };
    setTimeout(() => {
      metrics.ttft.observe((performance.now() - started) / 1000);
      let last = performance.now();
      const itl = () => {
        const now = performance.now();
        metrics.itl.observe((now - last) / 1000);
        last = now;
      };
      if (body.stream === true) return stream(res, { id, created, model, words, finishReason, promptTokens, itl, account, finish });
      // The rest of the tokens, one inter-token delay each.
      let left = Math.max(0, words.length - 1);
      const step = () => {
        if (left === 0) {
          account();
          finish(finishReason);
          return send(res, 200, {
            id, object: 'chat.completion', created, model,
            choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: null, audio: null, function_call: null, tool_calls: [], reasoning_content: null },
              logprobs: null, finish_reason: finishReason, stop_reason: null }],
            service_tier: null, system_fingerprint: null,
            usage: { prompt_tokens: promptTokens, total_tokens: promptTokens + words.length, completion_tokens: words.length, prompt_tokens_details: null },
            prompt_logprobs: null, kv_transfer_params: null,
          });
        }
        left--;
        setTimeout(() => { itl(); step(); }, config.itlMs);
        return undefined;
      };
      return step();
    }, config.ttftMs);
    return undefined;
  }

  /** Server-sent events, one chunk per token, then `data: [DONE]` (OpenAI streaming). */
  function stream(res, s) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const chunk = (delta, finishReason) => `data: ${JSON.stringify({ id: s.id, object: 'chat.completion.chunk', created: s.created, model: s.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    let i = 0;
    const next = () => {
      if (i > 0) s.itl();
      if (i < s.words.length) {
        res.write(chunk({ content: i === 0 ? s.words[i].trimStart() : s.words[i] }, null));
        i++;
        return setTimeout(next, i === 1 ? 0 : config.itlMs);
      }
      res.write(chunk({}, s.finishReason));
      res.write('data: [DONE]\n\n');
      s.account();
      s.finish(s.finishReason);
      return res.end();
    };
    next();
  }

  return server;
}

// -------------------------------------------------------------------------------------------------------------
// Fatal errors (vllm-server.json fatal_errors): what STANDIN_MODE=crash prints before exiting with 1

const FATAL = {
  'weights-oom': { during: 'load', file: 'gpu_model_runner.py:4148',
    line: 'torch.OutOfMemoryError: Failed to load model - not enough GPU memory. Try lowering --gpu-memory-utilization to free memory for weights, increasing --tensor-parallel-size, or using --quantization. See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more tips. (original error: CUDA out of memory. Tried to allocate 1.02 GiB.)' },
  'no-kv-cache-memory': { during: 'load', file: 'kv_cache_utils.py:686',
    line: 'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine (this flag also controls CPU memory reservation on the CPU backend, despite its name). See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more details.' },
  'gpu-memory-taken': { during: 'load', file: 'utils.py:118',
    line: 'ValueError: Free memory on device cuda:0 (10.52/79.19 GiB) on startup is less than desired GPU memory utilization (0.92, 72.85 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.' },
  'no-gpu': { during: 'load', file: 'device.py:59',
    line: 'RuntimeError: Failed to infer device type, please set the environment variable `VLLM_LOGGING_LEVEL=DEBUG` to turn on verbose logging to help debug the issue.' },
};

function crash(config, log, state, afterReady) {
  const which = FATAL[config.crashError] ? config.crashError : afterReady ? 'engine-dead' : 'weights-oom';
  if (which === 'engine-dead') {
    // The engine core dies while serving: EngineDeadError, /health 503, and the watchdog stops the server.
    state.engineDead = true;
    log.vllm('engine', 'ERROR', 'core.py:1012', 'EngineCore encountered a fatal error.\nTraceback (most recent call last):\n  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 1003, in run_engine_core\n    engine_core.run_busy_loop()\nRuntimeError: CUDA error: an illegal memory access was encountered');
    log.vllm('api', 'ERROR', 'async_llm.py:611', 'AsyncLLM output_handler failed.\nvllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.');
    log.vllm('api', 'INFO', 'launcher.py:110', 'Shutting down FastAPI HTTP server.');
    log.uvicorn('Shutting down');
    log.uvicorn('Waiting for application shutdown.');
    log.uvicorn('Application shutdown complete.');
    return exit(state, 1);
  }
  const f = FATAL[which];
  log.vllm('engine', 'ERROR', 'core.py:846', `EngineCore failed to start.\nTraceback (most recent call last):\n  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 837, in run_engine_core\n    engine_core = EngineCoreProc(*args, **kwargs)\n  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/${f.file.split(':')[0]}", line ${f.file.split(':')[1]}\n${f.line}`);
  log.raw('api', `Traceback (most recent call last):\n  File "/usr/local/bin/vllm", line 10, in <module>\n    sys.exit(main())\n  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/utils.py", line 1043, in wait_for_engine_startup\n    raise RuntimeError(\nRuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {'EngineCore_DP0': 1}`, process.stderr);
  return exit(state, 1);
}

function exit(state, code) {
  for (const t of state.timers) clearTimeout(t);
  if (state.server) {
    state.server.closeAllConnections();
    state.server.close();
  }
  // Writes to pipes and files are synchronous on Linux; the callback covers the other cases.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// -------------------------------------------------------------------------------------------------------------
// Startup, paced over STANDIN_LOAD_SECONDS; the port opens only at the end (startup_and_health_semantics)

function main() {
  const config = readConfig(process.argv.slice(2), process.env);
  const log = makeLogger(config);
  const metrics = makeMetrics(config);
  const state = { timers: [], server: undefined, ready: false, engineDead: false, inFlight: new Set(), stopping: false };
  const at = (fraction, fn) => state.timers.push(setTimeout(fn, Math.round(config.loadSeconds * 1000 * fraction)));
  const L = config.loadSeconds;
  const model = config.model;
  const hostShown = config.host ?? '0.0.0.0';

  const shutdown = (signal) => {
    if (state.stopping) return;
    state.stopping = true;
    if (state.ready) {
      log.vllm('api', 'INFO', 'launcher.py:110', 'Shutting down FastAPI HTTP server.');
      log.uvicorn('Shutting down');
      log.uvicorn('Waiting for application shutdown.');
      log.uvicorn('Application shutdown complete.');
    } else {
      log.vllm('api', 'INFO', 'api_server.py:1980', `Received ${signal} while starting; exiting.`);
    }
    exit(state, 0);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  log.vllm('api', 'INFO', 'utils.py:253', `vLLM server version ${config.version}, serving model ${model}`);
  log.vllm('api', 'INFO', 'utils.py:189', `non-default args: ${nonDefaultArgs(config)}`);
  if (config.badMode) log.vllm('api', 'WARNING', 'standin.mjs:0', `STANDIN_MODE=${config.badMode} is not one of ${MODES.join(', ')}; using ok`);
  at(0.05, () => {
    log.vllm('api', 'INFO', 'model.py:541', 'Resolved architecture: Qwen3ForCausalLM');
    log.vllm('api', 'INFO', 'model.py:1510', `Using max model len ${config.maxModelLen}`);
  });
  at(0.1, () => log.vllm('engine', 'INFO', 'core.py:93', `Initializing a V1 LLM engine (v${config.version}) with config: model='${model}', speculative_config=None, tokenizer='${model}', skip_tokenizer_init=False, tokenizer_mode=auto, max_seq_len=${config.maxModelLen}, enforce_eager=${config.enforceEager ? 'True' : 'False'}, served_model_name=${config.servedNames[0]}`));
  at(0.15, () => log.vllm('engine', 'INFO', 'gpu_model_runner.py:4120', `Starting to load model ${model}...`));
  at(0.5, () => log.vllm('engine', 'INFO', 'default_loader.py:291', `Loading weights took ${(L * 0.3).toFixed(2)} seconds`));
  at(0.55, () => log.vllm('engine', 'INFO', 'gpu_model_runner.py:5133', `Model loading took 1.12 GiB memory and ${(L * 0.4).toFixed(6)} seconds`));
  at(0.65, () => {
    log.vllm('engine', 'INFO', 'gpu_worker.py:298', 'Available KV cache memory: 61.23 GiB');
    log.vllm('engine', 'INFO', 'kv_cache_utils.py:1087', 'GPU KV cache size: 573,296 tokens');
    log.vllm('engine', 'INFO', 'kv_cache_utils.py:1091', `Maximum concurrency for ${config.maxModelLen.toLocaleString('en-US')} tokens per request: ${(573296 / config.maxModelLen).toFixed(2)}x`);
  });
  if (!config.enforceEager) {
    at(0.75, () => log.raw('engine', 'Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|██████████| 67/67 [00:00<00:00, 99.00it/s]', process.stderr));
    at(0.9, () => log.vllm('engine', 'INFO', 'gpu_model_runner.py:4302', `Graph capturing finished in ${Math.round(L * 0.15)} secs, took 0.53 GiB`));
  }
  at(0.95, () => log.vllm('engine', 'INFO', 'core.py:257', `init engine (profile, create kv cache, warmup model) took ${(L * 0.4).toFixed(2)} s`));
  at(1, () => {
    log.vllm('api', 'INFO', 'api_server.py:1612', "Supported tasks: ['generate']");
    const server = startServing(config, log, metrics, state);
    state.server = server;
    server.on('error', (e) => {
      // Python's text for EADDRINUSE, which client/src/stack/runner/milestones.ts recognises.
      log.raw('api', `OSError: [Errno ${e.code === 'EADDRINUSE' ? 98 : 1}] ${e.code === 'EADDRINUSE' ? 'Address already in use' : e.message}`, process.stderr);
      exit(state, 1);
    });
    // Everything from here to "Application startup complete." runs in one tick: no request is served before it.
    server.listen(config.port, config.host ?? '0.0.0.0', () => {
      const port = server.address().port;
      const hostUrl = hostShown.includes(':') ? `[${hostShown}]` : hostShown;
      log.vllm('api', 'INFO', 'api_server.py:1932', `Starting vLLM server on http://${hostUrl}:${port}`);
      log.vllm('api', 'INFO', 'launcher.py:37', 'Available routes are:');
      for (const [route, methods] of [['/health', 'GET'], ['/ping', 'GET, POST'], ['/metrics', 'GET'], ['/version', 'GET'], ['/v1/models', 'GET'], ['/v1/chat/completions', 'POST']]) {
        log.vllm('api', 'INFO', 'launcher.py:45', `Route: ${route}, Methods: ${methods}`);
      }
      log.uvicorn(`Started server process [${log.apiPid}]`);
      log.uvicorn('Waiting for application startup.');
      log.uvicorn('Application startup complete.');
      state.ready = true;
      if (config.logStats && config.statsIntervalS > 0) startStatsLog(config, log, metrics);
    });
  });
  if (config.mode === 'crash') {
    const afterReady = config.crashAfter > L;
    state.timers.push(setTimeout(() => crash(config, log, state, afterReady), Math.round(config.crashAfter * 1000) + (afterReady ? 1 : 0)));
  }
}

/** vllm-metrics.json log_line_equivalent: every VLLM_LOG_STATS_INTERVAL seconds; DEBUG (not shown) when idle. */
function startStatsLog(config, log, metrics) {
  const timer = setInterval(() => {
    const w = metrics.window;
    const seconds = Math.max(0.001, (Date.now() - w.since) / 1000);
    if (w.prompt > 0 || w.generation > 0 || metrics.running > 0) {
      log.vllm('api', 'INFO', 'loggers.py:236', `Engine 000: Avg prompt throughput: ${(w.prompt / seconds).toFixed(1)} tokens/s, Avg generation throughput: ${(w.generation / seconds).toFixed(1)} tokens/s, Running: ${metrics.running} reqs, Waiting: ${metrics.waiting} reqs, GPU KV cache usage: ${(metrics.kvUsage() * 100).toFixed(1)}%, Prefix cache hit rate: 0.0%`);
    }
    metrics.window = { prompt: 0, generation: 0, since: Date.now() };
  }, config.statsIntervalS * 1000);
  timer.unref();
}

main();
