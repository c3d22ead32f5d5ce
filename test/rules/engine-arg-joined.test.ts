import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, assertValidYaml, dockerfile, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'engine-arg-joined';

const joined = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command:
        - Qwen/Qwen3-0.6B
        - --max-model-len 8192
        - "--gpu-memory-utilization 0.85"
        - --served-model-name=qwen small
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', joined], ['CRLF', toCrlf(joined)]] as const) {
    it(`reports a list item holding a flag and its value, and splits it into two items (${name})`, () => {
      const found = findingsOf(RULE, text);
      // `--served-model-name=qwen small` is one flag with a value that has a space: fine.
      assert.deepEqual(found.map((f) => rangeText(text, f)), ['--max-model-len 8192', '"--gpu-memory-utilization 0.85"']);
      assert.equal(found[0]!.severity, 'error');
      assert.match(found[0]!.message, /vLLM receives a flag named `--max-model-len 8192` and exits at start-up with "unrecognized arguments"/);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const once = assertFixResolves(RULE, text);
      assert.ok(once.includes(`      - --max-model-len${eol}      - "8192"${eol}`), once);
      assertValidYaml(once);
      const twice = assertFixResolves(RULE, once);
      assert.ok(twice.includes(`      - "--gpu-memory-utilization"${eol}      - "0.85"${eol}`), twice);
    });
  }

  it('splits an item of a flow list and of a Dockerfile JSON array', () => {
    const flow = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:latest
          command: ["python3", "-m", "sglang.launch_server", "--model-path Qwen/Qwen3-0.6B", "--port", "30000"]
    `;
    const fixed = assertFixResolves(RULE, flow);
    assert.match(fixed, /"sglang\.launch_server", "--model-path", "Qwen\/Qwen3-0\.6B", "--port"/);
    const text = dockerfile`
      FROM ghcr.io/huggingface/text-embeddings-inference:cuda-1.9
      CMD ["--model-id BAAI/bge-small-en-v1.5"]
    `;
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.match(f!.message, /TEI receives a flag named `--model-id BAAI\/bge-small-en-v1\.5`/);
    assert.match(assertFixResolves(RULE, text, {}, 'dockerfile'), /CMD \["--model-id", "BAAI\/bge-small-en-v1\.5"\]/);
  });

  it("is silent through TGI's image entrypoint, which re-splits its arguments (`exec text-generation-launcher $@`)", () => {
    const tgi = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.4
          command: ["--model-id Qwen/Qwen3-0.6B", "--num-shard 2"]
    `;
    assert.deepEqual(findingsOf(RULE, tgi), []);
    // Started directly, the launcher gets the word as it is.
    const direct = tgi.replace('command: [', 'entrypoint: ["text-generation-launcher"]\n    command: [');
    assert.deepEqual(findingsOf(RULE, direct).map((f) => rangeText(direct, f)), ['"--model-id Qwen/Qwen3-0.6B"', '"--num-shard 2"']);
  });

  it('stays quiet on a string command (Compose splits it), a sh -c script, values with spaces and unknown words', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          command: --model m --max-model-len 8192
        b:
          image: vllm/vllm-openai:v0.11.0
          entrypoint: ["/bin/sh", "-c", "vllm serve m --max-model-len 8192 && echo done"]
        c:
          image: vllm/vllm-openai:v0.11.0
          command: ["m", "--chat-template", "{{ messages }}", "--not-a-flag x"]
        d:
          image: python:3.12
          command: ["--max-model-len 8192"]
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });
});
