import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targetFromGiB, targetFromName } from '../../server/src/engines/fit/gpuFacts';
import { findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'model-does-not-fit';
const H100 = { gpu: targetFromName('H100')! };

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: ["--model", "meta-llama/Llama-3.1-70B-Instruct"]
`;

const service = (command: string) => yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: ${command}
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the model id when the weights exceed the GPU (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text, 'compose', H100);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.equal(rangeText(text, f!), '"meta-llama/Llama-3.1-70B-Instruct"');
      assert.deepEqual(f!.range.start, { line: 3, character: 25 });
      assert.equal(
        f!.message,
        'meta-llama/Llama-3.1-70B-Instruct has 70.6B parameters: 131.42 GiB of weights per GPU, more than the H100 80GB HBM3 (79.65 GiB) holds: ' +
          'vLLM runs out of CUDA memory while loading them. Use more GPUs (--tensor-parallel-size), a quantized checkpoint or a larger GPU.',
      );
      assert.deepEqual(f!.fixes, []);
    });
  }

  it('says "No available memory for the cache blocks" when the weights load but leave nothing', () => {
    // 14.96 GiB of weights in 0.65 × 22.07 GiB = 14.35 GiB, less 0.75 GiB non-torch and 0.21 GiB activations.
    const L4 = { gpu: targetFromName('L4')! };
    const [f] = findingsOf(RULE, service('--model meta-llama/Llama-3.1-8B-Instruct --gpu-memory-utilization 0.65'), 'compose', L4);
    assert.match(f!.message, /14\.96 GiB of weights per GPU; vLLM may use 14\.35 GiB of the L4 \(22\.49 GiB\) \(--gpu-memory-utilization 0\.65\)/);
    assert.match(f!.message, /"No available memory for the cache blocks"/);
    // At 0.7 the estimate leaves −0.47 GiB: inside its 0.5 GiB margin, so no error.
    assert.deepEqual(findingsOf(RULE, service('--model meta-llama/Llama-3.1-8B-Instruct --gpu-memory-utilization 0.7'), 'compose', L4), []);
  });

  it('splits the weights over tensor × pipeline parallel GPUs', () => {
    assert.deepEqual(findingsOf(RULE, service('--model meta-llama/Llama-3.1-70B-Instruct --tensor-parallel-size 2'), 'compose', H100), []);
    const [f] = findingsOf(RULE, service('--model meta-llama/Llama-3.1-70B-Instruct -tp 2'), 'compose', { gpu: targetFromGiB(48)! });
    assert.match(f!.message, /65\.71 GiB of weights per GPU split over 2 GPUs, more than the 48\.00 GiB GPU holds/);
  });

  it('counts FP8 and AWQ weights at their size', () => {
    // Qwen3-235B-A22B-FP8 on 4 H100s: ~55 GiB a GPU, it loads; the bf16 checkpoint (~110 GiB a GPU) does not.
    assert.deepEqual(findingsOf(RULE, service('--model Qwen/Qwen3-235B-A22B-FP8 -tp 4'), 'compose', H100), []);
    assert.equal(findingsOf(RULE, service('--model Qwen/Qwen3-235B-A22B -tp 4'), 'compose', H100).length, 1);
    assert.deepEqual(findingsOf(RULE, service('--model Qwen/Qwen3-235B-A22B -tp 4 --quantization fp8'), 'compose', H100), []);
  });

  it('is silent without a GPU setting, for unknown models, unmodelled quantizations and engines', () => {
    assert.deepEqual(findingsOf(RULE, bad), []);
    assert.deepEqual(findingsOf(RULE, service('--model TheBloke/Llama-2-70B-GGUF'), 'compose', H100), []);
    assert.deepEqual(findingsOf(RULE, service('--model meta-llama/Llama-3.1-70B-Instruct --quantization bitsandbytes'), 'compose', H100), []);
    const tgi = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.4
          command: --model-id meta-llama/Llama-3.1-70B-Instruct
    `;
    assert.deepEqual(findingsOf(RULE, tgi, 'compose', H100), [], 'TGI\'s memory is not modelled');
  });

  it('speaks for SGLang with its own accounting and words (engines/fit/sglangMemory.ts)', () => {
    const sglang = (args: string) => `services:\n  sglang:\n    image: lmsysorg/sglang:v0.5.6.post1\n    command: python3 -m sglang.launch_server ${args}\n`;
    const text = sglang('--model-path meta-llama/Llama-3.1-70B-Instruct');
    const [f, ...rest] = findingsOf(RULE, text, 'compose', H100);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'meta-llama/Llama-3.1-70B-Instruct');
    assert.match(f!.message, /131\.42 GiB of weights per GPU, more than the H100 80GB HBM3 \(79\.65 GiB\) has free \([\d.]+ GiB\): SGLang runs out of CUDA memory while loading them\. Use more GPUs \(--tp-size\)/);
    assert.deepEqual(findingsOf(RULE, sglang('--model-path meta-llama/Llama-3.1-70B-Instruct --tp-size 4'), 'compose', H100), []);
    assert.deepEqual(findingsOf(RULE, sglang('--model-path meta-llama/Llama-3.1-8B-Instruct'), 'compose', H100), []);
  });
});
