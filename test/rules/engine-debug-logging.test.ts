import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'engine-debug-logging';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:latest
      environment:
        # chasing a bug
        VLLM_LOGGING_LEVEL: DEBUG
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the value (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 5, character: 26 }, end: { line: 5, character: 31 } });
      assert.equal(rangeText(text, f!), 'DEBUG');
    });

    it(`its fix sets INFO (${name})`, () => {
      assert.ok(assertFixResolves(RULE, text).includes('VLLM_LOGGING_LEVEL: INFO'));
    });
  }

  it('stays quiet on INFO, on a ${VAR:-INFO} default and on RUST_LOG for TGI (it reads LOG_LEVEL)', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: ["--model", "m", "--uvicorn-log-level", "info"]
          environment:
            - VLLM_LOGGING_LEVEL=\${VLLM_LOGGING_LEVEL:-INFO}
            - VLLM_TRACE_FUNCTION=0
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            RUST_LOG: debug
            LOG_LEVEL: info
        ollama:
          image: ollama/ollama
          environment:
            OLLAMA_DEBUG: "false"
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('removes --uvicorn-log-level debug from a block-scalar command', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: >
            --model m
            --uvicorn-log-level debug
            --port 8000
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'debug');
    assert.equal(f!.fixes.length, 2);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('command: >\n      --model m\n      --port 8000'), fixed);
    assert.ok(applyFix(text, f!.fixes[1]!).includes('--uvicorn-log-level info'));
  });

  it('covers TGI/TEI LOG_LEVEL, Ollama, SGLang and llama.cpp', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            - LOG_LEVEL=text_generation_router=debug,info
        ollama:
          image: ollama/ollama
          environment:
            OLLAMA_DEBUG: "1"
        sglang:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --model-path m --log-level debug
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          command: ["-m", "/models/m.gguf", "-v", "--port", "8080"]
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['text_generation_router=debug,info', '"1"', 'debug', '"-v"']);
    assert.ok(applyFix(text, preferredFix(found[0]!)).includes('- LOG_LEVEL=text_generation_router=info,info'));
    assert.ok(!applyFix(text, preferredFix(found[1]!)).includes('OLLAMA_DEBUG'));
    assert.ok(applyFix(text, preferredFix(found[2]!)).includes('--model-path m\n'));
    assert.ok(applyFix(text, preferredFix(found[3]!)).includes('["-m", "/models/m.gguf", "--port", "8080"]'));
  });

  it('reads ENV and ENTRYPOINT of the shipped Dockerfile stage', () => {
    const text = dockerfile`
      FROM python:3.12 AS build
      ENV VLLM_LOGGING_LEVEL=DEBUG
      FROM vllm/vllm-openai:latest
      ENV VLLM_LOGGING_LEVEL="debug"
      ENTRYPOINT ["vllm", "serve", "m", "--uvicorn-log-level", "trace"]
    `;
    const found = findingsOf(RULE, text, 'dockerfile');
    assert.deepEqual(found.map((f) => [f.range.start.line, rangeText(text, f)]), [[3, '"debug"'], [4, 'trace']]);
    assert.ok(applyFix(text, preferredFix(found[0]!)).includes('ENV VLLM_LOGGING_LEVEL="INFO"'));
  });
});

describe('engine-debug-logging: NVIDIA NIM', () => {
  it('reports NIM_TRITON_LOG_VERBOSE on the Triton-based NIMs that read it, not on an LLM NIM; NIM_LOG_LEVEL=DEBUG on any', () => {
    const text = yaml`
      services:
        embed:
          image: nvcr.io/nim/nvidia/llama-3.2-nv-embedqa-1b-v2:1.3.0
          environment:
            - NIM_TRITON_LOG_VERBOSE=1
        llm:
          image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3
          environment:
            - NIM_TRITON_LOG_VERBOSE=1
            - NIM_LOG_LEVEL=DEBUG
    `;
    const found = findingsOf('engine-debug-logging', text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['1', 'DEBUG']);
    assert.equal(found[0]!.range.start.line, 4);
    assert.match(found[1]!.message, /NIM DEBUG logging/);
  });
});
