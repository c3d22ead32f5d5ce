#!/usr/bin/env node
// Extract SGLang engine facts (CLI flags, env vars, image, health) from SGLang's own
// source at a pinned commit, and write server/src/engines/facts/sglang-flags.json.
//
// Usage: node scripts/engine-facts/extract-sglang.mjs --repo <git dir of an sgl-project/sglang snapshot>
//          [--commit REV (default HEAD)] [--out FILE (default server/src/engines/facts/sglang-flags.json)] [--check]
//        (the older form `extract-sglang.mjs <git dir> [REV]` works too; --check writes nothing and exits 1 when the
//        file differs from what the snapshot gives)
//
// The upstream tree is only read with `git show` / `git log` (never built or run).
// SGLang's server flags are declared as dataclass fields of ServerArgs
// (python/sglang/srt/server_args.py), `name: A[Type, "help" | Arg(...)] = default`,
// turned into argparse arguments by add_cli_args_from_dataclass
// (python/sglang/srt/arg_groups/arg_utils.py); a few (dynamic choices, deprecated
// aliases, --config) are plain parser.add_argument(...) calls inside add_cli_args.
// This script re-implements that mapping over the source text with a small Python
// tokenizer (strings, comments, brackets) — no Python is executed.

import { openSnapshot, writeFacts } from './lib/common.mjs';
import { removalsAlongHistory } from './lib/history.mjs';

const { opts, repo, rev: commit, show, script } = openSnapshot(import.meta.url, { facts: 'sglang-flags.json', upstream: 'sgl-project/sglang' });

const F = {
  serverArgs: 'python/sglang/srt/server_args.py',
  argUtils: 'python/sglang/srt/arg_groups/arg_utils.py',
  actions: 'python/sglang/srt/arg_groups/argparse_actions.py',
  configParser: 'python/sglang/srt/server_args_config_parser.py',
  environ: 'python/sglang/srt/environ.py',
  http: 'python/sglang/srt/entrypoints/http_server.py',
  launch: 'python/sglang/launch_server.py',
  cliMain: 'python/sglang/cli/main.py',
  cliServe: 'python/sglang/cli/serve.py',
  cliUtils: 'python/sglang/cli/utils.py',
  common: 'python/sglang/srt/utils/common.py',
  cudaGraph: 'python/sglang/srt/model_executor/cuda_graph_config.py',
  reasoning: 'python/sglang/srt/parser/reasoning_parser.py',
  toolCall: 'python/sglang/srt/function_call/function_call_parser.py',
  kvCanary: 'python/sglang/jit_kernel/kv_canary/consts.py',
  pyproject: 'python/pyproject.toml',
  dockerfile: 'docker/Dockerfile',
  compose: 'docker/compose.yaml',
  wfRelease: '.github/workflows/release-docker.yml',
  wfRuntime: '.github/workflows/release-docker-runtime.yml',
  license: 'LICENSE',
};

const commitDate = repo.commitDate(commit);
const src = Object.fromEntries(Object.entries(F).map(([k, p]) => [k, show(p)]));

// Fail loudly when the source no longer looks the way a fact was read.
function must(cond, what) {
  if (!cond) throw new Error(`source check failed: ${what}`);
}

// ---------------------------------------------------------------------------
// A tiny Python tokenizer: enough to skip strings/comments and match brackets.
// ---------------------------------------------------------------------------
const OPEN = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

// Index just past the string literal whose opening quote is at i.
function skipString(s, i) {
  const q = s[i];
  const end = s.startsWith(q.repeat(3), i) ? q.repeat(3) : q;
  let j = i + end.length;
  while (j < s.length) {
    if (s[j] === '\\') { j += 2; continue; }
    if (s.startsWith(end, j)) return j + end.length;
    if (end.length === 1 && s[j] === '\n') return j;
    j++;
  }
  return j;
}

// Walk code characters (outside strings and comments) calling visit(i, ch, depth);
// visit may return a number to stop the walk and have walk() return it.
function walk(s, visit, start = 0, end = s.length) {
  let depth = 0;
  for (let i = start; i < end; ) {
    const ch = s[i];
    if (ch === '#') { const nl = s.indexOf('\n', i); i = nl < 0 ? end : nl; continue; }
    if (ch === '"' || ch === "'") { i = skipString(s, i); continue; }
    if (OPEN[ch]) depth++;
    const r = visit(i, ch, CLOSE.has(ch) ? depth - 1 : depth);
    if (CLOSE.has(ch)) depth--;
    if (typeof r === 'number') return r;
    i++;
  }
  return -1;
}

// Index of the bracket closing the one at openIdx.
function findClose(s, openIdx) {
  let d = 0;
  return walk(s, (i, ch) => {
    if (OPEN[ch]) d++;
    else if (CLOSE.has(ch) && --d === 0) return i;
  }, openIdx);
}

// Split at top-level occurrences of a separator character.
function splitTop(s, sep = ',') {
  const parts = [];
  let last = 0;
  walk(s, (i, ch, depth) => {
    if (ch === sep && depth === 0) { parts.push(s.slice(last, i)); last = i + 1; }
  });
  parts.push(s.slice(last));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

// Index of the first top-level assignment '=' (not ==, <=, >=, !=, :=).
function findAssign(s) {
  return walk(s, (i, ch, depth) => {
    if (ch === '=' && depth === 0 && s[i + 1] !== '=' && !'=<>!:'.includes(s[i - 1])) return i;
  });
}

// All string literal tokens in s (any depth), decoded; f-string fields kept as {expr}.
function stringTokens(s) {
  const out = [];
  for (let i = 0; i < s.length; ) {
    const ch = s[i];
    if (ch === '#') { const nl = s.indexOf('\n', i); i = nl < 0 ? s.length : nl; continue; }
    if (ch === '"' || ch === "'") {
      const j = skipString(s, i);
      const prefix = (s.slice(Math.max(0, i - 2), i).match(/[rRbBuUfF]*$/) || [''])[0].toLowerCase();
      const q = s.startsWith(ch.repeat(3), i) ? 3 : 1;
      let body = s.slice(i + q, j - q);
      if (!prefix.includes('r')) {
        body = body.replace(/\\(\n|n|t|\\|'|"|x[0-9a-fA-F]{2})/g, (m, e) =>
          e === '\n' ? '' : e === 'n' ? '\n' : e === 't' ? '\t' : e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : e);
      }
      if (prefix.includes('f')) body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      out.push(body);
      i = j;
      continue;
    }
    i++;
  }
  return out;
}

const stripParens = (t) => {
  t = t.trim();
  // Drop grouping parentheses, but keep a tuple's (top-level comma inside).
  while (t.startsWith('(') && t !== '()' && findClose(t, 0) === t.length - 1 && splitTop(t.slice(1, -1)).length <= 1 && !/,\s*$/.test(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t;
};
// Remove comments (outside strings) from a code fragment.
function stripComments(t) {
  let out = '';
  for (let i = 0; i < t.length; ) {
    if (t[i] === '"' || t[i] === "'") { const j = skipString(t, i); out += t.slice(i, j); i = j; continue; }
    if (t[i] === '#') { const nl = t.indexOf('\n', i); i = nl < 0 ? t.length : nl; continue; }
    out += t[i++];
  }
  return out;
}
const collapse = (t) => stripComments(t).replace(/\s+/g, ' ').trim();

// Value of a plain Python literal, or undefined when it is an expression.
function pyValue(text) {
  const t = stripParens(stripComments(text));
  if (t === 'None') return null;
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (/^-?\d[\d_]*$/.test(t)) return Number(t.replace(/_/g, ''));
  if (/^-?(\d[\d_]*)?\.\d+([eE][-+]?\d+)?$|^-?\d+\.?([eE][-+]?\d+)$|^-?\d+\.$/.test(t)) return Number(t);
  if (/^[rRbBuU]?("|')/.test(t)) {
    // Only adjacent string literals (implicit concatenation), no f-strings/expressions.
    let rest = t;
    const parts = [];
    while (rest) {
      const m = rest.match(/^[rRbBuU]?("|')/);
      if (!m) return undefined;
      const q = m[0].length - 1;
      const j = skipString(rest, q);
      parts.push(stringTokens(rest.slice(0, j))[0]);
      rest = rest.slice(j).trim();
    }
    return parts.join('');
  }
  if (/^[[({]/.test(t) && findClose(t, 0) === t.length - 1) {
    if (t === '{}') return {};
    const items = splitTop(t.slice(1, -1));
    if (t[0] === '{' && items.some((x) => splitTop(x, ':').length > 1)) return undefined;
    const vals = items.map(pyValue);
    return vals.some((v) => v === undefined) ? undefined : vals;
  }
  return undefined;
}

// Parse the inside of a call's parentheses into positional and keyword argument texts.
function parseCallArgs(inner) {
  const positional = [];
  const kw = {};
  for (const part of splitTop(inner)) {
    const m = part.match(/^([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/);
    if (m) kw[m[1]] = m[2].trim();
    else positional.push(part);
  }
  return { positional, kw };
}

// ---------------------------------------------------------------------------
// Symbols used as `choices=`: module constants of server_args.py plus a few imported ones.
// ---------------------------------------------------------------------------
// Top-level `NAME = <expr>` assignments of a module (balanced across lines).
function moduleConstants(text) {
  const out = {};
  const re = /^([A-Z][A-Z0-9_]*)\s*(?::[^=\n]+)?=\s*/gm;
  let m;
  while ((m = re.exec(text))) {
    let i = m.index + m[0].length;
    let j = i;
    if (OPEN[text[i]]) j = findClose(text, i) + 1;
    else j = text.indexOf('\n', i);
    out[m[1]] = text.slice(i, j).trim();
  }
  return out;
}
const saConsts = moduleConstants(src.serverArgs);
const commonConsts = moduleConstants(src.common);

// Class-level dict literal keys, e.g. ReasoningParser.DetectorMap = {...}.
function classDictKeys(text, attr) {
  const m = text.match(new RegExp(`\\b${attr}\\s*(?::[^=\\n]+)?=\\s*\\{`));
  must(m, `${attr} dict literal`);
  const open = m.index + m[0].length - 1;
  return splitTop(text.slice(open + 1, findClose(text, open))).map((e) => pyValue(splitTop(e, ':')[0]));
}
function classBlock(text, name) {
  const m = text.match(new RegExp(`^class ${name}\\b[^\\n]*:\\n`, 'm'));
  must(m, `class ${name}`);
  const rest = text.slice(m.index + m[0].length);
  const end = rest.search(/^\S/m);
  return rest.slice(0, end < 0 ? undefined : end);
}
// Where each imported choice symbol was read (file + how), resolved mechanically.
const EXTERNAL = {
  SUPPORTED_LORA_TARGET_MODULES: () => pyValue(commonConsts.SUPPORTED_LORA_TARGET_MODULES),
  LORA_TARGET_ALL_MODULES: () => pyValue(commonConsts.LORA_TARGET_ALL_MODULES),
  'Backend.ALL': () => {
    const body = classBlock(src.cudaGraph, 'Backend');
    const attrs = Object.fromEntries([...body.matchAll(/^\s+([A-Z_]+)\s*=\s*(.+)$/gm)].map((m) => [m[1], m[2].trim()]));
    const all = attrs.ALL.trim(); // a tuple of the other class attributes
    return splitTop(all.slice(1, -1)).map((n) => pyValue(attrs[n]));
  },
  'ReasoningParser.DetectorMap': () => classDictKeys(src.reasoning, 'DetectorMap'),
  'FunctionCallParser.ToolCallParserEnum': () => classDictKeys(src.toolCall, 'ToolCallParserEnum'),
  RealKvHashMode: () => [...classBlock(src.kvCanary, 'RealKvHashMode').matchAll(/^\s+([A-Z_]+)\s*=/gm)].map((m) => m[1]),
};

// Resolve a choices expression: literals, constants, `a + b`, and the few idioms used.
function resolveChoices(expr, locals = {}) {
  const t = stripParens(expr);
  const lit = pyValue(t);
  if (Array.isArray(lit)) return lit;
  const terms = splitTop(t, '+');
  if (terms.length > 1) {
    const parts = terms.map((x) => resolveChoices(x, locals));
    return parts.some((p) => p === null) ? null : parts.flatMap((p) => (Array.isArray(p) ? p : [p]));
  }
  if (locals[t]) return resolveChoices(locals[t], locals);
  if (saConsts[t]) return resolveChoices(saConsts[t], locals);
  if (EXTERNAL[t]) { const v = EXTERNAL[t](); return v === undefined ? null : Array.isArray(v) ? v : [v]; }
  let m = t.match(/^list\(\s*([\w.]+)\.keys\(\)\s*\)$/);
  if (m && EXTERNAL[m[1]]) return EXTERNAL[m[1]]();
  m = t.match(/^\[\s*\w+\.name\.lower\(\)\s+for\s+\w+\s+in\s+(\w+)\s*\]$/);
  if (m && EXTERNAL[m[1]]) return EXTERNAL[m[1]]().map((x) => x.toLowerCase());
  if (/^[[(]/.test(t)) {
    const items = splitTop(t.slice(1, -1)).map((x) => pyValue(x) ?? resolveChoices(x, locals));
    return items.flat();
  }
  return null;
}

// ---------------------------------------------------------------------------
// ServerArgs dataclass fields -> argparse arguments (mirrors arg_utils.py logic).
// ---------------------------------------------------------------------------
// Split a class body into logical statements at depth 0, keeping comment lines.
function classStatements(text, className) {
  const m = text.match(new RegExp(`^class ${className}\\b[^\\n]*:\\n`, 'm'));
  if (!m) return null;
  const start = m.index + m[0].length;
  const stmts = [];
  let lineStart = start;
  const flush = (endIdx) => {
    const raw = text.slice(lineStart, endIdx);
    if (raw.trim()) stmts.push(raw);
    lineStart = endIdx + 1;
  };
  // Comments are statements of their own here (section banners), so scan manually.
  let depth = 0;
  for (let i = start; i < text.length; ) {
    const ch = text[i];
    if (ch === '"' || ch === "'") { i = skipString(text, i); continue; }
    if (ch === '#') { const nl = text.indexOf('\n', i); i = nl < 0 ? text.length : nl; continue; }
    if (OPEN[ch]) depth++;
    else if (CLOSE.has(ch)) depth--;
    else if (ch === '\n' && depth === 0 && text[i - 1] !== '\\') {
      flush(i);
      // The class body ends at the next non-blank line with no indentation.
      if (/^[^\s#]/.test(text.slice(i + 1, i + 2))) break;
    }
    i++;
  }
  return stmts;
}

function unwrapOptional(t) {
  t = t.trim();
  let m = t.match(/^Optional\s*\[([\s\S]*)\]$/);
  if (m) return { inner: m[1].trim(), optional: true };
  m = t.match(/^Union\s*\[([\s\S]*)\]$/);
  if (m) {
    const parts = splitTop(m[1]);
    const nonNone = parts.filter((p) => p !== 'None' && p !== 'type(None)');
    if (nonNone.length === 1 && parts.length === 2) return { inner: nonNone[0], optional: true };
  }
  const bar = splitTop(t, '|');
  if (bar.length === 2 && bar.includes('None')) return { inner: bar.find((p) => p !== 'None'), optional: true };
  return { inner: t, optional: false };
}
const PY_TYPE = { str: 'string', int: 'int', float: 'float', bool: 'bool' };
// Names of `type_parser=` callables and what kind of value they accept.
const VALUE_PARSERS = {
  human_readable_int: 'int',
  'json.loads': 'json',
  json_list_type: 'json',
  nullable_str: 'string',
  parse_cuda_graph_config_arg: 'json',
  parse_connector_type: 'string',
  str: 'string',
  int: 'int',
  float: 'float',
};

function fieldsOf(text) {
  const stmts = classStatements(text, 'ServerArgs');
  if (!stmts) return { fields: [], order: [] };
  const fields = new Map();
  let section = null;
  const comments = [];
  for (const st of stmts) {
    const line = st.replace(/^\n+/, '');
    if (/^\s*#/.test(line)) { comments.push(line.trim().replace(/^#\s?/, '')); continue; }
    // A section title is a comment line between two "# ----" banners.
    for (let k = 1; k + 1 < comments.length; k++) {
      if (/^-{5,}$/.test(comments[k - 1]) && /^-{5,}$/.test(comments[k + 1])) section = comments[k];
    }
    comments.length = 0;
    if (/^ {4}(def |@|class )/.test(line)) break; // methods follow the fields
    const m = line.match(/^ {4}([A-Za-z_]\w*)\s*:(?!=)([\s\S]*)$/);
    if (!m) continue;
    const name = m[1];
    const rest = m[2];
    const eq = findAssign(rest);
    const annotation = stripComments(eq < 0 ? rest : rest.slice(0, eq)).trim();
    const defaultText = eq < 0 ? null : stripComments(rest.slice(eq + 1)).trim();
    const rec = { name, annotation, defaultText, section, meta: null, typeText: annotation };
    const am = annotation.match(/^A\s*\[/);
    if (am) {
      const open = am[0].length - 1;
      const parts = splitTop(annotation.slice(open + 1, findClose(annotation, open)));
      rec.typeText = parts[0];
      const metaText = parts[1];
      if (metaText && /^Arg\s*\(/.test(metaText)) {
        const o = metaText.indexOf('(');
        const { kw } = parseCallArgs(metaText.slice(o + 1, findClose(metaText, o)));
        rec.meta = { kw, help: kw.help ? stringTokens(kw.help).join('') : '' };
      } else if (metaText) {
        rec.meta = { kw: {}, help: stringTokens(metaText).join('') };
      }
    }
    if (fields.has(name)) rec.duplicate = true; // re-declared field: Python keeps the first position, last value
    fields.set(name, { ...(fields.get(name) || {}), ...rec, order: fields.get(name)?.order ?? fields.size });
  }
  return { fields: [...fields.values()].sort((a, b) => a.order - b.order) };
}

// Turn one annotated field into the argparse argument add_cli_args_from_dataclass makes.
function fieldToArg(f) {
  if (!f.meta) return null;
  const kw = f.meta.kw;
  if (kw.no_cli && pyValue(kw.no_cli) === true) return null;
  const cliName = kw.cli_name ? pyValue(kw.cli_name) : '--' + f.name.replace(/_/g, '-');
  const aliases = kw.aliases ? pyValue(kw.aliases) : [];
  const arg = {
    dest: f.name,
    optionStrings: [cliName, ...aliases],
    help: f.meta.help,
    pythonType: collapse(f.typeText).replace(/([[(]) /g, '$1').replace(/,? ([\])])/g, '$1'),
    defaultText: f.defaultText,
    section: f.section,
    kind: null,
    hidden: kw.help === 'argparse.SUPPRESS', // listed nowhere in --help
  };
  const { inner } = unwrapOptional(f.typeText);
  const lit = inner.match(/^Literal\s*\[([\s\S]*)\]$/);
  const list = inner.match(/^(?:List|list)\s*\[([\s\S]*)\]$/);
  if (kw.action) {
    arg.action = kw.action;
    const ak = kw.action_kwargs ? parseCallArgs(kw.action_kwargs.slice(1, -1).replace(/"(\w+)"\s*:/g, '$1=')).kw : {};
    arg.nargs = ak.nargs ? pyValue(ak.nargs) : undefined;
    if (/BooleanOptionalAction$/.test(kw.action)) {
      arg.kind = 'bool';
      arg.negation = '--no-' + cliName.slice(2);
    } else {
      arg.kind = arg.nargs ? 'list' : 'string';
      arg.itemType = ak.type ? PY_TYPE[ak.type] : 'string';
    }
  } else if (lit) {
    const vals = splitTop(lit[1]).map(pyValue);
    arg.choicesExpr = kw.choices || null;
    arg.choices = kw.choices ? resolveChoices(kw.choices) : vals;
    arg.kind = 'choice';
    arg.itemType = vals[0] === null ? 'string' : typeof vals[0] === 'number' ? 'int' : 'string';
  } else if (list && !kw.type_parser) {
    arg.kind = 'list';
    arg.itemType = PY_TYPE[list[1].trim()] || 'string';
    arg.nargs = kw.nargs ? pyValue(kw.nargs) : '+';
    if (kw.choices) { arg.choicesExpr = kw.choices; arg.choices = resolveChoices(kw.choices); }
  } else if (inner === 'bool') {
    arg.kind = 'bool';
    arg.action = 'store_true';
  } else {
    arg.valueParser = kw.type_parser || null;
    arg.kind = kw.type_parser ? VALUE_PARSERS[kw.type_parser] || 'string' : PY_TYPE[inner] || 'string';
    if (kw.choices) { arg.choicesExpr = kw.choices; arg.choices = resolveChoices(kw.choices); }
    if (kw.nargs) arg.nargs = pyValue(kw.nargs);
    if (arg.nargs === '*' || arg.nargs === '+') { arg.itemType = arg.kind; arg.kind = 'list'; }
    // arg_utils: required when there is no default (or Arg(required=True)).
    const req = kw.required ? pyValue(kw.required) : null;
    arg.required = req === true || (req === null && f.defaultText === null);
  }
  if (arg.kind === 'choice' || (arg.choices && arg.kind !== 'list')) arg.kind = 'choice';
  return arg;
}

// Manual parser.add_argument(...) calls inside ServerArgs.add_cli_args.
function manualArgs(text) {
  const start = text.indexOf('def add_cli_args(');
  must(start > 0, 'ServerArgs.add_cli_args');
  // The method ends where the next method (or its decorator) starts.
  const next = ['\n    def ', '\n    @'].map((k) => text.indexOf(k, start + 10)).filter((i) => i > 0);
  const end = next.length ? Math.min(...next) : text.length;
  const body = text.slice(start, end);
  // Local variables used for dynamic choices (e.g. reasoning_parser_choices = list(...)).
  const locals = Object.fromEntries([...body.matchAll(/^\s+(\w+_choices)\s*=\s*(.+)$/gm)].map((m) => [m[1], m[2].trim()]));
  const out = [];
  for (const m of body.matchAll(/parser\.add_argument\(/g)) {
    const open = m.index + m[0].length - 1;
    const { positional, kw } = parseCallArgs(body.slice(open + 1, findClose(body, open)));
    const opts = positional.map(pyValue);
    const helpSuppressed = kw.help === 'argparse.SUPPRESS';
    const arg = {
      dest: kw.dest ? pyValue(kw.dest) : opts[0].slice(2).replace(/-/g, '_'),
      optionStrings: opts,
      help: helpSuppressed ? '' : stringTokens(kw.help || '').join(''),
      hidden: helpSuppressed,
      action: kw.action ? pyValue(kw.action) ?? kw.action : 'store', // "store_true" or an Action class name
      manual: true,
      newFlag: kw.new_flag ? pyValue(kw.new_flag) : null,
      constValue: kw.const_value || null,
      nargs: kw.nargs ? pyValue(kw.nargs) : undefined,
      defaultText: kw.default ?? null,
    };
    const type = kw.type ? PY_TYPE[kw.type] || 'string' : 'string';
    if (kw.choices) { arg.choicesExpr = kw.choices; arg.choices = resolveChoices(kw.choices, locals); }
    if (/StoreTrue|store_true|DeprecatedStoreConstAction/.test(arg.action)) arg.kind = 'bool';
    else if (arg.action === 'DeprecatedAction') arg.kind = 'bool'; // nargs=0, value ignored
    else if (arg.nargs === '+' || arg.nargs === '*') { arg.kind = 'list'; arg.itemType = type; }
    else arg.kind = arg.choices ? 'choice' : type;
    out.push(arg);
  }
  return out;
}

// Every option string a version of server_args.py registers (used for history too).
function optionStringsOf(text) {
  const set = new Set();
  for (const f of fieldsOf(text).fields) {
    const a = fieldToArg(f);
    if (a) a.optionStrings.forEach((o) => set.add(o));
  }
  // Older (pre-annotation) versions registered everything with parser.add_argument("--x", ...).
  for (const m of text.matchAll(/\.add_argument\(\s*/g)) {
    let i = m.index + m[0].length;
    for (;;) {
      const sm = text.slice(i, i + 200).match(/^(["'])(-[^"'\s]*)\1\s*([,)])\s*/);
      if (!sm) break;
      set.add(sm[2]);
      i += sm[0].length;
      if (sm[3] === ')') break;
    }
  }
  return set;
}

// ---------------------------------------------------------------------------
// CURATED: facts read by hand, each verified against the source text below.
// ---------------------------------------------------------------------------
const CURATED = {
  // Env vars that set a flag's value (read in ServerArgs methods / prepare_server_args).
  flagEnv: [
    {
      flag: '--grpc-port', env: 'SGLANG_GRPC_PORT', file: F.serverArgs,
      evidence: /grpc_port_env = envs\.SGLANG_GRPC_PORT\.get\(\)\s*\n\s*if self\.grpc_port is None and grpc_port_env is not None:/,
      note: 'used only when --grpc-port is not given',
    },
    {
      flag: '--fuseep-mode', env: 'SGLANG_NPU_FUSED_MOE_MODE', file: F.serverArgs,
      evidence: /raw_args\.fuseep_mode = fuseep_mode/,
      note: 'deprecated env (warning); ignored when --fuseep-mode is on the command line; must be 1 or 2',
    },
    {
      flag: '--enable-prefill-delayer', env: 'SGLANG_SCHEDULER_DECREASE_PREFILL_IDLE', file: F.serverArgs,
      evidence: /if envs\.SGLANG_SCHEDULER_DECREASE_PREFILL_IDLE\.get\(\):\s*\n\s*self\.enable_prefill_delayer = True/,
      note: 'deprecated env (environ.py warns: use --enable-prefill-delayer); truthy value forces the flag on',
    },
    {
      flag: '--prefill-delayer-max-delay-passes', env: 'SGLANG_PREFILL_DELAYER_MAX_DELAY_PASSES', file: F.serverArgs,
      evidence: /if x := envs\.SGLANG_PREFILL_DELAYER_MAX_DELAY_PASSES\.get\(\):\s*\n\s*self\.prefill_delayer_max_delay_passes = x/,
      note: 'deprecated env; when set it overrides the flag',
    },
    {
      flag: '--prefill-delayer-token-usage-low-watermark', env: 'SGLANG_PREFILL_DELAYER_TOKEN_USAGE_LOW_WATERMARK', file: F.serverArgs,
      evidence: /if x := envs\.SGLANG_PREFILL_DELAYER_TOKEN_USAGE_LOW_WATERMARK\.get\(\):\s*\n\s*self\.prefill_delayer_token_usage_low_watermark = x/,
      note: 'deprecated env; when set it overrides the flag',
    },
  ],
  // The CUDA base image's entrypoint (not in SGLang's repo): nvidia/cuda images set
  // ENTRYPOINT ["/opt/nvidia/nvidia_entrypoint.sh"], whose last lines are
  // `if [[ $# -eq 0 ]]; then exec "/bin/bash"; else exec "$@"; fi` (read via the search
  // index from copies of NVIDIA's container-images/cuda Dockerfiles and entrypoint script).
  baseImageEntrypoint: {
    entrypoint: ['/opt/nvidia/nvidia_entrypoint.sh'],
    line: 'exec "$@"',
    where: 'NVIDIA container-images/cuda Dockerfiles',
  },
  // HF cache location convention (huggingface_hub), matching the compose volume.
  cacheMovedBy: ['HF_HOME', 'HF_HUB_CACHE', 'SGLANG_USE_MODELSCOPE (switches downloads to ModelScope, cache ~/.cache/modelscope)', 'SGLANG_CACHE_DIR (SGLang kernel/JIT cache, default ~/.cache/sglang)'],
  // Replacements for removed flags, where the removal commit or current source says so.
  // Renames whose successor the last help text does not name; the evidence is the removal
  // commit (its subject and the flags it added), listed in removed_flags[].evidence.
  removedReplacement: {
    '--max-cuda-graph-bs': '--cuda-graph-max-bs', // PR #1811 added --cuda-graph-max-bs / --torch-compile-max-bs
    '--max-torch-compile-bs': '--torch-compile-max-bs',
    '--file-storage-pth': '--file-storage-path', // PR #4032 added --file-storage-path
    '--enable-gemma3-multimodal': '--enable-multimodal', // PR #5349 added --enable-multimodal
    '--enable-llama4-multimodal': '--enable-multimodal',
    '--n-share-experts-fusion': '--num-fused-shared-experts', // PR #6735 "Rename n_share_experts_fusion as num_fused_shared_experts"
    '--speculative-lookahead-branch-length': '--speculative-ngram-branch-length', // PR #11010 "rename lookahead to ngram"
    '--speculative-lookahead-capacity': '--speculative-ngram-capacity',
    '--speculative-lookahead-match-type': '--speculative-ngram-match-type',
    '--speculative-lookahead-max-bfs-breadth': '--speculative-ngram-max-bfs-breadth',
    '--speculative-lookahead-min-bfs-breadth': '--speculative-ngram-min-bfs-breadth',
    '--speculative-lookahead-max-match-window-size': '--speculative-ngram-max-match-window-size',
    '--speculative-lookahead-min-match-window-size': '--speculative-ngram-min-match-window-size',
    '--nsa-prefill': '--nsa-prefill-backend', // PR #11876 added --nsa-prefill-backend / --nsa-decode-backend
    '--nsa-decode': '--nsa-decode-backend',
    '--kt-amx-method': '--kt-method', // PR #12834 added --kt-method / --kt-weight-path
    '--kt-amx-weight-path': '--kt-weight-path',
  },
};

// ---------------------------------------------------------------------------
// Build the flag table.
// ---------------------------------------------------------------------------
const { fields } = fieldsOf(src.serverArgs);
must(fields.length > 300, `ServerArgs fields parsed (${fields.length})`);
must(/add_cli_args_from_dataclass\(parser, ServerArgs\)/.test(src.serverArgs), 'add_cli_args derives from the dataclass');
const fieldByName = new Map(fields.map((f) => [f.name, f]));
const derived = fields.map(fieldToArg).filter(Boolean);
const manual = manualArgs(src.serverArgs);
const allArgs = [...derived, ...manual];

// Default as argparse sees it: field default for derived args; resolved kw for manual ones.
function defaultOf(a) {
  let text = a.defaultText;
  if (a.manual) {
    if (text === null) {
      if (/DeprecatedStoreTrueAction|store_true/.test(a.action)) return { value: false, literal: 'False' };
      return { value: null, literal: null };
    }
    if (text === 'argparse.SUPPRESS') return { value: null, literal: 'argparse.SUPPRESS' };
    const m = text.match(/^ServerArgs\.(\w+)$/);
    if (m) text = fieldByName.get(m[1])?.defaultText ?? text;
  }
  if (text === null) return { value: null, literal: null };
  const lit = collapse(stripParens(text));
  let v = pyValue(text);
  // dataclasses.field(default_factory=list | lambda: list(CONST)) -> the list it builds.
  const fm = lit.match(/^dataclasses\.field\(\s*default_factory\s*=\s*(?:lambda:\s*)?(.*?)\s*\)$/);
  if (fm) {
    const inner = fm[1].match(/^list\((\w*)\)$/) || (fm[1] === 'list' ? [fm[1], ''] : null);
    if (inner) v = inner[1] ? pyValue(saConsts[inner[1]] ?? '') ?? undefined : [];
    if (Array.isArray(v)) v = [...v];
  }
  // Plain integer arithmetic such as 10 * 1000 * 1000 or 2**31 (digits and operators only).
  if (v === undefined && /^[\d_\s*+\-()]+$/.test(lit)) v = arith(lit.replace(/_/g, ''));
  return { value: v === undefined ? lit : v, literal: lit };
}

// Integer arithmetic over + - * ** and parentheses (a recursive-descent evaluator, no eval).
function arith(expr) {
  const toks = expr.match(/\d+|\*\*|[-+*()]/g) || [];
  let i = 0;
  const atom = () => {
    const t = toks[i++];
    if (t === '(') { const v = sum(); i++; return v; }
    if (t === '-') return -atom();
    return Number(t);
  };
  const pow = () => { const b = atom(); if (toks[i] === '**') { i++; return b ** pow(); } return b; };
  const prod = () => { let v = pow(); while (toks[i] === '*') { i++; v *= pow(); } return v; };
  const sum = () => { let v = prod(); while (toks[i] === '+' || toks[i] === '-') { const op = toks[i++]; const r = prod(); v = op === '+' ? v + r : v - r; } return v; };
  const v = sum();
  return i === toks.length && Number.isFinite(v) ? v : undefined;
}

// First sentence or two of a help text (a sentence ends at . ! ? followed by space + capital).
function firstSentences(help, n = 2) {
  if (!help) return '';
  const t = help.split(/\n\s*\n/)[0].replace(/\s+/g, ' ').trim();
  return t.split(/(?<=[.!?])\s+(?=[A-Z"'(\[`*])/).slice(0, n).join(' ').trim();
}

const allOptionStrings = ['-h', '--help', ...allArgs.flatMap((a) => [...a.optionStrings, ...(a.negation ? [a.negation] : [])])];
// Shortest prefix argparse (allow_abbrev=True) resolves to exactly this option string.
function minPrefix(opt) {
  for (let k = 3; k <= opt.length; k++) {
    const p = opt.slice(0, k);
    if (allOptionStrings.includes(p) && p !== opt) continue;
    const matches = allOptionStrings.filter((o) => o.startsWith(p));
    if (matches.length === 1) return p;
  }
  return opt;
}

const flagEnv = Object.fromEntries(CURATED.flagEnv.map((c) => {
  must(c.evidence.test(src[Object.keys(F).find((k) => F[k] === c.file)]), `env ${c.env} -> ${c.flag}`);
  return [c.flag, c];
}));

const flags = allArgs.map((a) => {
  const d = defaultOf(a);
  const help = a.help || '';
  const deprecated = !!a.manual && /^Deprecated/.test(a.action) || /^\s*[([]?deprecated\b/i.test(help);
  const replacement = a.newFlag
    || (deprecated
      ? (help.match(/alias for\s+(--[a-z0-9-]+(?:\s+[a-z_]+(?=\.))?)/i) || help.match(/\buse\s+(--[a-z0-9-]+(?:=[\w{},]+)?)/i) || [])[1] || null
      : null);
  const takesValue = a.kind !== 'bool';
  const rec = {
    flag: a.optionStrings[0],
    aliases: [...a.optionStrings.slice(1), ...(a.negation ? [a.negation] : [])],
    env: flagEnv[a.optionStrings[0]]?.env ?? null,
    takes_value: takesValue,
    type: a.kind,
    default: d.value,
    choices: a.choices ?? null,
    repeatable: false,
    deprecated,
    meaning: firstSentences(help),
    // --- extra, SGLang-specific detail ---
    dest: a.dest,
    default_literal: d.literal,
    python_type: a.pythonType ?? null,
    section: a.section ?? null,
    min_prefix: minPrefix(a.optionStrings[0]),
  };
  if (a.itemType) rec.item_type = a.itemType;
  if (a.nargs !== undefined) rec.nargs = a.nargs;
  if (a.valueParser) rec.value_parser = a.valueParser;
  if (a.valueParser === 'human_readable_int') rec.value_note = 'accepts SI/IEC suffixes: 1k, 25.6k, 1M, 1Ki, 1Mi (case-sensitive)';
  if (a.choicesExpr && !Array.isArray(pyValue(a.choicesExpr))) rec.choices_from = a.choicesExpr;
  if (a.negation) rec.negation = a.negation;
  if (a.action && !['store_true', 'store'].includes(a.action)) rec.action = a.action;
  if (a.required) rec.required = true;
  if (a.hidden) rec.hidden = true;
  if (a.manual) rec.registered = 'manual add_argument in add_cli_args';
  if (replacement) rec.replacement = replacement;
  if (a.constValue) rec.sets = `${a.dest}=${a.constValue}`;
  if (flagEnv[rec.flag]) rec.env_note = flagEnv[rec.flag].note;
  return rec;
});

const flagBy = (f) => flags.find((x) => x.flag === f);

// Destinations written by more than one option string (aliases and deprecated spellings).
const byDest = new Map();
for (const a of allArgs) {
  if (!byDest.has(a.dest)) byDest.set(a.dest, []);
  byDest.get(a.dest).push(...a.optionStrings);
}
const sharedDests = [...byDest.entries()]
  .filter(([, opts]) => opts.length > 1)
  .map(([dest, opts]) => ({ dest, option_strings: opts }));

// ---------------------------------------------------------------------------
// Parser facts, read from the entry points (checked, then stated).
// ---------------------------------------------------------------------------
const prep = src.serverArgs.slice(src.serverArgs.indexOf('def prepare_server_args('));
const prepParser = prep.match(/argparse\.ArgumentParser\(([^)]*)\)/);
must(prepParser, 'prepare_server_args builds an ArgumentParser');
const allowAbbrev = !/allow_abbrev\s*=\s*False/.test(prepParser[1]);
const rejectsUnknown = /raw_args = parser\.parse_args\(argv\)/.test(prep) && !/parse_known_args/.test(prep.slice(0, 3000));
const prog = (prepParser[1].match(/prog\s*=\s*"([^"]+)"/) || [])[1];
must(/prepare_server_args\(sys\.argv\[1:\]\)/.test(src.launch), 'launch_server passes sys.argv[1:]');
must(/args, extra_argv = parser\.parse_known_args\(\)/.test(src.cliMain), 'sglang CLI main uses parse_known_args');
must(/"serve",\s*help="[^"]*",\s*add_help=False/.test(src.cliMain), 'serve subparser add_help=False');
must(/def _extract_model_type_override/.test(src.cliServe) && /def _normalize_positional_model_path/.test(src.cliServe), 'serve pre-processing');
must(/if arg in \("--model-path", "--model"\)/.test(src.cliUtils), 'get_model_path exact match');
must(/if "--config" in argv:/.test(src.serverArgs), '--config exact match');
must(/sglang = "sglang\.cli\.main:main"/.test(src.pyproject), 'console script');

const serveModelTypes = pyValue((src.cliServe.match(/if model_type not in (\([^)]*\)):/) || [])[1] ?? '');
must(Array.isArray(serveModelTypes), '--model-type choices in serve.py');
const parser = {
  kind: 'argparse',
  rejects_unknown: rejectsUnknown,
  unknown_error: `${prog}: error: unrecognized arguments: --x`,
  allows_abbreviation: allowAbbrev,
  value_forms: ['--flag value', '--flag=value'],
  notes: [
    `One argparse.ArgumentParser(${prepParser[1].trim()}) built in prepare_server_args() (${F.serverArgs}); allow_abbrev is not passed, so the default True applies: an unambiguous prefix of a long option is accepted (e.g. ${flagBy('--mem-fraction-static').min_prefix} → --mem-fraction-static, ${flagBy('--trust-remote-code').min_prefix} → --trust-remote-code), an ambiguous one exits with "${prog}: error: ambiguous option: --x could match --a, --b". Exact option strings always win. Each flag's min_prefix is the shortest prefix that resolves to it among all ${allOptionStrings.length} option strings (incl. -h/--help).`,
    `Unknown options: parse_args (not parse_known_args) → usage + "${prog}: error: unrecognized arguments: ..." on stderr, exit status 2, before any model loading. The same prog text "${prog}" is printed for both entry points.`,
    `Booleans are store_true flags (no value): "--trust-remote-code true" fails with "unrecognized arguments: true"; "--flag=x" on a store_true flag fails with "ignored explicit argument". Exceptions: ${flags.filter((f) => f.negation).map((f) => f.flag).join(', ')} are BooleanOptionalAction (also --no-<name>); deprecated no-op flags (action DeprecatedAction) take no value and only warn.`,
    'List flags use nargs="+" (or "*"): values are the following space-separated words up to the next option; a repeated option replaces the earlier value (last wins, no error) for every flag.',
    'Values of int/float flags are parsed by int()/float(); --context-length, --max-total-tokens, --max-prefill-tokens accept human-readable ints (1k, 32Ki). JSON-valued flags (--json-model-override-args, --cuda-graph-config, ...) take one JSON string.',
    `Entry points: (1) python -m sglang.launch_server ARGS → prepare_server_args(sys.argv[1:]) directly (prints a UserWarning recommending "sglang serve"). (2) sglang serve ARGS (console script sglang = sglang.cli.main:main): the top-level parser uses parse_known_args and the "serve" subparser has add_help=False, so everything after "serve" is handed to serve(), which (a) removes --model-type {auto,llm,diffusion} (exact "--model-type X" or "--model-type=X" only), (b) turns a first word not starting with "-" into --model-path <word>, (c) looks for the model with an EXACT "--model-path"/"--model" (or "=" form) — an abbreviated --model-p is not found there and "Error: --model-path is required." is raised, (d) probes whether the model is a diffusion model (local model_index.json / Hub download); if so a different parser (multimodal_gen, parse_known_args) is used, else prepare_server_args(argv) as in (1).`,
    '--model-path has no default and is required by argparse ("the following arguments are required: --model-path/--model"); --model is an alias.',
    '--config FILE.yaml: only the exact word "--config" followed by a path triggers merging (a "--config=file.yaml" form is accepted by argparse but not merged). YAML keys become "--key value" words inserted before the CLI words (CLI wins); store_true keys are added only when true; other booleans as "--key true/false"; lists as several words; dicts as JSON.',
    'Plugins (sglang.srt.plugins.load_plugins, run before parsing) may extend choice lists via add_*_choices(); --sampling-backend gains "token_oracle" only when SGLANG_KV_CANARY_ENABLE_TOKEN_ORACLE is set. Choice lists here are the source defaults.',
    'Env vars named SGL_* are copied to SGLANG_* (with a deprecation warning) when sglang.srt.environ is imported.',
  ].join(' '),
  prog,
  entrypoints: {
    'python -m sglang.launch_server': 'prepare_server_args(sys.argv[1:]): one argparse parser, abbreviations accepted, unknown options rejected',
    'sglang serve': 'pre-processes argv (positional model, --model-type, exact --model-path/--model lookup, diffusion detection), then the same prepare_server_args for LLMs',
  },
  shared_dests: sharedDests,
  // Words `sglang serve` consumes itself before argparse sees the rest (python/sglang/cli/serve.py).
  serve_only_options: [
    {
      flag: '--model-type',
      takes_value: true,
      type: 'choice',
      default: 'auto',
      choices: serveModelTypes,
      meaning: 'Forces the LLM or diffusion server instead of auto-detection; only exact "--model-type X" / "--model-type=X" is recognised, and python -m sglang.launch_server rejects it as an unrecognized argument.',
    },
    {
      flag: '<model> (positional)',
      takes_value: true,
      type: 'string',
      default: null,
      choices: null,
      meaning: 'A first word not starting with "-" becomes --model-path <word>.',
    },
  ],
};

// ---------------------------------------------------------------------------
// Env vars: the Envs registry in environ.py plus direct os.environ reads.
// ---------------------------------------------------------------------------
const envs = [];
{
  const body = classBlock(src.environ, 'Envs');
  const lines = body.split('\n');
  let section = null;
  let block = [];
  let afterBlank = true;
  let blockStartsAfterBlank = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = line.trim();
    if (!t) { afterBlank = true; block = []; continue; }
    if (t.startsWith('#')) {
      if (!block.length) blockStartsAfterBlank = afterBlank;
      const c = t.replace(/^#\s?/, '');
      if (/^=+$/.test(c)) continue; // "# ====" banner lines frame a title
      block.push(c);
      // A short title-like first line after a blank line names a group of vars.
      if (block.length === 1 && blockStartsAfterBlank && c.length <= 40 && !/\.$/.test(c)) section = c;
      afterBlank = false;
      continue;
    }
    afterBlank = false;
    const m = line.match(/^ {4}([A-Z][A-Z0-9_]*)\s*=\s*(Env\w+)\(/);
    if (!m) { block = []; continue; }
    // Balanced call text, possibly over several lines.
    const startIdx = lines.slice(0, i).join('\n').length + (i ? 1 : 0);
    const open = startIdx + line.indexOf('(');
    const close = findClose(body, open);
    const { positional, kw } = parseCallArgs(body.slice(open + 1, close));
    const endLine = i + body.slice(startIdx, close).split('\n').length - 1;
    const inline = (lines[endLine].match(/\)\s*#\s*(.*)$/) || [])[1];
    const defText = positional[0] ?? kw.default ?? null;
    const dv = defText === null ? null : pyValue(defText);
    const parseKind = m[2].replace(/^Env/, '').replace(/WithAlias$/, '').toLowerCase();
    // A block's first line that was taken as the group title is not this var's meaning.
    const own = block[0] === section && blockStartsAfterBlank ? block.slice(1) : block;
    const meaning = [...own, ...(inline ? [inline] : [])].join(' ').replace(/\s+/g, ' ').trim() || null;
    const rec = {
      name: m[1],
      meaning,
      default: dv === undefined ? collapse(defText) : dv,
      source_file: F.environ,
      parse: parseKind,
      section,
    };
    if (kw.deprecated_name) rec.deprecated_alias = pyValue(kw.deprecated_name);
    envs.push(rec);
    block = [];
    i = endLine;
  }
  must(envs.length > 400, `Envs registry parsed (${envs.length})`);
}
const envNames = new Set(envs.map((e) => e.name));
// Where server_args.py / http_server.py read envs.X.
for (const [key, file] of [['serverArgs', F.serverArgs], ['http', F.http]]) {
  for (const m of src[key].matchAll(/envs\.([A-Z][A-Z0-9_]*)\.(get|is_set)\(/g)) {
    const e = envs.find((x) => x.name === m[1]);
    if (e) (e.read_in ??= []).includes(file) || e.read_in.push(file);
  }
}
// Direct reads outside the registry (os.getenv / os.environ / get_*_env_var).
const directReads = [];
for (const [key, file] of [['serverArgs', F.serverArgs], ['http', F.http]]) {
  const re = /(os\.getenv|os\.environ\.get|get_bool_env_var|get_int_env_var)\(\s*"([A-Z][A-Z0-9_]*)"\s*(?:,\s*([^)\n]+))?\)|os\.environ\["([A-Z][A-Z0-9_]*)"\](?!\s*=[^=])/g;
  for (const m of src[key].matchAll(re)) {
    const name = m[2] || m[4];
    if (envNames.has(name) || directReads.some((d) => d.name === name)) continue;
    const lineNo = src[key].slice(0, m.index).split('\n').length;
    const line = src[key].split('\n')[lineNo - 1].trim();
    let def = m[3] !== undefined ? pyValue(m[3]) : null;
    if (m[1] === 'get_bool_env_var' && m[3] === undefined) def = false; // get_bool_env_var default "false"
    directReads.push({ name, meaning: null, default: def === undefined ? collapse(m[3]) : def, source_file: file, parse: m[1] || 'os.environ[]', line: `${file}:${lineNo}: ${line}` });
  }
}
// Curated meanings for the direct reads (from the line that reads them).
const DIRECT_MEANING = {
  SGLANG_HEALTH_CHECK_TIMEOUT: 'Seconds /health (with generation) and /health_generate wait for the probe request before answering 503.',
  SGLANG_WAIT_WEIGHTS_READY_TIMEOUT: 'Seconds to wait for weights before readiness when --checkpoint-engine-wait-weights-before-ready is set.',
  DISABLE_OPENAPI_DOC: 'When true, FastAPI serves no /openapi.json (and no docs).',
  DUMPER_SERVER_PORT: '"reuse" mounts the debug dumper routes on the main HTTP server.',
  SGLANG_OLLAMA_ROOT_ROUTE: 'Path of the Ollama-compatible root route (unset: not added).',
  SGLANG_OLLAMA_CHAT_ROUTE: 'Path of the Ollama-compatible chat route.',
  SGLANG_OLLAMA_GENERATE_ROUTE: 'Path of the Ollama-compatible generate route.',
  SGLANG_OLLAMA_TAGS_ROUTE: 'Path of the Ollama-compatible tags route.',
  SGLANG_OLLAMA_SHOW_ROUTE: 'Path of the Ollama-compatible show route.',
  AIP_PREDICT_ROUTE: 'Vertex AI prediction route path (default /vertex_generate).',
  CUDA_COREDUMP_FILE: 'CUDA core dump file pattern; SGLang pre-creates its directory (%h expanded).',
};
for (const d of directReads) d.meaning = DIRECT_MEANING[d.name] ?? null;
// Deprecated env names translated or warned about at import of environ.py.
const deprecatedEnvs = [];
for (const m of src.environ.matchAll(/_print_deprecated_env\(\s*"([A-Z0-9_]+)"(?:\s*,\s*"([A-Z0-9_]+)")?\s*\)/g)) {
  deprecatedEnvs.push({ name: m[1], meaning: m[2] ? `Deprecated; value copied to ${m[2]} with a warning.` : 'Deprecated; only a warning is printed.', default: null, source_file: F.environ, deprecated: true, replacement: m[2] ?? null });
}
for (const m of src.environ.matchAll(/"([A-Z0-9_]+)":\s*"([A-Z0-9_]+)",/g)) {
  deprecatedEnvs.push({ name: m[1], meaning: `Deprecated (milliseconds); converted to ${m[2]} (seconds) with a warning.`, default: null, source_file: F.environ, deprecated: true, replacement: m[2] });
}
for (const m of src.environ.matchAll(/_warn_deprecated_env_to_cli_flag\(\s*"([A-Z0-9_]+)",\s*((?:"[^"]*"\s*)+),?\s*\)/g)) {
  const msg = stringTokens(m[2]).join('');
  const flag = (msg.match(/'(--[a-z0-9-]+)'/) || [])[1] ?? null;
  const existing = envs.find((e) => e.name === m[1]);
  if (existing) { existing.deprecated = true; existing.replacement = flag; existing.deprecation_message = msg; continue; }
  deprecatedEnvs.push({ name: m[1], meaning: `Deprecated: ${msg}`, default: null, source_file: F.environ, deprecated: true, replacement: flag });
}
must(/if key\.startswith\("SGL_"\):/.test(src.environ), 'SGL_ prefix translation');
deprecatedEnvs.push({ name: 'SGL_*', meaning: 'Any SGL_<X> variable is copied to SGLANG_<X> at import with a deprecation warning.', default: null, source_file: F.environ, deprecated: true, replacement: 'SGLANG_*' });
// Env vars that are already some flag's "env" stay in the list (they are registry entries) but say so.
for (const c of CURATED.flagEnv) {
  const e = envs.find((x) => x.name === c.env);
  if (e) e.sets_flag = c.flag;
}

// Help text of the add_argument call registering `opt` in an older server_args.py.
function helpBefore(text, opt) {
  const at = text.indexOf(`"${opt}"`);
  if (at < 0) return '';
  const call = text.lastIndexOf('add_argument(', at);
  if (call < 0) return '';
  const open = call + 'add_argument'.length;
  const { kw } = parseCallArgs(text.slice(open + 1, findClose(text, open)));
  return kw.help ? stringTokens(kw.help).join('') : '';
}

// ---------------------------------------------------------------------------
// Removed flags: walk server_args.py first-parent history (≈2 years) and diff option sets.
// ---------------------------------------------------------------------------
const removed = [];
{
  const since = new Date(new Date(commitDate).getTime() - 730 * 864e5).toISOString().slice(0, 10);
  // a version that parses to under half the options before it did not parse: passed over
  const skip = (cur, prev, c) => cur.size < prev.size * 0.5 && (console.warn(`skip ${c.sha.slice(0, 9)}: parsed ${cur.size} options`), true);
  const { removals: lastRemoval, commits } = removalsAlongHistory(repo, commit, F.serverArgs, optionStringsOf, { since, firstParent: true, skip });
  const head = new Set(allOptionStrings);
  for (const [o, c] of lastRemoval) {
    if (head.has(o)) continue;
    const pr = (c.subject.match(/\(#(\d+)\)\s*$/) || [])[1];
    const addedKept = c.added.filter((a) => head.has(a));
    // The help text just before removal often names the successor ("... use --x").
    const lastHelp = helpBefore(c.before, o);
    const named = (lastHelp.match(/(?:use|set|alias for|replaced by|in favou?r of)\s+[`'"]?(--[a-z0-9-]+)/i) || [])[1];
    let replacement = null;
    let basis = null;
    if (CURATED.removedReplacement[o]) { replacement = CURATED.removedReplacement[o]; basis = 'curated from the removal commit'; }
    else if (named && named !== o) { replacement = named; basis = 'named in the help text before removal'; }
    else if (c.gone.length === 1 && addedKept.length === 1) {
      // A one-for-one swap in a single commit is recorded as the likely rename (meaning may differ).
      replacement = addedKept[0];
      basis = 'only flag added by the removal commit';
    }
    removed.push({
      flag: o,
      replacement,
      replacement_basis: basis,
      last_help: lastHelp ? firstSentences(lastHelp, 2) : null,
      removed_in: c.date,
      evidence: `commit ${c.sha.slice(0, 9)}${pr ? ` / PR #${pr}` : ''}: ${c.subject}`,
      added_same_commit: addedKept,
    });
  }
  removed.sort((a, b) => a.removed_in.localeCompare(b.removed_in) || a.flag.localeCompare(b.flag));
  // Follow rename chains to the spelling that works at this commit (through removed flags
  // and through deprecated aliases that name their replacement).
  const headFlag = new Map(flags.flatMap((f) => [f.flag, ...f.aliases].map((o) => [o, f])));
  const removedBy = new Map(removed.map((r) => [r.flag, r]));
  for (const r of removed) {
    let cur = r.replacement;
    const seen = new Set();
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      const opt = cur.split(/[= ]/)[0];
      const hf = headFlag.get(opt);
      if (hf) { if (hf.deprecated && hf.replacement && hf.replacement.split(/[= ]/)[0] !== opt) { cur = hf.replacement; continue; } break; }
      cur = removedBy.get(opt)?.replacement ?? null;
    }
    r.current_equivalent = cur && headFlag.has(cur.split(/[= ]/)[0]) ? cur : null;
  }
  removed.window = { since, commits };
}

// ---------------------------------------------------------------------------
// Image facts from docker/Dockerfile and the release workflows that pick its targets.
// ---------------------------------------------------------------------------
function dockerStages(text) {
  // Logical instructions: join continuations, drop comment lines inside them.
  const logical = [];
  let cur = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    cur += (cur ? ' ' : '') + raw.trim();
    if (/\\$/.test(raw.trimEnd())) { cur = cur.replace(/\\$/, ''); continue; }
    if (cur.trim()) logical.push(cur.trim());
    cur = '';
  }
  const stages = [];
  for (const ins of logical) {
    const m = ins.match(/^FROM\s+(?:--\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i);
    if (m) { stages.push({ from: m[1], name: m[2] || null, ins: [] }); continue; }
    stages.at(-1)?.ins.push(ins);
  }
  return stages;
}
const stages = dockerStages(src.dockerfile);
function stageChain(target) {
  const chain = [];
  let s = stages.find((x) => x.name === target);
  while (s) { chain.unshift(s); s = stages.find((x) => x.name === s.from); }
  return chain;
}
function aptPackages(chain) {
  const pkgs = new Set();
  for (const s of chain) for (const ins of s.ins) {
    if (!/^RUN\b/i.test(ins)) continue;
    for (const seg of ins.split(/&&|;|\|\|/)) {
      const m = seg.match(/\bapt(?:-get)?\s+install\b(.*)$/);
      if (!m || /--only-upgrade/.test(m[1])) continue;
      for (const w of m[1].trim().split(/\s+/)) if (w && !w.startsWith('-')) pkgs.add(w);
    }
  }
  return pkgs;
}
function directives(chain, kind) {
  const out = [];
  for (const s of chain) for (const ins of s.ins) if (new RegExp(`^${kind}\\b`, 'i').test(ins)) out.push(ins);
  return out;
}
const targetOf = (wf) => (wf.match(/docker_target:\s*(\S+)/) || [])[1];
const tagsOf = (wf) => [...new Set([...wf.matchAll(/"tags":\s*\[([^\]]*)\]/g)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1].replace(/\$\{\{[^}]*\}\}/g, '{version}'))))];
const imageTargets = [
  { workflow: F.wfRelease, target: targetOf(src.wfRelease), tags: tagsOf(src.wfRelease) },
  { workflow: F.wfRuntime, target: targetOf(src.wfRuntime), tags: tagsOf(src.wfRuntime) },
].map((t) => {
  const chain = stageChain(t.target);
  must(chain.length, `stage ${t.target}`);
  const pkgs = aptPackages(chain);
  const ep = directives(chain, 'ENTRYPOINT');
  const cmd = directives(chain, 'CMD');
  return {
    ...t,
    stages: chain.map((s) => s.name || s.from),
    base_image: chain[0].from,
    entrypoint_in_dockerfile: ep.at(-1) ?? null,
    cmd_in_dockerfile: cmd.at(-1) ?? null,
    workdir: (directives(chain, 'WORKDIR').at(-1) || '').replace(/^WORKDIR\s+/i, '') || null,
    user: (directives(chain, 'USER').at(-1) || '').replace(/^USER\s+/i, '') || 'root (no USER directive)',
    expose: directives(chain, 'EXPOSE').map((x) => x.replace(/^EXPOSE\s+/i, '')),
    healthcheck: directives(chain, 'HEALTHCHECK').at(-1) ?? null,
    ships: {
      curl: pkgs.has('curl'),
      wget: pkgs.has('wget'),
      python3: [...pkgs].some((p) => /^python3(\.\d+)?(-full)?$/.test(p)),
      nc: pkgs.has('netcat-openbsd'),
    },
  };
});
const mainImage = imageTargets[0];
const runtimeImage = imageTargets[1];
must(!mainImage.entrypoint_in_dockerfile && !runtimeImage.entrypoint_in_dockerfile, 'no ENTRYPOINT in docker/Dockerfile');

// docker/compose.yaml: the example service.
const compose = src.compose;
const composeFacts = {
  image: (compose.match(/^\s+image:\s*(\S+)/m) || [])[1] ?? null,
  entrypoint: (compose.match(/^\s+entrypoint:\s*(.+)$/m) || [])[1]?.trim() ?? null,
  command: collapse((compose.match(/^\s+command:\s*([\s\S]*?)\n\s{4}\w+:/m) || [])[1] ?? ''),
  volumes: [...compose.matchAll(/^\s+-\s+(\$\{HOME\}[^\s]+)/gm)].map((m) => m[1]),
  healthcheck: (compose.match(/test:\s*(\[.*\])/) || [])[1] ?? null,
  network_mode: (compose.match(/network_mode:\s*(\S+)/) || [])[1] ?? null,
  ipc: (compose.match(/^\s+ipc:\s*(\S+)/m) || [])[1] ?? null,
};

// ---------------------------------------------------------------------------
// Health, cache, logging.
// ---------------------------------------------------------------------------
const healthPaths = [...src.http.matchAll(/@app\.get\("(\/health[^"]*)"\)/g)].map((m) => m[1]);
must(/server_status == ServerStatus\.Starting:\s*\n\s*return Response\(status_code=503\)/.test(src.http), '/health 503 while Starting');
must(/not envs\.SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION\.get\(\)\s*\n\s*and request\.url\.path == "\/health"/.test(src.http), '/health generation switch');
const hcTimeout = directReads.find((d) => d.name === 'SGLANG_HEALTH_CHECK_TIMEOUT');
const genEnv = envs.find((e) => e.name === 'SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION');

const health = {
  port: flagBy('--port').default,
  host_default: flagBy('--host').default,
  paths: healthPaths,
  notes: `Default bind is --host ${flagBy('--host').default} (loopback): in a container pass --host 0.0.0.0 or the port is unreachable from outside. /health and /health_generate return 503 while the server status is Starting (until the warmup request succeeds, or immediately Up with --skip-server-warmup) and during graceful shutdown. With SGLANG_ENABLE_HEALTH_ENDPOINT_GENERATION=${genEnv.default} (default) /health also sends a 1-token generation probe and answers 200 only if the scheduler responds within SGLANG_HEALTH_CHECK_TIMEOUT (${hcTimeout.default}s), else 503 (server marked UnHealthy); set it false to make /health a plain liveness check after startup. /health_generate always probes. Readiness log line: "The server is fired up and ready to roll!". Other endpoints: /v1/models, /model_info, /metrics (with --enable-metrics). The docker/compose.yaml example healthchecks with ${composeFacts.healthcheck}.`,
};
must(/The server is fired up and ready to roll!/.test(src.http), 'ready log line');

const logLevel = flagBy('--log-level');
must(/level=getattr\(logging, raw_args\.log_level\.upper\(\)\)/.test(src.serverArgs), 'log level via getattr(logging, ...)');
const debugLogging = [
  { setting: '--log-level debug', meaning: `Level of all SGLang loggers (default ${logLevel.default}); any Python logging level name, upper-cased via getattr(logging, ...) — an unknown name crashes at start-up with AttributeError, not an argparse error.` },
  { setting: '--log-level-http debug', meaning: flagBy('--log-level-http').meaning },
  { setting: '--log-requests --log-requests-level N', meaning: `${flagBy('--log-requests').meaning.replace(/\.?$/, '.')} Levels: ${JSON.stringify(flagBy('--log-requests-level')?.choices)}.` },
  // Read where they are used: utils/common.py (".%(msecs)03d" in the log format),
  // managers/scheduler.py (GC logging), scheduler_components/metrics_reporter.py.
  { setting: 'SGLANG_LOG_MS=1 / SGLANG_LOG_GC=1 / SGLANG_LOG_FORWARD_ITERS=1', meaning: 'Extra log detail from the env registry: milliseconds in log timestamps, garbage-collection events in the scheduler, per-forward-iteration logging.' },
  { setting: 'CUDA_LAUNCH_BLOCKING=1 / NCCL_DEBUG=INFO', meaning: 'Standard CUDA/NCCL debugging env vars (not SGLang-specific).' },
];
for (const n of ['SGLANG_LOG_MS', 'SGLANG_LOG_GC', 'SGLANG_LOG_FORWARD_ITERS']) must(envNames.has(n), n);

// ---------------------------------------------------------------------------
// Version: setuptools-scm from tags (none in the snapshot); use the newest release named in docs.
// ---------------------------------------------------------------------------
// Release image tags the docs tell users to pull (lmsysorg/sglang:vX.Y.Z, lmsysorg/sglang-rocm:vX.Y.Z.postN-...).
const docVersions = repo.grepMatches(commit, 'lmsysorg/sglang(-rocm)?:v0\\.[0-9]+\\.[0-9]+(\\.post[0-9]+)?', ['docs_new'])
  .map((l) => (l.match(/:(v[\d.]+(?:post\d+)?)$/) || [])[1]).filter(Boolean);
const vkey = (v) => v.slice(1).replace('.post', '.').split('.').map(Number).concat([0, 0, 0, 0]).slice(0, 4);
const newest = [...new Set(docVersions)].sort((a, b) => { const x = vkey(a), y = vkey(b); for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; }).at(-1) ?? null;
const license = /Apache License\s+Version 2\.0/.test(src.license) ? 'Apache-2.0' : null;

const out = {
  engine: 'sglang',
  source: {
    repository: 'sgl-project/sglang',
    commit,
    commit_date: commitDate,
    version: newest,
    version_note: `No release tags in the snapshot (version comes from setuptools-scm). ${newest} is the newest release image tag named in docs_new/ at this commit (install.mdx pins lmsysorg/sglang:v0.5.15 as the example; the cookbook pulls ROCm images ${newest}); the commit is on main after it.`,
    how_read: 'upstream main commit read from the git snapshot of the fork modal-projects/sglang (its HEAD is this upstream commit; the sgl-project/sglang snapshot is over the fetch size limit)',
    files: [...Object.values(F), 'python/sglang/srt/server_args.py (history, first-parent, for removed_flags)'],
    license,
    generated_by: script,
  },
  parser,
  flags,
  // Registry vars that are some flag's "env" are described on that flag instead.
  env_vars: [...envs.filter((e) => !e.sets_flag), ...directReads, ...deprecatedEnvs],
  removed_flags: removed,
  removed_flags_window: { ...removed.window, method: 'option strings parsed from every first-parent version of server_args.py in the window; a flag present earlier and absent at this commit is listed with the commit that last removed it. Flags turned into deprecated aliases are still present (see flags[].deprecated).' },
  image: {
    entrypoint: CURATED.baseImageEntrypoint.entrypoint,
    entrypoint_script: null,
    entrypoint_splits_words: false,
    entrypoint_line: CURATED.baseImageEntrypoint.line,
    ships: mainImage.ships,
    dockerfile: F.dockerfile,
    notes: `docker/Dockerfile sets no ENTRYPOINT; the entrypoint is inherited from the ${mainImage.base_image} base image (set in ${CURATED.baseImageEntrypoint.where}, read outside this repository), which runs bash with no arguments and otherwise exec "$@" (quoted, no re-splitting). lmsysorg/sglang:${mainImage.tags.join('/')} build target ${mainImage.target} (CMD: none in the Dockerfile chain, so the base image's); :${runtimeImage.tags.join('/')} build target ${runtimeImage.target} (${runtimeImage.cmd_in_dockerfile}). Neither starts a server by itself: a compose service must give the command (docker/compose.yaml uses entrypoint: "${composeFacts.entrypoint}" plus command: "${composeFacts.command}"). No EXPOSE, no HEALTHCHECK, runs as root, WORKDIR ${mainImage.workdir}. docker/sagemaker.Dockerfile (FROM lmsysorg/sglang:latest, ENTRYPOINT /usr/bin/serve) maps SM_SGLANG_<NAME>=v env vars to --<name> v and execs python3 -m sglang.launch_server "\${ARGS[@]}" (quoted).`,
    targets: imageTargets,
    compose_example: composeFacts,
  },
  cache: {
    paths: ['/root/.cache/huggingface', '/root/.cache/sglang'],
    moved_by: CURATED.cacheMovedBy,
    notes: `Models download through huggingface_hub into its cache (/root/.cache/huggingface in the image; docker/compose.yaml mounts ${composeFacts.volumes.join(', ')}). The image pre-populates /root/.cache/huggingface (kernels) and /root/.cache/sglang (kernels.lock) at build time. SGLang has no --download-dir flag; --model-path may be a local directory.`,
  },
  health,
  debug_logging: debugLogging,
};

writeFacts(out, opts, { indent: 2 });
console.log(`${flags.length} flags, ${out.env_vars.length} env vars, ${removed.length} removed flags`);
