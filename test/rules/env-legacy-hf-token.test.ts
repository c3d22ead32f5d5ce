import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'env-legacy-hf-token';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:latest
      environment:
        # token for gated models
        - HUGGING_FACE_HUB_TOKEN=\${HF_TOKEN}
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the name (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'info');
      assert.deepEqual(f!.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 30 } });
      assert.equal(rangeText(text, f!), 'HUGGING_FACE_HUB_TOKEN');
    });

    it(`its fix renames only the name (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('- HF_TOKEN=${HF_TOKEN}'), fixed);
    });
  }

  it('stays quiet on HF_TOKEN', () => {
    assert.deepEqual(findingsOf(RULE, bad.replace('HUGGING_FACE_HUB_TOKEN', 'HF_TOKEN')), []);
  });

  it('removes the legacy entry when HF_TOKEN is set too (HF_TOKEN wins)', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            HF_TOKEN: \${HF_TOKEN}
            HUGGING_FACE_HUB_TOKEN: \${HF_TOKEN}
    `;
    const [f] = findingsOf(RULE, text);
    assert.match(f!.message, /also set and wins/);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(!fixed.includes('HUGGING_FACE_HUB_TOKEN') && fixed.includes('HF_TOKEN: ${HF_TOKEN}'), fixed);
  });

  it('renames a quoted map key inside its quotes', () => {
    const text = yaml`
      services:
        app:
          image: vllm/vllm-openai:latest
          environment:
            "HUGGING_FACE_HUB_TOKEN": \${T}
    `;
    const [f] = findingsOf(RULE, text);
    assert.ok(applyFix(text, preferredFix(f!)).includes('"HF_TOKEN": ${T}'));
  });

  it('renames a Dockerfile ENV, and offers no rename when another instruction reads the old name', () => {
    const text = dockerfile`
      FROM vllm/vllm-openai:latest
      ARG HUGGING_FACE_HUB_TOKEN
      RUN huggingface-cli download --token $HUGGING_FACE_HUB_TOKEN org/model
    `;
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), 'HUGGING_FACE_HUB_TOKEN');
    assert.deepEqual(f!.fixes, []);
    const plain = dockerfile`
      FROM vllm/vllm-openai:latest
      ENV HUGGING_FACE_HUB_TOKEN=""
    `;
    const fixed = assertFixResolves(RULE, plain, {}, 'dockerfile');
    assert.ok(fixed.includes('ENV HF_TOKEN=""'), fixed);
  });
});
