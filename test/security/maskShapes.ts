/**
 * Lines built to make a secret masker slow: each repeats a piece that starts a match attempt and then fails it
 * late (issue 15, finding 4: a URL-credentials pattern that restarted at every word boundary took 3.7 s on one
 * 64 KiB line). Shared by test/security/masking.test.ts (a generous bound) and bench/mask-bench.mjs (timings).
 */
import { TRUNCATION_MARK } from '../../client/src/stack/logs/logLines';

export interface Shape {
  name: string;
  /** A line of about `length` characters. */
  make(length: number): string;
}

function repeatTo(piece: string, length: number, head = '', tail = ''): string {
  const body = length - head.length - tail.length;
  return head + piece.repeat(Math.max(1, Math.ceil(body / piece.length))).slice(0, Math.max(0, body)) + tail;
}

export const ADVERSARIAL_SHAPES: readonly Shape[] = [
  // The old quadratic case: every position is a word boundary that a scheme could start at, `://` only at the end.
  { name: 'word boundaries, then ://', make: (n) => repeatTo('a-', n, 'key ', '://') },
  { name: 'many :// with user:pass and no @', make: (n) => repeatTo('x://u:p', n) },
  { name: 'many @ after one ://', make: (n) => repeatTo('a:@', n, 'https://') },
  { name: 'token= repeated', make: (n) => repeatTo('token=', n) },
  { name: 'api_key: repeated', make: (n) => repeatTo('api_key: ', n) },
  { name: '--api-key repeated', make: (n) => repeatTo('--api-key ', n) },
  { name: 'a_b_c name, no separator', make: (n) => repeatTo('a_', n, '', 'password') },
  { name: 'escaped quotes, unterminated', make: (n) => repeatTo('\\"', n, '"password": "') },
  { name: "list of unterminated quotes", make: (n) => repeatTo("'a, ", n, "'api_key': [") },
  { name: 'whole-line value of spaces', make: (n) => repeatTo(' ,', n, 'PGPASSWORD=x') },
  { name: 'sk- repeated', make: (n) => repeatTo('-sk', n) },
  { name: 'hf_ repeated', make: (n) => repeatTo(' hf_abc', n) },
  { name: 'Bearer repeated', make: (n) => repeatTo('Bearer ', n) },
  { name: 'Authorization: repeated', make: (n) => repeatTo('Authorization: ', n) },
  { name: 'PEM BEGIN repeated', make: (n) => repeatTo('-----BEGIN PRIVATE KEY-----', n) },
  { name: 'ANSI-coloured token pieces', make: (n) => repeatTo('\x1b[31mhf_\x1b[0m', n) },
  { name: 'unterminated OSC and CSI', make: (n) => repeatTo('\x1b]\x1b[', n, 'token ') },
  { name: 'cut token', make: (n) => repeatTo('-sk', n - TRUNCATION_MARK.length, '', TRUNCATION_MARK) },
];

/** An ordinary vLLM line with a key in it, repeated: the cost of a real long line. */
export const ORDINARY_SHAPE: Shape = {
  name: 'vLLM config dump with an api_key',
  make: (n) => repeatTo("'max_model_len': 8192, 'gpu_memory_utilization': 0.9, 'api_key': ['sk-abcdefghijklmnopqrstuvwx'], ", n, 'INFO 05-27 03:36:30 [utils.py:189] non-default args: {'),
};
