/**
 * The SGLang memory estimate (engines/fit/sglangMemory.ts): its arithmetic on table models, with expectations worked
 * out by hand from SGLang's formulas (sgl-project/sglang 60d36e7), and published SGLang start-up logs
 * (test/unit/fixtures/fit-sglang, each with its URL). The bounds asserted are the ones the estimate achieves today
 * (docs/fit-accuracy.md, section SGLang); a change that makes any case worse fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CUDA_SHORTFALL_BYTES, GIB, targetFromName } from '../../server/src/engines/fit/gpuFacts';
import { modelFacts, type ModelFacts } from '../../server/src/engines/fit/modelFacts';
import { defaultMemFractionStatic, estimateSglang, PRE_LOAD_OVERHEAD_BYTES, profiledTokens, type SglangFit, type SglangFitInput } from '../../server/src/engines/fit/sglangMemory';
import { estimateVllm } from '../../server/src/engines/fit/vllmMemory';
import { REPO_ROOT } from '../corpus/invariants';

const MIB = 2 ** 20;

function model(id: string): ModelFacts {
  const facts = modelFacts(id);
  assert.ok(facts, `${id} is in the model table`);
  return facts;
}

function onGpu(gpuName: string, id: string, rest: Partial<SglangFitInput> = {}): SglangFitInput {
  const gpu = targetFromName(gpuName);
  assert.ok(gpu, `${gpuName} is in the GPU table`);
  return { model: model(id), gpuMemoryBytes: gpu.memoryBytes, gpuName: gpu.name, tensorParallel: 1, ...rest };
}

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const LLAMA_70B = 'meta-llama/Llama-3.1-70B-Instruct';
/** 8,030,261,248 parameters (32 layers of 218,112,000, embedding and head 525,336,576 each, final norm 4096) × 2 bytes. */
const LLAMA_8B_WEIGHTS = 16_060_522_496;
/** Per GPU at TP 2: 80 layers × (436,207,616 linear / 2 + 16,384 norms) × 2 bytes + (embedding + head) × 2 / 2 + final norm. */
const LLAMA_70B_TP2_WEIGHTS = 70_555_025_408;
/** Free before the weights load on an H100 80GB (81559 MiB): CUDA's total less the context allowance. */
const H100_PRE_LOAD = 81559 * MIB - CUDA_SHORTFALL_BYTES - PRE_LOAD_OVERHEAD_BYTES;

describe("SGLang's default --mem-fraction-static (server_args.py _handle_gpu_memory_settings)", () => {
  // Expected values: server_args.py `_handle_gpu_memory_settings` at 60d36e7, run on a stub ServerArgs (CUDA).
  const cases: Array<[string, number, Partial<SglangFitInput>, number]> = [
    ['H100 80GB HBM3', 1, {}, 0.835], // 512 + 8192 × 1.5 + 256 × 2 + 128 = 13,440 MiB reserved
    ['H100 80GB HBM3', 4, {}, 0.824], // cuda_graph_max_bs 512 at TP 4; 14,336 MiB
    ['GeForce RTX 4090', 1, {}, 0.847], // 512 + 2048 × 1.5 + 24 × 2 + 128 = 3,760 MiB
    ['GeForce RTX 4090', 4, {}, 0.827],
    ['T4', 1, {}, 0.757],
    ['L4', 2, {}, 0.831],
    ['A100 40GB', 1, {}, 0.833],
    ['RTX A6000', 1, {}, 0.861],
    ['L40S', 1, {}, 0.851],
    ['H200', 8, {}, 0.897], // 14,848 MiB: over the 10 GiB floor
    ['B200', 8, {}, 0.852], // chunked prefill 16k: 26,112 MiB
    ['H100 80GB HBM3', 1, { enablePiecewiseCudaGraph: true }, 0.823], // + 4096 // 4 MiB
    ['GeForce RTX 4090', 1, { chunkedPrefillSize: 4096, cudaGraphMaxBs: 64 }, 0.719],
  ];
  for (const [gpu, tp, settings, expected] of cases) {
    it(`${gpu}, TP ${tp}${Object.keys(settings).length ? `, ${JSON.stringify(settings)}` : ''}: ${expected}`, () => {
      assert.equal(defaultMemFractionStatic(onGpu(gpu, LLAMA_8B, { tensorParallel: tp, ...settings })), expected);
    });
  }

  it('is unknown where it depends on what the estimate does not follow', () => {
    assert.match(String(defaultMemFractionStatic(onGpu('AMD Instinct MI300X', LLAMA_8B))), /ROCm/);
    assert.match(String(defaultMemFractionStatic(onGpu('H100', LLAMA_8B, { chunkedPrefillSize: -1 }))), /max-prefill-tokens/);
    assert.match(String(defaultMemFractionStatic(onGpu('H100', LLAMA_8B, { speculativeAlgorithm: 'EAGLE' }))), /speculative/);
    assert.match(String(defaultMemFractionStatic(onGpu('H100', LLAMA_8B, { enableDpAttention: true }))), /DP attention/);
  });
});

describe('SGLang accounting on table models (hand-computed from profile_max_num_token)', () => {
  it('cell_size: kv heads // TP (at least 1) × head_dim × layers × 2 × dtype bytes; MLA one latent vector', () => {
    const cell = (id: string, gpu: string, rest: Partial<SglangFitInput> = {}) => estimateSglang(onGpu(gpu, id, rest)).kvBytesPerToken;
    assert.equal(cell(LLAMA_8B, 'H100'), 8 * 128 * 32 * 2 * 2);
    assert.equal(cell(LLAMA_8B, 'H100', { tensorParallel: 2 }), 4 * 128 * 32 * 2 * 2);
    assert.equal(cell(LLAMA_8B, 'H100', { kvCacheDtype: 'fp8_e4m3' }), 8 * 128 * 32 * 2 * 1);
    assert.equal(cell(LLAMA_8B, 'H100', { dtype: 'float32' }), 8 * 128 * 32 * 2 * 4);
    assert.equal(cell('Qwen/Qwen2-0.5B-Instruct', 'T4', { tensorParallel: 4 }), 1 * 64 * 24 * 2 * 2); // 2 kv heads // 4 → 1
    assert.equal(cell('deepseek-ai/DeepSeek-V2-Lite', 'H100'), (512 + 64) * 27 * 2);
  });

  it('reads only the --kv-cache-dtype values SGLang accepts', () => {
    for (const kv of ['fp8', 'float16', 'fp4_e2m1']) {
      const fit = estimateSglang(onGpu('H100', LLAMA_8B, { kvCacheDtype: kv }));
      assert.equal(fit.kvTokens, null, kv);
      assert.ok(fit.unknown.some((u) => u.includes(kv)), kv);
    }
  });

  it('Llama 3.1 8B on one H100 at the default fraction: rest = free × 0.835 − weights, tokens = rest // cell', () => {
    const fit = estimateSglang(onGpu('H100', LLAMA_8B));
    assert.equal(fit.weightsBytesPerGpu, LLAMA_8B_WEIGHTS);
    assert.equal(fit.memFractionStatic, 0.835);
    assert.equal(fit.preLoadFreeBytes, H100_PRE_LOAD);
    assert.equal(fit.kvCacheBytes, H100_PRE_LOAD * 0.835 - LLAMA_8B_WEIGHTS);
    assert.equal(fit.kvTokens, 415_988); // 50.78 GiB / 128 KiB
    assert.equal(fit.contextLength, 131_072);
    assert.ok(Math.abs(fit.maxConcurrency! - 415_988 / 131_072) < 1e-9);
    assert.equal(fit.refusal, null);
    assert.equal(fit.uncertain, null);
    assert.deepEqual(fit.unknown, []);
  });

  it('a pool smaller than the context length starts: SGLang caps request length (tp_worker.py max_req_len)', () => {
    // RTX 4090: (24564 MiB − 0.42 − 0.5 GiB) × 0.847 − 14.96 GiB = 4.58 GiB = 37,530 tokens < 131,072.
    const fit = estimateSglang(onGpu('RTX 4090', LLAMA_8B));
    assert.equal(fit.kvTokens, 37_530);
    assert.ok(fit.maxConcurrency! < 1);
    assert.equal(fit.refusal, null);
    assert.equal(fit.uncertain, null);
  });

  it('--max-total-tokens caps the profiled pool', () => {
    assert.equal(estimateSglang(onGpu('H100', LLAMA_8B, { maxTotalTokens: 100_000 })).kvTokens, 100_000);
    assert.equal(estimateSglang(onGpu('H100', LLAMA_8B, { maxTotalTokens: 10_000_000 })).kvTokens, 415_988);
  });

  it('weights past the GPU: refused while loading', () => {
    const fit = estimateSglang(onGpu('H100', LLAMA_70B));
    assert.equal(fit.refusal, 'weights-exceed-gpu');
    assert.equal(fit.kvTokens, 0);
  });

  it('"Not enough memory": certain beyond the margin, uncertain inside it', () => {
    // Llama 3.1 70B on two H100s: 65.71 GiB a GPU. At 0.8: 78.73 × 0.8 − 65.71 = −2.73 GiB, refused even 0.5 GiB richer.
    const tight = estimateSglang(onGpu('H100', LLAMA_70B, { tensorParallel: 2, memFractionStatic: 0.8 }));
    assert.equal(tight.weightsBytesPerGpu, LLAMA_70B_TP2_WEIGHTS);
    assert.equal(tight.kvCacheBytes, H100_PRE_LOAD * 0.8 - LLAMA_70B_TP2_WEIGHTS);
    assert.equal(tight.refusal, 'not-enough-memory');
    assert.equal(tight.kvTokens, 0);
    // At the TP-2 default, 0.834: −0.05 GiB, within the margin: uncertain, no refusal.
    const edge = estimateSglang(onGpu('H100', LLAMA_70B, { tensorParallel: 2 }));
    assert.equal(edge.memFractionStatic, 0.834);
    assert.equal(edge.refusal, null);
    assert.equal(edge.uncertain, 'not-enough-memory');
    // At 0.9: 5.15 GiB, 33,719 tokens of 160 KiB.
    const roomy = estimateSglang(onGpu('H100', LLAMA_70B, { tensorParallel: 2, memFractionStatic: 0.9 }));
    assert.equal(roomy.kvTokens, 33_719);
    assert.equal(roomy.refusal, null);
    assert.equal(roomy.uncertain, null);
  });

  it("MLA: vLLM's weights plus the w_kc / w_vc copy of kv_b_proj a layer (deepseek_v2.py post_load_weights)", () => {
    const input = onGpu('H100', 'deepseek-ai/DeepSeek-V2-Lite');
    const vllm = estimateVllm({ ...input, pipelineParallel: 1, gpuMemoryUtilization: 0.9 });
    const copies = 27 * 16 * 512 * (128 + 128) * 2;
    assert.equal(estimateSglang(input).weightsBytesPerGpu, vllm.weightsBytesPerGpu! + copies);
  });

  it('says what it does not model instead of guessing: sliding windows, DP attention, speculative decoding', () => {
    const gemma = estimateSglang(onGpu('H100', 'google/gemma-2-9b-it'));
    assert.ok(gemma.weightsBytesPerGpu! > 0);
    assert.equal(gemma.kvTokens, null);
    assert.ok(gemma.unknown.some((u) => /sliding-window/.test(u)));
    for (const settings of [{ enableDpAttention: true }, { speculativeAlgorithm: 'EAGLE' }]) {
      const fit = estimateSglang(onGpu('H100', LLAMA_8B, settings));
      assert.equal(fit.kvTokens, null, JSON.stringify(settings));
      assert.equal(fit.memFractionStatic, null, JSON.stringify(settings));
    }
    const unmodelledQuantization = estimateSglang(onGpu('H100', LLAMA_8B, { quantization: 'modelopt_fp4' }));
    assert.equal(unmodelledQuantization.weightsBytesPerGpu, null);
    assert.equal(unmodelledQuantization.kvTokens, null);
  });
});

/** A fixture: the settings a log was started with and what it printed. Null and absent both mean "not in the log". */
interface SglangLogFixture {
  source: string;
  version: string;
  model: string;
  gpu: string;
  tensorParallel: number;
  memFractionStatic: number;
  contextLength?: number | null;
  kvCacheDtype?: string | null;
  logged: {
    weightsGiB?: number | null;
    freeBeforeLoadGiB?: number | null;
    freeAfterLoadGiB?: number | null;
    kvTokens?: number | null;
    kSizeGiB?: number | null;
    refused?: boolean | null;
  };
  log: string[];
}

const DIR = join(REPO_ROOT, 'test', 'unit', 'fixtures', 'fit-sglang');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, log: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as SglangLogFixture }));

/** Targets as for vLLM (fitAccuracy.test.ts): 5% on weights, 15% on KV tokens. */
const WEIGHTS_BOUND = 0.05;
const KV_BOUND = 0.15;
/** The logged "GB" (GiB) has two decimals: ±0.005 GiB of rounding, on either of the two values used. */
const ROUNDING_BYTES = 0.01 * GIB;

const relative = (estimated: number, logged: number) => (estimated - logged) / logged;
const present = (value: number | null | undefined): value is number => value !== null && value !== undefined;

function estimateFor(log: SglangLogFixture): SglangFit {
  const gpu = targetFromName(log.gpu);
  assert.ok(gpu, `${log.gpu} is in the GPU table`);
  return estimateSglang({
    model: model(log.model),
    gpuMemoryBytes: gpu.memoryBytes,
    gpuName: gpu.name,
    tensorParallel: log.tensorParallel,
    memFractionStatic: log.memFractionStatic,
    ...(present(log.contextLength) ? { contextLength: log.contextLength } : {}),
    ...(log.kvCacheDtype ? { kvCacheDtype: log.kvCacheDtype } : {}),
  });
}

describe('the SGLang estimate against published start-up logs', () => {
  it('has at least 3 fixtures, each naming its public source, the SGLang release and the verbatim lines', () => {
    assert.ok(FIXTURES.length >= 3, `${FIXTURES.length} fixtures`);
    for (const { file, log } of FIXTURES) {
      assert.match(log.source, /^https:\/\/github\.com\//, file);
      assert.match(log.version, /^\d+\.\d+/, file);
      assert.ok(log.log.some((line) => /KV Cache is allocated|max_total_num_tokens=/.test(line)), file);
    }
  });

  for (const { file, log } of FIXTURES) {
    describe(file, () => {
      const fit = estimateFor(log);
      const { logged } = log;

      if (present(logged.weightsGiB)) {
        it(`weights per GPU within ${WEIGHTS_BOUND * 100}%`, () => {
          const err = relative(fit.weightsBytesPerGpu! / GIB, logged.weightsGiB!);
          assert.ok(Math.abs(err) <= WEIGHTS_BOUND, `${(err * 100).toFixed(1)}%`);
        });
      }

      if (present(logged.freeBeforeLoadGiB)) {
        it('free memory before the weights within 0.3 GiB of the allowance (PRE_LOAD_OVERHEAD_BYTES)', () => {
          const diff = fit.preLoadFreeBytes / GIB - logged.freeBeforeLoadGiB!;
          assert.ok(Math.abs(diff) <= 0.3, `${diff.toFixed(2)} GiB`);
        });
      }

      if (present(logged.kvTokens)) {
        it(`KV tokens (max_total_num_tokens) within ${KV_BOUND * 100}%`, () => {
          const err = relative(fit.kvTokens!, logged.kvTokens!);
          assert.ok(Math.abs(err) <= KV_BOUND, `${(err * 100).toFixed(1)}%`);
        });
      }

      if (present(logged.kvTokens) && present(logged.freeBeforeLoadGiB) && present(logged.freeAfterLoadGiB)) {
        it("the log's own free memory gives its token count (profile_max_num_token, exact but for rounding)", () => {
          const tokens = (before: number, after: number) => profiledTokens(before, after, log.memFractionStatic, fit.kvBytesPerToken!);
          const before = logged.freeBeforeLoadGiB! * GIB;
          const after = logged.freeAfterLoadGiB! * GIB;
          // The logged GiB are rounded: the true token count lies between the extremes of that rounding.
          const low = tokens(before + ROUNDING_BYTES, after - ROUNDING_BYTES);
          const high = tokens(before - ROUNDING_BYTES, after + ROUNDING_BYTES);
          assert.ok(low <= logged.kvTokens! && logged.kvTokens! <= high, `${low}..${high} vs ${logged.kvTokens}`);
        });
      }

      if (present(logged.kvTokens) && present(logged.kSizeGiB)) {
        it('K size = (tokens + the padded page) × half the cell size (bytes per token)', () => {
          const kBytes = (logged.kvTokens! + 1) * (fit.kvBytesPerToken! / 2);
          assert.ok(Math.abs(kBytes - logged.kSizeGiB! * GIB) <= 0.005 * GIB, `${(kBytes / GIB).toFixed(3)} GiB`);
        });
      }

      if (logged.refused === false) {
        it('predicts the start (no refusal, not even an uncertain one)', () => {
          assert.equal(fit.refusal, null);
          assert.equal(fit.uncertain, null);
        });
      }
      if (logged.refused === true) {
        it('predicts the logged refusal', () => assert.notEqual(fit.refusal, null));
      }
    });
  }
});
