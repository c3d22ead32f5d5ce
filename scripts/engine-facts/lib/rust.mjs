// Just enough Rust syntax to read a clap `#[derive(Parser)]` struct and a `#[derive(ValueEnum)]` enum from source
// text: item bodies found by brace matching (strings, char literals and comments skipped), and each body split
// into its doc comments, attributes and members. No Rust is compiled or run.

/** Line number (1-based) of offset `index` in `text`. */
export function lineAt(text, index) {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Offset just past a string, char literal or comment starting at `i`, or -1 when none starts there. */
function skipLexical(text, i) {
  const c = text[i];
  if (c === '/' && text[i + 1] === '/') {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  if (c === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  const raw = /^r(#*)"/.exec(text.slice(i, i + 12));
  if (raw && (i === 0 || !/[\w]/.test(text[i - 1]))) {
    const close = '"' + raw[1];
    const end = text.indexOf(close, i + raw[0].length);
    return end < 0 ? text.length : end + close.length;
  }
  if (c === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (c === "'") {
    // A char literal ('x', '\n', '\''); a lifetime ('a) is left alone.
    const m = /^'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'])'/.exec(text.slice(i, i + 12));
    if (m) return i + m[0].length;
  }
  return -1;
}

/** The offsets from `from` on that hold code: strings, char literals and comments are stepped over. */
function* codeOffsets(text, from) {
  for (let i = from; i < text.length; i++) {
    const skip = skipLexical(text, i);
    if (skip >= 0) i = skip - 1;
    else yield i;
  }
}

/** Offset of the bracket that closes the one at `open` (`{`, `(`, `[` or `<` counted together with its kind). */
export function matchBracket(text, open) {
  const pairs = { '{': '}', '(': ')', '[': ']' };
  const stack = [];
  for (const i of codeOffsets(text, open)) {
    const c = text[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === '}' || c === ')' || c === ']') {
      if (stack.pop() !== c) throw new Error(`unbalanced '${c}' at line ${lineAt(text, i)}`);
      if (stack.length === 0) return i;
    }
  }
  throw new Error(`no closing bracket for line ${lineAt(text, open)}`);
}

/**
 * The body of `struct NAME {…}` or `enum NAME {…}` with the attributes and doc comments written above the item.
 * @returns {{ body: string, bodyOffset: number, itemAttrs: string[], line: number } | null}
 */
export function findItem(text, kind, name) {
  const re = new RegExp(`^[ \\t]*(?:pub(?:\\([^)]*\\))?\\s+)?${kind}\\s+${name}\\b[^{;]*\\{`, 'm');
  const m = re.exec(text);
  if (!m) return null;
  const open = m.index + m[0].length - 1;
  const close = matchBracket(text, open);
  // Attributes directly above the item: the text since the previous item ended (`}` or `;`).
  const prevEnd = Math.max(text.lastIndexOf('}', m.index), text.lastIndexOf(';', m.index));
  const itemAttrs = [];
  const above = text.slice(prevEnd + 1, m.index);
  for (const a of above.matchAll(/^[ \t]*#\[/gm)) {
    const at = a.index + a[0].length - 2;
    const close = matchBracket(above, at + 1);
    itemAttrs.push(above.slice(at, close + 1));
  }
  return { body: text.slice(open + 1, close), bodyOffset: open + 1, itemAttrs, line: lineAt(text, m.index) };
}

/**
 * Splits a struct or enum body into members: each with its doc lines, attributes (raw `#[...]` text) and the
 * member text itself (`name: Type` or `Variant`), up to the next top-level comma.
 */
export function splitMembers(body, bodyOffset = 0, fullText = null) {
  const members = [];
  let docs = [];
  let attrs = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (body.startsWith('///', i) && body[i + 3] !== '/') {
      const end = body.indexOf('\n', i);
      const line = body.slice(i + 3, end < 0 ? body.length : end);
      docs.push(line.startsWith(' ') ? line.slice(1) : line);
      i = end < 0 ? body.length : end + 1;
      continue;
    }
    if (body.startsWith('//', i) || body.startsWith('/*', i)) {
      i = skipLexical(body, i);
      continue;
    }
    if (c === '#' && body[i + 1] === '[') {
      const close = matchBracket(body, i + 1);
      attrs.push(body.slice(i, close + 1));
      i = close + 1;
      continue;
    }
    // The member: up to a comma (or semicolon) outside brackets.
    const j = nextTopLevel(body, i, ',;');
    const text = body.slice(i, j).trim();
    if (text) {
      const offset = bodyOffset + i;
      members.push({ docs, attrs, text, line: fullText ? lineAt(fullText, offset) : null });
    }
    docs = [];
    attrs = [];
    i = j + 1;
  }
  return members;
}

/**
 * Offset of the first of the `stops` characters from `from` on that stands outside brackets (generic angle brackets
 * included; strings, char literals and comments skipped), or the text's length when there is none.
 */
function nextTopLevel(text, from, stops) {
  let depth = 0;
  for (const i of codeOffsets(text, from)) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if (c === ')' || c === ']' || c === '}' || c === '>') depth--;
    else if (depth === 0 && stops.includes(c)) return i;
  }
  return text.length;
}

/** Splits `a, b = "x, y", c(d, e)` at top-level commas. */
export function splitTopLevel(text) {
  const parts = [];
  let start = 0;
  for (let end; (end = nextTopLevel(text, start, ',')) < text.length; start = end + 1) parts.push(text.slice(start, end).trim());
  const last = text.slice(start).trim();
  if (last) parts.push(last);
  return parts;
}

/**
 * `#[clap(long, env = "X", default_value = "1")]` → { name: 'clap', items: [{ key: 'long' }, { key: 'env', value: 'X',
 * raw: '"X"' }, …] }. String and char literal values are decoded; other values are kept as written (`raw`).
 */
export function parseAttribute(attr) {
  const m = /^#\[\s*([\w:]+)\s*(?:\(([\s\S]*)\))?\s*\]$/.exec(attr.trim());
  if (!m) return { name: null, items: [], raw: attr };
  const items = m[2] === undefined ? [] : splitTopLevel(m[2]).map(parseAttrItem);
  return { name: m[1], items, raw: attr, inner: m[2] ?? '' };
}

function parseAttrItem(item) {
  const eq = /^([A-Za-z_][\w]*)\s*=\s*([\s\S]+)$/.exec(item);
  if (eq) return { key: eq[1], raw: eq[2].trim(), value: literalValue(eq[2].trim()) };
  const call = /^([A-Za-z_][\w]*)\s*\(([\s\S]*)\)$/.exec(item);
  if (call) return { key: call[1], raw: call[2].trim(), value: literalValue(call[2].trim()), call: true };
  return { key: item.trim() };
}

/** The value of a Rust string or char literal, or the raw text for anything else. */
export function literalValue(raw) {
  const s = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
  if (s) return unescape(s[1]);
  const r = /^r(#*)"([\s\S]*)"\1$/.exec(raw);
  if (r) return r[2];
  const ch = /^'(\\.|[^\\'])'$/.exec(raw);
  if (ch) return unescape(ch[1]);
  return raw;
}

function unescape(s) {
  return s.replace(/\\(n|t|r|0|\\|"|'|u\{([0-9a-fA-F]+)\})/g, (_, e, hex) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : { n: '\n', t: '\t', r: '\r', 0: '\0', '\\': '\\', '"': '"', "'": "'" }[e],
  );
}

/** Word boundaries as the heck crate (used by clap_derive for casing) finds them. */
export function heckWords(name) {
  const words = [];
  for (const part of name.split(/[^\p{L}\p{N}]+/u)) {
    if (!part) continue;
    const chars = [...part];
    let init = 0;
    let mode = 'boundary';
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      const next = chars[i + 1];
      if (next === undefined) {
        words.push(chars.slice(init).join(''));
        break;
      }
      const isLower = (x) => x !== x.toUpperCase() && x === x.toLowerCase();
      const isUpper = (x) => x !== x.toLowerCase() && x === x.toUpperCase();
      const nextMode = isLower(c) ? 'lower' : isUpper(c) ? 'upper' : mode;
      if (nextMode === 'lower' && isUpper(next)) {
        words.push(chars.slice(init, i + 1).join(''));
        init = i + 1;
        mode = 'boundary';
      } else if (mode === 'upper' && isUpper(c) && isLower(next)) {
        words.push(chars.slice(init, i).join(''));
        init = i;
        mode = 'boundary';
      } else {
        mode = nextMode;
      }
    }
  }
  return words.filter(Boolean);
}

export const toKebab = (name) => heckWords(name).map((w) => w.toLowerCase()).join('-');
export const toSnake = (name) => heckWords(name).map((w) => w.toLowerCase()).join('_');
export const toScreamingSnake = (name) => heckWords(name).map((w) => w.toUpperCase()).join('_');
export const toLowerCamel = (name) =>
  heckWords(name)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
export const toUpperCamel = (name) => heckWords(name).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('');

/** clap's `rename_all` names → converter. */
export function casing(name) {
  const table = {
    'kebab-case': toKebab,
    kebab: toKebab,
    snake_case: toSnake,
    snake: toSnake,
    'SCREAMING_SNAKE_CASE': toScreamingSnake,
    'screaming-snake': toScreamingSnake,
    lowercase: (n) => n.toLowerCase(),
    UPPERCASE: (n) => n.toUpperCase(),
    camelCase: toLowerCamel,
    PascalCase: toUpperCamel,
    verbatim: (n) => n,
  };
  return table[name] ?? null;
}

/** Doc comment lines → help text the way clap shows it in `--help`: lines of a paragraph joined by spaces. */
export function docToHelp(lines) {
  const paragraphs = [];
  let cur = [];
  for (const line of lines) {
    if (line.trim() === '') {
      if (cur.length) paragraphs.push(cur.join(' '));
      cur = [];
    } else cur.push(line.trim());
  }
  if (cur.length) paragraphs.push(cur.join(' '));
  return paragraphs.join('\n\n');
}
