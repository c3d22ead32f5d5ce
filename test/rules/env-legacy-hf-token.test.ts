import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'env-legacy-hf-token';

const bad = yaml`
  services:
    embed:
      image: ghcr.io/huggingface/text-embeddings-inference:1.7
      environment:
        # token for gated models
        - HUGGING_FACE_HUB_TOKEN=\${HF_TOKEN}
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the name on TEI, which never reads it, as a warning (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 30 } });
      assert.equal(rangeText(text, f!), 'HUGGING_FACE_HUB_TOKEN');
      assert.equal(f!.message, 'TEI never reads HUGGING_FACE_HUB_TOKEN: its token is --hf-token / HF_TOKEN, so a gated or private model cannot be downloaded. Rename it to HF_TOKEN.');
    });

    it(`its fix renames only the name (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('- HF_TOKEN=${HF_TOKEN}'), fixed);
    });
  }

  it('on TGI says which part reads only HF_TOKEN (the launcher), as info', () => {
    const [f] = findingsOf(RULE, bad.replace('text-embeddings-inference:1.7', 'text-generation-inference:3.3.5'));
    assert.equal(f!.severity, 'info');
    assert.match(f!.message, /TGI's launcher reads only HF_TOKEN when it fetches the model's config\.json/);
  });

  it('stays quiet where Python\'s huggingface_hub reads it anyway (vLLM, SGLang, unknown images), and on HF_TOKEN', () => {
    assert.deepEqual(findingsOf(RULE, bad.replace('ghcr.io/huggingface/text-embeddings-inference:1.7', 'vllm/vllm-openai:v0.11.0')), []);
    assert.deepEqual(findingsOf(RULE, bad.replace('ghcr.io/huggingface/text-embeddings-inference:1.7', 'lmsysorg/sglang:v0.5.0')), []);
    assert.deepEqual(findingsOf(RULE, bad.replace('ghcr.io/huggingface/text-embeddings-inference:1.7', 'example/app:1.0')), []);
    assert.deepEqual(findingsOf(RULE, bad.replace('HUGGING_FACE_HUB_TOKEN', 'HF_TOKEN')), []);
  });

  it('removes the legacy entry when HF_TOKEN is set to another value (HF_TOKEN wins), on any engine; the same value is harmless', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          environment:
            HF_TOKEN: \${HF_TOKEN}
            HUGGING_FACE_HUB_TOKEN: \${OLD_TOKEN}
    `;
    const [f] = findingsOf(RULE, text);
    assert.match(f!.message, /also set, to another value, and wins/);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(!fixed.includes('HUGGING_FACE_HUB_TOKEN') && fixed.includes('HF_TOKEN: ${HF_TOKEN}'), fixed);
    assert.deepEqual(findingsOf(RULE, text.replace('${OLD_TOKEN}', '${HF_TOKEN}')), []);
  });

  it('renames a quoted map key inside its quotes', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/huggingface/text-embeddings-inference:1.7
          environment:
            "HUGGING_FACE_HUB_TOKEN": \${T}
    `;
    const [f] = findingsOf(RULE, text);
    assert.ok(applyFix(text, preferredFix(f!)).includes('"HF_TOKEN": ${T}'));
  });

  it('renames a Dockerfile ENV on a TEI image, and offers no rename when another instruction reads the old name', () => {
    const text = dockerfile`
      FROM ghcr.io/huggingface/text-embeddings-inference:1.7
      ARG HUGGING_FACE_HUB_TOKEN
      RUN echo $HUGGING_FACE_HUB_TOKEN > /tmp/t
    `;
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), 'HUGGING_FACE_HUB_TOKEN');
    assert.deepEqual(f!.fixes, []);
    const plain = dockerfile`
      FROM ghcr.io/huggingface/text-embeddings-inference:1.7
      ENV HUGGING_FACE_HUB_TOKEN=""
    `;
    const fixed = assertFixResolves(RULE, plain, {}, 'dockerfile');
    assert.ok(fixed.includes('ENV HF_TOKEN=""'), fixed);
    assert.deepEqual(findingsOf(RULE, plain.replace('ghcr.io/huggingface/text-embeddings-inference:1.7', 'vllm/vllm-openai:latest'), 'dockerfile'), []);
  });
});
