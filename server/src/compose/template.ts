/**
 * Compose variable substitution exactly as compose-go's `template.Substitute` (compose-spec/compose-go
 * template/template.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2): its pattern
 * `\$(?i:(\$)|([_a-z][_a-z0-9]*)|{(?:([_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|()))`, tried left to right, where a
 * braced reference with an operator runs to the LAST `}` of its line (`.` stops at a newline) and is then cut at
 * the first balanced `}` (getFirstBraceClosingIndex, which skips the character after each `{`), the text after
 * the cut being substituted on its own. Defaults, alternatives and error messages are substituted only when used.
 *
 * Written as one left-to-right pass with precomputed line ends, not a regular expression, so that `${` 200,000
 * times or `${A:-` repeated on one line stay linear (the regex retries `.*` from every `${`). Substituting the
 * text after a cut is the same as carrying on from the cut: that text runs to the last `}` of the line, so nothing
 * matched in it can reach past where the outer match ended.
 */
import { goQuote } from '../core/goQuote';

/** A variable's value, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export type TemplateError =
  | {
      kind: 'invalid';
      /** The template compose-go names in its message: the whole value, or the default or remainder it sits in. */
      template: string;
      /** Offsets of the `${` (or `$`) that starts no valid reference, in the substituted string. */
      start: number;
      end: number;
      certain: boolean;
    }
  | {
      kind: 'required';
      variable: string;
      /** The error message after substitution, as compose-go prints it. */
      reason: string;
      /** The error message as written in the value (no variable's value in it). */
      rawReason: string;
      /** Offsets of the whole `${VAR:?message}`. */
      start: number;
      end: number;
      certain: boolean;
    };

export interface Substitution {
  /** The substituted text (compose-go's, unset variables blank); meaningless when `errors` is not empty. */
  value: string;
  /** In the order compose-go meets them; the first is the one it reports. At most MAX_ERRORS. */
  errors: TemplateError[];
  /** A plain reference (`$VAR`, `${VAR}`) to a variable that is not set: Compose warns and uses "". */
  unset: boolean;
  /** Defaults nested deeper than MAX_NESTING: the value is not known (compose-go would go on). */
  tooDeep: boolean;
}

export interface SubstituteOptions {
  /**
   * Whether a variable's value is known. A default, alternative or required check decided by a variable that is
   * not known (say, one the shell may export) makes the errors it leads to `certain: false`.
   */
  isKnown?: (name: string) => boolean;
}

/** How deep defaults and alternatives (`${A:-${B:-x}}`) are followed: real files nest one or two. */
export const MAX_NESTING = 16;
const MAX_ERRORS = 8;

/** compose-go's InvalidTemplateError and MissingRequiredError messages. */
export function templateErrorMessage(error: TemplateError): string {
  if (error.kind === 'invalid') return `Invalid template: ${goQuote(error.template)}`;
  return `required variable ${error.variable} is missing a value${error.reason ? `: ${error.reason}` : ''}`;
}

/**
 * compose-go's interpolation error for a value at `path` (interpolation.newPathError): what `docker compose`
 * prints for a file it refuses.
 */
export function interpolationErrorMessage(path: string, error: TemplateError): string {
  if (error.kind === 'invalid') return `invalid interpolation format for ${path}.\nYou may need to escape any $ with another $.\n${error.template}`;
  return `error while interpolating ${path}: ${templateErrorMessage(error)}`;
}

/**
 * The `$` constructs of template[from, to), left to right, as substitution reads them (an operator's argument is
 * not entered: pass its argFrom/argTo to read it).
 */
export function templateTokens(template: string, from = 0, to = template.length): Token[] {
  const run = new Run(template, () => undefined, () => true);
  const tokens: Token[] = [];
  for (let token = run.token(from, to); token; token = run.token(token.end, to)) tokens.push(token);
  return tokens;
}

export function substitute(template: string, lookup: Lookup, options: SubstituteOptions = {}): Substitution {
  const run = new Run(template, lookup, options.isKnown ?? (() => true));
  const value = run.substitute(0, template.length, 0, true);
  return { value, errors: run.errors, unset: run.unset, tooDeep: run.tooDeep };
}

/** `(?i:[_a-z])`: Go folds case with Unicode's simple folding, which adds the Kelvin sign and the long s. */
function isNameStart(ch: string | undefined): boolean {
  return ch !== undefined && (ch === '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '\u212a' || ch === '\u017f');
}

function isNameChar(ch: string | undefined): boolean {
  return isNameStart(ch) || (ch !== undefined && ch >= '0' && ch <= '9');
}

export type Operator = ':-' | '-' | ':+' | '+' | ':?' | '?';

/** What starts at a `$`. `operator`: `${name<op>arg}` with arg = s[argFrom, argTo); compose-go's match ran to matchEnd. */
export interface OperatorToken {
  kind: 'operator';
  name: string;
  op: Operator;
  argFrom: number;
  argTo: number;
  start: number;
  end: number;
  matchEnd: number;
}
export type Token =
  | { kind: 'escaped' | 'dollar' | 'invalid'; start: number; end: number }
  | { kind: 'plain'; name: string; start: number; end: number }
  | OperatorToken;

class Run {
  readonly errors: TemplateError[] = [];
  unset = false;
  tooDeep = false;
  /** For each offset, the last `}` at or before it on its line (-1: none); and each line's end. Built lazily. */
  private lastCloseAtOrBefore?: Int32Array;
  private lineEndAt?: Int32Array;

  constructor(
    private readonly s: string,
    private readonly lookup: Lookup,
    private readonly isKnown: (name: string) => boolean,
  ) {}

  /** Substitutes s[from, to) as a template of its own (compose-go's recursive Substitute). */
  substitute(from: number, to: number, depth: number, certain: boolean): string {
    if (depth > MAX_NESTING) {
      this.tooDeep = true;
      return '';
    }
    const s = this.s;
    let out = '';
    let i = from;
    // The template compose-go names in an "Invalid template" error: this one, or the remainder after a cut.
    let messageFrom = from;
    let messageTo = to;
    while (i < to) {
      const token = this.token(i, to);
      if (!token) {
        out += s.slice(i, to);
        break;
      }
      out += s.slice(i, token.start);
      if (token.start >= messageTo) {
        messageFrom = from;
        messageTo = to;
      }
      i = token.end;
      switch (token.kind) {
        case 'escaped':
          out += '$';
          break;
        case 'dollar':
          out += '$';
          break;
        case 'plain':
          out += this.plainValue(token.name);
          break;
        case 'invalid':
          if (this.errors.length < MAX_ERRORS) {
            const template = s.slice(messageFrom, messageTo);
            this.errors.push({ kind: 'invalid', template, start: token.start, end: this.invalidEnd(token.end, to), certain });
          }
          break;
        case 'operator':
          out += this.operate(token, depth, certain);
          if (token.matchEnd > token.end) {
            messageFrom = token.end;
            messageTo = token.matchEnd;
          }
          break;
      }
    }
    return out;
  }

  /** The first `$` construct in s[from, to), or undefined when there is none. */
  token(from: number, to: number): Token | undefined {
    const s = this.s;
    const dollar = s.indexOf('$', from);
    if (dollar < 0 || dollar >= to) return undefined;
    const next = dollar + 1 < to ? s[dollar + 1] : undefined;
    if (next === '$') return { kind: 'escaped', start: dollar, end: dollar + 2 };
    if (isNameStart(next)) {
      const end = this.nameEnd(dollar + 1, to);
      return { kind: 'plain', name: s.slice(dollar + 1, end), start: dollar, end };
    }
    if (next !== '{') return { kind: 'dollar', start: dollar, end: dollar + 1 };
    const nameStart = dollar + 2;
    const nameEnd = nameStart < to && isNameStart(s[nameStart]) ? this.nameEnd(nameStart, to) : nameStart;
    const name = s.slice(nameStart, nameEnd);
    if (name && nameEnd < to && s[nameEnd] === '}') return { kind: 'plain', name, start: dollar, end: nameEnd + 1 };
    const op = name ? operatorAt(s, nameEnd, to) : undefined;
    const matchClose = op ? this.lastCloseOnLine(nameEnd + op.length, to) : -1;
    if (!op || matchClose < 0) return { kind: 'invalid', start: dollar, end: Math.min(nameStart, to) };
    const cutAt = firstBraceClosing(s, dollar, matchClose + 1);
    const cut = cutAt < 0 ? matchClose : cutAt;
    return { kind: 'operator', name, op, argFrom: nameEnd + op.length, argTo: cut, start: dollar, end: cut + 1, matchEnd: matchClose + 1 };
  }

  /** `${name<op>arg}` with arg = s[argFrom, cut). */
  private operate({ name, op, argFrom, argTo, start, end }: OperatorToken, depth: number, certain: boolean): string {
    const value = this.lookup(name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    const branchCertain = certain && this.isKnown(name);
    const arg = () => this.substitute(argFrom, argTo, depth + 1, branchCertain);
    switch (op) {
      case ':-':
        return nonEmpty ? value : arg();
      case '-':
        return set ? value : arg();
      case ':+':
        return nonEmpty ? arg() : (value ?? '');
      case '+':
        return set ? arg() : '';
      default: {
        if (op === ':?' ? nonEmpty : set) return value!;
        const errorsBefore = this.errors.length;
        const reason = arg();
        // compose-go returns the message's own error, if substituting it failed, instead of the missing variable.
        if (this.errors.length === errorsBefore) {
          const rawReason = this.s.slice(argFrom, argTo);
          if (this.errors.length < MAX_ERRORS) this.errors.push({ kind: 'required', variable: name, reason, rawReason, start, end, certain: branchCertain });
        }
        return '';
      }
    }
  }

  private plainValue(name: string): string {
    const value = this.lookup(name);
    if (value === undefined) this.unset = true;
    return value ?? '';
  }

  /** Where a finding about an invalid `${` ends: its first `}` on the line (`${foo }`), else right after `${`. */
  private invalidEnd(from: number, to: number): number {
    if (from >= to) return from;
    if (!this.lineEndAt) this.index();
    const limit = Math.min(this.lineEndAt![from]!, to);
    const close = this.s.indexOf('}', from);
    return close >= 0 && close < limit ? close + 1 : from;
  }

  private nameEnd(from: number, to: number): number {
    let end = from + 1;
    while (end < to && isNameChar(this.s[end])) end++;
    return end;
  }

  /** The last `}` in s[from, to) before the end of from's line, or -1: where `(.*)}` stops. */
  private lastCloseOnLine(from: number, to: number): number {
    if (!this.lastCloseAtOrBefore) this.index();
    if (from >= to) return -1;
    const limit = Math.min(this.lineEndAt![from]!, to);
    if (limit <= from) return -1;
    const close = this.lastCloseAtOrBefore![limit - 1]!;
    return close >= from ? close : -1;
  }

  private index(): void {
    const s = this.s;
    const n = s.length;
    const lastClose = new Int32Array(n);
    const lineEnd = new Int32Array(n);
    let last = -1;
    for (let k = 0; k < n; k++) {
      const ch = s.charCodeAt(k);
      if (ch === 0x0a) last = -1;
      else if (ch === 0x7d) last = k;
      lastClose[k] = last;
    }
    let end = n;
    for (let k = n - 1; k >= 0; k--) {
      if (s.charCodeAt(k) === 0x0a) end = k;
      lineEnd[k] = end;
    }
    this.lastCloseAtOrBefore = lastClose;
    this.lineEndAt = lineEnd;
  }
}

/** The operator at s[at] (`:-`, `-`, `:+`, `+`, `:?`, `?`), if any. */
function operatorAt(s: string, at: number, to: number): Operator | undefined {
  const first = s[at];
  if (at >= to || first === undefined) return undefined;
  if (first === '-' || first === '+' || first === '?') return first;
  const second = at + 1 < to ? s[at + 1] : undefined;
  if (first === ':' && (second === '-' || second === '+' || second === '?')) return `:${second}`;
  return undefined;
}

/** compose-go's getFirstBraceClosingIndex over s[from, to), as an offset in s; -1 when the braces never balance. */
function firstBraceClosing(s: string, from: number, to: number): number {
  let open = 0;
  for (let i = from; i < to; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0x7d) {
      open--;
      if (open === 0) return i;
    }
    if (ch === 0x7b) {
      open++;
      i++;
    }
  }
  return -1;
}
