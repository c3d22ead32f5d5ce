#!/usr/bin/env node
// Extract `ollama serve` configuration facts from ollama/ollama at a pinned commit.
//
// usage: node scripts/engine-facts/extract-ollama.mjs --repo <git dir of an ollama/ollama snapshot>
//          [--commit REV (default HEAD)] [--out FILE (default server/src/engines/facts/ollama-flags.json)] [--check]
//        (the older form `extract-ollama.mjs <git dir> [REV]` works too; --check writes nothing and exits 1 when the
//        file differs from what the snapshot gives)
//
// Ollama's server is configured by environment variables (envconfig/config.go), not flags: `ollama serve`
// has no flags of its own. Reads the upstream source with `git show` / `git grep` / `git log` only (nothing is
// built or run). What cannot be parsed mechanically lives in CURATED, each entry naming where it was read.

import { openSnapshot, writeFacts } from './lib/common.mjs';
import { removalEvidence, removalsAlongHistory, yearsBefore } from './lib/history.mjs';

// show() records every file read at the commit in filesRead (source.files)
const { opts, repo, rev: commit, show, filesRead, script } = openSnapshot(import.meta.url, {
  facts: 'ollama-flags.json',
  upstream: 'ollama/ollama',
});

const F = {
  config: 'envconfig/config.go',
  cmd: 'cmd/cmd.go',
  main: 'main.go',
  dockerfile: 'Dockerfile',
  routes: 'server/routes.go',
};

// ---------------------------------------------------------------------------------------------
// CURATED: facts that are not a literal in envconfig/config.go
// ---------------------------------------------------------------------------------------------
const CURATED = {
  // Value shape of the function-style accessors (read from each func body in envconfig/config.go).
  funcTypes: {
    Host: 'host[:port] | scheme://host[:port][/path]',
    AllowedOrigins: 'list (comma-separated origins)',
    Models: 'path',
    KeepAlive: 'duration (Go duration such as 5m/1h, or integer seconds; negative = forever)',
    LoadTimeout: 'duration (Go duration or integer seconds; <=0 = no limit)',
    Remotes: 'list (comma-separated hosts)',
    LogLevel: 'bool | int (1/true = DEBUG, 2 = TRACE)',
    NoCloud: 'bool',
  },
  // Defaults that the text states but not as "(default ...)" / "Default is ..." (envconfig/config.go).
  defaults: {
    OLLAMA_DEBUG: 'false (INFO level)', // LogLevel doc: "Values are 0 or false INFO (Default), 1 or true DEBUG, 2 TRACE"
    OLLAMA_ORIGINS: null, // AllowedOrigins always adds localhost/127.0.0.1/0.0.0.0 and app://, file://, tauri://, vscode-* origins
  },
  // BoolWithDefault vars whose callers pass both defaults: what "unset" does, read at the named caller.
  triState: {
    OLLAMA_FLASH_ATTENTION: {
      default: 'auto',
      note: 'unset = auto: llm/llama_server.go LlamaServerFlashAttention checks FlashAttention(false) == FlashAttention(true); unset gives auto when all GPUs support it, else disabled. `serve --help` shows false.',
    },
    OLLAMA_GO_TEMPLATE: {
      default: true,
      note: 'unset behaves as true where templates are rendered (server/routes.go GoTemplate(true)); server/images.go goTemplateEnvSet also treats an explicit value differently from unset.',
    },
    OLLAMA_IGPU_ENABLE: {
      default: 'auto (per device)',
      note: 'unset = per-device default (discover/runner.go integratedGPUAdmission / integratedGPUAllowedByDefault: integrated CUDA GPUs allowed, ROCm only for listed gfx targets, others not); true/false force it.',
    },
  },
  // What a zero default means, read where the value is used.
  zeroMeans: {
    OLLAMA_MAX_LOADED_MODELS: '0 = automatic: the scheduler uses defaultModelsPerGPU (3) x number of GPUs (server/sched.go)',
    OLLAMA_CONTEXT_LENGTH: '0 = automatic: 4k/32k/256k by VRAM (description in envconfig/config.go)',
  },
  // OLLAMA_* read by the server outside envconfig (meaning read at the named file).
  extraEnv: [
    {
      name: 'OLLAMA_EXPERIMENT',
      file: 'server/routes.go',
      meaning: 'Comma-separated experiment names switched on in the server (experimentEnabled, e.g. "client2").',
      default: null,
    },
    {
      name: 'OLLAMA_CLOUD_BASE_URL',
      file: 'server/cloud_proxy.go',
      meaning: 'Overrides the base URL the server proxies cloud models to (default https://ollama.com:443).',
      default: 'https://ollama.com:443',
    },
  ],
  // Removed variables: what to use instead, where the removing commit shows it.
  removedReplacement: {
    OLLAMA_INTEL_GPU: { replacement: null, note: 'removed in the commit that added OLLAMA_VULKAN (Intel GPU detection dropped; Vulkan is the route for such GPUs)' },
    OLLAMA_NEW_ESTIMATES: { replacement: null, note: 'the new memory estimates became the default' },
    OLLAMA_NEW_ENGINE: { replacement: null, note: 'CGO engines removed; GGML models always run on llama-server' },
    OLLAMA_MULTIUSER_CACHE: { replacement: null, note: 'CGO engines removed; GGML models always run on llama-server' },
    OLLAMA_MAX_VRAM: { replacement: 'OLLAMA_GPU_OVERHEAD', note: 'no longer supported; OLLAMA_GPU_OVERHEAD (bytes reserved per GPU) is the remaining VRAM knob' },
  },
  // cobra adds -h/--help to every command (spf13/cobra; pflag v1.0.5 flag.go parseLongArg handles "help").
  helpFlag: {
    flag: '--help',
    aliases: ['-h'],
    env: null,
    takes_value: false,
    type: 'bool',
    default: false,
    choices: null,
    repeatable: false,
    deprecated: false,
    meaning: 'help for serve (added by cobra to every command); prints the usage and the environment variables serve reads.',
  },
  parser: {
    // spf13/pflag v1.0.5 flag.go: f.failf("unknown flag: --%s", name); main.go: cobra.CheckErr prints "Error: " + err, exit 1
    unknown_error: 'Error: unknown flag: --foo',
    shorthand_error: 'Error: unknown shorthand flag: \'x\' in -x',
    // pflag looks long names up in a map (exact match only)
    allows_abbreviation: false,
  },
  cache: {
    notes:
      'Models are stored under $HOME/.ollama/models (root in the image: /root/.ollama/models); OLLAMA_MODELS moves them. /root/.ollama also holds the id_ed25519 key pair that `ollama serve` creates at start (cmd.go initializeKeypair) and server.json (disable_ollama_cloud). The docs mount a volume at /root/.ollama. Models are pulled on demand (`ollama pull` or the first request), not at start-up.',
  },
  health: {
    notes:
      'GET or HEAD / returns 200 "Ollama is running"; GET/HEAD /api/version returns {"version": ...}. The port is served as soon as `ollama serve` has bound OLLAMA_HOST: models load on demand, so a 200 says nothing about a model being loaded (/api/ps lists loaded models). The image has no curl or wget: a compose healthcheck must use `ollama list` / `ollama ps` (which talk to OLLAMA_HOST) or a tool the user adds.',
  },
  debug_logging: [
    { setting: 'OLLAMA_DEBUG=1', meaning: 'DEBUG log level (also true).' },
    { setting: 'OLLAMA_DEBUG=2', meaning: 'TRACE log level (integer n gives slog level -4n).' },
    { setting: 'OLLAMA_DEBUG_LOG_REQUESTS=1', meaning: 'Log inference request bodies and replay curl commands to a temp directory.' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Go text helpers
// ---------------------------------------------------------------------------------------------
const unGo = (s) => s.replace(/\\(["\\])/g, '$1');

// `// line` comments directly above offset `idx`, joined
function docAbove(text, idx) {
  const before = text.slice(0, idx).split('\n');
  before.pop(); // the partial line that holds the declaration
  const lines = [];
  while (before.length && /^\s*\/\//.test(before[before.length - 1])) lines.unshift(before.pop().replace(/^\s*\/\/\s?/, ''));
  return lines.join(' ').trim();
}

function bodyFrom(text, openIdx) {
  let depth = 0;
  for (let i = openIdx; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === '`') {
      const q = ch;
      for (i++; i < text.length && text[i] !== q; i++) if (q === '"' && text[i] === '\\') i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(openIdx + 1, i);
  }
  throw new Error('unbalanced braces');
}

// "(default: f16)" / "(default \"5m\")" / "Default is 5 minutes."
function textDefault(s) {
  // "Default is $HOME/.ollama/models" must keep its dots: stop only at ". " or a final "."
  const m = s.match(/\(default:?\s*\\?"?([^")\\]+?)\\?"?\)/i) ?? s.match(/Default is (.+?)(?:\.\s|\.$|$)/);
  return m ? m[1].trim() : null;
}

// ---------------------------------------------------------------------------------------------
// Parse one version of envconfig/config.go into { name -> var }
// ---------------------------------------------------------------------------------------------
function parseConfig(text) {
  const vars = new Map();
  const get = (name) => {
    if (!vars.has(name)) vars.set(name, { name });
    return vars.get(name);
  };

  // X = Bool("OLLAMA_X") / Uint("OLLAMA_X", 512) / var X = Uint64(...)
  const accessor = new Map();
  for (const m of text.matchAll(/(?:^|\n)[ \t]*(?:var\s+)?(\w+)\s*=\s*(Bool|BoolWithDefault|String|Uint|Uint64)\("(\w+)"(?:,\s*([^)]+))?\)/g)) {
    const v = get(m[3]);
    v.accessor = m[1];
    v.kind = m[2];
    v.doc = docAbove(text, m.index + m[0].indexOf(m[1]));
    if (m[4] !== undefined) v.codeDefault = Number(m[4]);
    accessor.set(m[1], v);
  }
  // func Host() ... { ... Var("OLLAMA_HOST") ... }
  for (const m of text.matchAll(/\nfunc (\w+)\(\)[^{\n]*\{/g)) {
    const body = bodyFrom(text, m.index + m[0].length - 1);
    const vm = body.match(/\bVar\("(\w+)"\)/);
    if (!vm || /^(Var|String|Bool|Uint|Uint64|BoolWithDefault)$/.test(m[1])) continue;
    const v = get(vm[1]);
    v.accessor ??= m[1];
    v.kind ??= 'func';
    v.doc ??= docAbove(text, m.index + 1);
    accessor.set(m[1], v);
  }
  // AsMap(): "NAME": {"NAME", expr, "description"},   and   ret["NAME"] = EnvVar{"NAME", expr, "description"}
  const asMapStart = text.indexOf('func AsMap()');
  const asMap = asMapStart >= 0 ? bodyFrom(text, text.indexOf('{', asMapStart)) : '';
  let order = 0;
  const entryRe = /(?:"(\w+)":\s*\{|ret\["(\w+)"\]\s*=\s*EnvVar\{)"\w+",\s*(.+?),\s*"((?:[^"\\]|\\.)*)"\}/g;
  for (const m of asMap.matchAll(entryRe)) {
    const v = get(m[1] ?? m[2]);
    v.order = order++;
    v.description = unGo(m[4]);
    v.valueExpr = m[3];
    // platform guard: the nearest enclosing `if runtime.GOOS != "x" {` before a ret[...] entry
    if (m[2]) {
      const guard = [...asMap.slice(0, m.index).matchAll(/if runtime\.GOOS (!=|==) "(\w+)"/g)].pop();
      if (guard) v.platform = `${guard[1] === '!=' ? 'not on' : 'only on'} ${guard[2]}`;
    }
  }
  // plain Var("X") reads not covered above
  for (const m of text.matchAll(/\bVar\("(\w+)"\)/g)) get(m[1]);
  return { vars, accessor };
}

// ---------------------------------------------------------------------------------------------
// 1. Env vars at the pinned commit
// ---------------------------------------------------------------------------------------------
const configText = show(F.config);
const { vars } = parseConfig(configText);

// BoolWithDefault accessors: the default is chosen by each caller. Called with both true and false = tri-state
// (unset means "decide automatically").
const boolCalls = {};
const boolCallRe = 'envconfig\\.\\w+\\((true|false)\\)';
for (const line of repo.grepMatches(commit, boolCallRe, ['*.go', ':!*_test.go'])) {
  const m = line.match(/envconfig\.(\w+)\((true|false)\)/);
  if (m) (boolCalls[m[1]] ??= new Set()).add(m[2]);
}
// record which files decide those defaults
for (const f of repo.grepFiles(commit, boolCallRe, ['*.go', ':!*_test.go'])) filesRead.add(f);
filesRead.add('server/sched.go'); // read for what OLLAMA_MAX_LOADED_MODELS=0 means (CURATED.zeroMeans)
// and inside config.go itself (AsMap)
for (const m of configText.matchAll(/\b(\w+)\((true|false)\)/g)) (boolCalls[m[1]] ??= new Set()).add(`asmap:${m[2]}`);

// `ollama serve --help` lists these (cmd.go: appendEnvDocs(serveCmd, ...))
const cmdText = show(F.cmd);
const serveDocBlock = cmdText.match(/case serveCmd:\s*appendEnvDocs\(cmd, \[\]envconfig\.EnvVar\{([\s\S]*?)\}\)/);
const serveHelpVars = new Set(serveDocBlock ? [...serveDocBlock[1].matchAll(/envVars\["(\w+)"\]/g)].map((m) => m[1]) : []);

function describe(v) {
  const meaning = v.description || v.doc || '';
  let type;
  if (v.kind === 'Bool' || v.kind === 'BoolWithDefault') type = 'bool';
  else if (v.kind === 'Uint' || v.kind === 'Uint64') type = 'uint';
  else if (v.kind === 'String') type = 'string';
  else if (v.kind === 'func') type = CURATED.funcTypes[v.accessor] ?? 'string';
  else type = 'string';

  let dflt = null;
  let note;
  if (Object.hasOwn(CURATED.defaults, v.name)) dflt = CURATED.defaults[v.name];
  else if (v.kind === 'Uint' || v.kind === 'Uint64') dflt = v.codeDefault ?? 0;
  else if (v.kind === 'Bool') dflt = false;
  else if (v.kind === 'BoolWithDefault') {
    const calls = [...(boolCalls[v.accessor] ?? [])].filter((c) => !c.startsWith('asmap:'));
    if (calls.length === 2) {
      // called with both defaults: the server tells "unset" from an explicit value
      const t = CURATED.triState[v.name];
      dflt = t ? t.default : null;
      note = t ? t.note : 'the server calls it with both defaults, so unset differs from an explicit true/false';
    } else if (calls.length === 1) dflt = calls[0] === 'true';
    else {
      const asmap = [...(boolCalls[v.accessor] ?? [])].find((c) => c.startsWith('asmap:'));
      dflt = asmap ? asmap === 'asmap:true' : null;
    }
  } else dflt = textDefault(v.description ?? '') ?? textDefault(v.doc ?? '');

  const e = { name: v.name, meaning, default: dflt, source_file: F.config, type };
  if (!note && CURATED.zeroMeans[v.name]) note = CURATED.zeroMeans[v.name];
  if (note) e.note = note;
  if (v.platform) e.platform = v.platform;
  e.in_serve_help = serveHelpVars.has(v.name);
  if (v.order === undefined) e.listed_in_asmap = false;
  return e;
}

const envVars = [...vars.values()]
  .sort((a, b) => (a.order ?? 1e9) - (b.order ?? 1e9) || a.name.localeCompare(b.name))
  .map(describe);

for (const x of CURATED.extraEnv) {
  const text = show(x.file);
  if (!text.includes(`"${x.name}"`)) throw new Error(`${x.name} not found in ${x.file}`);
  envVars.push({ name: x.name, meaning: x.meaning, default: x.default, source_file: x.file, type: 'string', in_serve_help: false });
}

// ---------------------------------------------------------------------------------------------
// 2. `ollama serve` itself: its cobra.Command and any flags registered on it
// ---------------------------------------------------------------------------------------------
const serveDecl = cmdText.match(/serveCmd := &cobra\.Command\{([\s\S]*?)\n\t\}/);
if (!serveDecl) throw new Error('serveCmd not found');
const serveAliases = [...(serveDecl[1].match(/Aliases:\s*\[\]string\{([^}]*)\}/)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
const serveArgs = serveDecl[1].match(/Args:\s*([\w.]+\([^)]*\))/)?.[1] ?? null;
const serveFlags = [...cmdText.matchAll(/serveCmd\.(?:Persistent)?Flags\(\)\.(\w+)\("([^"]+)"/g)].map((m) => ({
  flag: `--${m[2]}`,
  aliases: [],
  env: null,
  takes_value: !/^Bool/.test(m[1]),
  type: m[1],
  default: null,
  choices: null,
  repeatable: /Array|Slice/.test(m[1]),
  deprecated: false,
  meaning: '',
}));
const flags = [...serveFlags, CURATED.helpFlag];
const rootSilences = /SilenceErrors:\s*true/.test(cmdText);
const mainText = show(F.main);
const checkErr = /cobra\.CheckErr\(/.test(mainText);

// ---------------------------------------------------------------------------------------------
// 3. Removed env vars: diff the names in envconfig/config.go along its history (two years before the commit)
// ---------------------------------------------------------------------------------------------
const commitDate = repo.commitDate(commit);
const since = yearsBefore(commitDate);
const namesIn = (text) => new Set([...(text ?? '').matchAll(/"(OLLAMA_[A-Z0-9_]+)"/g)].map((m) => m[1]));
const removed = [];
for (const [name, ev] of removalsAlongHistory(repo, commit, F.config, namesIn, { since }).removals) {
  // what the variable meant just before it went
  const old = parseConfig(ev.before).vars.get(name);
  const cur = CURATED.removedReplacement[name] ?? { replacement: null };
  const r = {
    flag: name,
    kind: 'env',
    replacement: cur.replacement,
    removed_in: repo.tagsContaining(ev.sha)[0] ?? ev.date,
    removed_date: ev.date,
    evidence: removalEvidence(ev),
    meaning: old?.description || old?.doc || null,
  };
  if (cur.note) r.note = cur.note;
  removed.push(r);
}
removed.sort((a, b) => a.removed_date.localeCompare(b.removed_date));

// ---------------------------------------------------------------------------------------------
// 4. Image: the Dockerfile's final stage
// ---------------------------------------------------------------------------------------------
const dockerfile = show(F.dockerfile);
const finalStage = dockerfile.slice([...dockerfile.matchAll(/^FROM /gm)].pop().index);
const jsonArray = (s) => (s ? [...s.matchAll(/"([^"]*)"/g)].map((m) => m[1]) : null);
const baseImage = finalStage.match(/^FROM (\S+)/)[1];
const aptPkgs = [...finalStage.matchAll(/apt-get install -y ([^\\&\n]+)/g)].flatMap((m) => m[1].trim().split(/\s+/));
const imageEnv = Object.fromEntries([...finalStage.matchAll(/^ENV (\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
const entrypoint = jsonArray(finalStage.match(/^ENTRYPOINT (\[.*\])/m)?.[1]);
const cmd = jsonArray(finalStage.match(/^CMD (\[.*\])/m)?.[1]);
const expose = [...finalStage.matchAll(/^EXPOSE (\d+)/gm)].map((m) => Number(m[1]));
const hasHealthcheck = /^HEALTHCHECK/m.test(finalStage);
const user = finalStage.match(/^USER (\S+)/m)?.[1] ?? null;
const pipInstalls = /pip3? install/.test(finalStage);

// ---------------------------------------------------------------------------------------------
// 5. Health routes (server/routes.go)
// ---------------------------------------------------------------------------------------------
const routes = show(F.routes);
const healthPaths = [...new Set([...routes.matchAll(/r\.(?:GET|HEAD)\("(\/|\/api\/version)",/g)].map((m) => m[1]))];
const hostDefault = vars.get('OLLAMA_HOST') ? textDefault(vars.get('OLLAMA_HOST').description ?? '') : null;
const port = Number((imageEnv.OLLAMA_HOST ?? hostDefault ?? '').split(':').pop()) || null;

const version = repo.describe(commit, '--abbrev=0');

const out = {
  engine: 'ollama',
  source: {
    repository: 'ollama/ollama',
    commit,
    commit_date: commitDate,
    version,
    version_note: version ? `nearest tag reachable from the commit (git describe); the commit is after ${version}` : null,
    // the file that defines the settings first (consumers link to files[0])
    files: [F.config, ...[...filesRead].filter((f) => f !== F.config).sort()],
    license: 'MIT',
    generated_by: script,
  },
  parser: {
    kind: 'env-only',
    rejects_unknown: true,
    unknown_error: CURATED.parser.unknown_error,
    allows_abbreviation: CURATED.parser.allows_abbreviation,
    value_forms: ['--flag value', '--flag=value'],
    notes: [
      `\`ollama serve\` (alias ${serveAliases.map((a) => `\`${a}\``).join(', ') || 'none'}) registers ${serveFlags.length} flags of its own; cobra adds -h/--help. Settings come from environment variables only.`,
      `Args: ${serveArgs}: any extra word fails with "Error: accepts 0 arg(s), received N".`,
      `An unknown flag fails with "${CURATED.parser.unknown_error}" (pflag exact-name lookup, no abbreviations; "${CURATED.parser.shorthand_error}" for short ones)${rootSilences && checkErr ? '; cobra errors are silenced and main.go prints them via cobra.CheckErr, exit 1' : ''}.`,
      `The image runs ENTRYPOINT ${JSON.stringify(entrypoint)} with CMD ${JSON.stringify(cmd)}: a compose \`command:\` replaces "serve", so it must include it (e.g. ["serve"]); \`command: ["--foo"]\` runs \`ollama --foo\` (root command).`,
      'Env values are read by Var(): surrounding spaces and quotes are stripped (OLLAMA_HOST="0.0.0.0" works).',
      'Bool vars use strconv.ParseBool (1/t/true/TRUE/0/f/false...); any other non-empty value counts as true. Uint vars that do not parse log "invalid environment variable, using default". OLLAMA_KEEP_ALIVE/OLLAMA_LOAD_TIMEOUT take a Go duration or integer seconds.',
    ].join(' '),
  },
  flags,
  env_vars: envVars,
  removed_flags: removed,
  removed_flags_window: `git log of ${F.config} since ${since}: ${removed.length} OLLAMA_* names disappeared and did not come back`,
  image: {
    entrypoint,
    cmd,
    entrypoint_script: null,
    entrypoint_splits_words: false,
    entrypoint_line: `ENTRYPOINT ${JSON.stringify(entrypoint)} / CMD ${JSON.stringify(cmd)} (exec form: no shell, no word splitting)`,
    ships: {
      curl: aptPkgs.includes('curl'),
      wget: aptPkgs.includes('wget'),
      python3: aptPkgs.some((p) => /^python3/.test(p)) || pipInstalls,
    },
    base: baseImage,
    apt_packages: aptPkgs,
    env: imageEnv,
    expose,
    healthcheck: hasHealthcheck,
    user: user ?? 'root (no USER instruction)',
    dockerfile: F.dockerfile,
  },
  cache: {
    paths: ['/root/.ollama'],
    moved_by: ['OLLAMA_MODELS', 'HOME'],
    notes: CURATED.cache.notes,
  },
  health: {
    port,
    paths: healthPaths,
    notes: CURATED.health.notes,
  },
  debug_logging: CURATED.debug_logging,
};

writeFacts(out, opts, { indent: 2 });
console.log(`${flags.length} flags, ${envVars.length} env vars, ${removed.length} removed`);
