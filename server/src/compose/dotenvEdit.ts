/**
 * Writing a variable into a `.env` so that Compose reads back exactly the value written: the quoting is chosen for
 * compose-go's dotenv parser (dotenv.ts is its port), and every new text is parsed again before it is offered, so a
 * value is never written that would be read as something else (or not read at all, after a syntax error above).
 */
import { parseDotEnvFile } from './dotenv';

/** Written without quotes: nothing in these is special to the parser (no `$`, `#`, quotes, blanks, backslashes). */
const PLAIN = /^[A-Za-z0-9_\-./:@%+,=~^]+$/;
/** Control characters: written as escapes inside double quotes, never raw. */
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * `value` as the right-hand side of `NAME=...`: bare when it is plain; else in single quotes, which compose-go reads
 * verbatim (no `$` expansion, no escapes but `\'`); else (a `'`, a final backslash, a control character) in double
 * quotes with `\\`, `\"`, `\$` and `\n`-style escapes.
 */
export function quoteDotEnvValue(value: string): string {
  if (PLAIN.test(value)) return value;
  if (!value.includes("'") && !value.endsWith('\\') && !CONTROL.test(value)) return `'${value}'`;
  return `"${value.replace(/[\\"$\x00-\x1f\x7f]/g, escapeForDoubleQuotes)}"`;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeForDoubleQuotes(ch: string): string {
  // Other control characters: compose-go's `\0ddd`, three octal digits.
  return NAMED_ESCAPES[ch] ?? `\\0${ch.charCodeAt(0).toString(8).padStart(3, '0')}`;
}

/** `NAME=value`, quoted as quoteDotEnvValue says. */
export function dotEnvAssignment(name: string, value: string): string {
  return `${name}=${quoteDotEnvValue(value)}`;
}

export type DotEnvSet =
  /** The file already sets `name` to the value: nothing to write. */
  | { kind: 'unchanged' }
  /** The new text: `added` at the end (the file created when there was none), or an empty `NAME=` `filled`. */
  | { kind: 'changed'; text: string; how: 'added' | 'filled' }
  /** The file sets `name` to another value, which writing this one would lose. */
  | { kind: 'conflict' }
  /** What would be written would not read back as the value (a syntax error above the end stops the parser). */
  | { kind: 'unreadable' };

/**
 * Sets `name` to `value` in the dotenv text `text` (undefined: no file yet). An empty `NAME=` (the last line that
 * assigns it) is filled in place; otherwise the assignment is appended, after a line break when the text lacks a
 * final one, with the file's own line breaks (CRLF stays CRLF).
 */
export function setDotEnvVariable(text: string | undefined, name: string, value: string): DotEnvSet {
  const line = dotEnvAssignment(name, value);
  if (text === undefined || text === '') return readsBack(line + '\n', name, value, 'added');
  const before = parseDotEnvFile(text).env;
  const current = before.get(name);
  if (current === value) return { kind: 'unchanged' };
  if (current !== undefined && current !== '') return { kind: 'conflict' };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (current === '') {
    const filled = fillEmptyAssignment(text, name, line);
    if (filled !== undefined) {
      const result = readsBack(filled, name, value, 'filled', before);
      if (result.kind === 'changed') return result;
    }
  }
  const separator = text.endsWith('\n') ? '' : eol;
  return readsBack(text + separator + line + eol, name, value, 'added', before);
}

/** The text with the last line that assigns `name` replaced by `line` (its line break kept); undefined: none found. */
function fillEmptyAssignment(text: string, name: string, line: string): string | undefined {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const current = lines[i]!;
    if (!assigns(current, name)) continue;
    lines[i] = line + (current.endsWith('\r') ? '\r' : '');
    return lines.join('\n');
  }
  return undefined;
}

/** Whether `line` is `NAME=...` or `NAME: ...` (blanks and `export ` before, blanks before the separator). */
function assigns(line: string, name: string): boolean {
  let rest = line.replace(/^[ \t]+/, '');
  if (/^export[ \t]/.test(rest)) rest = rest.slice('export'.length).replace(/^[ \t]+/, '');
  if (!rest.startsWith(name)) return false;
  const after = rest.slice(name.length).replace(/^[ \t]+/, '');
  return after.startsWith('=') || after.startsWith(':');
}

/** `text` when it reads `name` as `value` and every other variable of `before` as it was; else unreadable. */
function readsBack(text: string, name: string, value: string, how: 'added' | 'filled', before: ReadonlyMap<string, string> = new Map()): DotEnvSet {
  const after = parseDotEnvFile(text).env;
  if (after.get(name) !== value) return { kind: 'unreadable' };
  for (const [key, was] of before) if (key !== name && after.get(key) !== was) return { kind: 'unreadable' };
  return { kind: 'changed', text, how };
}
