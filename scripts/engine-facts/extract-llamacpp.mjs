#!/usr/bin/env node
// Extract llama-server (llama.cpp) CLI facts from llama.cpp's own source at a pinned commit.
//
// usage: node scripts/engine-facts/extract-llamacpp.mjs --repo <git dir of a ggml-org/llama.cpp snapshot>
//          [--commit REV (default HEAD)] [--out FILE (default server/src/engines/facts/llamacpp-flags.json)] [--check]
//        (the older form `extract-llamacpp.mjs <git dir> [REV]` works too; --check writes nothing and exits 1 when the
//        file differs from what the snapshot gives)
//
// Only reads the upstream git directory (git show / git log / git describe); never builds or runs upstream code.
// The option table lives in common/arg.cpp `common_params_parser_init()` as
//   add_opt(common_arg({args...}, [{neg args}|"VALUE_HINT"[, "HINT2"]], help, handler).set_examples({...}).set_env("LLAMA_ARG_X"));
// llama-server builds it with ex = LLAMA_EXAMPLE_SERVER, so we replay the add_opt() filter for that example.
// Defaults are what the help text prints: its string_format() arguments are evaluated against the member
// initialisers in common/common.h (plus the per-example overrides at the top of common_params_parser_init).
// Check: the evaluated help of every option is compared with the llama-gen-docs table in tools/server/README.md
// (differences are printed and kept in extraction_warnings). Removed flags come from diffing the option table
// across release tags (needs the tags/history in the git dir).

import { openSnapshot, writeFacts } from './lib/common.mjs';
import { yearsBefore } from './lib/history.mjs';

const { opts, repo, rev: commit, show, tryShow, script } = openSnapshot(import.meta.url, { facts: 'llamacpp-flags.json', upstream: 'ggml-org/llama.cpp' });
const { git } = repo;

const FILES = {
  arg: 'common/arg.cpp',
  commonH: 'common/common.h',
  commonCpp: 'common/common.cpp',
  hfCache: 'common/hf-cache.cpp',
  sampling: 'common/sampling.cpp',
  chat: 'common/chat.cpp',
  speculative: 'common/speculative.cpp',
  llamaCpp: 'src/llama.cpp',
  llamaChat: 'src/llama-chat.cpp',
  llamaH: 'include/llama.h',
  ggmlH: 'ggml/include/ggml.h',
  serverMain: 'tools/server/server.cpp',
  serverHttp: 'tools/server/server-http.cpp',
  serverReadme: 'tools/server/README.md',
  dockerfile: '.devops/cuda.Dockerfile',
  license: 'LICENSE',
};
// files scanned for getenv("X") / common_get_env("X") outside the option table
const ENV_SCAN_FILES = [FILES.commonCpp, FILES.speculative, 'src/llama-model-loader.cpp', FILES.serverHttp,
  'tools/server/server-common.cpp', 'tools/server/server-context.cpp', 'tools/server/server-models.cpp'];

// ---------------------------------------------------------------------------------------------
// Curated facts: things read in the source that are prose or control flow, not a table.
// Each entry says where it was read (paths at the same commit).
// ---------------------------------------------------------------------------------------------
const CURATED = {
  parser_notes: [
    'Each argv word is looked up exactly in a map of all spellings (common/arg.cpp common_params_parse_ex): no prefix abbreviation, no --flag=value form (\'--port=8080\' is itself an unknown argument).',
    'Words starting with "--" have every "_" replaced by "-" before lookup, so --n_gpu_layers == --n-gpu-layers (single-dash short forms are not rewritten).',
    'A value is always the next argv word, even if it starts with "-" (e.g. -ngl -1 works).',
    'Boolean options take no value: the positive spelling sets true, the --no-*/-n* spelling sets false. Their env var takes true/1/on/enabled or false/0/off/disabled (anything else: "invalid boolean value"); LLAMA_ARG_NO_<X> set to anything forces false.',
    'Switch options without a negative form (void handler) run only when their env value is truthy (true/1/on/enabled); any other env value is silently ignored.',
    'Integer options parse with std::stoi (env too); a non-number aborts start-up with "error while handling argument ...".',
    'Repeating an option logs "DEPRECATED: argument \'X\' specified multiple times, use comma-separated values instead (only last value will be used)" (not for --spec-type); list options take comma-separated values.',
    'Order of precedence: /etc/llama.cpp/config.ini, then ${XDG_CONFIG_HOME:-~/.config}/llama.cpp/config.ini (both optional, unknown keys ignored), then LLAMA_ARG_* env, then the command line (common_params_apply_system_config / common_params_parse_ex).',
    'Env vars are applied first for every option that has one, whether or not the flag is also given; the flag then overwrites the value and prints "warn: LLAMA_ARG_X environment variable is set, but will be overwritten by command line argument --x". An invalid env value therefore fails start-up even when the flag is also passed.',
    'llama-server accepts no positional arguments: any word that is not an option spelling or an option value is "error: invalid argument: <word>".',
    'Only the env names in the option table are read: a misspelled LLAMA_ARG_* variable is ignored without any message.',
  ],
  // common/arg.cpp common_params_parse(): std::invalid_argument is printed to stderr and parse returns false;
  // tools/server/server.cpp main(): `if (!common_params_parse(...)) { return 1; }`
  unknown_exit: 'message printed to stderr, llama-server exits with status 1 (tools/server/server.cpp: if (!common_params_parse(...)) return 1)',
  // Printed defaults that do not describe runtime behaviour (read in the handler/initialiser at the same commit)
  default_notes: {
    '--perf': 'help prints params.no_perf ? "true" : "false", i.e. the inverse: no_perf defaults to false so timings are ENABLED by default (common/common.h no_perf = false).',
    '--parallel': 'server: -1 (auto) becomes n_parallel = 4 with kv_unified = true (tools/server/server.cpp).',
  },
  cache_notes:
    '-hf/--hf-repo downloads go to the Hugging Face hub cache layout (models--owner--name/...) chosen in common/hf-cache.cpp get_cache_directory(): the first non-empty of LLAMA_CACHE (used as the hub dir itself), HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, $HF_HOME/hub, $XDG_CACHE_HOME/huggingface/hub, $HOME/.cache/huggingface/hub. ' +
    '-mu/--model-url and docker-repo downloads use fs_get_cache_directory() (common/common.cpp): LLAMA_CACHE, else $XDG_CACHE_HOME/llama.cpp/, else $HOME/.cache/llama.cpp/. ' +
    'The server image runs as root (no USER in .devops/cuda.Dockerfile), so the defaults are /root/.cache/huggingface/hub and /root/.cache/llama.cpp. ' +
    '--offline (env LLAMA_ARG_OFFLINE) uses only the cache.',
  health_notes:
    'GET /health and /v1/health are public (no API key). While the model loads every non-UI route answers 503 {"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}; once ready /health returns 200 {"status":"ok"} (tools/server/server-http.cpp, README). ' +
    'The HTTP port is bound before the model is loaded (tools/server/server.cpp: ctx_http.start() precedes load_model()). Routes are registered under --api-prefix (path_prefix + path), but the public-endpoint check compares the raw request path with "/health", so with --api-prefix and --api-key set, <prefix>/health needs the key. ' +
    'With AIP_MODE=PREDICTION (Vertex AI), AIP_HEALTH_ROUTE adds another health path and AIP_HTTP_PORT (default 8080) overrides --port.',
  debug_logging: [
    { setting: '-v / --verbose / --log-verbose', meaning: 'log everything (verbosity threshold = infinity); no env var' },
    { setting: '-lv 5 / --verbosity 5 / LLAMA_ARG_LOG_VERBOSITY=5', meaning: 'verbosity threshold: 0 generic, 1 error, 2 warning, 3 info (default), 4 trace, 5 debug' },
    { setting: 'LLAMA_SERVER_SLOTS_DEBUG=1', meaning: 'server: per-slot debug mode (read with atoi in tools/server/server-context.cpp, logs a warning when on)' },
    { setting: 'LLAMA_TRACE=1', meaning: 'extra trace output (model loader, speculative decoding, server context)' },
    { setting: '--log-file FNAME / --log-colors / --log-prefix / --log-timestamps', meaning: 'log destination and decoration (see flag table)' },
  ],
  // meanings for env vars read outside the option table (the names/defaults are found mechanically below)
  env_meanings: {
    LLAMA_CACHE: 'cache directory for -hf (used as the hub dir) and for -mu/URL downloads (replaces <cache>/llama.cpp)',
    HF_HUB_CACHE: 'HF hub cache dir for -hf downloads when LLAMA_CACHE is unset',
    HUGGINGFACE_HUB_CACHE: 'legacy alias of HF_HUB_CACHE for -hf downloads',
    HF_HOME: '-hf downloads go to $HF_HOME/hub when LLAMA_CACHE/HF_HUB_CACHE are unset',
    XDG_CACHE_HOME: 'base of the default caches: $XDG_CACHE_HOME/huggingface/hub (-hf) and $XDG_CACHE_HOME/llama.cpp (URL downloads)',
    HOME: 'base of the default caches ~/.cache/huggingface/hub and ~/.cache/llama.cpp; also ~/.config/llama.cpp/config.ini',
    XDG_CONFIG_HOME: 'user config file $XDG_CONFIG_HOME/llama.cpp/config.ini (applied before env and CLI)',
    MODEL_ENDPOINT: 'base URL for Hugging Face downloads (default https://huggingface.co/)',
    HF_ENDPOINT: 'fallback for MODEL_ENDPOINT (kept for backward compatibility)',
    NO_COLOR: 'disables colored output when set',
    TERM: 'color auto-detection',
    LLAMA_TRACE: 'extra tracing in model loader / speculative decoding / server',
    LLAMA_SERVER_SLOTS_DEBUG: 'server: extra per-slot debug info',
    LLAMA_MEDIA_MARKER: 'server: override the multimodal media marker string',
    LLAMA_APP_CMD: 'router mode: command used to spawn child model servers',
    LLAMA_SERVER_ROUTER_PORT: 'router mode: internal, set for child processes',
    LLAMA_SERVER_CHILD_MODE: 'router mode: internal, set for child processes',
    LLAMA_SERVER_DEBUG_FAKE_TIMING: 'router mode: debug only',
    AIP_MODE: 'Vertex AI compatibility: PREDICTION enables the AIP_* routes',
    AIP_HEALTH_ROUTE: 'Vertex AI: extra health route (only with AIP_MODE=PREDICTION)',
    AIP_PREDICT_ROUTE: 'Vertex AI: predict route (only with AIP_MODE=PREDICTION)',
    AIP_HTTP_PORT: 'Vertex AI: overrides --port (only with AIP_MODE=PREDICTION)',
    LLAMA_ARG_HOST: 'set to 0.0.0.0 by the server image (ENV in .devops/cuda.Dockerfile)',
    LOCALAPPDATA: 'Windows only: base of the URL-download cache (<LOCALAPPDATA>/llama.cpp)',
    APPDATA: 'Windows only: user config file <APPDATA>/llama.cpp/config.ini',
  },
  // read by getenv but not by llama-server: common/common.cpp common_get_model_or_exit() is used by tests only
  env_ignore: ['LLAMACPP_TEST_MODELFILE'],
  // replacements for flags that disappeared from the server's option table (read in the removing commits)
  replacements: {
    // commit e2ef8fe42 (#22929) swaps -cpent/--checkpoint-every-n-tokens (fixed interval) for -cms/--checkpoint-min-step (minimum spacing)
    '--checkpoint-every-n-tokens': '--checkpoint-min-step',
  },
};

// ---------------------------------------------------------------------------------------------
// C++ lexer (enough for arg.cpp / common.h): strings (incl. raw strings), chars, numbers, identifiers, punctuation.
// ---------------------------------------------------------------------------------------------
const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = ['==', '!=', '<=', '>=', '&&', '||', '::', '->', '++', '--', '<<', '>>', '+=', '-=', '*=', '/=', '|=', '&='];

function unescapeC(s) {
  return s.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_, e) => {
    const map = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return map[e] ?? e;
  });
}

function lex(src) {
  const toks = [];
  let i = 0;
  let lineStart = true;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') { lineStart = true; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (src.startsWith('//', i)) { const j = src.indexOf('\n', i); i = j < 0 ? n : j; continue; }
    if (src.startsWith('/*', i)) { const j = src.indexOf('*/', i + 2); i = j < 0 ? n : j + 2; continue; }
    if (c === '#' && lineStart) {
      // preprocessor line (with continuations); kept as one token so callers can see #if blocks
      let j = i;
      while (j < n && src[j] !== '\n') j += src[j] === '\\' && src[j + 1] === '\n' ? 2 : 1;
      toks.push({ t: 'pp', v: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    lineStart = false;
    // raw string R"delim( ... )delim"
    let m = /^(?:u8|u|U|L)?R"([^(\s]*)\(/.exec(src.slice(i, i + 24));
    if (m) {
      const close = ')' + m[1] + '"';
      const start = i + m[0].length;
      const end = src.indexOf(close, start);
      toks.push({ t: 'str', v: src.slice(start, end), pos: i });
      i = end + close.length;
      continue;
    }
    m = /^(?:u8|u|U|L)?"/.exec(src.slice(i, i + 3));
    if (m) {
      let j = i + m[0].length;
      while (j < n && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      toks.push({ t: 'str', v: unescapeC(src.slice(i + m[0].length, j)), pos: i });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== "'") j += src[j] === '\\' ? 2 : 1;
      toks.push({ t: 'chr', v: unescapeC(src.slice(i + 1, j)), pos: i });
      i = j + 1;
      continue;
    }
    m = /^(?:0[xX][0-9a-fA-F']+|(?:\d[\d']*)?\.?\d[\d']*(?:[eE][-+]?\d+)?)[uUlLfF]*/.exec(src.slice(i, i + 40));
    if (m && m[0] && /[\d]/.test(c + (src[i + 1] ?? '')) && (/\d/.test(c) || (c === '.' && /\d/.test(src[i + 1])))) {
      toks.push({ t: 'num', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = /^[A-Za-z_]\w*/.exec(src.slice(i, i + 128));
    if (m) { toks.push({ t: 'id', v: m[0], pos: i }); i += m[0].length; continue; }
    const p3 = PUNCT3.find((p) => src.startsWith(p, i));
    const p2 = p3 ? null : PUNCT2.find((p) => src.startsWith(p, i));
    const p = p3 || p2 || c;
    toks.push({ t: 'p', v: p, pos: i });
    i += p.length;
  }
  return toks;
}

const OPEN = { '(': ')', '{': '}', '[': ']' };
// index of the token that closes the bracket opened at toks[i]
function matchClose(toks, i) {
  const open = toks[i].v;
  const close = OPEN[open];
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    if (toks[j].t !== 'p') continue;
    if (toks[j].v === open) depth++;
    else if (toks[j].v === close && --depth === 0) return j;
  }
  throw new Error(`unbalanced ${open} at ${toks[i].pos}`);
}
// split toks[a..b) at top-level commas
function splitTop(toks, a, b, sep = ',') {
  const parts = [];
  let depth = 0;
  let start = a;
  for (let j = a; j < b; j++) {
    const t = toks[j];
    if (t.t === 'p' && (t.v === '(' || t.v === '{' || t.v === '[')) depth++;
    else if (t.t === 'p' && (t.v === ')' || t.v === '}' || t.v === ']')) depth--;
    else if (depth === 0 && t.t === 'p' && t.v === sep) { parts.push(toks.slice(start, j)); start = j + 1; }
  }
  if (start < b) parts.push(toks.slice(start, b));
  return parts;
}
// readable source text of a token run (for conditions shown in the output)
const ctext = (ts) => text(ts).replace(/ ?(::|->|\.) ?/g, '$1').replace(/ \( \)/g, '()').replace(/\( /g, '(').replace(/ \)/g, ')');
const text = (ts) => ts.map((t) => (t.t === 'str' ? JSON.stringify(t.v) : t.t === 'chr' ? `'${t.v}'` : t.v)).join(' ');

// ---------------------------------------------------------------------------------------------
// Symbol tables read from headers: enums, struct member defaults, small switch->return functions.
// ---------------------------------------------------------------------------------------------
const ENUMS = new Map(); // NAME -> { name, value }

function parseEnums(src) {
  const toks = lex(src);
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].v !== 'enum') continue;
    let j = i + 1;
    if (toks[j]?.v === 'class' || toks[j]?.v === 'struct') j++;
    if (toks[j]?.t === 'id') j++;
    if (toks[j]?.v === ':') { while (toks[j] && toks[j].v !== '{' && toks[j].v !== ';') j++; }
    if (toks[j]?.v !== '{') continue;
    const end = matchClose(toks, j);
    let next = 0;
    for (const part of splitTop(toks, j + 1, end)) {
      if (!part.length || part[0].t !== 'id') continue;
      let value = next;
      if (part[1]?.v === '=') {
        const v = evalTokens(part.slice(2), {});
        value = typeof v === 'number' ? v : typeof v === 'object' && v && 'value' in v ? v.value : NaN;
      }
      ENUMS.set(part[0].v, { enum: part[0].v, value });
      next = Number.isFinite(value) ? value + 1 : NaN;
    }
    i = end;
  }
}

const FUNCS = new Map(); // fn name -> Map(enum case name -> returned literal)

// functions of the form `T name(enum X x) { switch (x) { case A: return "a"; ... } }`
function parseSwitchFunctions(src) {
  const toks = lex(src);
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i].t !== 'id' || toks[i + 1].v !== '(') continue;
    const pc = matchCloseSafe(toks, i + 1);
    if (pc < 0 || toks[pc + 1]?.v !== '{') continue;
    const bodyEnd = matchCloseSafe(toks, pc + 1);
    if (bodyEnd < 0) continue;
    if (toks[pc + 2]?.v !== 'switch') { i = bodyEnd; continue; }
    const table = new Map();
    let pending = [];
    for (let k = pc + 2; k < bodyEnd; k++) {
      if (toks[k].v === 'case' && toks[k + 1]?.t === 'id') pending.push(toks[k + 1].v);
      if (toks[k].v === 'return' && (toks[k + 1]?.t === 'str' || toks[k + 1]?.t === 'chr')) {
        for (const name of pending) table.set(name, toks[k + 1].v);
        pending = [];
      }
    }
    if (table.size) FUNCS.set(toks[i].v, table);
    i = bodyEnd;
  }
}
function matchCloseSafe(toks, i) { try { return matchClose(toks, i); } catch { return -1; } }

const STRUCTS = new Map(); // struct name -> [{ name, type, initToks }]

function parseStructs(src) {
  const toks = lex(src);
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i].v !== 'struct' || toks[i + 1].t !== 'id' || toks[i + 2].v !== '{') continue;
    const end = matchClose(toks, i + 2);
    const members = [];
    let stmt = [];
    for (let k = i + 3; k < end; k++) {
      const t = toks[k];
      if (t.t === 'pp') continue;
      if (t.v === '{') {
        const close = matchClose(toks, k);
        const prev = stmt[stmt.length - 1];
        if (prev && (prev.v === ')' || prev.v === 'const' || prev.v === 'override')) {
          stmt = []; // member function body
          k = close;
          continue;
        }
        stmt.push(...toks.slice(k, close + 1)); // brace initialiser
        k = close;
        continue;
      }
      if (t.v === ';') { const m = parseMember(stmt); if (m) members.push(m); stmt = []; continue; }
      stmt.push(t);
    }
    STRUCTS.set(toks[i + 1].v, members);
    i = end;
  }
}

function parseMember(stmt) {
  if (!stmt.length || ['using', 'typedef', 'friend', 'static', 'return'].includes(stmt[0].v)) return null;
  // find the declarator name: last identifier before '=', '[' or a brace initialiser
  let cut = stmt.findIndex((t, k) => t.v === '=' || t.v === '[' || (t.v === '{' && k > 0));
  if (cut < 0) cut = stmt.length;
  const head = stmt.slice(0, cut);
  if (head.some((t) => t.v === '(')) return null; // function declaration
  const nameTok = head[head.length - 1];
  if (!nameTok || nameTok.t !== 'id') return null;
  const type = head.slice(0, -1).map((t) => t.v).filter((v) => v !== 'struct' && v !== 'enum').join(' ');
  let rest = stmt.slice(cut);
  if (rest[0]?.v === '[') rest = rest.slice(rest.findIndex((t) => t.v === ']') + 1);
  let initToks = null;
  if (rest[0]?.v === '=') initToks = rest.slice(1);
  else if (rest[0]?.v === '{') initToks = rest;
  return { name: nameTok.v, type, initToks };
}

// Build the default value object of a struct (nested structs become nested objects).
function instantiate(structName, depth = 0) {
  const obj = {};
  for (const m of STRUCTS.get(structName) ?? []) {
    const baseType = m.type.replace(/\bconst\b/g, '').trim();
    if (m.initToks) {
      obj[m.name] = evalTokens(m.initToks, { self: obj });
      // `std::vector<T> x = { A }`: the evaluator unwraps single-element braces (meant for `bool b = {false}`)
      if (/std\s*::\s*(vector|set)/.test(baseType) && !Array.isArray(obj[m.name]) && !isUnknown(obj[m.name])) obj[m.name] = [obj[m.name]];
    } else if (STRUCTS.has(baseType) && depth < 6) {
      obj[m.name] = instantiate(baseType, depth + 1);
    } else if (/^std\s*::\s*string$/.test(baseType)) {
      obj[m.name] = '';
    } else if (/std\s*::\s*(vector|set|map|list)/.test(baseType)) {
      obj[m.name] = [];
    } else {
      obj[m.name] = unknown(`${m.name} (no initialiser)`);
    }
  }
  return obj;
}

// ---------------------------------------------------------------------------------------------
// Tiny C++ expression evaluator for help strings and initialisers.
// Values: number | string | boolean | array | object (struct) | {enum, value} | {unknown}
// ---------------------------------------------------------------------------------------------
const unknown = (why) => ({ unknown: why });
const isUnknown = (v) => v && typeof v === 'object' && 'unknown' in v;
const num = (v) => (v && typeof v === 'object' && 'enum' in v ? v.value : v);
const PRI = { PRIu32: 'u', PRId32: 'd', PRIu64: 'lu', PRId64: 'ld', PRIi32: 'i', PRIx64: 'lx' };
const CASTS = new Set(['unsigned', 'int', 'double', 'float', 'size_t', 'uint32_t', 'int32_t', 'int64_t', 'uint64_t', 'long', 'char']);

function cFormat(fmt, args) {
  let ai = 0;
  return fmt.replace(/%([-+ #0]*)(\d+)?(?:\.(\d+))?(hh|h|ll|l|z|j|t|L)?([diuxXfFeEgGsc%])/g, (all, flags, width, prec, len, conv) => {
    if (conv === '%') return '%';
    const v = num(args[ai++]);
    if (isUnknown(v) || v === undefined) return `<${isUnknown(v) ? v.unknown : '?'}>`;
    let s;
    switch (conv) {
      case 'd': case 'i': s = String(len === 'l' || len === 'll' || len === 'z' ? Math.trunc(Number(v)) : Math.trunc(Number(v)) | 0); break; // int32 wrap, like printf
      case 'u': s = String(Number(v) < 0 ? (Number(v) >>> 0) : Math.trunc(Number(v))); break;
      case 'x': case 'X': s = (Number(v) >>> 0).toString(16); if (conv === 'X') s = s.toUpperCase(); break;
      case 'f': case 'F': s = Number(v).toFixed(prec === undefined ? 6 : Number(prec)); break;
      case 'e': case 'E': s = Number(v).toExponential(prec === undefined ? 6 : Number(prec)); break;
      case 'g': case 'G': s = String(Number(Number(v).toPrecision(prec === undefined ? 6 : Number(prec) || 1))); break;
      case 'c': s = typeof v === 'string' ? v : String.fromCharCode(v); break;
      default: s = typeof v === 'boolean' ? String(v) : String(v);
    }
    if (width && s.length < Number(width)) s = (flags.includes('-') ? s.padEnd : s.padStart).call(s, Number(width));
    return s;
  });
}

// ctx: { self (struct being initialised), vars (local names), params }
function evalTokens(toks, ctx) {
  let p = 0;
  const peek = (o = 0) => toks[p + o];
  const eat = (v) => { if (peek()?.v === v) { p++; return true; } return false; };
  const expect = (v) => { if (!eat(v)) throw new Error(`expected ${v} at "${text(toks.slice(p, p + 6))}"`); };

  const lift = (f) => (...xs) => (xs.some(isUnknown) ? xs.find(isUnknown) : f(...xs.map(num)));
  const bin = {
    '||': lift((a, b) => Boolean(a || b)), '&&': lift((a, b) => Boolean(a && b)),
    '==': lift((a, b) => a === b), '!=': lift((a, b) => a !== b),
    '<': lift((a, b) => a < b), '>': lift((a, b) => a > b), '<=': lift((a, b) => a <= b), '>=': lift((a, b) => a >= b),
    '+': lift((a, b) => a + b), '-': lift((a, b) => a - b), '*': lift((a, b) => a * b),
    '/': lift((a, b) => (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b)),
    '|': lift((a, b) => a | b), '<<': lift((a, b) => a * 2 ** b),
  };
  const LEVELS = [['||'], ['&&'], ['|'], ['==', '!='], ['<', '>', '<=', '>='], ['<<'], ['+', '-'], ['*', '/']];

  function expr() { return ternary(); }
  function ternary() {
    const c = level(0);
    if (eat('?')) {
      const a = expr(); expect(':'); const b = expr();
      if (isUnknown(c)) return c;
      return num(c) ? a : b;
    }
    return c;
  }
  function level(k) {
    if (k === LEVELS.length) return unary();
    let l = level(k + 1);
    while (peek() && peek().t === 'p' && LEVELS[k].includes(peek().v)) {
      // `<` after an identifier such as std::vector<...> is a template; not met in the expressions we evaluate
      const op = toks[p++].v;
      const r = level(k + 1);
      l = bin[op](l, r);
    }
    return l;
  }
  function unary() {
    if (eat('!')) { const v = unary(); return isUnknown(v) ? v : !num(v); }
    if (eat('-')) { const v = unary(); return isUnknown(v) ? v : -num(v); }
    if (eat('+')) return unary();
    // C-style cast: ( type )
    if (peek()?.v === '(' && peek(1)?.t === 'id' && CASTS.has(peek(1).v) && peek(2)?.v === ')') { p += 3; return unary(); }
    return postfix();
  }
  function callArgs() {
    const open = p - 1;
    const close = matchClose(toks, open);
    const parts = splitTop(toks, open + 1, close).map((ts) => evalTokens(ts, ctx));
    p = close + 1;
    return parts;
  }
  function postfix() {
    let v = primary();
    for (;;) {
      if (eat('.') || eat('->')) {
        const name = toks[p++].v;
        if (peek()?.v === '(') { p++; const args = callArgs(); v = method(v, name, args); continue; }
        v = isUnknown(v) ? v : v && typeof v === 'object' && name in v ? v[name] : unknown(`.${name}`);
        continue;
      }
      if (eat('[')) {
        const close = matchClose(toks, p - 1);
        const idx = evalTokens(toks.slice(p, close), ctx);
        p = close + 1;
        v = isUnknown(v) ? v : isUnknown(idx) ? idx : Array.isArray(v) ? v[num(idx)] : unknown('index');
        continue;
      }
      return v;
    }
  }
  function method(v, name, args) {
    if (isUnknown(v)) return v;
    if (name === 'c_str' || name === 'str') return v;
    if (name === 'empty') return Array.isArray(v) || typeof v === 'string' ? v.length === 0 : unknown('empty');
    if (name === 'size') return Array.isArray(v) || typeof v === 'string' ? v.length : unknown('size');
    return unknown(`${name}()`);
  }
  function primary() {
    const t = toks[p++];
    if (!t) throw new Error('unexpected end');
    if (t.t === 'str' || (t.t === 'id' && t.v in PRI && (peek()?.t === 'str' || toks[p - 2]?.t === 'str'))) {
      // adjacent string literals (and PRIxx macros) concatenate
      let s = t.t === 'str' ? t.v : PRI[t.v];
      while (peek() && (peek().t === 'str' || (peek().t === 'id' && peek().v in PRI))) { const u = toks[p++]; s += u.t === 'str' ? u.v : PRI[u.v]; }
      return s;
    }
    if (t.t === 'chr') return t.v;
    if (t.t === 'num') {
      const raw = t.v.replace(/'/g, '').replace(/[uUlLfF]+$/, '');
      return /^0[xX]/.test(raw) ? parseInt(raw, 16) : Number(raw);
    }
    if (t.v === '(') { const close = matchClose(toks, p - 1); const v = evalTokens(toks.slice(p, close), ctx); p = close + 1; return v; }
    if (t.v === '{') {
      const close = matchClose(toks, p - 1);
      const items = splitTop(toks, p, close).map((ts) => evalTokens(ts, ctx));
      p = close + 1;
      return items.length === 1 && !Array.isArray(items[0]) && typeof items[0] !== 'string' ? items[0] : items;
    }
    if (t.t === 'id') {
      let name = t.v;
      // qualified names (std::string, std::vector<...>)
      while (peek()?.v === '::') { p++; name += '::' + toks[p++].v; }
      if (peek()?.v === '<' && /^std::/.test(name)) { // template arguments: skip
        let depth = 0;
        for (; p < toks.length; p++) { if (toks[p].v === '<') depth++; else if (toks[p].v === '>' && --depth === 0) { p++; break; } else if (toks[p].v === '>>') { depth -= 2; if (depth <= 0) { p++; break; } } }
      }
      if (peek()?.v === '(') { p++; const args = callArgs(); return call(name, args); }
      if (name === 'true') return true;
      if (name === 'false') return false;
      if (name === 'nullptr' || name === 'NULL') return null;
      if (name in PRI) return PRI[name];
      if (ctx.vars && name in ctx.vars) return ctx.vars[name];
      if (ctx.self && name in ctx.self) return ctx.self[name];
      if (name === 'params' && ctx.params) return ctx.params;
      if (ENUMS.has(name)) return ENUMS.get(name);
      if (MACROS[name] !== undefined) return MACROS[name];
      return unknown(name);
    }
    return unknown(t.v);
  }
  function call(name, args) {
    if (name === 'string_format') return args.some(isUnknown) && typeof args[0] !== 'string' ? args[0] : cFormat(args[0], args.slice(1));
    if (/^std::(string|to_string)$/.test(name)) return args.length ? (isUnknown(args[0]) ? args[0] : String(num(args[0]))) : '';
    if (name === 'std::vector' && args.length === 2) return [args[1]]; // vector(count, value): count is runtime, [0] is value
    if (name === 'ggml_type_name') return isUnknown(args[0]) ? args[0] : ggmlTypeName(args[0].enum);
    if (ctx.localFns && name in ctx.localFns) return ctx.localFns[name](...args);
    if (FUNCS.has(name) && args[0] && typeof args[0] === 'object' && 'enum' in args[0]) return FUNCS.get(name).get(args[0].enum) ?? unknown(`${name}(${args[0].enum})`);
    return unknown(`${name}()`);
  }

  const v = expr();
  if (p < toks.length) return unknown(`unparsed: ${text(toks.slice(p, p + 8))}`);
  return v;
}

const MACROS = { LLAMA_DEFAULT_SEED: 0xffffffff, UINT32_MAX: 0xffffffff, INT32_MAX: 2147483647 };
// ggml_type_name() returns the lower-case type name, e.g. GGML_TYPE_IQ4_NL -> "iq4_nl"
const ggmlTypeName = (e) => e.replace(/^GGML_TYPE_/, '').toLowerCase();

// ---------------------------------------------------------------------------------------------
// Option table extraction from common/arg.cpp
// ---------------------------------------------------------------------------------------------

// Statements at the top of common_params_parser_init() before the options: per-example default overrides.
function applyExampleOverrides(toks, a, b, params, ex) {
  const ctx = { params, vars: { ex: ENUMS.get(ex) ?? { enum: ex, value: NaN } } };
  for (let k = a; k < b; k++) {
    if (toks[k].v === 'if' && toks[k + 1]?.v === '(') {
      // if / else if / else chain: run the first branch whose condition holds
      let taken = false;
      let j = k;
      for (;;) {
        let cond = true;
        if (toks[j].v === 'if') {
          const pc = matchClose(toks, j + 1);
          cond = num(evalTokens(toks.slice(j + 2, pc), ctx)) === true;
          j = pc + 1;
        }
        const bc = matchClose(toks, j);
        if (cond && !taken) { taken = true; runAssignments(toks, j + 1, bc, ctx); }
        j = bc + 1;
        if (toks[j]?.v === 'else') { j++; continue; }
        break;
      }
      k = j - 1;
      continue;
    }
  }
}
function runAssignments(toks, a, b, ctx) {
  for (const st of splitTop(toks, a, b, ';')) {
    const eq = st.findIndex((t) => t.v === '=');
    if (eq < 0 || st[0].v !== 'params') continue;
    const path = st.slice(0, eq).filter((t) => t.t === 'id').map((t) => t.v).slice(1);
    let obj = ctx.params;
    for (const key of path.slice(0, -1)) obj = obj[key];
    obj[path[path.length - 1]] = evalTokens(st.slice(eq + 1), ctx);
  }
}

function findFunctionBody(toks, name) {
  for (let i = 0; i < toks.length; i++) {
    if (!(name instanceof RegExp ? name.test(toks[i].v) : toks[i].v === name) || toks[i + 1]?.v !== '(') continue;
    const pc = matchClose(toks, i + 1);
    if (toks[pc + 1]?.v === '{') return [pc + 1, matchClose(toks, pc + 1)];
  }
  throw new Error(`function ${name} not found`);
}

// Conditions of `if (...) { ... } else { ... }` blocks that enclose each token inside [a, b).
function blockConditions(toks, a, b) {
  const conds = new Array(b).fill(null);
  const stack = [];
  let lastClosedIf = null;
  for (let k = a; k < b; k++) {
    const t = toks[k];
    if (t.v === '{') {
      let frame = { cond: null };
      const prev = toks[k - 1];
      if (prev?.v === ')') {
        // find matching '(' backwards
        let depth = 0; let o = k - 1;
        for (; o >= a; o--) { if (toks[o].v === ')') depth++; else if (toks[o].v === '(' && --depth === 0) break; }
        if (toks[o - 1]?.v === 'if') frame = { cond: toks.slice(o + 1, k - 1), neg: false, isIf: true };
      } else if (prev?.v === 'else' && lastClosedIf) {
        frame = { cond: lastClosedIf.cond, neg: true };
      }
      stack.push(frame);
    } else if (t.v === '}') {
      const f = stack.pop();
      lastClosedIf = f?.isIf ? f : null;
    }
    conds[k] = stack.filter((f) => f.cond).map((f) => ({ cond: f.cond, neg: f.neg }));
  }
  return conds;
}

function parseOptions(src, { ex = 'LLAMA_EXAMPLE_SERVER', params = null, localFns = {}, vars = {} } = {}) {
  const toks = lex(src);
  // named example lists: static std::initializer_list<enum llama_example> mmproj_examples = {...}
  const exampleLists = {};
  for (const m of src.matchAll(/std::initializer_list<enum llama_example>\s+(\w+)\s*=\s*\{([^}]*)\}/g)) exampleLists[m[1]] = m[2].match(/LLAMA_EXAMPLE_\w+/g) ?? [];
  const [bodyOpen, bodyClose] = findFunctionBody(toks, /^(common|gpt)_params_parser_init$/); // gpt_ before the Oct 2024 rename
  const conds = blockConditions(toks, bodyOpen + 1, bodyClose);
  const exVal = ENUMS.get(ex) ?? { enum: ex, value: NaN };
  const ctx = { params, localFns, vars: { ...vars, ex: exVal } };
  const options = [];
  for (let k = bodyOpen + 1; k < bodyClose; k++) {
    if (!(toks[k].v === 'add_opt' && toks[k + 1]?.v === '(' && /^(common_arg|llama_arg)$/.test(toks[k + 2]?.v ?? ''))) continue;
    const callClose = matchClose(toks, k + 1);
    const argOpen = k + 3;
    const argClose = matchClose(toks, argOpen);
    const opt = parseCommonArg(toks, argOpen, argClose, ctx);
    opt.line = src.slice(0, toks[k].pos).split('\n').length;
    // chained setters: .set_examples({...}) .set_excludes({...}) .set_env("...") .set_sampling() .set_spec() .set_preset_only()
    for (let j = argClose + 1; j < callClose; j++) {
      if (toks[j].v !== '.' || toks[j + 2]?.v !== '(') continue;
      const setter = toks[j + 1].v;
      const pc = matchClose(toks, j + 2);
      const inner = toks.slice(j + 3, pc);
      if (setter === 'set_examples') opt.examples = inner.filter((t) => t.t === 'id').flatMap((t) => exampleLists[t.v] ?? [t.v]);
      else if (setter === 'set_excludes') opt.excludes = inner.filter((t) => t.t === 'id').map((t) => t.v);
      else if (setter === 'set_env') opt.env = inner.find((t) => t.t === 'str')?.v ?? null;
      else if (setter === 'set_sampling') opt.group = 'sampling';
      else if (setter === 'set_spec') opt.group = 'speculative';
      else if (setter === 'set_preset_only') opt.preset_only = true;
      j = pc;
    }
    // enclosing if-conditions (e.g. `if (ex == LLAMA_EXAMPLE_SERVER) {...} else {...}`)
    opt.conditions = [];
    let active = true;
    for (const c of conds[k] ?? []) {
      const v = evalTokens(c.cond, ctx);
      const src = (c.neg ? 'not ' : '') + ctext(c.cond);
      if (isUnknown(v)) { opt.conditions.push(src); continue; } // build-time condition, e.g. llama_supports_rpc()
      if (Boolean(num(v)) === c.neg) active = false;
    }
    // replay add_opt(): in the example, or common (inherited by every example but llama-download), and not excluded
    const inherit = ex !== 'LLAMA_EXAMPLE_DOWNLOAD';
    opt.applies = active && (opt.examples.includes(ex) || (inherit && opt.examples.includes('LLAMA_EXAMPLE_COMMON'))) && !opt.excludes.includes(ex);
    options.push(opt);
    k = callClose;
  }
  return options;
}

function parseCommonArg(toks, open, close, ctx) {
  const parts = splitTop(toks, open + 1, close);
  const strList = (ts) => ts.filter((t) => t.t === 'str').map((t) => t.v);
  const opt = { args: strList(parts[0]), args_neg: [], value_hint: null, value_hint_2: null, env: null, examples: ['LLAMA_EXAMPLE_COMMON'], excludes: [], group: null, preset_only: false };
  const lambda = parts[parts.length - 1];
  let helpToks;
  if (parts.length === 4 && parts[1][0]?.v === '{') { opt.args_neg = strList(parts[1]); helpToks = parts[2]; }
  else if (parts.length === 3) helpToks = parts[1];
  else if (parts.length === 4) { opt.value_hint = hintOf(parts[1], ctx); helpToks = parts[2]; }
  else if (parts.length === 5) { opt.value_hint = hintOf(parts[1], ctx); opt.value_hint_2 = hintOf(parts[2], ctx); helpToks = parts[3]; }
  else throw new Error(`unexpected common_arg shape: ${text(toks.slice(open, open + 20))}`);
  opt.helpSource = text(helpToks);
  const help = ctx.params ? evalTokens(helpToks, ctx) : null;
  opt.helpRaw = typeof help === 'string' ? help : null;
  opt.help = typeof help === 'string' ? help.replace(/\n+$/, '') : null; // a trailing newline only affects --help layout
  // handler signature: [](common_params & params, <type> value) { body }
  const sigOpen = lambda.findIndex((t) => t.v === '(');
  const sigClose = sigOpen < 0 ? -1 : matchClose(lambda, sigOpen);
  const sig = sigOpen < 0 ? [] : splitTop(lambda, sigOpen + 1, sigClose).map((ts) => ts.map((t) => t.v).join(' '));
  // handler body as compact text for the regex checks below (`std :: stoi ( value )` -> `std::stoi(value)`)
  opt.bodyText = lambda.slice(sigClose + 1).map((t) => (t.t === 'str' ? JSON.stringify(t.v) : t.v)).join(' ')
    .replace(/ ?(::|->|\.) ?/g, '$1').replace(/ \(/g, '(').replace(/\( /g, '(').replace(/ \)/g, ')');
  opt.removedMsg = /arg_removed\s*\(\s*"([^"]*)"/.exec(opt.bodyText)?.[1] ?? null;
  opt.handler = sig.length <= 1 ? 'void' : sig.length === 3 ? 'str_str' : /\bbool\b/.test(sig[1]) ? 'bool' : /\bint\b/.test(sig[1]) ? 'int' : 'string';
  return opt;
}
// value hints are usually literals, sometimes expressions (e.g. --spec-type common_speculative_all_types_str())
function hintOf(ts, ctx) {
  if (ts.every((t) => t.t === 'str')) return ts.map((t) => t.v).join('') || null;
  const v = ctx.params ? evalTokens(ts, ctx) : null;
  return typeof v === 'string' ? v : text(ts);
}

// ---------------------------------------------------------------------------------------------
// Build the flag records
// ---------------------------------------------------------------------------------------------
function classify(opt) {
  const hint = opt.value_hint ?? '';
  const body = opt.bodyText;
  const help = opt.help ?? '';
  let type = 'string';
  let choices = null;
  let alsoAccepts = null;
  let m;
  if (opt.handler === 'void' || opt.handler === 'bool') type = 'bool';
  else if (opt.handler === 'int') type = 'int';
  else if (opt.handler === 'str_str') type = 'pair';
  // value hint spells the accepted words: {none,linear,yarn}  [on|off|auto]  <0|1>
  else if ((m = /^\{([^{}]+)\}$/.exec(hint))) { type = 'choice'; choices = m[1].split(',').map((x) => x.trim()); }
  else if ((m = /^[[<]?([\w.+-]+(?:\|[\w.+-]+)+)[\]>]?$/.exec(hint))) { type = 'choice'; choices = m[1].split('|'); }
  // hint is the list of accepted words itself (--spec-type none,draft-simple,...)
  else if (/^[a-z][\w-]*(,[a-z][\w-]*){2,}$/.test(hint)) { type = 'list'; choices = hint.split(','); }
  else if (/,/.test(hint) || /comma-separated|separated by/.test(help)) type = 'list';
  // numeric only when the hint is a bare placeholder (N, P, SEED); TOKEN_ID(+/-)BIAS parses a number out of a string
  else if (/^[A-Z_]+$/.test(hint) && /\bsto[fd]\(/.test(body)) type = 'float';
  else if (/^[A-Z_]+$/.test(hint) && /\bsto(i|l|ul|ll|ull)\(/.test(body)) type = 'int';
  else if (/FNAME|FILE|PATH|DIR/.test(hint)) type = 'path';
  if (opt.handler === 'string' && !choices) {
    // string handlers that compare the value against literals
    const lits = [...new Set([...body.matchAll(/\bvalue\s*==\s*"([^"]*)"/g)].map((x) => x[1]))];
    if (lits.length >= 2 && /throw/.test(body) && !/\bsto(i|l|ul|f|d)\(/.test(body)) { choices = lits.filter((x) => x !== ''); if (type === 'string') type = 'choice'; }
    else if (lits.length && /\bsto(i|l|ul)\(/.test(body)) alsoAccepts = lits; // e.g. -ngl N|auto|all
    if (/kv_cache_type_from_str/.test(body)) { type = 'choice'; choices = KV_CACHE_TYPES; }
    // handler passes the value to a name parser such as common_reasoning_format_from_name() that throws on others
    for (const [fn, lits] of NAME_PARSERS) if (!choices && body.includes(`${fn}(value)`)) { type = 'choice'; choices = lits; }
    // help that enumerates the values as "- name: ..." lines after "one of:"
    if (!choices && type === 'string' && /one of:\n/.test(help)) {
      const items = [...help.split(/one of:\n/)[1].matchAll(/^- ([\w.+-]+)(?: \(default\))?:/gm)].map((x) => x[1]);
      if (items.length >= 2) { type = 'choice'; choices = items; }
    }
  }
  return { type, choices, alsoAccepts };
}

let KV_CACHE_TYPES = [];
// `T x_from_name(const std::string & s) { if (s == "a") ...; throw ...; }` -> accepted literals
const NAME_PARSERS = new Map();
function parseNameParsers(src) {
  for (const m of src.matchAll(/\n[\w:<> ]+?\b(\w+_from_(?:name|str))\(const std::string\s*&\s*(\w+)\)\s*\{([\s\S]*?)\n\}/g)) {
    const lits = [...m[3].matchAll(new RegExp(`\\b${m[2]}\\s*==\\s*"([^"]*)"`, 'g'))].map((x) => x[1]);
    if (lits.length >= 2 && /throw/.test(m[3])) NAME_PARSERS.set(m[1], [...new Set(lits)]);
  }
}

function parseDefault(opt, type) {
  const help = opt.help;
  if (!help) return null;
  let m = /\(default:\s*([^\n]*?)\)(?:\n|$|\s|\[)/i.exec(help) || /default:\s*([^\n]*)/i.exec(help);
  let d = null;
  if (m) d = m[1];
  else if ((m = /^- (\S+) \(default\)/m.exec(help))) d = m[1]; // "- layer (default): ..." in a list of modes
  if (d === null) return null;
  d = d.replace(/\)$/, '').trim();
  // "'auto' (detect from template)" -> auto
  if ((m = /^'([^']*)'/.exec(d))) d = m[1];
  // "0, 0 = loaded from model" / "-1; -1 = disabled" / "0 = model training context size" -> the value
  else if (type !== 'list' && (m = /^(-?[\w.]+)\s*(?:[,;]\s|=\s)/.exec(d))) d = m[1];
  d = d.replace(/^"(.*)"$/, '$1');
  if ((type === 'int' || type === 'float') && /^-?\d+(\.\d+)?$/.test(d)) return Number(d);
  if (type === 'bool') {
    if (/^(true|enabled|on)$/i.test(d)) return true;
    if (/^(false|disabled|off)$/i.test(d)) return false;
  }
  return d;
}

function meaningOf(help) {
  if (!help) return null;
  let s = help.replace(/\[\(more info\)\]\([^)]*\)/g, '').replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim();
  if (s.length > 320) s = s.slice(0, 320).replace(/\s+\S*$/, '') + ' …';
  return s;
}

function buildFlag(opt) {
  const longs = opt.args.filter((a) => a.startsWith('--'));
  const flag = longs[0] ?? opt.args[0];
  const { type, choices, alsoAccepts } = classify(opt);
  const takesValue = opt.handler !== 'void' && opt.handler !== 'bool';
  const removedMsg = opt.removedMsg;
  const deprecated = Boolean(removedMsg) || /\bDEPRECATED\b|\bdeprecated\b/.test(opt.help ?? '') || /LOG_WRN\s*\(\s*"DEPRECATED/.test(opt.bodyText);
  // accumulates into a container -> several uses/values add up (still warns on repeats)
  // (int handlers excluded: -ncmoe N pushes N overrides, that is not "one more value per use")
  const repeatable = takesValue && opt.handler !== 'int' && /(push_back|emplace_back|\.insert|parse_tensor_buffer_overrides)\(/.test(opt.bodyText) 
    && (!/\.clear\(\)/.test(opt.bodyText) || /\bstatic bool\b/.test(opt.bodyText)); // clear() guarded by a static flag = clears defaults once
  const rec = {
    flag,
    aliases: opt.args.filter((a) => a !== flag),
    negated: opt.args_neg,
    env: opt.env,
    env_negated: opt.env && opt.args_neg.length ? opt.env.replace('LLAMA_ARG_', 'LLAMA_ARG_NO_') : null,
    takes_value: takesValue,
    value_hint: opt.value_hint_2 ? `${opt.value_hint} ${opt.value_hint_2}` : opt.value_hint,
    type,
    default: parseDefault(opt, type),
    choices,
    ...(alsoAccepts ? { also_accepts: alsoAccepts } : {}),
    repeatable,
    deprecated,
    group: opt.group,
    scope: opt.examples.includes('LLAMA_EXAMPLE_SERVER') ? 'server' : 'common',
    meaning: meaningOf(opt.help),
  };
  if (opt.conditions.length) rec.only_if = opt.conditions.join(' && ');
  if (removedMsg) rec.removed_error = `the argument has been removed. ${removedMsg}`;
  if (CURATED.default_notes[flag]) rec.default_note = CURATED.default_notes[flag];
  return rec;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------
const warnings = [];
const warn = (m) => { warnings.push(m); console.error('warn:', m); };

for (const f of [FILES.ggmlH, FILES.llamaH, FILES.commonH]) parseEnums(show(f));
for (const f of [FILES.llamaCpp, FILES.sampling, FILES.speculative]) parseSwitchFunctions(show(f));
parseStructs(show(FILES.commonH));
parseNameParsers(show(FILES.chat));

const argSrc = show(FILES.arg);
const argToks = lex(argSrc);

// kv cache types: `const std::vector<ggml_type> kv_cache_types = { GGML_TYPE_F32, ... };`
{
  const m = /kv_cache_types\s*=\s*\{([^}]*)\}/.exec(argSrc);
  KV_CACHE_TYPES = m ? [...m[1].matchAll(/GGML_TYPE_\w+/g)].map((x) => ggmlTypeName(x[0])) : [];
}

// defaults as llama-server sees them: struct initialisers + server overrides in common_params_parser_init
const params = instantiate('common_params');
{
  const [open] = findFunctionBody(argToks, 'common_params_parser_init');
  const ctxDecl = argToks.findIndex((t, k) => k > open && t.v === 'common_params_context');
  applyExampleOverrides(argToks, open + 1, ctxDecl, params, 'LLAMA_EXAMPLE_SERVER');
}
const BUILTIN_TEMPLATES = [...(/LLM_CHAT_TEMPLATES\s*=\s*\{([\s\S]*?)\n\};/.exec(show(FILES.llamaChat))?.[1] ?? '').matchAll(/\{\s*"([^"]+)"/g)].map((m) => m[1]).sort();
// locals computed in common_params_parser_init from params.sampling.samplers
const samplerNames = (params.sampling.samplers ?? []).map((s) => FUNCS.get('common_sampler_type_to_str')?.get(s.enum) ?? '?');
const samplerChars = (params.sampling.samplers ?? []).map((s) => FUNCS.get('common_sampler_type_to_chr')?.get(s.enum) ?? '?');
const specTypeStr = (e) => FUNCS.get('common_speculative_type_to_str')?.get(e.enum) ?? '?';
const localFns = {
  get_all_kv_cache_types: () => KV_CACHE_TYPES.join(', '),
  // common/speculative.cpp: names joined with ","; all types = enum values 0..COUNT-1
  common_speculative_type_name_str: (types) => (Array.isArray(types) ? types.map(specTypeStr).join(',') : unknown('types')),
  common_speculative_all_types_str: () => [...ENUMS.values()].filter((e) => /^COMMON_SPECULATIVE_TYPE_/.test(e.enum) && e.enum !== 'COMMON_SPECULATIVE_TYPE_COUNT').sort((a, b) => a.value - b.value).map(specTypeStr).join(','),
  // the only std::accumulate in a help text: --dry-sequence-breaker lists the default breakers as 'a', 'b' with "\n" escaped
  'std::accumulate': () => params.sampling.dry_sequence_breakers.map((b) => `'${b === '\n' ? '\\n' : b}'`).join(', '),
  // src/llama-chat.cpp: llama_chat_builtin_templates() walks the std::map LLM_CHAT_TEMPLATES, i.e. keys in sorted order
  list_builtin_chat_templates: () => BUILTIN_TEMPLATES.join(', '),
};
const vars = { sampler_type_names: samplerNames.join(';'), sampler_type_chars: samplerChars.join('') };

const allOptions = parseOptions(argSrc, { params, localFns, vars });
const serverOptions = allOptions.filter((o) => o.applies && !o.preset_only);

// later add_opt() entries win in the parser's name map; flag duplicates so they are visible
{
  const seen = new Map();
  for (const o of serverOptions) for (const a of [...o.args, ...o.args_neg]) {
    if (seen.has(a)) warn(`spelling ${a} defined twice for the server (lines ${seen.get(a)} and ${o.line}); the later one wins`);
    seen.set(a, o.line);
  }
}
for (const o of serverOptions) if (!o.help) warn(`help not evaluated for ${o.args.join(',')}: ${o.helpSource.slice(0, 120)}`);
for (const o of serverOptions) if (o.help && /<[^>]*\(\)>|<unparsed|<[a-z_.]+ \(no initialiser\)>/.test(o.help)) warn(`unresolved value in help of ${o.args.join(',')}: ${o.help.slice(0, 160)}`);

const flags = serverOptions.map(buildFlag);

// cross-check against the generated tables in tools/server/README.md (llama-gen-docs output)
{
  const readme = show(FILES.serverReadme);
  const rows = new Map();
  for (const m of readme.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)) {
    const first = m[1].split(/,\s*|\s+/)[0];
    rows.set(first, { spell: m[1], help: m[2] });
  }
  let mism = 0; let missing = 0;
  for (const o of serverOptions) {
    const row = rows.get(o.args[0]);
    if (!row) { missing++; warn(`README has no row for ${o.args[0]}`); continue; }
    let ours = (o.helpRaw ?? '').replace(/\n/g, '<br/>').replace(/\|/g, '\\|') + (o.env ? `<br/>(env: ${o.env})` : '');
    const theirs = row.help;
    if (!o.env) ours = ours.replace(/(<br\/>)+$/, ''); // llama-gen-docs drops trailing line breaks when no env line follows
    if (ours !== theirs) { mism++; warn(`README help differs for ${o.args[0]}:\n   ours  : ${ours}\n   readme: ${theirs}`); }
  }
  const ours = new Set(serverOptions.map((o) => o.args[0]));
  for (const k of rows.keys()) if (k.startsWith('-') && !ours.has(k)) warn(`README row ${k} is not a server option in arg.cpp`);
  console.error(`README cross-check: ${serverOptions.length - mism - missing} identical, ${mism} differ, ${missing} missing`);
}

// ---------------------------------------------------------------------------------------------
// Unknown-argument handling, read from common_params_parse_ex
// ---------------------------------------------------------------------------------------------
const unknownFmt = /if\s*\(arg_to_options\.find\(arg\)\s*==\s*arg_to_options\.end\(\)\)\s*\{\s*throw std::invalid_argument\(string_format\("([^"]+)"/.exec(argSrc)?.[1];
if (!unknownFmt) warn('unknown-argument error text not found in common_params_parse_ex');
const underscoreRewrite = /std::replace\(arg\.begin\(\), arg\.end\(\), '_', '-'\)/.test(argSrc);
if (!underscoreRewrite) warn('underscore rewrite not found; check CURATED.parser_notes');
const envFirst = argSrc.indexOf('// handle environment variables') < argSrc.indexOf('// handle command line arguments');
if (!envFirst) warn('env no longer handled before CLI; check CURATED.parser_notes');
const overwriteWarn = /"(warn: %s environment variable is set, but will be overwritten by command line argument %s\\n)"/.exec(argSrc)?.[1];

// ---------------------------------------------------------------------------------------------
// Env vars read outside the option table
// ---------------------------------------------------------------------------------------------
const envVars = [];
{
  const flagEnv = new Set(flags.flatMap((f) => [f.env, f.env_negated]).filter(Boolean));
  const add = (name, file, def = null) => {
    if (flagEnv.has(name) || CURATED.env_ignore.includes(name) || envVars.some((e) => e.name === name)) return;
    envVars.push({ name, meaning: CURATED.env_meanings[name] ?? null, default: def, source_file: file });
  };
  // common/hf-cache.cpp: the ordered table of cache env vars
  const hf = show(FILES.hfCache);
  const table = /entries\[\]\s*=\s*\{([\s\S]*?)\};/.exec(hf)?.[1] ?? '';
  for (const m of table.matchAll(/\{\s*"(\w+)"/g)) add(m[1], FILES.hfCache);
  const homeDir = /#define HOME_DIR "(\w+)"\n#include <unistd.h>/.exec(hf)?.[1];
  if (homeDir) add(homeDir, FILES.hfCache);
  // getenv / common_get_env calls with a literal name
  const scan = (file) => {
    const s = tryShow(file);
    if (!s) return;
    for (const m of s.matchAll(/(?:std::)?(?:getenv|common_get_env)\(\s*"(\w+)"(?:\s*,\s*"([^"]*)")?/g)) add(m[1], file, m[2] ?? null);
  };
  for (const f of ENV_SCAN_FILES) scan(f);
  // the image's own ENV lines
  for (const m of show(FILES.dockerfile).matchAll(/^ENV (\w+)=(\S+)/gm)) if (m[1].startsWith('LLAMA_')) {
    const f = flags.find((x) => x.env === m[1]);
    if (f) f.image_env_value = m[2];
  }
  // MODEL_ENDPOINT default: common_get_model_endpoint() returns "https://huggingface.co/" when unset
  const ep = /if \(endpoint\.empty\(\)\) \{\s*return "([^"]+)";/.exec(show(FILES.commonCpp))?.[1];
  for (const e of envVars) if ((e.name === 'MODEL_ENDPOINT' || e.name === 'HF_ENDPOINT') && ep) e.default = ep;
  for (const e of envVars) if (!e.meaning) warn(`env var without curated meaning: ${e.name} (${e.source_file})`);
}

// ---------------------------------------------------------------------------------------------
// Image facts from .devops/cuda.Dockerfile, `server` stage (+ the stages it builds on)
// ---------------------------------------------------------------------------------------------
function imageFacts() {
  const df = show(FILES.dockerfile);
  const stages = [];
  let cur = null;
  for (const raw of df.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    const m = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (m) { cur = { from: m[1], name: m[2] ?? null, lines: [] }; stages.push(cur); continue; }
    if (cur && line && !line.startsWith('#')) cur.lines.push(line);
  }
  const chain = [];
  for (let s = stages.find((x) => x.name === 'server'); s; s = stages.find((x) => x.name === s.from)) chain.unshift(s);
  const lines = chain.flatMap((s) => s.lines);
  const last = (re) => lines.filter((l) => re.test(l)).pop() ?? null;
  const ep = last(/^ENTRYPOINT\b/);
  const hc = last(/^HEALTHCHECK\b/);
  const pkgs = lines.filter((l) => /^RUN\b/.test(l)).flatMap((l) => [...l.matchAll(/apt(?:-get)? install -y ([^&;]+)/g)].flatMap((m) => m[1].trim().split(/\s+/)));
  const pip = lines.some((l) => /\bpip3? install\b/.test(l));
  const user = last(/^USER\b/);
  const entrypoint = ep ? JSON.parse(ep.replace(/^ENTRYPOINT\s+/, '')) : null;
  const scriptLike = entrypoint && /\.sh$/.test(entrypoint[0]);
  return {
    entrypoint,
    entrypoint_script: scriptLike ? entrypoint[0] : null,
    entrypoint_splits_words: false,
    entrypoint_line: ep,
    ships: { curl: pkgs.includes('curl'), wget: pkgs.includes('wget'), python3: pkgs.includes('python3') || pip },
    dockerfile: FILES.dockerfile,
    stage: 'server',
    base_image: chain[0]?.from ?? null,
    apt_packages: pkgs,
    env: Object.fromEntries(lines.filter((l) => /^ENV\b/.test(l)).flatMap((l) => [...l.replace(/^ENV\s+/, '').matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]))),
    healthcheck: hc,
    user: user ? user.replace(/^USER\s+/, '') : null,
    notes: 'Exec-form ENTRYPOINT straight to the binary (no wrapper script), so compose `command:` words reach llama-server unchanged. Packages listed are what the Dockerfile installs in the base+server stages; the nvidia/cuda runtime base itself is not inspected. No USER line: runs as root.',
  };
}

// ---------------------------------------------------------------------------------------------
// Health and port
// ---------------------------------------------------------------------------------------------
function healthFacts() {
  const srv = show(FILES.serverMain);
  const paths = [...srv.matchAll(/ctx_http\.get\s*\(\s*"([^"]+)"\s*,\s*ex_wrapper\(routes\.get_health\)/g)].map((m) => m[1]);
  return { port: params.port, paths, notes: CURATED.health_notes };
}

// ---------------------------------------------------------------------------------------------
// Removed flags: diff the server option set across monthly release tags, then find the removing commit.
// ---------------------------------------------------------------------------------------------
function removedFlags(currentFlags) {
  const out = [];
  const logLines = (...args) => git('log', '--format=%h|%cs|%s', ...args).trim().split('\n').filter(Boolean).map((l) => l.split('|'));
  // 1. options still parsed but whose handler only raises arg_removed("use ...")
  for (const f of currentFlags.filter((x) => x.removed_error)) {
    const msg = allOptions.find((o) => o.applies && o.args.includes(f.flag)).removedMsg;
    const log = logLines('-S', msg, commit, '--', FILES.arg); // oldest commit that introduced the message
    const first = log[log.length - 1];
    out.push({
      flag: f.flag, aliases: f.aliases,
      replacement: (msg.match(/--[\w-]+(?:\*[\w-]*)?/g) ?? []).join(' / ') || null,
      removed_in: first ? first[1] : null,
      evidence: `${FILES.arg}: handler raises "the argument has been removed. ${msg}"` + (first ? `; message added in commit ${first[0]} (${first[2]})` : ''),
      env: f.env,
      still_recognised: true,
    });
  }

  // 2. spellings that left the server option table: compare monthly release tags over the last ~2 years,
  //    then bisect the tags in between and name the commit(s) touching arg.cpp between the two adjacent tags
  const headDate = repo.commitDate(commit);
  const since = yearsBefore(headDate).slice(0, 7);
  const tags = git('for-each-ref', '--sort=creatordate', '--format=%(refname:short) %(creatordate:short)', 'refs/tags')
    .trim().split('\n').map((l) => l.split(' ')).filter(([t, d]) => /^b\d+$/.test(t) && d >= since && d <= headDate)
    .map(([tag, date]) => ({ rev: `refs/tags/${tag}`, label: tag, month: date.slice(0, 7) }));
  const all = tags.concat([{ rev: commit, label: commit.slice(0, 10), month: headDate.slice(0, 7) }]);
  const cache = new Map();
  const serverSet = (snap) => {
    if (cache.has(snap.rev)) return cache.get(snap.rev);
    let res = null;
    const src = tryShow(FILES.arg, snap.rev);
    if (src) {
      try {
        const opts = parseOptions(src, {}).filter((o) => o.applies && !o.preset_only);
        res = new Map(opts.flatMap((o) => [...o.args, ...o.args_neg].map((a) => [a, o])));
        // env names read at that snapshot, incl. the LLAMA_ARG_NO_<X> compat name derived for negatable options
        const negCompat = src.includes('"LLAMA_ARG_NO_"');
        res.envs = new Set(opts.flatMap((o) => (o.env ? [o.env, ...(negCompat && o.args_neg.length ? [o.env.replace('LLAMA_ARG_', 'LLAMA_ARG_NO_')] : [])] : [])));
      } catch (e) { warn(`could not parse ${FILES.arg} at ${snap.label}: ${e.message}`); }
    }
    cache.set(snap.rev, res);
    return res;
  };
  // last tag of each month + HEAD
  const monthly = [];
  for (let i = 0; i < all.length; i++) if (i === all.length - 1 || all[i + 1].month !== all[i].month) monthly.push(i);
  const idx = monthly.filter((i) => serverSet(all[i]));
  const head = serverSet(all[all.length - 1]);
  const allHeadSpellings = new Set(allOptions.flatMap((o) => [...o.args, ...o.args_neg]));
  const gone = new Map(); // spelling -> { lastIdx (into all), opt }
  for (let k = 0; k + 1 < idx.length; k++) {
    for (const [a, o] of serverSet(all[idx[k]])) {
      if (head.has(a) || serverSet(all[idx[k + 1]]).has(a)) continue;
      gone.set(a, { lo: idx[k], hi: idx[k + 1], opt: o });
    }
  }
  const groups = new Map(); // spellings of one option removed together
  for (const [a, g] of gone) {
    const key = `${g.lo}:${g.opt.args.join(',')}`;
    if (!groups.has(key)) groups.set(key, { ...g, spellings: [] });
    groups.get(key).spellings.push(a);
  }
  // bisect the tags between lo (has it) and hi (has not), then list the arg.cpp commits between the two adjacent tags
  const locate = (lo, hi, has, literal) => {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const set = serverSet(all[mid]);
      if (set && has(set)) lo = mid; else hi = mid;
    }
    const range = `${all[lo].rev}..${all[hi].rev}`;
    let commits = logLines(range, '--', FILES.arg);
    if (commits.length > 1) {
      const hit = logLines('-S', `"${literal}"`, range, '--', FILES.arg);
      if (hit.length) commits = hit;
    }
    const when = commits.length === 1 ? commits[0][1] : `between ${all[lo].label} and ${all[hi].label}`;
    return { lo, hi, commits, removed_in: `${when} (${all[hi].label === commit.slice(0, 10) ? 'after ' + all[lo].label : all[hi].label})`,
      evidence: commits.length ? commits.map((c) => `commit ${c[0]} (${c[2]})`).join('; ') : `server option set at ${all[lo].label} vs ${all[hi].label}` };
  };
  for (const g of groups.values()) {
    const flag = g.spellings.find((x) => x.startsWith('--')) ?? g.spellings[0];
    const { commits, removed_in, evidence } = locate(g.lo, g.hi, (set) => set.has(flag), flag);
    // a new option spelled on the '+' line right after the removed one in the same hunk = renamed in place
    let inPlace = null;
    if (commits.length === 1) {
      const diff = git('show', '--format=', commits[0][0], '--', FILES.arg).split('\n');
      const at = diff.findIndex((l) => l.startsWith('-') && l.includes(`"${flag}"`));
      for (let j = at + 1; at >= 0 && j < Math.min(diff.length, at + 4); j++) {
        const m = /^\+\s*\{((?:\s*"[^"]+",?)+)\}/.exec(diff[j]);
        if (m) { inPlace = [...m[1].matchAll(/"(--[^"]+)"/g)].map((x) => x[1])[0] ?? null; break; }
      }
    }
    const stillElsewhere = allHeadSpellings.has(flag);
    out.push({
      flag,
      aliases: g.spellings.filter((x) => x !== flag),
      // a neighbouring new option is only a hint (it is often an unrelated option); replacements are curated
      replacement: CURATED.replacements[flag] ?? null,
      removed_in,
      evidence: evidence +
        (inPlace ? `; the same hunk adds ${inPlace} in its place` : '') +
        (stillElsewhere ? '; still defined for other llama.cpp tools, no longer for llama-server' : ''),
      env: g.opt.env ?? null,
      still_recognised: false,
    });
  }
  out.sort((a, b) => String(b.removed_in).localeCompare(String(a.removed_in)));

  // LLAMA_ARG_* names that no server option uses any more (removed with an option, or renamed)
  const envNow = new Set(currentFlags.flatMap((f) => [f.env, f.env_negated]).filter(Boolean));
  const envGone = new Map(); // env -> { k (index into idx of the last monthly snapshot that has it), opt }
  idx.forEach((i, k) => {
    const set = serverSet(all[i]);
    for (const o of new Set(set.values())) if (o.env && !envNow.has(o.env)) envGone.set(o.env, { k, opt: o });
    // derived LLAMA_ARG_NO_<X> names: keep the option that owns them
    for (const e of set.envs) if (!envNow.has(e) && !envGone.has(e)) {
      const o = [...set.values()].find((x) => x.env && e === x.env.replace('LLAMA_ARG_', 'LLAMA_ARG_NO_'));
      if (o) envGone.set(e, { k, opt: o });
    }
    for (const e of set.envs) if (envGone.has(e) && envGone.get(e).k < k) envGone.get(e).k = k;
  });
  const removedEnv = [...envGone].map(([name, { k, opt }]) => {
    const spelled = [...opt.args, ...opt.args_neg];
    const nowFlag = currentFlags.find((f) => [f.flag, ...f.aliases, ...f.negated].some((a) => spelled.includes(a)));
    const hasEnv = (set) => set.envs.has(name);
    const loc = locate(idx[k], idx[k + 1], hasEnv, name);
    return {
      name,
      flag: opt.args.find((a) => a.startsWith('--')) ?? opt.args[0],
      replacement: nowFlag ? (/^LLAMA_ARG_NO_/.test(name) && nowFlag.env_negated ? nowFlag.env_negated : nowFlag.env) : null,
      removed_in: loc.removed_in,
      evidence: loc.evidence + (nowFlag ? `; the option now is ${nowFlag.flag} with env ${nowFlag.env}` : ''),
    };
  });
  removedEnv.sort((a, b) => String(b.removed_in).localeCompare(String(a.removed_in)));
  return { list: out, env: removedEnv, snapshots: idx.map((i) => `${all[i].label} (${all[i].month})`), bisected: cache.size };
}

const removed = removedFlags(flags);

const removedEnvVars = removed.env;

// ---------------------------------------------------------------------------------------------
// Source metadata
// ---------------------------------------------------------------------------------------------
const commitDate = repo.commitDate(commit);
let version = null;
const d = repo.describe(commit, '--match', 'b[0-9]*'); // e.g. b10573-14-g3f545becc; null without tags
if (d) {
  const m = /^(b\d+)(?:-(\d+)-g[0-9a-f]+)?$/.exec(d);
  version = m ? (m[2] ? `${m[1]}+${m[2]}` : m[1]) : d;
}
const license = /^MIT License/.test(show(FILES.license)) ? 'MIT' : null;

const out = {
  engine: 'llamacpp',
  source: {
    repository: 'ggml-org/llama.cpp',
    commit,
    commit_date: commitDate,
    version,
    files: [...new Set([...Object.values(FILES), ...ENV_SCAN_FILES])],
    license,
    generated_by: script,
    how_read: 'upstream master commit read from the git snapshot of ngxson/llama.cpp (maintainer fork whose master carries the upstream commits; the ggml-org snapshot is over the fetch size limit). version = nearest bNNNN release tag + commits after it.',
  },
  parser: {
    kind: 'llama-common-arg',
    rejects_unknown: Boolean(unknownFmt),
    unknown_error: unknownFmt ? unknownFmt.replace('%s', '--x') : null,
    unknown_exit: CURATED.unknown_exit,
    allows_abbreviation: false,
    value_forms: ['--flag value', '-f value'],
    underscores_as_dashes: underscoreRewrite,
    env_precedence: envFirst ? 'config.ini < env (always applied first) < command line (flag overwrites, with a warning)' : null,
    env_overwrite_warning: overwriteWarn ? overwriteWarn.replace(/\\n$/, '') : null,
    bool_values: {
      truthy: [...(/is_truthy\(const std::string & value\) \{\s*return ([^;]+);/.exec(argSrc)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]),
      falsey: [...(/is_falsey\(const std::string & value\) \{\s*return ([^;]+);/.exec(argSrc)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]),
      auto: [...(/is_autoy\(const std::string & value\) \{\s*return ([^;]+);/.exec(argSrc)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]),
    },
    notes: CURATED.parser_notes.join(' '),
  },
  flags,
  env_vars: envVars,
  removed_flags: removed.list,
  removed_env_vars: removedEnvVars,
  removed_flags_method: `server option sets (this script's parser, ex = LLAMA_EXAMPLE_SERVER) compared at the last bNNNN tag of each month from ${removed.snapshots[0]} to HEAD (${removed.snapshots.length} snapshots), bisected over the tags in between (${removed.bisected} snapshots parsed); evidence = the commits touching ${FILES.arg} between the two adjacent tags (narrowed with git log -S'"<flag>"' when several). Dates are commit dates on master.`,
  image: imageFacts(),
  cache: {
    paths: ['~/.cache/huggingface/hub (-hf)', '~/.cache/llama.cpp (-mu / URL downloads)', '/root/.cache/huggingface/hub in the server image (root)'],
    moved_by: envVars.filter((e) => e.source_file === FILES.hfCache || e.name === 'LLAMA_CACHE').map((e) => e.name),
    notes: CURATED.cache_notes,
  },
  health: healthFacts(),
  debug_logging: CURATED.debug_logging,
  extraction_warnings: warnings,
};

writeFacts(out, opts, { indent: 2 });
console.error(`${flags.length} flags, ${envVars.length} env vars, ${removed.list.length} removed`);
