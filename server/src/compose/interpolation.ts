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

interface Piece {
  kind: 'text' | 'ref';
  text: string;
  ref?: { name: string; op: string; arg: string; start: number; end: number };
}

/** Splits a value into literal text and variable references; malformed `${` is kept as text. */
function scan(value: string): Piece[] {
  const pieces: Piece[] = [];
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
      const close = matchingBrace(value, i + 1);
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

function matchingBrace(value: string, open: number): number {
  let depth = 0;
  for (let i = open; i < value.length; i++) {
    if (value[i] === '{') depth++;
    else if (value[i] === '}' && --depth === 0) return i;
  }
  return -1;
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
        resolved = unsetOrEmpty ? interpolate(arg, env) : v;
        break;
      case '-':
        resolved = v === undefined ? interpolate(arg, env) : v;
        break;
      case ':+':
        resolved = unsetOrEmpty ? '' : interpolate(arg, env);
        break;
      case '+':
        resolved = v === undefined ? '' : interpolate(arg, env);
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
      value = value.replace(/\s+#.*$/, '').trim();
    }
    env.set(m[1]!, value);
  }
  return env;
}
