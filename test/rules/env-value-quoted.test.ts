import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'env-value-quoted';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      environment:
        - HF_TOKEN="\${HF_TOKEN}" # from .env
        - VLLM_LOGGING_LEVEL=\${LOG_LEVEL:-'INFO'}
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at a quoted list value and at a quoted default (${name})`, () => {
      const [value, fallback, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(value!.severity, 'warning');
      assert.deepEqual(value!.range, { start: { line: 4, character: 17 }, end: { line: 4, character: 30 } });
      assert.equal(rangeText(text, value!), '"${HF_TOKEN}"');
      assert.equal(
        value!.message,
        'The quotes around the value of HF_TOKEN become part of it: in the list form of `environment:` Compose takes ' +
          'everything after "=" as written, quotes included. Drop them (to quote for YAML, quote the whole item: - "HF_TOKEN=...").',
      );
      assert.equal(rangeText(text, fallback!), "'INFO'");
      assert.equal(
        fallback!.message,
        'The quotes in this default of VLLM_LOGGING_LEVEL become part of the value: Compose inserts the text of ' +
          '`${LOG_LEVEL:-...}` as written, so VLLM_LOGGING_LEVEL gets it with its quotes when LOG_LEVEL is unset or empty. Drop them.',
      );
    });

    it(`the fixes drop the quotes only (${name})`, () => {
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes(`- HF_TOKEN=\${HF_TOKEN} # from .env${eol}`), fixed);
      const [, fallback] = findingsOf(RULE, text);
      assert.deepEqual(fallback!.fixes.map((f) => f.title), ['Drop the quotes']);
      assert.ok(applyFix(text, fallback!.fixes[0]!).includes('- VLLM_LOGGING_LEVEL=${LOG_LEVEL:-INFO}'));
    });
  }

  it('checks defaults and alternatives in the map form, and says when each is used', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            MODEL_ID: \${MODEL-"Qwen/Qwen3-8B"}
            EXTRA: \${DEBUG:+"--debug"}
    `;
    const [a, b, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, a!), '"Qwen/Qwen3-8B"');
    assert.match(a!.message, /this default of MODEL_ID .* when MODEL is unset\. Drop them\.$/);
    assert.match(b!.message, /this alternative value of EXTRA .* when DEBUG is set and not empty\. Drop them\.$/);
    assert.ok(applyFix(text, a!.fixes[0]!).includes('MODEL_ID: ${MODEL-Qwen/Qwen3-8B}'));
  });

  it('reports an empty quoted value, which is two quote characters', () => {
    const text = yaml`
      services:
        app:
          image: vllm/vllm-openai:v0.11.0
          environment:
            - VLLM_API_KEY=""
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '""');
    assert.ok(assertFixResolves(RULE, text).includes('- VLLM_API_KEY=\n'));
  });

  it('stays quiet on YAML quoting, map-form values, several quoted parts and quotes inside a value', () => {
    const text = yaml`
      services:
        app:
          image: vllm/vllm-openai:v0.11.0
          environment:
            - "HF_HOME=/models"
            - 'A=b'
            - ARGS="--a" --b="c"
            - 'JSON={"a":"b"}'
            - REQUIRED=\${TOKEN:?"set TOKEN"}
        other:
          image: vllm/vllm-openai:v0.11.0
          environment:
            KEY: "value"
            KEY2: '"deliberate"'
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('reports a value written with YAML escapes without a fix', () => {
    const text = yaml`
      services:
        app:
          image: vllm/vllm-openai:v0.11.0
          environment:
            - "KEY=\\"value\\""
    `;
    const [f] = findingsOf(RULE, text);
    assert.ok(f);
    assert.deepEqual(f.fixes, []);
  });
});
