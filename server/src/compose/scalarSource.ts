import type { Scalar } from 'yaml';
import type { Span } from '../core/types';

/**
 * Where part of a scalar's value is in the file. Quotes, escapes, indentation and line folding make value and
 * source differ, but a part without them reads the same in both: when the value holds the part's text as often
 * as the source does, its n-th occurrence in the value is the n-th in the source. Otherwise (say a `\u0024{`
 * escape), the whole scalar.
 */
export function valueSpanInSource(text: string, node: Scalar, start: number, end: number): Span | undefined {
  const r = node.range;
  if (!r) return undefined;
  const whole = { start: r[0], end: r[1] };
  const value = typeof node.value === 'string' ? node.value : undefined;
  if (value === undefined || end <= start) return whole;
  const part = value.slice(start, end);
  const inValue = occurrences(value, part, 0, value.length);
  const body = bodyOf(text, node, whole);
  const inSource = occurrences(text, part, body.start, body.end);
  if (inValue.length !== inSource.length) return whole;
  const at = inSource[inValue.indexOf(start)];
  return at === undefined ? whole : { start: at, end: at + part.length };
}

function occurrences(text: string, part: string, from: number, to: number): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(part, from); at >= 0 && at + part.length <= to; at = text.indexOf(part, at + 1)) found.push(at);
  return found;
}

/** The part of the scalar's source that holds its value: inside the quotes, after a block scalar's header. */
function bodyOf(text: string, node: Scalar, whole: Span): Span {
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return { start: whole.start + 1, end: whole.end - 1 };
  if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
    const header = text.indexOf('\n', whole.start);
    return { start: header < 0 || header >= whole.end ? whole.end : header + 1, end: whole.end };
  }
  return whole;
}
