import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateColdStart, modelFromArgs, parseParameterCount, recommendedStartPeriod } from '../../server/src/engines/coldStart';
import { LLAMACPP, TGI, VLLM } from '../../server/src/engines/engines';
import { parseComposeDuration } from '../../server/src/core/duration';

describe('coldStart', () => {
  it('reads parameter counts from model names', () => {
    const cases: Array<[string, number | undefined]> = [
      ['meta-llama/Llama-3.1-8B-Instruct', 8],
      ['meta-llama/Meta-Llama-3-70b-instruct', 70],
      ['Qwen/Qwen2.5-0.5B-Instruct', 0.5],
      ['facebook/opt-350m', 0.35],
      ['mistralai/Mixtral-8x7B-Instruct-v0.1', 56],
      ['Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8', 30],
      ['Qwen/Qwen2.5-7B-Instruct-1M', 7],
      ['models/7B/ggml-model.gguf', 7],
      ['TheBloke/Llama-2-13B-chat-GGUF', 13],
      ['BAAI/bge-large-en-v1.5', undefined],
      ['gpt2', undefined],
      ['intfloat/e5-mistral-7b-instruct', 7],
    ];
    for (const [name, expected] of cases) {
      const got = parseParameterCount(name);
      assert.equal(got === undefined ? undefined : Number(got.toFixed(3)), expected, name);
    }
  });

  it('takes the measured time first, then the setting, then the model size, then 60 s', () => {
    const model = 'meta-llama/Llama-3.1-70B-Instruct';
    const measured = estimateColdStart({ measuredColdStarts: { vllm: 412.3 }, coldStartSeconds: 90 }, 'vllm', model);
    assert.deepEqual([measured.seconds, measured.source], [413, 'measured']);
    assert.match(measured.reason, /measured at the last start/);
    const otherService = estimateColdStart({ measuredColdStarts: { other: 10 }, coldStartSeconds: 90 }, 'vllm', model);
    assert.deepEqual([otherService.seconds, otherService.source], [90, 'setting']);
    const bySize = estimateColdStart({}, 'vllm', model);
    assert.deepEqual([bySize.seconds, bySize.source, bySize.billions], [200, 'model-size', 70]);
    assert.match(bySize.reason, /70B parameters in "meta-llama\/Llama-3\.1-70B-Instruct"/);
    assert.equal(recommendedStartPeriod(bySize), 400);
    const unknown = estimateColdStart({}, 'vllm', 'BAAI/bge-m3');
    assert.deepEqual([unknown.seconds, unknown.source], [60, 'default']);
    assert.equal(estimateColdStart({ coldStartSeconds: -5 }).source, 'default', 'a nonsense setting is ignored');
    const url = estimateColdStart({}, undefined, 'https://user:hf_secret@example.com/m-7B.gguf?token=hf_secret');
    assert.equal(url.seconds, 74);
    assert.doesNotMatch(url.reason, /hf_secret/, 'a URL token never reaches a message');
  });

  it('finds the model in engine command lines', () => {
    assert.equal(modelFromArgs(VLLM, ['meta-llama/Llama-3.1-8B', '--port', '9000'], true), 'meta-llama/Llama-3.1-8B');
    assert.equal(modelFromArgs(VLLM, ['--port', '9000', '--model', 'Qwen/Qwen2.5-7B'], true), 'Qwen/Qwen2.5-7B');
    assert.equal(modelFromArgs(VLLM, ['vllm', 'serve', 'org/m-3B', '--max-model-len', '4096']), 'org/m-3B');
    assert.equal(modelFromArgs(VLLM, ['python3', '-m', 'vllm.entrypoints.openai.api_server', '--model=org/m-1B']), 'org/m-1B');
    assert.equal(modelFromArgs(TGI, ['--model-id', 'org/m-9B']), 'org/m-9B');
    assert.equal(modelFromArgs(LLAMACPP, ['-m', '/models/llama-2-7b.Q4_K_M.gguf', '--port', '8080']), '/models/llama-2-7b.Q4_K_M.gguf');
    assert.equal(modelFromArgs(VLLM, ['--port', '9000']), undefined);
  });

  it('parses durations the way compose-go does (go-str2duration)', () => {
    assert.equal(parseComposeDuration('1m30s'), 90);
    assert.equal(parseComposeDuration('1d'), 86400, 'Compose accepts days');
    assert.equal(parseComposeDuration('0'), 0);
    assert.equal(parseComposeDuration('-5s'), -5);
    assert.equal(parseComposeDuration('30'), undefined, 'no unit');
    assert.equal(parseComposeDuration('10 s'), undefined);
    assert.equal(parseComposeDuration('5x'), undefined);
  });
});
