import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'resource-limits-below-reservations';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          limits:
            cpus: "2"
            memory: 8g  # too small
          reservations:
            cpus: 4
            memory: 16gb
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`reports memory as an error and CPUs as a warning, at the limit values (${name})`, () => {
      const found = findingsOf(RULE, text);
      assert.equal(found.length, 2);
      const [cpus, memory] = found;
      assert.equal(cpus!.severity, 'warning');
      assert.equal(rangeText(text, cpus!), '"2"');
      assert.deepEqual(cpus!.range, { start: { line: 6, character: 16 }, end: { line: 6, character: 19 } });
      assert.equal(memory!.severity, 'error');
      assert.equal(rangeText(text, memory!), '8g');
      assert.deepEqual(memory!.range, { start: { line: 7, character: 18 }, end: { line: 7, character: 20 } });
      assert.match(memory!.message, /8 GiB.*16 GiB/);
      assert.deepEqual(memory!.fixes, []);
    });
  }

  it('compares byte units (1024m equals 1g)', () => {
    const ok = bad.replace('cpus: "2"', 'cpus: "4"').replace('memory: 8g', 'memory: 16384m');
    assert.deepEqual(findingsOf(RULE, ok), []);
    const justBelow = ok.replace('16384m', '16383m');
    assert.equal(findingsOf(RULE, justBelow).length, 1);
  });

  it('compares the legacy keys', () => {
    const text = 'services:\n  app:\n    image: my/app:1\n    mem_limit: 512m\n    mem_reservation: 1g\n';
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '512m');
  });

  it('stays quiet when values are unknown or a limit is 0 (no limit)', () => {
    const text = bad.replace('cpus: "2"', 'cpus: ${CPUS}').replace('memory: 8g', 'memory: 0');
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('resolves values from .env', () => {
    const text = bad.replace('cpus: "2"', 'cpus: "8"').replace('memory: 8g', 'memory: ${MEM}');
    const dotEnv = new Map([['MEM', '4g']]);
    const [f, ...rest] = findingsOf(RULE, text, 'compose', { dotEnv });
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '${MEM}');
  });

  it('reports at the alias when the limits come from an anchor', () => {
    const text = yaml`
      x-small: &small
        deploy:
          resources:
            limits:
              memory: 1g
            reservations:
              memory: 2g
      services:
        app:
          image: my/app:1
          <<: *small
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '*small');
  });
});
