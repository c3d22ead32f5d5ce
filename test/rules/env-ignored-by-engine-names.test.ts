import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, yaml } from '../helpers';

const RULE = 'env-ignored-by-engine';

/** Env-configured engines read only the names they know, and say nothing about the others. */
describe(`${RULE}: names an env-configured engine does not read`, () => {
  it('llama.cpp: a misspelt LLAMA_ARG_* name, with the name it reads; the fix renames it', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          environment:
            LLAMA_ARG_MODEL: /models/q.gguf
            LLAMA_ARG_CTX_SIZ: "8192"
            LLAMA_ARG_N_GPU_LAYERS: "99"
            LLAMA_ARG_NO_MMAP: "1"
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['LLAMA_ARG_CTX_SIZ']);
    assert.match(found[0]!.message, /reads no variable LLAMA_ARG_CTX_SIZ: it ignores it without a word.*Did you mean LLAMA_ARG_CTX_SIZE\?/);
    assert.match(assertFixResolves(RULE, text), /LLAMA_ARG_CTX_SIZE: "8192"/);
  });

  it('llama.cpp: LLAMA_<OPTION> written without ARG_, which no release reads; its own LLAMA_* names stay', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda-b4500
          environment:
            LLAMA_CTX_SIZE: "8192"
            LLAMA_N_GPU_LAYERS: "99"
            LLAMA_CACHE: /models/cache
            LLAMA_SOMETHING: "1"
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['LLAMA_CTX_SIZE', 'LLAMA_N_GPU_LAYERS']);
    assert.match(found[1]!.message, /Did you mean LLAMA_ARG_N_GPU_LAYERS\?$/);
    assert.match(assertFixResolves(RULE, text), /LLAMA_ARG_CTX_SIZE: "8192"\n/);
  });

  it('llama.cpp: a variable renamed in b9376, on an image after the rename; silent on an older build', () => {
    const at = (tag: string) => yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:${tag}
          environment:
            - LLAMA_ARG_MODEL=/models/q.gguf
            - LLAMA_LOG_VERBOSITY=3
    `;
    const [f] = findingsOf(RULE, at('server-cuda'));
    assert.match(f!.message, /no longer reads LLAMA_LOG_VERBOSITY \(gone since b9376\).*Use LLAMA_ARG_LOG_VERBOSITY instead/);
    assert.deepEqual(findingsOf(RULE, at('server-cuda-b9000')), []);
    assert.match(assertFixResolves(RULE, at('server-cuda-b9500')), /- LLAMA_ARG_LOG_VERBOSITY=3/);
  });

  it('Ollama: a removed variable, by the release the tag pins', () => {
    const at = (tag: string) => yaml`
      services:
        ollama:
          image: ollama/ollama:${tag}
          environment:
            OLLAMA_MAX_VRAM: "20000000000"
            OLLAMA_KEEP_ALIVE: 24h
    `;
    const text = at('0.9.0');
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'OLLAMA_MAX_VRAM');
    assert.match(f!.message, /Ollama no longer reads OLLAMA_MAX_VRAM \(gone since v0\.7\.0\) and the image pins 0\.9\.0/);
    assert.deepEqual(findingsOf(RULE, at('0.6.8')), []);
  });

  it('TGI: a near-miss of a variable the launcher reads; other names are left alone', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.4
          environment:
            MODEL_ID: Qwen/Qwen3-0.6B
            NUM_SHARDS: "2"
            MAX_INPUT_TOKENS: "4096"
            HF_HUB_ENABLE_HF_TRANSFER: "1"
            MY_APP_SETTING: x
            CUDA_VISIBLE_DEVICES: "0,1"
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['NUM_SHARDS']);
    assert.match(found[0]!.message, /Did you mean NUM_SHARD\?/);
  });

  it('is silent on a tag that names no release, unless the name is a near-miss', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:custom-build
          environment:
            LLAMA_ARG_SOMETHING_NEW: "1"
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });
});
