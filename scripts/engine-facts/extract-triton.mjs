#!/usr/bin/env node
// Extract `tritonserver` command-line facts from triton-inference-server/server at a pinned commit.
//
// usage: node scripts/engine-facts/extract-triton.mjs --repo <git dir of a triton-inference-server/server snapshot>
//          [--commit REV (default HEAD)] [--out FILE (default server/src/engines/facts/triton-flags.json)] [--check]
//        (the older form `extract-triton.mjs <git dir> [REV]` works too; --check writes nothing and exits 1 when the
//        file differs from what the snapshot gives)
//
// Reads the upstream source with `git show <commit>:<path>` only (nothing is built or run).
// Everything is parsed from the C++ / Python / shell text with regexes; what cannot be parsed
// mechanically lives in CURATED below, each entry naming where it was read.

import { openSnapshot, writeFacts } from './lib/common.mjs';
import { removalEvidence, removalsAlongHistory, yearsBefore } from './lib/history.mjs';

// show() records every file read at the commit in filesRead (source.files)
const { opts, repo, rev: commit, show, tryShow, filesRead, script } = openSnapshot(import.meta.url, {
  facts: 'triton-flags.json',
  upstream: 'triton-inference-server/server',
});

const F = {
  parserCc: 'src/command_line_parser.cc',
  parserH: 'src/command_line_parser.h',
  grpcH: 'src/grpc/grpc_server.h',
  commonH: 'src/common.h',
  restrictedH: 'src/restricted_features.h',
  cmake: 'CMakeLists.txt',
  mainCc: 'src/main.cc',
  httpCc: 'src/http_server.cc',
  buildPy: 'build.py',
  entrypoint: 'docker/cpu_only/nvidia_entrypoint.sh',
  aipMode: 'docker/entrypoint.d/99-check-run-aip-mode.sh',
  version: 'TRITON_VERSION',
};

// ---------------------------------------------------------------------------------------------
// CURATED: facts that are not a literal in the option table.
// ---------------------------------------------------------------------------------------------
const CURATED = {
  // Enum initialisers in command_line_parser.h / grpc_server.h -> the word a user types.
  // Read from the string comparisons in TritonParser::Parse / ParseTraceLevelOption.
  enumDefaults: {
    TRITONSERVER_MODEL_CONTROL_NONE: 'none',
    TRITONSERVER_RATE_LIMIT_OFF: 'off',
    'triton::common::Logger::Format::kDEFAULT': 'default',
    GRPC_COMPRESS_LEVEL_NONE: 'none',
    TRITONSERVER_TRACE_LEVEL_DISABLED: 'off',
    INT_MAX: 'INT_MAX (2147483647)',
  },
  // Meanings of env vars read outside the option table (read at the named file/line context).
  envMeaning: {
    AIP_MODE: 'Vertex AI: when "PREDICTION", the Vertex AI endpoint is enabled and HTTP/GRPC are disabled by default (command_line_parser.cc). The image entrypoint also prepends /opt/tritonserver/bin/tritonserver to the arguments when AIP_MODE is set (docker/entrypoint.d/99-check-run-aip-mode.sh).',
    AIP_HTTP_PORT: 'Vertex AI: default for --vertex-ai-port (command_line_parser.cc).',
    AIP_STORAGE_URI: 'Vertex AI: used as the model repository when no --model-repository is given (command_line_parser.cc).',
    AIP_PREDICT_ROUTE: 'Vertex AI: route served for predictions (vertex_ai_server.cc).',
    AIP_HEALTH_ROUTE: 'Vertex AI: route served for health (vertex_ai_server.cc).',
    OTEL_BSP_MAX_QUEUE_SIZE: 'OpenTelemetry trace mode: BatchSpanProcessor max queue size default, overridable by --trace-config opentelemetry,bsp_max_queue_size=... (command_line_parser.cc).',
    OTEL_BSP_SCHEDULE_DELAY: 'OpenTelemetry trace mode: BatchSpanProcessor schedule delay (ms) default (command_line_parser.cc).',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'OpenTelemetry trace mode: BatchSpanProcessor max export batch size default (command_line_parser.cc).',
    SAGEMAKER_TRITON_PING_MODE: 'SageMaker endpoint: /ping semantics, "ready" or "live" (sagemaker_server.h).',
    SAGEMAKER_TRITON_DEFAULT_MODEL_NAME: 'SageMaker endpoint: model used for single-model invocations (sagemaker_server.h).',
    SAGEMAKER_TRITON_INFERENCE_TYPE: 'SageMaker endpoint: inference type, e.g. "infer" (sagemaker_server.h).',
    TRITONSERVER_SERVER_DELAY_GRPC_RESPONSE_SEC: 'Testing only: artificial delay (s) added to gRPC responses (grpc_server.cc comment "For testing purposes only").',
  },
  // Env names matching this prefix are debug/testing delays in src/grpc/infer_handler.h (ParseDebugVariable).
  debugEnvPrefix: 'TRITONSERVER_DELAY_',
  image: {
    // build.py comment above the CPU-only ENTRYPOINT: "The CPU-only build uses ubuntu as the base image, and so the
    // entrypoint files are not available in /opt/nvidia in the base image, so we must provide them ourselves."
    // i.e. GPU images inherit the same /opt/nvidia/nvidia_entrypoint.sh from the NVIDIA base image (not in this repo).
    entrypoint_note:
      'build.py writes ENTRYPOINT ["/opt/nvidia/nvidia_entrypoint.sh"] only for CPU-only builds (copying docker/cpu_only/); GPU images (nvcr.io/nvidia/tritonserver:<yy.mm>-py3) inherit that same path from the NVIDIA base image, whose script is not in this repository. No CMD is set: the script execs its arguments as a command, so a compose `command:` must start with the program (`tritonserver --model-repository=/models`); bare flags would be exec\'d as a program name. With no arguments it starts /bin/bash. The image creates user triton-server (uid 1000) but sets no USER, so it runs as root. PATH includes /opt/tritonserver/bin; WORKDIR /opt/tritonserver.',
  },
  cache: {
    paths: [],
    moved_by: ['--model-repository', '--model-store'],
    notes:
      'Triton downloads nothing: models come from --model-repository (repeatable; local path or cloud URI such as s3://, gs://, as://). No default path; docs mount a host folder at /models. --cache-config/--cache-directory concern the response cache, not model files. Vertex AI falls back to AIP_STORAGE_URI.',
  },
  health: {
    port: 8000,
    paths: ['/v2/health/ready', '/v2/health/live'],
    notes:
      'GET only (other methods 405). 200 when ready/live, 400 otherwise (src/http_server.cc HandleServerHealth). With --strict-readiness=true (default) ready requires all models ready; false = ready once responsive. Per-model readiness at /v2/models/<name>/ready (KServe v2). The HTTP port opens only after TRITONSERVER_ServerNew returns (src/main.cc: StartEndpoints after ServerNew), which is where the core loads models in the default "none" mode (core repo not read). gRPC health on 8001. Metrics (Prometheus text) at :8002/metrics when --allow-metrics=true (default). --http-restricted-api=health:<key>=<value> makes the health endpoints require a header.',
  },
  debug_logging: [
    { setting: '--log-verbose=1', meaning: 'Verbose logging level; 0 disables, >=1 enables (higher is more detail). Also accepts true/false (ParseIntBoolOption).' },
    { setting: '--log-info=true|--log-warning=true|--log-error=true', meaning: 'Enable/disable each severity (all default true).' },
    { setting: '--log-format=ISO8601', meaning: 'Timestamps as YYYY-MM-DDThh:mm:ssZ instead of the default LMMDD hh:mm:ss.ssssss.' },
    { setting: '--log-file=<path>', meaning: 'Write logs to a file instead of the console.' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Small C/C++ text helpers
// ---------------------------------------------------------------------------------------------

// Unescape a C string literal body.
const unC = (s) => s.replace(/\\(["'\\nt])/g, (_, c) => ({ n: '\n', t: '\t' })[c] ?? c);

// Text of a function body starting at the first `{` after `startIdx` (brace matching, skipping strings).
function bodyFrom(text, startIdx) {
  const open = text.indexOf('{', startIdx);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (ch === '\'') {
      for (i++; i < text.length && text[i] !== '\''; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced braces');
}
const funcBody = (text, signatureRe) => {
  const m = signatureRe.exec(text);
  if (!m) throw new Error(`function not found: ${signatureRe}`);
  return bodyFrom(text, m.index + m[0].length - 1);
};

// Which `#if defined(X)` / `#ifdef X` guards are open at each offset of `text`.
function guardsAt(text) {
  const marks = [];
  const stack = [];
  const re = /^[ \t]*#\s*(ifdef|ifndef|if|else|endif)\b([^\n]*)/gm;
  let m;
  while ((m = re.exec(text))) {
    if (m[1] === 'endif') stack.pop();
    else if (m[1] === 'else') stack.push(`!${stack.pop()}`);
    else {
      // prefer the feature macro over the word `defined`
      const name = (m[2].match(/TRITON_ENABLE_\w+/) || m[2].match(/\w+/) || ['?'])[0];
      stack.push(m[1] === 'ifndef' ? `!${name}` : name);
    }
    marks.push([m.index, [...stack]]);
  }
  return (offset) => {
    let cur = [];
    for (const [i, s] of marks) if (i <= offset) cur = s; else break;
    return cur.filter((g) => g.startsWith('TRITON_ENABLE_'));
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Constants used by option descriptions and defaults
// ---------------------------------------------------------------------------------------------
const parserCc = show(F.parserCc);
// comments dropped: a commented-out initialiser must not be read as the default
const dropComments = (t) => t.replace(/\/\/[^\n]*/g, '');
const parserH = dropComments(show(F.parserH));
const grpcH = dropComments(show(F.grpcH));
const commonH = show(F.commonH);
const restrictedH = show(F.restrictedH);
const cmake = show(F.cmake);

// `1 << 26`, `8000`, `0.5`, `true` ... -> JS value; anything else -> null
function evalSimple(expr) {
  const e = expr.trim();
  let m;
  if ((m = e.match(/^(\d+)\s*<<\s*(\d+)$/))) return Number(m[1]) * 2 ** Number(m[2]);
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (e === 'true' || e === 'false') return e === 'true';
  if ((m = e.match(/^"((?:[^"\\]|\\.)*)"$/))) return unC(m[1]);
  return undefined;
}

const CONSTS = {};
{
  // constexpr size_t HTTP_DEFAULT_MAX_INPUT_SIZE = 1 << 26;
  for (const m of commonH.matchAll(/constexpr\s+[\w:]+\s+(\w+)\s*=\s*([^;]+);/g)) {
    const v = evalSimple(m[2]);
    if (v !== undefined) CONSTS[m[1]] = v;
  }
  // set(TRITON_MIN_COMPUTE_CAPABILITY "7.5" CACHE STRING ...)
  const cc = cmake.match(/set\(TRITON_MIN_COMPUTE_CAPABILITY\s+"([^"]+)"/);
  if (cc) CONSTS.TRITON_MIN_COMPUTE_CAPABILITY = Number(cc[1]);
  // RESTRICTED_CATEGORY_NAMES{ "health", ... }
  const rc = restrictedH.match(/RESTRICTED_CATEGORY_NAMES\s*\{([^}]*)\}/);
  if (rc) CONSTS.RESTRICTED_CATEGORY_NAMES = [...rc[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}

// Description expression: concatenated literals, `+ std::to_string(X) +`, `+ Join(LIST, ", ")`.
function descText(expr) {
  let out = '';
  // literals | std::to_string(CONST) | Join(LIST, ", ") | `+ local_variable` (shown as <local_variable>)
  const re = /"((?:[^"\\]|\\.)*)"|std::to_string\((\w+)\)|Join\((\w+),\s*"([^"]*)"\)|\+\s*([a-z_]\w*)\b(?!\s*[(:])/g;
  let m;
  while ((m = re.exec(expr))) {
    if (m[5]) out += `<${m[5]}>`;
    else if (m[1] !== undefined) out += unC(m[1]);
    else if (m[2]) out += CONSTS[m[2]] !== undefined ? String(CONSTS[m[2]]) : `<${m[2]}>`;
    else if (m[3]) out += Array.isArray(CONSTS[m[3]]) ? CONSTS[m[3]].join(m[4]) : `<${m[3]}>`;
  }
  return out.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// 2. Option table (TritonParser::SetupOptions) and group names (SetupOptionGroups)
// ---------------------------------------------------------------------------------------------
const setupText = funcBody(parserCc, /\nTritonParser::SetupOptions\(\)\s*\{/);
const setupOffset = parserCc.indexOf(setupText);
const guardAt = guardsAt(parserCc);

const groupsText = funcBody(parserCc, /\nTritonParser::SetupOptionGroups\(\)\s*\{/);
const groupLabel = {};
for (const m of groupsText.matchAll(/option_groups_\.emplace_back\(\s*("([^"]*)"|GLOBAL_OPTION_GROUP),\s*(\w+)\)/g)) {
  groupLabel[m[3]] = m[2] ?? '';
}

// `<vec>.push_back( [// comment]  {OPTION_ID, "name", <arg desc>, <description...>});`
const TYPE_OF_ARG = { ArgNone: null, ArgBool: 'bool', ArgInt: 'int', ArgFloat: 'float', ArgStr: 'string' };
const tableEntries = [];
{
  const re = /(\w+_options_)\.push_back\(\s*(?:\/\/[^\n]*\n\s*)*\{\s*(OPTION_\w+),\s*"([^"]+)",\s*(Option::(Arg\w+)|"([^"]*)"),([\s\S]*?)\}\);/g;
  let m;
  while ((m = re.exec(setupText))) {
    tableEntries.push({
      vector: m[1],
      id: m[2],
      name: m[3],
      argKind: m[5] ?? 'custom',
      argDesc: m[5] ? ({ ArgNone: '', ArgBool: 'boolean', ArgInt: 'integer', ArgFloat: 'float', ArgStr: 'string' })[m[5]] : m[6],
      desc: descText(m[7]),
      guards: guardAt(setupOffset + m.index),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// 3. How each option is parsed (the switch in TritonParser::Parse)
// ---------------------------------------------------------------------------------------------
const parseText = funcBody(parserCc, /\nTritonParser::Parse\(int argc, char\*\* argv\)\s*\{/);
const caseBlocks = {};
{
  const re = /case (OPTION_\w+):/g;
  const hits = [...parseText.matchAll(re)];
  hits.forEach((h, i) => {
    const end = i + 1 < hits.length ? hits[i + 1].index : parseText.indexOf('catch (const ParseException', h.index);
    caseBlocks[h[1]] = parseText.slice(h.index + h[0].length, end);
  });
}

// Helper functions that turn a word into a level/mode enum: follow them for their accepted words.
const levelFuncChoices = {};
for (const m of parserCc.matchAll(/\nTritonParser::(Parse\w*Level\w*Option)\(/g)) {
  const body = funcBody(parserCc, new RegExp(`\\nTritonParser::${m[1]}\\([^)]*\\)\\s*\\{`));
  levelFuncChoices[m[1]] = [...body.matchAll(/==\s*"([^"]+)"/g)].map((x) => x[1]);
}

// Member initialisers `name_{value}` in the parameter structs.
function memberDefault(member) {
  for (const text of [parserH, grpcH]) {
    const m = text.match(new RegExp(`\\b${member}\\{([^}]*)\\}`));
    if (m) {
      const raw = m[1].trim();
      if (raw === '' || raw === '""') return { value: null, raw };
      const v = evalSimple(raw);
      if (v !== undefined) return { value: v, raw };
      if (CONSTS[raw] !== undefined) return { value: CONSTS[raw], raw };
      if (CURATED.enumDefaults[raw] !== undefined) return { value: CURATED.enumDefaults[raw], raw };
      console.warn(`unresolved initialiser for ${member}: ${raw}`);
      return { value: null, raw };
    }
  }
  return null;
}

function parseInfo(id) {
  // join `a_\n   .b_` member chains so one regex sees them
  const block = caseBlocks[id]?.replace(/\s*\.\s*(?=[a-z_])/g, '.');
  if (!block) return {};
  const info = {};
  // the parameter the value lands in (lparams.x_ / lgrpc_options.a_.b_): prefer the statement that uses optarg,
  // so `sagemaker_safe_range_set_ = true` is not taken for the value
  const targetRe = /\b(?:lparams|lgrpc_options)\.([\w.]+?)\s*(=|\.push_back|\.insert|\.emplace|\[\s*"|\[)/g;
  const targets = [...block.matchAll(targetRe)].map((m) => {
    const stmtEnd = block.indexOf(';', m.index);
    return { m, usesOptarg: block.slice(m.index, stmtEnd).includes('optarg') };
  });
  const target = (targets.find((t) => t.usesOptarg) ?? targets[0])?.m;
  if (target) {
    info.member = target[1].split('.').pop();
    // appending to a list/set/map collects repeated uses; `map["literal"] =` overwrites one entry
    info.collects = !['=', '["'].includes(target[2].replace(/\s+/g, ''));
  }
  const errors = [...block.matchAll(/throw ParseException\(([\s\S]*?)\);/g)].map((m) => descText(m[1])).filter(Boolean);
  if (errors.length) info.errors = errors;
  if (/ParseIntBoolOption\(optarg\)/.test(block)) info.intBool = true;
  if (/trace_level_ \|/.test(block)) info.collects = true; // levels are OR-ed together
  const po = block.match(/ParseOption<(\w+)>\(optarg\)/);
  if (po) info.type = { bool: 'bool', int: 'int', int64_t: 'int', uint64_t: 'int', double: 'float' }[po[1]] ?? po[1];
  if (/ParseIntBoolOption\(optarg\)/.test(block)) info.type = 'int';
  const pair = block.match(/ParsePairOption<(\w+),\s*(\w+)>\(optarg,\s*"([^"]+)"\)/);
  if (pair) info.type = 'pair', (info.pairSep = pair[3]);
  const words = [...block.matchAll(/==\s*"([^"]+)"/g)].map((x) => x[1]);
  const lvl = block.match(/(Parse\w*Level\w*Option)\(optarg\)/);
  if (words.length) info.choices = words;
  else if (lvl && levelFuncChoices[lvl[1]]) info.choices = levelFuncChoices[lvl[1]];
  if (info.choices) info.type = 'choice';
  info.caseInsensitive = /tolower/.test(block) || Boolean(lvl);
  const warn = block.match(/std::cerr\s*<<([\s\S]*?)<<\s*std::endl/);
  if (warn) info.warning = descText(warn[1]);
  return info;
}

// "Default is X." / "The default is "X"." inside the help text, used when the code has no initialiser.
function helpDefault(desc) {
  const m = desc.match(/(?:The default is|Default is)\s+(.+?)(?:\.\s|\.$|$)/);
  if (!m) return null;
  return m[1].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}

// ---------------------------------------------------------------------------------------------
// 4. Build the flag list (options that share an OPTION id are spellings of one flag)
// ---------------------------------------------------------------------------------------------
const byId = new Map();
for (const e of tableEntries) {
  if (!byId.has(e.id)) byId.set(e.id, []);
  byId.get(e.id).push(e);
}

const flags = [];
for (const [id, entries] of byId) {
  // the spelling whose help is "Equivalent to --x." is the alias
  const primary = entries.find((e) => !/^Equivalent to --/.test(e.desc)) ?? entries[0];
  const aliases = entries.filter((e) => e !== primary).map((e) => `--${e.name}`);
  const info = parseInfo(id);
  const takesValue = primary.argKind !== 'ArgNone';
  const tableType = primary.argKind === 'custom' ? 'string' : TYPE_OF_ARG[primary.argKind];
  let type = takesValue ? info.type ?? tableType : 'bool';
  let dflt = null;
  let defaultFrom = null;
  const md = info.member ? memberDefault(info.member) : null;
  if (md && md.value !== null && !info.collects) {
    dflt = md.value;
    defaultFrom = `${md.raw === String(md.value) ? '' : `${md.raw} = `}initialiser of ${info.member}`;
  } else if (helpDefault(primary.desc) && !/=/.test(primary.argDesc)) {
    // (settings-style options such as --trace-config <mode>,<k>=<v> mention a default *mode*, not a value)
    dflt = helpDefault(primary.desc);
    defaultFrom = 'help text';
  }
  if (!takesValue) dflt = false;
  const deprecated = primary.vector === 'deprecated_options_' || /^DEPRECATED/.test(primary.desc);
  const repeatable = Boolean(info.collects) || /multiple times/i.test(primary.desc);
  const f = {
    flag: `--${primary.name}`,
    aliases,
    env: null,
    takes_value: takesValue,
    type,
    default: dflt,
    choices: info.choices ?? null,
    repeatable,
    deprecated,
    meaning: firstSentences(primary.desc.replace(/^DEPRECATED:\s*/, '')),
    group: groupLabel[primary.vector] ?? primary.vector,
    value_label: primary.argDesc || null,
  };
  if (defaultFrom && takesValue) f.default_from = defaultFrom;
  if (info.caseInsensitive && f.choices) f.choices_case_insensitive = true;
  if (info.pairSep) f.value_format = primary.argDesc;
  if (takesValue && tableType && info.type && tableType !== info.type && !info.choices && !info.pairSep) {
    f.note = `help table says <${primary.argDesc}> but the value is parsed as ${info.type}`;
  }
  if (info.intBool) f.note = 'integer level; "true"/"false" are also accepted (as 1/0)';
  if (info.errors) f.validation = info.errors;
  if (info.warning && deprecated) f.deprecation_warning = info.warning;
  if (primary.guards.length) f.build_condition = primary.guards.join(' && ');
  flags.push(f);
}

// First one or two sentences of a help text, as plain text.
function firstSentences(s, n = 2) {
  const parts = s.match(/[^.]+(?:\.(?!\d)|$)/g) ?? [s];
  let out = '';
  for (const p of parts.slice(0, n)) out += p;
  out = out.trim();
  return out.length > 400 ? `${out.slice(0, 397)}...` : out;
}

// ---------------------------------------------------------------------------------------------
// 5. Environment variables read by the server (outside the option table)
// ---------------------------------------------------------------------------------------------
const envVars = [];
{
  const hitFiles = repo
    .grepFiles(commit, 'GetEnvironmentVariableOrDefault\\(|getenv\\(|ParseDebugVariable\\(', ['src'])
    .filter((p) => !/(^|\/)test/.test(p) && !/common\.(cc|h)$/.test(p));
  const seen = new Set();
  for (const file of hitFiles) {
    const text = show(file);
    const re = /GetEnvironmentVariableOrDefault\(\s*"(\w+)",\s*"([^"]*)"\s*\)|getenv\("(\w+)"\)|ParseDebugVariable\("(\w+)"\)/g;
    for (const m of text.matchAll(re)) {
      const name = m[1] ?? m[3] ?? m[4];
      if (seen.has(name)) continue;
      seen.add(name);
      const isDebug = name.startsWith(CURATED.debugEnvPrefix);
      envVars.push({
        name,
        meaning:
          CURATED.envMeaning[name] ??
          (isDebug ? 'Testing/debug only: artificial delay (ms) injected at one step of gRPC inference handling (src/grpc/infer_handler.h ParseDebugVariable).' : null),
        default: m[2] !== undefined && m[2] !== '' ? m[2] : null,
        source_file: file,
      });
    }
  }
  envVars.sort((a, b) => a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------------------------------------
// 6. Removed flags: diff the option table along the file's history (two years before the commit)
// ---------------------------------------------------------------------------------------------
const commitDate = repo.commitDate(commit);
const since = yearsBefore(commitDate);
const optionNames = (text) =>
  new Set([...(text ?? '').matchAll(/\{\s*OPTION_\w+,\s*"([a-z0-9-]+)"/g)].map((m) => m[1]));
const removedFlags = [...removalsAlongHistory(repo, commit, F.parserCc, optionNames, { since }).removals].map(([name, ev]) => ({
  flag: `--${name}`,
  replacement: null,
  removed_in: repo.tagsContaining(ev.sha)[0] ?? ev.date,
  evidence: removalEvidence(ev),
}));

// ---------------------------------------------------------------------------------------------
// 7. Image: build.py generates the production Dockerfile
// ---------------------------------------------------------------------------------------------
const buildPy = show(F.buildPy);
const prepBody = (() => {
  const start = buildPy.indexOf('\ndef dockerfile_prepare_container_linux(');
  const end = buildPy.indexOf('\ndef ', start + 1);
  return buildPy.slice(start, end);
})();
// apt packages of the ubuntu (non-rhel) production stage: every `apt-get install ... \` block
const aptPkgs = new Set();
for (const m of prepBody.matchAll(/apt-get install -y --no-install-recommends \\\\\n([\s\S]*?)(?:&&|""")/g)) {
  for (const w of m[1].split(/\s+/)) if (/^[a-z0-9][a-z0-9.+-]*$/.test(w)) aptPkgs.add(w);
}
const entrypointMatch = prepBody.match(/ENTRYPOINT \[([^\]]*)\]/);
const entrypoint = entrypointMatch ? [...entrypointMatch[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]) : null;
const entryScript = show(F.entrypoint);
const execLine = (entryScript.match(/^\s*exec\s+"?\$[@*]"?.*$/m) ?? [null])[0]?.trim() ?? null;
// unquoted $@ / $* would re-split words
const splits = execLine ? /(^|[^"])\$[@*]/.test(execLine) : null;
const aipLine = (show(F.aipMode).match(/^set -- .*$/m) ?? [null])[0];
const noArgsLine = entryScript.match(/if \[\[ \$# -eq 0 \]\]; then\s*\n\s*(exec [^\n]+)/);

// ---------------------------------------------------------------------------------------------
// 8. Parser facts
// ---------------------------------------------------------------------------------------------
// getopt_long is called with an empty short-option string, long options only.
const optstring = (parseText.match(/getopt_long\(\s*argc,\s*argv,\s*"([^"]*)"/) ?? [])[1];
const unexpectedArg = parseText.match(/"(Unexpected argument: )"/);
const mainCc = show(F.mainCc);
const usageLine = (mainCc.match(/std::cerr << "(Usage: [^"]+)"/) ?? [])[1];
const boolWords = [...funcBody(parserCc, /\nbool\nParseOption\(const std::string& arg\)\s*\{/).matchAll(/==\s*"([^"]+)"/g)].map((m) => m[1]);

const version = tryShow(F.version, commit)?.trim();
filesRead.add(F.version);

const out = {
  engine: 'triton',
  source: {
    repository: 'triton-inference-server/server',
    commit,
    commit_date: commitDate,
    version: null,
    version_note: `TRITON_VERSION at this commit says ${version}; main is not tagged (release tags such as v2.71.0 sit on r<yy.mm> release branches).`,
    files: [],
    license: 'BSD-3-Clause',
    generated_by: script,
  },
  parser: {
    kind: 'getopt_long',
    rejects_unknown: true,
    unknown_error:
      "tritonserver: unrecognized option '--foo' (glibc getopt_long message on stderr), then the usage text and exit 1; a stray non-option word gives \"" +
      (unexpectedArg ? unexpectedArg[1] : 'Unexpected argument: ') +
      '<word>"',
    allows_abbreviation: true,
    value_forms: ['--flag value', '--flag=value'],
    notes: [
      `getopt_long(argc, argv, "${optstring}", ...): long options only, no short forms (-x is rejected as an invalid option).`,
      'On Linux this is glibc getopt_long, which accepts any unambiguous prefix of a long option (e.g. --model-repo=/models); an exact match wins; an ambiguous prefix fails with "option \'--x\' is ambiguous". The file\'s own Windows getopt_long (#ifdef _WIN32) matches exact names only.',
      `Every option except ${flags.filter((f) => !f.takes_value).map((f) => f.flag).join(' and ')} requires an argument, booleans included: \`--allow-metrics\` alone consumes the next word as its value (typically failing with "invalid value for bool option: <word>").`,
      `Bool values (case-insensitive): ${boolWords.join(', ')}.`,
      'Integers use std::stoi/stoll: leading digits are taken and trailing text is ignored ("8000abc" -> 8000).',
      'GNU argv permutation: non-option words anywhere end in "Unexpected argument: <word>". `--help` prints usage and exits 1.',
      `On any parse error main() prints "${usageLine}", the full usage and the error, then exits 1. "Bad option: \\"--<name>\\"." precedes value errors.`,
      '--load-model requires --model-control-mode=explicit ("Error: Use of \'--load-model\' requires setting \'--model-control-mode=explicit\' as well."). --response-cache-byte-size and --cache-config together are rejected.',
      'Options with build_condition exist only in builds with that feature (the NGC images are built with HTTP, GRPC, metrics, tracing, logging, SageMaker and Vertex AI endpoints).',
    ].join(' '),
  },
  flags,
  env_vars: envVars,
  removed_flags: removedFlags,
  removed_flags_window: `git log of ${F.parserCc} since ${since}: ${removedFlags.length} option names disappeared`,
  image: {
    entrypoint,
    entrypoint_script: `${F.entrypoint} (CPU-only copy in this repo; GPU images use the NVIDIA base image's script at the same path)`,
    entrypoint_splits_words: splits,
    entrypoint_line: execLine,
    entrypoint_no_args: noArgsLine ? noArgsLine[1].trim() : null,
    entrypoint_aip_mode_line: aipLine ? `${aipLine}  (${F.aipMode})` : null,
    ships: {
      curl: aptPkgs.has('curl'),
      wget: aptPkgs.has('wget'),
      python3: aptPkgs.has('python3') || aptPkgs.has('python3-pip'),
    },
    apt_packages: [...aptPkgs].sort(),
    dockerfile: `${F.buildPy} (create_dockerfile_linux / dockerfile_prepare_container_linux generate the production Dockerfile)`,
    notes: CURATED.image.entrypoint_note,
  },
  cache: CURATED.cache,
  health: CURATED.health,
  debug_logging: CURATED.debug_logging,
};
for (const f of [F.httpCc]) filesRead.add(f);
// the file that defines the flags first (consumers link to files[0]), then the rest
out.source.files = [F.parserCc, ...[...filesRead].filter((f) => f !== F.parserCc).sort()];

writeFacts(out, opts, { indent: 2 });
console.log(`${flags.length} flags, ${envVars.length} env vars, ${removedFlags.length} removed`);
