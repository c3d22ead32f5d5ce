/**
 * The `.env` parser of compose-go (dotenv/parser.go and godotenv.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2),
 * ported statement by statement: `export`, `KEY=value` and `KEY: value`, a key alone on its line taken from the
 * environment, single quotes (no escapes but `\'`), double quotes (shell escapes, octal `\0ddd`, `\$`), values
 * over several lines, ` #` comments after unquoted values, `${VAR}` expansion with the lines above and the
 * environment, and its errors with their line numbers. Offsets are kept so an error can be shown where it is.
 */
import { goQuote } from '../core/goQuote';
import { substitute, templateErrorMessage, type Lookup, type TemplateError } from './template';

export interface DotEnvError {
  /** compose-go's message, as `docker compose` prints it after "failed to read <file>: ". */
  message: string;
  /**
   * The same without any part of a value (a `.env` holds tokens) and without compose-go's "line N: " (which, after
   * an unterminated quote, counts to the end of the file): what a finding, placed at the problem, shows.
   */
  safeMessage: string;
  /** Offsets in the text of what is wrong. */
  start: number;
  end: number;
  /**
   * False when the error depends on a variable that is not known here (a `${VAR:?}` whose VAR the shell may
   * set): Compose may or may not stop there.
   */
  certain: boolean;
}

export interface DotEnvParse {
  /** The variables, in file order; after a syntax error, those before it. */
  env: Map<string, string>;
  /**
   * compose-go stops at the first error. A syntax error ends parsing here too (it is the last one listed); an
   * expansion error is listed and parsing goes on with the value as substituted.
   */
  errors: DotEnvError[];
}

export interface DotEnvOptions {
  /** The environment (compose-go's lookupFn): read before the lines above, and for a key alone on its line. */
  lookup?: Lookup;
  /** The variables of the env files read before this one (GetEnvFromFile parses each into the same map). */
  initial?: ReadonlyMap<string, string>;
}

/** The variables of a `.env` text; what parses, when it has errors (the language server shows them). */
export function parseDotEnv(text: string, options: DotEnvOptions = {}): Map<string, string> {
  return parseDotEnvFile(text, options).env;
}

export function parseDotEnvFile(text: string, options: DotEnvOptions = {}): DotEnvParse {
  return new DotEnvParser(text, options.lookup ?? (() => undefined), new Map(options.initial)).parse();
}

/** Characters compose-go's isSpace skips around keys and values: blanks, not line breaks. */
function isSpace(ch: string): boolean {
  return ch === '\t' || ch === '\v' || ch === '\f' || ch === '\r' || ch === ' ' || ch === '\u0085' || ch === '\u00a0';
}

/** Go's unicode.IsSpace. */
function isUnicodeSpace(ch: string): boolean {
  return ch === '\n' || isSpace(ch) || ch === '\u1680' || (ch >= '\u2000' && ch <= '\u200a') || ch === '\u2028' || ch === '\u2029' || ch === '\u202f' || ch === '\u205f' || ch === '\u3000';
}

const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
/** Go's `^export\s+`: `\s` is [\t\n\f\r ] there. */
const EXPORT_PREFIX = /^export[\t\n\f\r ]/;
/** parser.go escapeSeqRegex. */
const ESCAPE_SEQUENCE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' };

class SyntaxStop {
  constructor(readonly error: DotEnvError) {}
}

class DotEnvParser {
  private line = 1;
  private readonly errors: DotEnvError[] = [];

  constructor(
    private readonly text: string,
    private readonly lookup: Lookup,
    private readonly env: Map<string, string>,
  ) {}

  parse(): DotEnvParse {
    // compose-go drops a UTF-8 byte order mark before parsing.
    let pos = this.text.startsWith('\ufeff') ? 1 : 0;
    try {
      for (;;) {
        pos = this.statementStart(pos);
        if (pos < 0) break;
        const key = this.locateKeyName(pos);
        if (key.name.includes(' ')) this.stop(`line ${this.line}: key cannot contain a space`, key.start, key.end, 'key cannot contain a space');
        if (key.inherited) {
          const value = this.lookup(key.name);
          if (value !== undefined) this.env.set(key.name, value);
          pos = key.next;
          continue;
        }
        const value = this.extractVarValue(key.next, key.name);
        this.env.set(key.name, value.value);
        pos = value.next;
      }
    } catch (stop) {
      if (!(stop instanceof SyntaxStop)) throw stop;
      this.errors.push(stop.error);
    }
    return { env: this.env, errors: this.errors };
  }

  private stop(message: string, start: number, end: number, safeMessage = message): never {
    throw new SyntaxStop({ message, safeMessage, start, end, certain: true });
  }

  /** getStatementStart: the next statement, past blanks and `#` comment lines; -1 at the end. */
  private statementStart(from: number): number {
    let pos = from;
    for (;;) {
      pos = this.indexOfNonSpace(pos);
      if (pos < 0 || this.text[pos] !== '#') return pos;
      pos = this.text.indexOf('\n', pos);
      if (pos < 0) return -1;
    }
  }

  private indexOfNonSpace(from: number): number {
    const text = this.text;
    for (let i = from; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\n') this.line++;
      if (!isUnicodeSpace(ch)) return i;
    }
    return -1;
  }

  private locateKeyName(from: number): { name: string; start: number; end: number; next: number; inherited: boolean } {
    const text = this.text;
    let start = from;
    if (EXPORT_PREFIX.test(text.slice(start, start + 7))) {
      start += 'export'.length;
      while (start < text.length && isSpace(text[start]!)) start++;
    }
    let keyEnd = start;
    let offset = start;
    let inherited = false;
    let i = start;
    for (; i < text.length; ) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      if (ch === '=' || ch === ':' || ch === '\n') {
        keyEnd = i;
        offset = i + 1;
        inherited = ch === '\n';
        break;
      }
      if (!isSpace(ch) && !'_.-[]'.includes(ch) && !LETTER_OR_NUMBER.test(ch)) {
        const lineEnd = text.indexOf('\n', start);
        const firstLine = text.slice(start, lineEnd < 0 ? text.length : lineEnd);
        const message = `line ${this.line}: unexpected character ${goQuote(ch)} in variable name ${goQuote(firstLine)}`;
        // The name is what comes before `=` or `:`: the rest of the line may be a secret.
        const safeName = firstLine.slice(0, Math.max(i - start + ch.length, firstLine.search(/[=:]/)));
        this.stop(message, i, i + ch.length, `unexpected character ${goQuote(ch)} in variable name ${goQuote(safeName)}`);
      }
      i += ch.length;
    }
    if (start >= text.length) this.stop('zero length string', from, from + 'export'.length);
    let name = text.slice(start, keyEnd);
    if (inherited && !name.includes(' ')) this.line++;
    let nameEnd = keyEnd;
    while (nameEnd > start && isUnicodeSpace(text[nameEnd - 1]!)) nameEnd--;
    name = text.slice(start, nameEnd);
    let next = offset;
    while (next < text.length && isSpace(text[next]!)) next++;
    return { name, start, end: nameEnd, next, inherited };
  }

  private extractVarValue(from: number, key: string): { value: string; next: number } {
    const text = this.text;
    const quote = text[from];
    if (quote !== '"' && quote !== "'") {
      const newline = text.indexOf('\n', from);
      const lineEnd = newline < 0 ? text.length : newline;
      this.line++;
      const comment = text.slice(from, lineEnd).indexOf(' #');
      let valueEnd = comment < 0 ? lineEnd : from + comment;
      while (valueEnd > from && isUnicodeSpace(text[valueEnd - 1]!)) valueEnd--;
      const value = this.expand(text.slice(from, valueEnd), key, (e) => ({ start: from + e.start, end: from + e.end }));
      return { value, next: newline < 0 ? text.length : newline + 1 };
    }
    let escaped = false;
    let chars = '';
    for (let i = from + 1; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\n') this.line++;
      if (ch !== quote) {
        if (!escaped && ch === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += '\\';
        }
        chars += ch;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += ch;
        continue;
      }
      // Escapes make offsets in the value differ from the text's: an error in it is shown on the whole value.
      const value = quote === '"' ? this.expand(expandEscapes(chars), key, () => ({ start: from, end: i + 1 })) : chars;
      return { value, next: i + 1 };
    }
    const newline = text.indexOf('\n', from);
    const valueEnd = newline < 0 ? text.length : newline;
    const message = `line ${this.line}: unterminated quoted value ${text.slice(from, valueEnd)}`;
    return this.stop(message, from, valueEnd, 'unterminated quoted value');
  }

  /** expandVariables: the environment first, then the lines above. */
  private expand(value: string, key: string, where: (error: TemplateError) => { start: number; end: number }): string {
    if (!value.includes('$')) return value;
    const result = substitute(value, (name) => this.lookup(name) ?? this.env.get(name), {
      isKnown: (name) => this.lookup(name) !== undefined || this.env.has(name),
    });
    const error = result.errors[0];
    if (!error) return result.value;
    const safeMessage =
      error.kind === 'invalid'
        ? `Invalid template in the value of ${key}: a $ that starts no variable (write $$ for a literal $)`
        : `required variable ${error.variable} is missing a value`;
    this.errors.push({ message: templateErrorMessage(error), safeMessage, ...where(error), certain: error.certain });
    return result.value;
  }
}

/** parser.go expandEscapes: the shell escapes, `\0ddd` octal, and `\$` (kept as `$$`, a literal `$`). */
export function expandEscapes(value: string): string {
  return value.replace(ESCAPE_SEQUENCE, (match) => {
    if (match === '\\$') return '$$';
    const simple = SIMPLE_ESCAPES[match[1]!];
    if (simple !== undefined) return simple;
    // `\0123` is Go's `\123`: exactly three octal digits, at most 0377; anything else is kept as written.
    const digits = match.slice(2);
    if (!/^[0-7]{3}$/.test(digits)) return match;
    const code = parseInt(digits, 8);
    return code > 255 ? match : String.fromCodePoint(code);
  });
}
