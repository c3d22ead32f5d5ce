import { isScalar, isSeq, Scalar } from 'yaml';
import type { Span } from '../core/types';
import type { ValueView } from './yamlView';

/**
 * The arguments of `command:` / `entrypoint:` with the span of each in the file.
 * Compose splits the string form with go-shellwords (no shell runs); the list form is taken as is.
 * Source: compose.json `command_entrypoint`.
 */
export interface ArgToken {
  text: string;
  /** Where the token is written. A list item's span is its whole scalar, quotes included. */
  span: Span;
  /** False when the span covers a whole scalar rather than exactly this token (escapes, folded quotes). */
  exact: boolean;
}

export interface ArgList {
  tokens: ArgToken[];
  form: 'string' | 'list';
  /** The node holding the arguments, for fixes that rewrite or extend them; undefined when inherited. */
  view: ValueView;
}

export function readArgs(view: ValueView | undefined): ArgList | undefined {
  if (!view || view.isNull) return undefined;
  const node = view.node;
  if (isSeq(node)) {
    const tokens: ArgToken[] = [];
    for (const item of view.asSeq()!.items()) {
      const text = item.text;
      if (text === undefined) continue;
      const scalar = item.asScalar();
      const span = item.inherited ? item.at : scalarValueSpan(scalar, item.at);
      tokens.push({ text, span, exact: !item.inherited && isExactScalar(scalar) });
    }
    return { tokens, form: 'list', view };
  }
  if (isScalar(node)) {
    const text = view.text ?? '';
    if (view.inherited) {
      return { tokens: splitWords(text).map((w) => ({ text: w.text, span: view.at, exact: false })), form: 'string', view };
    }
    return { tokens: tokenizeScalar(node, text, view.at), form: 'string', view };
  }
  return undefined;
}

function isExactScalar(scalar: Scalar | undefined): boolean {
  return !!scalar && (scalar.type === 'PLAIN' || scalar.type === 'QUOTE_SINGLE' || scalar.type === 'QUOTE_DOUBLE');
}

function scalarValueSpan(scalar: Scalar | undefined, fallback: Span): Span {
  const r = scalar?.range;
  return r ? { start: r[0], end: r[1] } : fallback;
}

/**
 * Splits the scalar's source text when it maps 1:1 onto the value (plain and block scalars, and quoted
 * ones without escapes), so each token gets its exact span; otherwise every token points at the scalar.
 */
function tokenizeScalar(node: Scalar, value: string, whole: Span): ArgToken[] {
  const source = (node as Scalar & { srcToken?: { source?: string } }).srcToken?.source;
  const r = node.range;
  if (r && typeof source === 'string') {
    if (node.type === 'PLAIN') return offsetWords(splitWords(source), r[0]);
    if (node.type === 'QUOTE_SINGLE' && !source.includes("''") && !/[\r\n]/.test(source)) {
      return offsetWords(splitWords(source.slice(1, -1)), r[0] + 1);
    }
    if (node.type === 'QUOTE_DOUBLE' && !source.includes('\\') && !/[\r\n]/.test(source)) {
      return offsetWords(splitWords(source.slice(1, -1)), r[0] + 1);
    }
  }
  if (r && (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL')) {
    // Block scalars: the header line ('>', '|-', ...) is followed by the content; whitespace and newlines
    // only separate words, so splitting the content as written gives the same words with exact offsets.
    return blockTokens(node, r[0], r[1]);
  }
  return splitWords(value).map((w) => ({ text: w.text, span: whole, exact: false }));
}

function blockTokens(node: Scalar, start: number, end: number): ArgToken[] {
  const src = (node as Scalar & { srcToken?: { props?: Array<{ source: string }>; source?: string } }).srcToken;
  const body = src?.source;
  if (typeof body !== 'string') return [];
  // The block scalar's content is at the end of the node's range.
  const bodyStart = end - body.length;
  return offsetWords(splitWords(body), bodyStart >= start ? bodyStart : start);
}

function offsetWords(words: Word[], base: number): ArgToken[] {
  return words.map((w) => ({ text: w.text, span: { start: base + w.start, end: base + w.end }, exact: !w.quoted }));
}

interface Word {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** go-shellwords style splitting: whitespace separates, quotes group, backslash escapes outside single quotes. */
export function splitWords(input: string): Word[] {
  const words: Word[] = [];
  let current: Word | undefined;
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
