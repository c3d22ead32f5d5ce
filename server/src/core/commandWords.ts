/**
 * Command-line words, wherever they are written (Compose `command:`/`entrypoint:`, Dockerfile `CMD`/`ENTRYPOINT`,
 * `sh -c` scripts): splitting the way Compose does, reading `--flag value` pairs, spotting a shell script.
 * Pure text in, words out: the YAML and Dockerfile readers attach the spans.
 */
import type { Span } from './types';

/** One argument of a command line (Compose `command:`/`entrypoint:`, a Dockerfile CMD) with where it is written. */
export interface ArgToken {
  text: string;
  /** Where the token is written. A list item's span is its whole scalar, quotes included. */
  span: Span;
  /** False when the span covers a whole scalar rather than exactly this token (escapes, folded quotes). */
  exact: boolean;
}

export interface ShellWord {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** go-shellwords style splitting: whitespace separates, quotes group, backslash escapes outside single quotes. */
export function splitWords(input: string): ShellWord[] {
  const words: ShellWord[] = [];
  let current: ShellWord | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (!quote && /\s/.test(ch)) {
      if (current) words.push(current);
      current = undefined;
      continue;
    }
    current ??= { text: '', start: i, end: i, quoted: false };
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < input.length) current.text += input[++i];
      else current.text += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current.quoted = true;
    } else if (ch === '\\' && i + 1 < input.length) {
      const next = input[++i]!;
      if (next !== '\n') current.text += next;
    } else {
      current.text += ch;
    }
    current.end = i + 1;
  }
  if (current) words.push(current);
  return words;
}

export interface ParsedFlag {
  /** As written, e.g. `--tensor_parallel_size`. */
  name: string;
  /** Normalised: dashes, lower case, e.g. `--tensor-parallel-size`. */
  canonical: string;
  nameSpan: Span;
  /** Index of the flag token in the argument list. */
  index: number;
  value?: string;
  valueSpan?: Span;
  /** `--flag=value` keeps both in one token. */
  inline: boolean;
}

/** Normalises a flag the way vLLM's FlexibleArgumentParser does: `_` and `-` are the same. */
export function canonicalFlag(name: string): string {
  return name.replace(/_/g, '-');
}

/**
 * Reads `--flag value`, `--flag=value` and `-f value` pairs. A token that starts with `-` and is not a
 * number is a flag; the next token is its value unless it is a flag itself.
 */
export function readFlags(tokens: readonly ArgToken[]): ParsedFlag[] {
  const flags: ParsedFlag[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (!isFlagToken(tok.text)) continue;
    const eq = tok.text.indexOf('=');
    if (eq > 0 && tok.text.startsWith('--')) {
      const name = tok.text.slice(0, eq);
      const exact = tok.exact && tok.span.end - tok.span.start === tok.text.length;
      flags.push({
        name,
        canonical: canonicalFlag(name),
        nameSpan: exact ? { start: tok.span.start, end: tok.span.start + eq } : tok.span,
        index: i,
        value: tok.text.slice(eq + 1),
        valueSpan: exact ? { start: tok.span.start + eq + 1, end: tok.span.end } : tok.span,
        inline: true,
      });
      continue;
    }
    const next = tokens[i + 1];
    const flag: ParsedFlag = { name: tok.text, canonical: canonicalFlag(tok.text), nameSpan: tok.span, index: i, inline: false };
    if (next && !isFlagToken(next.text)) {
      flag.value = next.text;
      flag.valueSpan = next.span;
    }
    flags.push(flag);
  }
  return flags;
}

export function isFlagToken(text: string): boolean {
  return text.startsWith('-') && text.length > 1 && !/^-\d/.test(text);
}

const SHELLS = /(^|\/)(sh|bash|zsh|dash|ash)$/;
// The look-ahead checks the letters once: `[a-z]*c[a-z]*$` was quadratic in a long `-acacac…!`.
const SHELL_C = /^-(?=[a-z]*$)[a-z]*c/;

/** Index of the shell in `sh -c <script>` (also `bash -lc`, `/bin/sh -ec`...), or -1: what follows is a script. */
export function shellScriptAt(words: ReadonlyArray<{ text: string }>): number {
  return words.findIndex((w, i) => SHELLS.test(w.text) && SHELL_C.test(words[i + 1]?.text ?? ''));
}
