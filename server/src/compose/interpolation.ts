/**
 * Compose variable interpolation (`${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
 * `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, nesting, `$$`). Source: compose.json `interpolation`.
 * Values come from the shell environment and the `.env` file only: `env_file:` and `environment:` never feed
 * interpolation.
 */

export interface VariableRef {
  name: string;
  /** Offsets within the interpolated string. */
  start: number;
  end: number;
}

const NAME = /[_a-zA-Z][_a-zA-Z0-9]*/y;
/** How deep defaults and alternatives (`${A:-${B:-x}}`) are followed. */
const MAX_NESTING = 16;

interface Piece {
  kind: 'text' | 'ref';
  text: string;
  ref?: { name: string; op: string; arg: string; start: number; end: number };
}

/** Splits a value into literal text and variable references; malformed `${` is kept as text. */
function scan(value: string): Piece[] {
  const pieces: Piece[] = [];
  const closes = value.includes('${') ? matchingBraces(value) : undefined;
  let text = '';
  let i = 0;
  while (i < value.length) {
    const ch = value[i];
    if (ch !== '$') {
      text += ch;
      i++;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      text += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = closes![i + 1]!;
      NAME.lastIndex = i + 2;
      const m = NAME.exec(value);
      if (close < 0 || !m) {
        text += ch;
        i++;
        continue;
      }
      const name = m[0];
      const rest = value.slice(i + 2 + name.length, close);
      const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0] ?? '';
      if (pieces.length || text) pieces.push({ kind: 'text', text });
      text = '';
      pieces.push({ kind: 'ref', text: value.slice(i, close + 1), ref: { name, op, arg: rest.slice(op.length), start: i, end: close + 1 } });
      i = close + 1;
      continue;
    }
    NAME.lastIndex = i + 1;
    const m = NAME.exec(value);
    if (!m) {
      text += ch;
      i++;
      continue;
    }
    if (text) pieces.push({ kind: 'text', text });
    text = '';
    const end = i + 1 + m[0].length;
    pieces.push({ kind: 'ref', text: value.slice(i, end), ref: { name: m[0], op: '', arg: '', start: i, end } });
    i = end;
  }
  if (text || pieces.length === 0) pieces.push({ kind: 'text', text });
  return pieces;
}

/**
 * For each `{`, the offset of the `}` that closes it (-1: none), in one pass: looking for it from every `${`
 * anew made `${${${…` quadratic (200,000 of them took minutes).
 */
function matchingBraces(value: string): Int32Array {
  const closes = new Int32Array(value.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '{') open.push(i);
    else if (value[i] === '}' && open.length) closes[open.pop()!] = i;
  }
  return closes;
}

export function variableRefs(value: string): VariableRef[] {
  return scan(value)
    .filter((p) => p.kind === 'ref')
    .map((p) => ({ name: p.ref!.name, start: p.ref!.start, end: p.ref!.end }));
}

export function hasInterpolation(value: string): boolean {
  return scan(value).some((p) => p.kind === 'ref');
}

/** The text with `$$` unescaped and references left out: what is literal in the value. */
export function literalPart(value: string): string {
  return scan(value)
    .filter((p) => p.kind === 'text')
    .map((p) => p.text)
    .join('');
}

/**
 * Resolves the value with `env`; undefined when a variable it needs is unset and has no default
 * (the real value is then only known at `compose up` time).
 */
export function interpolate(value: string, env: ReadonlyMap<string, string>): string | undefined {
  return resolve(value, env, 0);
}

function resolve(value: string, env: ReadonlyMap<string, string>, depth: number): string | undefined {
  // Real files nest a default or two; each level re-reads the rest of the value, so `${A:-${A:-…` 40,000 deep
  // cost minutes (and the stack). Deeper than this: not known until `compose up`.
  if (depth > MAX_NESTING) return undefined;
  let out = '';
  for (const piece of scan(value)) {
    if (piece.kind === 'text') {
      out += piece.text;
      continue;
    }
    const { name, op, arg } = piece.ref!;
    const v = env.get(name);
    const unsetOrEmpty = v === undefined || v === '';
    let resolved: string | undefined;
    switch (op) {
      case ':-':
        resolved = unsetOrEmpty ? resolve(arg, env, depth + 1) : v;
        break;
      case '-':
        resolved = v === undefined ? resolve(arg, env, depth + 1) : v;
        break;
      case ':+':
        resolved = unsetOrEmpty ? '' : resolve(arg, env, depth + 1);
        break;
      case '+':
        resolved = v === undefined ? '' : resolve(arg, env, depth + 1);
        break;
      default:
        resolved = v;
    }
    if (resolved === undefined) return undefined;
    out += resolved;
  }
  return out;
}

/**
 * Like `interpolate`, but an unset variable with no default becomes empty (as Compose does, with a warning),
 * so `${REGISTRY}/vllm/vllm-openai:v0.11.0` still names the vLLM image.
 */
export function interpolateBestEffort(value: string, env: ReadonlyMap<string, string>): string {
  const resolved = interpolate(value, env);
  if (resolved !== undefined) return resolved;
  const withEmpty = new Map(env);
  for (const ref of variableRefs(value)) if (!withEmpty.has(ref.name)) withEmpty.set(ref.name, '');
  return interpolate(value, withEmpty) ?? literalPart(value);
}

/** Parses a `.env` file (VAR=VAL, `export` prefix, quotes, `#` comments). */
export function parseDotEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([_a-zA-Z][_a-zA-Z0-9.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = end > 0 ? value.slice(1, end) : value.slice(1);
    } else if (value.startsWith('"')) {
      const end = value.indexOf('"', 1);
      value = (end > 0 ? value.slice(1, end) : value.slice(1)).replace(/\\n/g, '\n');
    } else {
      // Linear: the look-behind tries only where a run of blanks starts, `[^]*` never stops early and retries.
      value = value.replace(/(?<!\s)\s+#[^]*$/, '').trim();
    }
    env.set(m[1]!, value);
  }
  return env;
}

/**
 * How a message names a value that variables supplied: "set by ${HF_TOKEN}" (the variables of `raw` that `env`
 * sets), so a finding never echoes what came from the environment or `.env` rather than from the file itself.
 * Undefined when no variable supplied any of it (plain text, or only `${VAR:-default}` defaults): show the value.
 */
export function suppliedBy(raw: string, env: ReadonlyMap<string, string>): string | undefined {
  const names = [...new Set(referencedNames(raw).filter((n) => env.has(n)))];
  return names.length ? `set by ${names.map((n) => `\${${n}}`).join(' and ')}` : undefined;
}

/** Every variable `value` names, those in defaults and alternatives (`${A:-${B}}`) included. */
function referencedNames(value: string, depth = 0): string[] {
  if (depth > MAX_NESTING) return [];
  return scan(value).flatMap((p) => (p.kind === 'ref' ? [p.ref!.name, ...referencedNames(p.ref!.arg, depth + 1)] : []));
}
