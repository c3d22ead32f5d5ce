import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'command-repeats-entrypoint';

describe(RULE, () => {
  const repeated = yaml`
    services:
      llm:
        image: vllm/vllm-openai:v0.11.0
        command: vllm serve Qwen/Qwen3-0.6B --port 8000 # served on 8000
  `;

  for (const [name, text] of [['LF', repeated], ['CRLF', toCrlf(repeated)]] as const) {
    it(`reports the repeated words and removes them (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(rangeText(text, f!), 'vllm serve');
      assert.equal(f!.severity, 'error');
      assert.match(f!.message, /already runs `vllm serve`.*vLLM exits at start-up with "unrecognized arguments"/);
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('command: Qwen/Qwen3-0.6B --port 8000 # served on 8000'), fixed);
    });
  }

  it('removes the items of a block sequence, keeping comments', () => {
    const text = yaml`
      services:
        llm:
          image: vllm/vllm-openai:latest
          command:
            - vllm
            # the server
            - serve
            - Qwen/Qwen3-0.6B
    `;
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('command:\n      # the server\n      - Qwen/Qwen3-0.6B'), fixed);
  });

  it("TGI, TEI and llama.cpp's server images start their server too", () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.4
          command: text-generation-launcher --model-id m
        tei:
          image: ghcr.io/huggingface/text-embeddings-inference:cuda-1.9
          command: ["text-embeddings-router", "--model-id", "m"]
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          command: /app/llama-server -m /models/q.gguf
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['text-generation-launcher', '"text-embeddings-router"', '/app/llama-server']);
    assert.match(found[0]!.message, /TGI exits at start-up with "unexpected argument"/);
    assert.match(found[2]!.message, /llama-server exits at start-up with "invalid argument"/);
  });

  it('reports a keep-alive command handed to the server, without a fix', () => {
    const text = yaml`
      services:
        llm:
          image: vllm/vllm-openai:v0.11.0
          command: sleep infinity
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'sleep');
    assert.match(f!.message, /`sleep infinity` does not replace the server: the image's entrypoint runs `vllm serve`.*set `entrypoint:` too/);
    assert.deepEqual(f!.fixes, []);
  });

  it('stays quiet when entrypoint is overridden, and on images that run their command (SGLang, Triton, Ollama)', () => {
    const text = yaml`
      services:
        llm:
          image: vllm/vllm-openai:latest
          entrypoint: []
          command: vllm serve Qwen/Qwen3-0.6B
        sglang:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --model-path m
        triton:
          image: nvcr.io/nvidia/tritonserver:24.08-py3
          command: tritonserver --model-repository=/models
        ollama:
          image: ollama/ollama:0.6.0
          command: serve
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('Dockerfile: a CMD that repeats the base image entrypoint', () => {
    const text = dockerfile`
      FROM vllm/vllm-openai:latest
      CMD ["vllm", "serve", "Qwen/Qwen3-0.6B", "--enable-prefix-caching"]
    `;
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), '"vllm", "serve"');
    const fixed = applyFix(text, preferredFix(f!));
    assert.ok(fixed.includes('CMD ["Qwen/Qwen3-0.6B", "--enable-prefix-caching"]'), fixed);
  });
});
