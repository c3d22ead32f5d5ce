import { escapeRegExp, isSecretName, PEM_END, PRIVATE_KEY_BEGIN, TOKEN_FORMATS, TOKEN_PREFIXES, urlPasswordAt } from '../../../../server/src/core/secretFormats';
import { TRUNCATION_MARK } from './logLines';
import { stripControls } from './terminalControls';

/**
 * Masks secrets in text before it is shown or kept: log lines, the output channel, notifications, probe errors.
 * A recognisable prefix stays (`hf_****`, `sk-proj-****`, `Bearer ****`, `--api-key ****`) so a person can tell
 * which secret was there; the rest never leaves this function, and the marker has a fixed length (no length leak).
 *
 * Terminal control sequences are removed first (terminalControls.ts): a token split by colour codes is one token
 * again before it is looked for, and what comes back is plain text.
 *
 * Linear in the length of the text, whatever it holds: each pass below either scans with a regular expression
 * whose every attempt is bounded (a literal, then one character class that cannot overlap what follows), or walks
 * the text by hand never going back over what an earlier step consumed. (A URL-credentials pattern that restarted
 * at every word boundary once took 3.7 s on a 64 KiB line; bench/mask-bench.mjs measures the shapes that hurt.)
 *
 * What is masked:
 * - tokens of a known format anywhere (server/src/core/secretFormats.ts, shared with the `secret-literal` rule);
 * - the value of a name that says it is a secret (`HF_TOKEN=`, `api_key: `, `"password": "va\"lue"`,
 *   `'api_key': ['k1', 'k2']` in vLLM's "non-default args" line, `--api-key k`, `DB_PASS=`, `PGPASSWORD=`);
 *   an assignment that is the whole line (`PGPASSWORD=pass word;x`, an `env` dump) is masked to the line end;
 * - `Authorization: <scheme> <x>` and `Bearer <x>`;
 * - the password of URL credentials: `scheme://user:<x>@host`, `redis://:<x>@host`;
 * - the body of a PEM private key;
 * - values the caller knows are secret (the probe's API key), wherever they appear.
 * Left alone: counts (`#new-token: 7`), tokenizer tokens (`pad_token: '<pad>'`), `api_key: None`, `${VAR}`.
 */

const MASK = '****';

export interface MaskOptions {
  /** Values known to be secret (an API key the caller holds): masked wherever they appear. */
  known?: readonly (string | undefined)[];
}

/** Every step below starts from one of these words: one scan lets most lines through untouched. */
const MAYBE_SECRET = new RegExp([...TOKEN_PREFIXES.map(escapeRegExp), 'token', 'secret', 'pass', 'pwd', 'key', 'authori', 'bearer', ':\\/\\/', '-----BEGIN '].join('|'), 'i');

/** The text with every secret masked and terminal control sequences removed. */
export function maskSecrets(text: string, options: MaskOptions = {}): string {
  let out = maskKnown(stripControls(text), options.known);
  if (!MAYBE_SECRET.test(out)) return out;
  out = maskPrivateKeys(out);
  out = maskUrlPasswords(out);
  out = maskNamedValues(out);
  out = maskBearer(out);
  out = maskTokens(out);
  return maskCutToken(out);
}

/**
 * Masks a stream of log lines, one line at a time: as maskSecrets, and the lines of a PEM private key after its
 * BEGIN line are masked too (each arrives on its own). One per stream.
 */
export class LineMasker {
  /** Lines of a private key body still possible; 0 when not inside one. */
  private keyLinesLeft = 0;

  mask(line: string): string {
    if (this.keyLinesLeft > 0) {
      this.keyLinesLeft--;
      const plain = stripControls(line);
      const end = plain.indexOf(PEM_END);
      if (end !== -1) {
        this.keyLinesLeft = 0;
        const before = plain.slice(0, end);
        return (keyBodyLine(before) ?? before) + plain.slice(end);
      }
      const body = keyBodyLine(plain);
      if (body !== undefined) return body;
      this.keyLinesLeft = 0;
    }
    const out = maskSecrets(line);
    const lastBegin = out.lastIndexOf('PRIVATE KEY-----');
    if (lastBegin !== -1 && out.indexOf(PEM_END, lastBegin) === -1 && PRIVATE_KEY_BEGIN_ONE.test(out)) this.keyLinesLeft = MAX_KEY_LINES;
    return out;
  }
}

/** A 16384-bit RSA key is about 200 lines of base64; a block that goes on longer is not a key. */
const MAX_KEY_LINES = 256;
const PRIVATE_KEY_BEGIN_ONE = new RegExp(PRIVATE_KEY_BEGIN.source);
/** A base64 line of a key body, possibly after a log prefix (`(APIServer pid=1) `). */
const BASE64_TAIL = /(?:^|\s)([A-Za-z0-9+/=]{4,})\s*$/;
/** PEM headers of an encrypted key (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: ...`) and blank lines: not secret. */
const PEM_HEADER_OR_BLANK = /^\s*(?:[A-Za-z][\w-]*: .*)?$/;

/** A key body line masked, or undefined when the line cannot be part of a key body. */
function keyBodyLine(line: string): string | undefined {
  if (PEM_HEADER_OR_BLANK.test(line)) return line;
  const m = BASE64_TAIL.exec(line);
  // After a log prefix, only a full-width base64 run (a short last word is ordinary text, the block is over).
  if (!m || (m.index > 0 && m[1]!.length < 16)) return undefined;
  return line.slice(0, m.index + m[0].length - m[0].trimStart().length) + MASK;
}

// -------------------------------------------------------------------------------------------------- values

/** Values that say there is no secret; showing them helps ("api_key: None" means the server has no key). */
const NO_VALUE = /^(?:|none|null|nil|undefined|\*+|<[^<>\s]{0,30}>|\$\{?\w+\}?)$/i;
const KNOWN_PREFIX = new RegExp(`^(?:${TOKEN_PREFIXES.map(escapeRegExp).join('|')})`, 'i');

/** First characters (either case) of a NO_VALUE value and of a known prefix: most values skip both tests. */
const NO_VALUE_FIRST = firstCharacters([' ', '\t', 'n', 'N', 'u', 'U', '*', '<', '$']);
const PREFIX_FIRST = firstCharacters(TOKEN_PREFIXES.flatMap((p) => [p[0]!.toLowerCase(), p[0]!.toUpperCase()]));

function firstCharacters(chars: readonly string[]): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}

/** `hf_abc...` -> `hf_****`; anything without a known prefix -> `****`; a value that is no secret stays. */
function maskToken(token: string): string {
  if (token.length === 0) return token;
  const first = token.charCodeAt(0);
  if (NO_VALUE_FIRST[first] === 1 && NO_VALUE.test(token.trim())) return token;
  const prefix = PREFIX_FIRST[first] === 1 ? KNOWN_PREFIX.exec(token) : null;
  return (prefix ? prefix[0] : '') + MASK;
}

function maskKnown(text: string, known: MaskOptions['known']): string {
  let out = text;
  for (const secret of known ?? []) if (secret) out = out.split(secret).join(MASK);
  return out;
}

// -------------------------------------------------------------------------------------------------- formats

const TOKENS = new RegExp(TOKEN_FORMATS.map((f) => f.pattern.source).join('|'), 'g');

function maskTokens(text: string): string {
  return text.replace(TOKENS, maskToken);
}

/** A prefixed token cut short by the line splitter's maximum length, right before the cut mark. */
const CUT_PREFIX = new RegExp(`(?<![A-Za-z0-9])(?:${TOKEN_PREFIXES.map(escapeRegExp).join('|')})`, 'i');

function maskCutToken(text: string): string {
  if (!text.endsWith(TRUNCATION_MARK)) return text;
  const body = text.slice(0, -TRUNCATION_MARK.length);
  // Only the last run of token characters can be the cut token: found backwards, looked at once.
  let runStart = body.length;
  while (runStart > 0 && isTokenChar(body.charCodeAt(runStart - 1))) runStart--;
  const cut = CUT_PREFIX.exec(body.slice(runStart));
  if (!cut) return text;
  return body.slice(0, runStart + cut.index) + cut[0] + MASK + TRUNCATION_MARK;
}

/** `[A-Za-z0-9_-]` */
function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}

// -------------------------------------------------------------------------------------------------- private keys

function maskPrivateKeys(text: string): string {
  if (!text.includes('PRIVATE KEY-----')) return text;
  let out = '';
  let copied = 0;
  PRIVATE_KEY_BEGIN.lastIndex = 0;
  for (let m = PRIVATE_KEY_BEGIN.exec(text); m; m = PRIVATE_KEY_BEGIN.exec(text)) {
    const bodyStart = m.index + m[0].length;
    const end = text.indexOf(PEM_END, bodyStart);
    const bodyEnd = end === -1 ? text.length : end;
    if (text.slice(bodyStart, bodyEnd).trim()) {
      out += text.slice(copied, bodyStart) + (text.slice(bodyStart, bodyEnd).includes('\n') ? `\n${MASK}\n` : MASK);
      copied = bodyEnd;
    }
    PRIVATE_KEY_BEGIN.lastIndex = Math.max(bodyEnd, bodyStart);
  }
  return out + text.slice(copied);
}

// -------------------------------------------------------------------------------------------------- URLs

/** Characters that end a URL's authority (RFC 3986) or the URL itself in running text. */
/**
 * `scheme://user:<x>@host`, `redis://:<x>@host`: found from each `://` (core/secretFormats.ts `urlPasswordAt`, shared
 * with the `secret-literal` rule).
 */
function maskUrlPasswords(text: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('://'); at !== -1; ) {
    const { password, authorityEnd } = urlPasswordAt(text, at);
    if (password && password.start < password.end && text.slice(password.start, password.end) !== MASK) {
      out += text.slice(copied, password.start) + MASK;
      copied = password.end;
    }
    at = text.indexOf('://', Math.max(authorityEnd, at + 3));
  }
  return out + text.slice(copied);
}

// -------------------------------------------------------------------------------------------------- named values

/** A word inside every secret name (isSecretName) and `authorization`: where a name worth reading can be. */
const NAME_STEM = /token|secret|pass|pwd|key|authori/gi;
/** The rest of a name after its stem. */
const NAME_REST = /[A-Za-z0-9_.-]*/y;
const AUTHORIZATION = /(?:^|[-_.])authorization$/i;
/** An authorization scheme before the credentials (RFC 9110 `credentials = auth-scheme [ 1*SP token68 ]`). */
const AUTH_SCHEME = /(?:bearer|basic|token|digest|negotiate|apikey)[ \t]+/iy;
/** A count named like a token (`#new-token: 7`, SGLang) is not a secret. */
const COUNT = /^\d+(?:\.\d+)?%?$/;
/** What may stand before a whole-line assignment: indentation, `export `, `declare -x `, a YAML list dash. */
const LINE_START_PREFIX = /^[ \t]*(?:export[ \t]+|declare[ \t]+-x[ \t]+|-[ \t]+)?["']?$/;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** `NAME=value`, `NAME: value`, `"name": "value"`, `--name value`, `Authorization: Bearer x`. */
function maskNamedValues(text: string): string {
  const out: string[] = []; // joined once: thousands of `+=` would leave a deep rope for the next passes to flatten
  let copied = 0;
  // Nothing before `floor` is looked at again: a name's start is found going back from its stem, never past
  // the end of the last name or value, so each character is visited a bounded number of times.
  let floor = 0;
  NAME_STEM.lastIndex = 0;
  for (let m = NAME_STEM.exec(text); m; m = NAME_STEM.exec(text)) {
    let start = m.index;
    while (start > floor && isNameChar(text.charCodeAt(start - 1))) start--;
    NAME_REST.lastIndex = m.index + m[0].length;
    NAME_REST.test(text);
    const end = NAME_REST.lastIndex;
    const r = namedValue(text, start, end);
    floor = Math.max(end, r?.end ?? 0);
    NAME_STEM.lastIndex = floor;
    if (!r) continue;
    out.push(text.slice(copied, r.start), r.text);
    copied = r.end;
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

/** `[A-Za-z0-9_.-]` */
function isNameChar(c: number): boolean {
  return isTokenChar(c) || c === 0x2e;
}

/** The value after the name text[start, end), masked (or as it was: a count, `None`), or undefined when there is none. */
function namedValue(text: string, start: number, end: number): Replacement | undefined {
  let nameStart = start;
  while (text[nameStart] === '-') nameStart++;
  let nameEnd = end;
  while (nameEnd > nameStart && (text[nameEnd - 1] === '.' || text[nameEnd - 1] === '-')) nameEnd--;
  const name = text.slice(nameStart, nameEnd);
  const flag = nameStart > start;
  const auth = name.length >= 13 && AUTHORIZATION.test(name);
  if (!auth && !secretName(name)) return undefined;
  let i = end;
  // The closing quote of a quoted key, escaped too in JSON inside a JSON string (`{\"password\": \"x\"}`).
  if (text[i] === '\\' && isQuote(text[i + 1])) i += 2;
  else if (isQuote(text[i])) i++;
  while (isSpace(text[i])) i++;
  const sep = text[i];
  if (sep === '=' || sep === ':') {
    i++;
    while (isSpace(text[i])) i++;
  } else if (!(flag && i > end && text[i] !== '-')) {
    return undefined; // a name without a value (`token usage`, `Invalid token.`)
  }
  if (auth) {
    AUTH_SCHEME.lastIndex = i;
    if (!isQuote(text[i]) && text[i] !== '\\' && AUTH_SCHEME.test(text)) i = AUTH_SCHEME.lastIndex;
  }
  const wholeLine = !flag && (sep === '=' || sep === ':') && startsLine(text, start);
  const v = valueAt(text, i, wholeLine);
  if (!v) return undefined;
  const count = COUNT.test(v.inner) && /tokens?$/i.test(name);
  const masked = count ? v.inner : v.list ? maskList(v.inner) : auth ? maskCredentials(v.inner) : maskToken(v.inner);
  return { start: v.start, end: v.end, text: v.open + masked + v.close };
}

/** isSecretName, remembered: a log repeats the same few names on every line. */
const secretNames = new Map<string, boolean>();

function secretName(name: string): boolean {
  let known = secretNames.get(name);
  if (known === undefined) {
    if (secretNames.size >= 1024) secretNames.clear();
    known = isSecretName(name);
    secretNames.set(name, known);
  }
  return known;
}

/** True when text[start] is the first thing on its line but for indentation, `export ` or a quote. */
function startsLine(text: string, start: number): boolean {
  const limit = Math.max(0, start - 16);
  let j = start;
  while (j > limit && text[j - 1] !== '\n' && text[j - 1] !== '\r') j--;
  if (j > 0 && text[j - 1] !== '\n' && text[j - 1] !== '\r') return false;
  return LINE_START_PREFIX.test(text.slice(j, start));
}

interface Value {
  start: number;
  end: number;
  open: string;
  inner: string;
  close: string;
  list: boolean;
}

/**
 * The value at text[i]: a quoted string (backslash escapes honoured, to the closing quote or the line end), a
 * Python/JSON list (to `]`), or a bare word: to whitespace or a delimiter (`,`, `&`, brackets, quotes, `; `), or
 * to the line end for a whole-line assignment. Ends are found with regular expressions (faster than a loop).
 */
function valueAt(text: string, i: number, wholeLine: boolean): Value | undefined {
  const c = text[i];
  if (c === '"' || c === "'") {
    const q = quoted(text, i);
    return { start: i, end: q.end, open: c, inner: q.inner, close: q.closed ? c : '', list: false };
  }
  if (c === '\\' && isQuote(text[i + 1])) {
    const q = escapedQuoted(text, i);
    const quote = `\\${text[i + 1]}`;
    return { start: i, end: q.end, open: quote, inner: q.inner, close: q.closed ? quote : '', list: false };
  }
  if (c === '[') {
    const j = searchFrom(LIST_END, text, i + 1);
    const closed = text[j] === ']';
    return { start: i, end: closed ? j + 1 : j, open: '[', inner: text.slice(i + 1, j), close: closed ? ']' : '', list: true };
  }
  let j = wholeLine ? fieldOrLineEnd(text, i) : searchFrom(BARE_END, text, i);
  if (wholeLine) while (j > i && isSpace(text[j - 1])) j--;
  return j > i ? { start: i, end: j, open: '', inner: text.slice(i, j), close: '', list: false } : undefined;
}

/** Where a bare value ends: whitespace, `,`, `&`, a closing bracket, a quote, or `;` before whitespace. */
const BARE_END = /[\s,&)\]}"']|;(?=\s|$)/g;
const LIST_END = /[\]\n\r]/g;
/**
 * Where a whole-line value ends: the line end, or the start of another `name=` / `name:` field (`api_key=x,
 * model=y`). An attempt at a field starts only where a run of delimiters starts (the lookbehind): linear.
 */
const FIELD_OR_LINE_END = /[\n\r]|(?<![,; \t])[,; \t]+[A-Za-z_][\w.-]*[=:]/g;

/**
 * The index of the first character at or after `from` that a global, one-character expression matches, or the
 * text's length (`test` and lastIndex: no match object to allocate).
 */
function searchFrom(oneCharacter: RegExp, text: string, from: number): number {
  oneCharacter.lastIndex = from;
  return oneCharacter.test(text) ? oneCharacter.lastIndex - 1 : text.length;
}

function fieldOrLineEnd(text: string, from: number): number {
  FIELD_OR_LINE_END.lastIndex = from;
  return FIELD_OR_LINE_END.exec(text)?.index ?? text.length;
}

/** A quoted string opening at text[i]: escapes honoured, to the closing quote or (unterminated) the line end. */
function quoted(text: string, i: number): { end: number; inner: string; closed: boolean } {
  const quote = text.charCodeAt(i);
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) j++;
    else if (c === quote) return { end: j + 1, inner: text.slice(i + 1, j), closed: true };
    else if (c === 0x0a || c === 0x0d) return { end: j, inner: text.slice(i + 1, j), closed: false };
  }
  return { end: text.length, inner: text.slice(i + 1), closed: false };
}

/**
 * A string quoted with escaped quotes (`\"x\"`, JSON inside a JSON string) opening at text[i]: to the next `\"`
 * whose backslash is not itself escaped, or the line end. (An inner `\\\"` is an escaped quote inside; when the
 * reading is ambiguous, the value runs on: more is masked, never less.)
 */
function escapedQuoted(text: string, i: number): { end: number; inner: string; closed: boolean } {
  const quote = text.charCodeAt(i + 1);
  for (let j = i + 2; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x0a || c === 0x0d) return { end: j, inner: text.slice(i + 2, j), closed: false };
    if (c === quote && text.charCodeAt(j - 1) === 0x5c && text.charCodeAt(j - 2) !== 0x5c && j - 1 >= i + 2) {
      return { end: j + 1, inner: text.slice(i + 2, j - 1), closed: true };
    }
  }
  return { end: text.length, inner: text.slice(i + 2), closed: false };
}

function isQuote(c: string | undefined): boolean {
  return c === '"' || c === "'";
}

const LIST_BARE_END = /[\s,'"]/g;

/** Each item of a list masked: `'k1', "k2", k3` (vLLM prints `--api-key`'s list, nargs='+'). */
function maskList(inner: string): string {
  let out = '';
  let i = 0;
  while (i < inner.length) {
    const c = inner[i]!;
    if (c === '"' || c === "'") {
      const q = quoted(inner, i);
      out += c + maskToken(q.inner) + (q.closed ? c : '');
      i = q.end;
    } else if (c === ',' || c <= ' ') {
      out += c;
      i++;
    } else {
      const j = searchFrom(LIST_BARE_END, inner, i);
      out += maskToken(inner.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** `Bearer x` in a quoted Authorization value: the scheme stays. */
function maskCredentials(value: string): string {
  AUTH_SCHEME.lastIndex = 0;
  if (!AUTH_SCHEME.test(value)) return maskToken(value);
  const rest = value.slice(AUTH_SCHEME.lastIndex);
  return value.slice(0, AUTH_SCHEME.lastIndex) + (rest ? maskToken(rest) : '');
}

/** Not followed by `*`: `Bearer sk-proj-****` is already masked. */
const BEARER = /\b(bearer[ \t]+)([A-Za-z0-9._~+/=-]+)(?![*A-Za-z0-9._~+/=-])/gi;

/** `Bearer <x>` anywhere (curl lines, proxies' logs). */
function maskBearer(text: string): string {
  return text.replace(BEARER, (_m, scheme: string, token: string) => scheme + maskToken(token));
}
