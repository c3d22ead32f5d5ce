import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GIB, gpuByName, gpuLabel, knownGpus, targetFromLocal, targetFromSetting } from '../../server/src/engines/fit/gpuFacts';
import { knownModels, modelFacts, parameterCount } from '../../server/src/engines/fit/modelFacts';
import { estimateVllm, kvBytesPerToken } from '../../server/src/engines/fit/vllmMemory';
import { accountingRules, CURRENT_RULES, pipelineStages } from '../../server/src/engines/fit/vllmRelease';

describe('model facts', () => {
  it('every entry names its source and at least one Hub id, each id once', () => {
    const ids = knownModels().flatMap((m) => m.ids);
    assert.ok(knownModels().length >= 70, `${knownModels().length} models`);
    assert.equal(new Set(ids).size, ids.length);
    for (const m of knownModels()) {
      assert.match(m.source, /github|huggingface\.co|gitcode\.com|@[0-9a-f]{40}/, m.ids[0]);
      for (const id of m.ids) assert.match(id, /^[\w.-]+\/[\w.-]+$/, id);
    }
  });

  it('matches ids exactly as written: case, local paths and revisions are unknown', () => {
    assert.ok(modelFacts('meta-llama/Llama-3.1-8B-Instruct'));
    assert.equal(modelFacts('meta-llama/llama-3.1-8b-instruct'), undefined);
    assert.equal(modelFacts('/models/meta-llama/Llama-3.1-8B-Instruct'), undefined);
    assert.equal(modelFacts(undefined), undefined);
  });

  it('counts the parameters the model cards publish', () => {
    const published: Array<[string, number]> = [
      ['meta-llama/Llama-3.1-8B-Instruct', 8.03],
      ['meta-llama/Llama-3.1-70B-Instruct', 70.6],
      ['meta-llama/Llama-3.2-1B-Instruct', 1.24],
      ['mistralai/Mistral-7B-Instruct-v0.3', 7.25],
      ['mistralai/Mixtral-8x7B-v0.1', 46.7],
      ['Qwen/Qwen2.5-7B-Instruct', 7.62],
      ['Qwen/Qwen3-30B-A3B', 30.5],
      ['Qwen/Qwen3-235B-A22B', 235],
      ['deepseek-ai/DeepSeek-V3', 671],
      ['deepseek-ai/DeepSeek-V2-Lite', 15.7],
    ];
    for (const [id, billions] of published) {
      const total = parameterCount(modelFacts(id)!)!.total / 1e9;
      assert.ok(Math.abs(total - billions) / billions < 0.01, `${id}: ${total.toFixed(2)}B vs ${billions}B`);
    }
  });

  /** Checkpoints that hold weights the config-derived count leaves out: the count is short by this much, and why. */
  const COUNT_EXCEPTIONS: Readonly<Record<string, { error: number; why: string }>> = {
    'google/gemma-3-4b-it': { error: -0.098, why: 'the SigLIP vision tower and projector (0.42B) of the multimodal checkpoint' },
    'google/gemma-3-27b-it': { error: -0.015, why: 'the SigLIP vision tower and projector (0.42B) of the multimodal checkpoint' },
    'deepseek-ai/DeepSeek-R1': { error: -0.02, why: 'the multi-token-prediction layer (num_nextn_predict_layers 1), loaded only for speculative decoding' },
  };

  it('counts every published parameter total in the table within 1%, but the known exceptions', () => {
    const withTotals = knownModels().filter((m) => m.publishedParams);
    assert.ok(withTotals.length >= 35, `${withTotals.length} models with a published total`);
    for (const m of withTotals) {
      const total = parameterCount(m)!.total;
      const err = (total - m.publishedParams!.value) / m.publishedParams!.value;
      const exception = COUNT_EXCEPTIONS[m.ids[0]!];
      if (exception) assert.ok(Math.abs(err - exception.error) < 0.005, `${m.ids[0]} (${exception.why}): ${(err * 100).toFixed(2)}%`);
      else assert.ok(Math.abs(err) < 0.01, `${m.ids[0]}: ${(err * 100).toFixed(2)}% off ${m.publishedParams!.value}`);
    }
  });
});

describe('GPU facts', () => {
  it('names each GPU with its nvidia-smi memory and source, and finds it however it is written', () => {
    assert.ok(knownGpus().every((g) => g.memoryMiB > 10_000 && /^https:\/\//.test(g.source)));
    assert.equal(gpuByName('NVIDIA H100 80GB HBM3')?.memoryMiB, 81559);
    assert.equal(gpuByName('h100-sxm')?.name, 'H100 80GB HBM3');
    assert.equal(gpuByName('A100-SXM4-80GB')?.memoryMiB, 81920);
    assert.equal(gpuByName('RTX 9999'), undefined);
  });

  it('reads the setting as a name or a size in GiB, never "GB"', () => {
    assert.equal(targetFromSetting('L4')?.name, 'L4');
    assert.equal(targetFromSetting(80)?.memoryBytes, 80 * GIB);
    assert.equal(targetFromSetting('23.5 GiB')?.memoryBytes, 23.5 * GIB);
    assert.equal(targetFromSetting('80GB'), undefined);
    assert.equal(targetFromSetting('nothing'), undefined);
    assert.equal(targetFromSetting(-1), undefined);
    assert.equal(targetFromSetting('L4', 2)?.count, 2);
  });
});

describe('the vLLM estimate', () => {
  const llama8 = modelFacts('meta-llama/Llama-3.1-8B-Instruct')!;

  it('KV bytes a token: K and V per layer, heads split over TP but never below one, MLA a single latent', () => {
    assert.equal(kvBytesPerToken(llama8, 1, 1, 2), 2 * 32 * 8 * 128 * 2);
    assert.equal(kvBytesPerToken(llama8, 2, 1, 2), 2 * 32 * 4 * 128 * 2);
    // 8 KV heads over 16 GPUs: vLLM replicates, one head each.
    assert.equal(kvBytesPerToken(llama8, 16, 1, 2), 2 * 32 * 1 * 128 * 2);
    assert.equal(kvBytesPerToken(llama8, 1, 2, 1), 2 * 16 * 8 * 128 * 1);
    const v3 = modelFacts('deepseek-ai/DeepSeek-V3')!;
    assert.equal(kvBytesPerToken(v3, 8, 1, 2), 61 * (512 + 64) * 2);
  });

  it('leaves what it cannot know unknown, and says why', () => {
    const gpu = targetFromSetting('H100')!;
    const phi = estimateVllm({ model: modelFacts('microsoft/Phi-3.5-mini-instruct')!, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 1, pipelineParallel: 1, gpuMemoryUtilization: 0.9 });
    assert.ok(phi.weightsBytesPerGpu! > 7 * GIB);
    assert.equal(phi.kvTokens, null);
    assert.match(phi.unknown.join(), /sliding-window/);
    const v3 = estimateVllm({ model: modelFacts('deepseek-ai/DeepSeek-V3')!, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 8, pipelineParallel: 1, gpuMemoryUtilization: 0.9 });
    assert.equal(v3.maxModelLen, null);
    assert.match(v3.unknown.join(), /--max-model-len/);
    const bnb = estimateVllm({ model: llama8, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 1, pipelineParallel: 1, gpuMemoryUtilization: 0.9, quantization: 'bitsandbytes' });
    assert.equal(bnb.weightsBytesPerGpu, null);
    assert.equal(bnb.refusal, null);
  });

  it('4-bit AWQ weights take about a quarter of bf16, plus group scales', () => {
    const gpu = targetFromSetting('L4')!;
    const base = { model: modelFacts('meta-llama/Llama-3.1-70B-Instruct')!, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 1, pipelineParallel: 1, gpuMemoryUtilization: 0.9 };
    const bf16 = estimateVllm(base).weightsBytesPerGpu!;
    const awq = estimateVllm({ ...base, quantization: 'awq' }).weightsBytesPerGpu!;
    assert.ok(awq / bf16 > 0.26 && awq / bf16 < 0.29, String(awq / bf16));
  });

  it('predicts a refusal only beyond its own margin; inside it the verdict is uncertain', () => {
    const gpu = targetFromSetting('RTX 3090')!;
    const base = { model: llama8, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 1, pipelineParallel: 1, gpuMemoryUtilization: 0.9 };
    const tokens = estimateVllm(base).kvTokens!;
    const near = estimateVllm({ ...base, maxModelLen: tokens + 1024 });
    assert.equal(near.refusal, null);
    assert.equal(near.uncertain, 'kv-below-max-model-len');
    const far = estimateVllm({ ...base, maxModelLen: Math.round(tokens * 1.5) });
    assert.equal(far.refusal, 'kv-below-max-model-len');
    assert.equal(far.uncertain, null);
    assert.equal(estimateVllm({ ...base, maxModelLen: tokens }).refusal, null);
  });

  it('places pipeline stages as get_pp_indices does: the remainder before the last stage, or on it before 0.8.0', () => {
    assert.deepEqual(pipelineStages(61, 4, CURRENT_RULES).map((s) => s.count), [15, 15, 16, 15]);
    assert.deepEqual(pipelineStages(61, 2, CURRENT_RULES).map((s) => s.count), [31, 30]);
    assert.deepEqual(pipelineStages(10, 4, CURRENT_RULES).map((s) => s.count), [2, 3, 3, 2]);
    const old = accountingRules({ engine: 'v0', version: '0.7.2' });
    assert.deepEqual(pipelineStages(61, 4, old).map((s) => s.count), [15, 15, 15, 16]);
    assert.deepEqual(pipelineStages(61, 4, old).map((s) => s.first), [0, 15, 30, 45]);
    assert.deepEqual(pipelineStages(32, 1, CURRENT_RULES), [{ first: 0, count: 32 }]);
  });

  it("reads each release's accounting: MLA cache layout, materialized MLA weights, V0's sliding windows", () => {
    assert.deepEqual(accountingRules(undefined), CURRENT_RULES);
    assert.equal(accountingRules({ engine: 'v0', version: '0.6.6' }).mlaKv, 'per-head-256');
    assert.equal(accountingRules({ engine: 'v0', version: '0.7.2' }).mlaAbsorbedWeights, true);
    assert.equal(accountingRules({ engine: 'v0', version: '0.8.3' }).mlaAbsorbedWeights, false);
    assert.equal(accountingRules({ engine: 'v1', version: '0.10.2' }).slidingWindowFullKv, false);
    assert.equal(accountingRules({ engine: 'v0', version: '0.3' }).slidingWindowFullKv, true);
  });

  it('with pipeline parallelism, the stage with the fewest KV tokens binds, and its weights are reported', () => {
    const v3 = modelFacts('deepseek-ai/DeepSeek-V3')!;
    const gpu = targetFromSetting('H200')!;
    const fit = estimateVllm({ model: v3, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 8, pipelineParallel: 2, gpuMemoryUtilization: 0.9, maxModelLen: 32768 });
    assert.deepEqual(fit.stages.map((s) => s.layers), [31, 30]);
    // Stage 0 holds DeepSeek's three dense layers, stage 1 the head; stage 0's extra layer costs it KV tokens.
    assert.ok(fit.stages[0]!.kvBytesPerToken! > fit.stages[1]!.kvBytesPerToken!);
    const binding = fit.stages.reduce((a, b) => (b.kvTokens! < a.kvTokens! ? b : a));
    assert.equal(fit.kvTokens, binding.kvTokens);
    assert.equal(fit.weightsBytesPerGpu, binding.weightsBytes);
    assert.equal(fit.kvBytesPerToken, binding.kvBytesPerToken);
  });

  it('older releases: MLA cached per head (before 0.7.1) and V0 sizing sliding-window layers like the others', () => {
    const lite = modelFacts('deepseek-ai/DeepSeek-V2-Lite')!;
    const gpu = targetFromSetting('A100-80GB')!;
    const base = { model: lite, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 2, pipelineParallel: 1, gpuMemoryUtilization: 0.9, maxModelLen: 8192 };
    assert.equal(estimateVllm(base).kvBytesPerToken, 27 * (512 + 64) * 2);
    assert.equal(estimateVllm({ ...base, release: { engine: 'v0', version: '0.5.3' } }).kvBytesPerToken, 2 * 27 * 8 * 256 * 2);
    const bonito = { model: modelFacts('BatsResearch/bonito-v1')!, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 1, pipelineParallel: 1, gpuMemoryUtilization: 0.9 };
    assert.equal(estimateVllm(bonito).kvTokens, null);
    assert.equal(estimateVllm({ ...bonito, release: { engine: 'v0', version: '0.3' } }).kvBytesPerToken, 2 * 32 * 8 * 128 * 2);
  });

  it('a larger --max-num-batched-tokens takes KV cache for activations', () => {
    const gpu = targetFromSetting('H100')!;
    const base = { model: llama8, gpuMemoryBytes: gpu.memoryBytes, tensorParallel: 1, pipelineParallel: 1, gpuMemoryUtilization: 0.9 };
    assert.ok(estimateVllm({ ...base, maxNumBatchedTokens: 32768 }).kvTokens! < estimateVllm({ ...base, maxNumBatchedTokens: 2048 }).kvTokens!);
  });
});

describe("this machine's GPUs as the target", () => {
  it('names a table GPU from nvidia-smi\'s name, counts them, and says where they came from', () => {
    const eight = Array.from({ length: 8 }, () => ({ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 }));
    const target = targetFromLocal(eight)!;
    assert.equal(target.name, 'H100 80GB HBM3');
    assert.equal(target.count, 8);
    assert.equal(target.memoryBytes, 81559 * 2 ** 20);
    assert.equal(gpuLabel(target), "H100 80GB HBM3 (79.65 GiB, this machine's nvidia-smi)");
    const geforce = targetFromLocal([{ name: 'NVIDIA GeForce RTX 4090', memoryMiB: 24564 }])!;
    assert.equal(geforce.name, 'GeForce RTX 4090');
    // Two kinds: unnamed, with the larger memory (an estimate for the smaller could claim what may not be so).
    const mixed = targetFromLocal([{ name: 'NVIDIA L4', memoryMiB: 23034 }, { name: 'NVIDIA A100 80GB PCIe', memoryMiB: 81920 }])!;
    assert.equal(mixed.name, undefined);
    assert.equal(mixed.memoryBytes / GIB, 80);
    assert.equal(mixed.count, 2);
    assert.equal(targetFromLocal([]), undefined);
    assert.equal(targetFromLocal([{ name: 'NVIDIA L4', memoryMiB: 0 }]), undefined);
  });
});
