import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'env-duplicate-key';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      environment:
        # debugging the start-up
        - VLLM_LOGGING_LEVEL=DEBUG
        - HF_HOME=/models
        - VLLM_LOGGING_LEVEL=INFO
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at the overridden entry and names the line that wins (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 26 } });
      assert.equal(rangeText(text, f!), 'VLLM_LOGGING_LEVEL');
      assert.equal(
        f!.message,
        'VLLM_LOGGING_LEVEL is set again on line 8 of service "vllm", and Compose keeps the last one: this entry is ignored ' +
          '(the value in effect is the one on line 8). Remove the one you do not mean.',
      );
    });

    it(`the fix removes the overridden line and keeps the rest (${name})`, () => {
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.endsWith(`# debugging the start-up${eol}      - HF_HOME=/models${eol}      - VLLM_LOGGING_LEVEL=INFO${eol}`), fixed);
      assert.deepEqual(findingsOf(RULE, fixed), []);
    });
  }

  it('reports every overridden entry of a name set three times, each naming the last line', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            - NUM_SHARD=1
            - NUM_SHARD=2
            - NUM_SHARD=2
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => f.range.start.line), [4, 5]);
    assert.match(found[0]!.message, /line 7 .*this entry is ignored/);
    assert.match(found[1]!.message, /line 7 .*this entry repeats the same value\. Remove it\.$/);
  });

  it('counts a bare name (taken from the shell) as a setting too', () => {
    const text = yaml`
      services:
        app:
          image: python:3.12
          environment:
            - HF_TOKEN
            - HF_TOKEN=hf_placeholder
    `;
    assert.equal(findingsOf(RULE, text).length, 1);
  });

  it('stays quiet on distinct names, names differing in case, a merge-key override, and the map form', () => {
    const text = yaml`
      x-env: &env
        HF_HOME: /models
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          environment:
            - HF_HOME=/models
            - hf_home=/other
        b:
          image: vllm/vllm-openai:v0.11.0
          environment:
            <<: *env
            HF_HOME: /cache
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('reports a flow list without a fix', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          environment: [A=1, A=2]
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'A');
    assert.deepEqual(f!.fixes, []);
  });
});
