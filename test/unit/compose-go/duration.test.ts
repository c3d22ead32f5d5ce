// Durations as compose-go reads them (types/duration.go: xhit/go-str2duration v2.1.0 ParseDuration). The first table
// is str2duration_test.go's TestParseString at 017325bfda0895fe02177e4ebb07962e58735bbf (BSD-3-Clause, see
// SOURCES.md); the second, what its code (a copy of Go's time.ParseDuration) does with blanks, signs and overflow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseComposeDuration, parseComposeDurationNs } from '../../../server/src/core/duration';

const ns = 1n;
const us = 1000n * ns;
const ms = 1000n * us;
const s = 1000n * ms;
const m = 60n * s;
const h = 60n * m;

describe('str2duration_test.go TestParseString', () => {
  const cases: Array<[string, bigint]> = [
    ['1h', h],
    ['1m', m],
    ['1s', s],
    ['1ms', ms],
    ['1µs', us],
    ['1us', us],
    ['1ns', ns],
    ['4.000000001s', 4n * s + ns],
    ['1h0m4.000000001s', h + 4n * s + ns],
    ['1h1m0.01s', 61n * m + 10n * ms],
    ['1h1m0.123456789s', 61n * m + 123456789n * ns],
    ['1.00002ms', ms + 20n * ns],
    ['1.00000002s', s + 20n * ns],
    ['693ns', 693n * ns],
    ['10s1us693ns', 10n * s + us + 693n * ns],
    ['1ms1ns', ms + ns],
    ['1s20ns', s + 20n * ns],
    ['60h8ms', 60n * h + 8n * ms],
    ['96h63s', 96n * h + 63n * s],
    ['2d3s96ns', 48n * h + 3n * s + 96n * ns],
    ['1w2d3s96ns', 168n * h + 48n * h + 3n * s + 96n * ns],
    ['1w2d3s3µs96ns', 168n * h + 48n * h + 3n * s + 3n * us + 96n * ns],
  ];
  for (const [text, expected] of cases) it(text, () => assert.equal(parseComposeDurationNs(text), expected));
});

describe('Compose durations: signs, blanks and int64 overflow as Go', () => {
  it('accepts a sign, a bare 0 and fractions', () => {
    assert.equal(parseComposeDurationNs('-1.5h'), -(h + 30n * m));
    assert.equal(parseComposeDurationNs('+5s'), 5n * s);
    assert.equal(parseComposeDurationNs('-0'), 0n);
    assert.equal(parseComposeDurationNs('.5s'), 500n * ms);
    assert.equal(parseComposeDurationNs('1.s'), s);
    assert.equal(parseComposeDuration('1m30s'), 90);
  });
  it('refuses blanks anywhere, with Go\'s messages', () => {
    assert.equal(parseComposeDurationNs(' 1s'), 'time: invalid duration " 1s"');
    assert.equal(parseComposeDurationNs('1s '), 'time: unknown unit "s " in duration "1s "');
    assert.equal(parseComposeDurationNs('10 s'), 'time: unknown unit " s" in duration "10 s"');
    assert.equal(parseComposeDuration(' 30s'), undefined);
  });
  it('refuses a bare number, an empty value, a lone sign or dot, and unknown units', () => {
    assert.equal(parseComposeDurationNs('30'), 'time: missing unit in duration "30"');
    assert.equal(parseComposeDurationNs(''), 'time: invalid duration ""');
    assert.equal(parseComposeDurationNs('-'), 'time: invalid duration "-"');
    assert.equal(parseComposeDurationNs('.s'), 'time: invalid duration ".s"');
    assert.equal(parseComposeDurationNs('5x'), 'time: unknown unit "x" in duration "5x"');
    assert.equal(parseComposeDurationNs('1S'), 'time: unknown unit "S" in duration "1S"');
  });
  it('refuses what overflows int64 nanoseconds, and keeps the largest value that does not', () => {
    assert.equal(parseComposeDurationNs('9223372036854775807ns'), 9223372036854775807n);
    assert.equal(parseComposeDurationNs('9223372036854775808ns'), 'time: invalid duration "9223372036854775808ns"');
    assert.equal(parseComposeDurationNs('15250w1d23h47m16s854ms775us807ns'), 9223372036854775807n);
    assert.equal(parseComposeDurationNs('15250w1d23h47m16s854ms775us808ns'), 'time: invalid duration "15250w1d23h47m16s854ms775us808ns"');
    assert.equal(parseComposeDurationNs('15251w'), 'time: invalid duration "15251w"');
    assert.equal(parseComposeDurationNs('-9223372036854775808ns'), 'time: invalid duration "-9223372036854775808ns"');
  });
});
