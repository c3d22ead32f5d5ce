import { isScalar, isSeq, Scalar } from 'yaml';
import { splitWords, type ArgToken, type ShellWord } from '../core/commandWords';
import type { Span } from '../core/types';
import type { ValueView } from './yamlView';

/**
 * The arguments of `command:` / `entrypoint:` with the span of each in the file.
 * Compose splits the string form with go-shellwords (no shell runs); the list form is taken as is.
 * Source: compose.json `command_entrypoint`.
 */
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

function offsetWords(words: ShellWord[], base: number): ArgToken[] {
  return words.map((w) => ({ text: w.text, span: { start: base + w.start, end: base + w.end }, exact: !w.quoted }));
}
