import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'healthcheck-timing-invalid';

const bad = yaml`
  services:
    db:
      image: postgres:16
      healthcheck:
        test: ["CMD-SHELL", "pg_isready -U app"]
        # seconds, Compose wants a unit
        interval: 30
        timeout: 5s
        retries: 5
`;

/** Findings of this rule as [text under the range, severity]. */
function summary(text: string): Array<[string, string]> {
  return findingsOf(RULE, text).map((f) => [rangeText(text, f), f.severity]);
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires on a duration without a unit, on any service (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 6, character: 16 }, end: { line: 6, character: 18 } });
      assert.equal(rangeText(text, f!), '30');
    });

    it(`its fix adds the seconds unit (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes(`# seconds, Compose wants a unit${name === 'CRLF' ? '\r\n' : '\n'}      interval: 30s`), fixed);
    });
  }

  it('stays quiet on valid timings: CMD-SHELL strings, 1m30s, days, 0, and `${VAR}` values', () => {
    const text = yaml`
      services:
        api:
          image: app
          healthcheck:
            test: curl -f http://localhost:8504/ || exit 1
            interval: 1m30s
            timeout: 3s
            retries: \${RETRIES}
            start_period: 1d
        web:
          image: app
          healthcheck:
            test: ["CMD", "true"]
            interval: 5s
            timeout: 5s
            start_period: \${START:-0s}
            start_interval: 0
    `;
    assert.deepEqual(summary(text), []);
  });

  it('reports unparsable and sub-millisecond durations at their value', () => {
    const text = bad.replace('interval: 30', 'interval: 30 s').replace('timeout: 5s', 'timeout: 500us');
    assert.deepEqual(summary(text), [
      ['30 s', 'error'],
      ['500us', 'error'],
    ]);
    const [, tiny] = findingsOf(RULE, text);
    assert.match(tiny!.message, /Timeout in Healthcheck cannot be less than 1ms/);
    assert.deepEqual(findingsOf(RULE, text)[0]!.fixes, [], 'no guess for text that is not a number');
  });

  it('reports negative retries as an error and retries: 0 as a warning that it means the default 3', () => {
    assert.deepEqual(summary(bad.replace('interval: 30', 'interval: 30s').replace('retries: 5', 'retries: -1')), [['-1', 'error']]);
    const zero = bad.replace('interval: 30', 'interval: 30s').replace('retries: 5', 'retries: 0');
    const [f] = findingsOf(RULE, zero);
    assert.equal(f!.severity, 'warning');
    assert.match(f!.message, /default 3/);
    assert.ok(assertFixResolves(RULE, zero).includes('retries: 3'));
    assert.deepEqual(summary(bad.replace('interval: 30', 'interval: 30s').replace('retries: 5', 'retries: three')), [['three', 'error']]);
  });

  it('warns when timeout is longer than interval (both written), not when equal or left to defaults', () => {
    const longer = bad.replace('interval: 30', 'interval: 10s').replace('timeout: 5s', 'timeout: 20s');
    assert.deepEqual(summary(longer), [['20s', 'warning']]);
    assert.deepEqual(summary(bad.replace('interval: 30', 'interval: 5s')), []);
    assert.deepEqual(summary(bad.replace('    interval: 30\n', '').replace('timeout: 5s', 'timeout: 1m')), []);
  });

  it('rejects start_interval without start_period; the fix removes it on a plain service', () => {
    const text = bad.replace('interval: 30', 'interval: 30s').replace('retries: 5', 'retries: 5\n      start_interval: 2s');
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'start_interval');
    assert.equal(f!.severity, 'error');
    assert.match(f!.message, /start_interval requires healthcheck\.start_period/);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.endsWith('      retries: 5\n'), fixed);
  });

  it('on a model service, the preferred fix adds start_period from the cold start instead', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: ["Qwen/Qwen2.5-0.5B-Instruct"]
          healthcheck:
            test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
            start_interval: 5s
    `;
    const [f] = findingsOf(RULE, text);
    assert.deepEqual(f!.fixes.map((x) => [x.title, x.preferred]), [
      ['Add start_period: 2m2s', true],
      ['Remove start_interval', false],
    ]);
    assert.ok(assertFixResolves(RULE, text).endsWith('      start_interval: 5s\n      start_period: 2m2s\n'));
  });

  it('reports a value merged from an anchor at the alias, without a fix', () => {
    const text = yaml`
      x-hc: &hc
        test: ["CMD", "true"]
        interval: 10
      services:
        a:
          image: app
          healthcheck:
            <<: *hc
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '*hc');
    assert.deepEqual(f!.fixes, []);
  });
});
