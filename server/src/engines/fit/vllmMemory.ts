/**
 * vLLM's start-up memory accounting, as arithmetic on known facts. Pure functions: facts in, numbers out.
 *
 * Source: vllm-project/vllm 52a31ccecca203effd490a5b496dc5f8d9496654 (read from the local-inference-lab/vllm fork,
 * whose history holds it unchanged):
 * - vllm/v1/worker/utils.py `request_memory`: requested = ceil(total × gpu_memory_utilization), per GPU.
 * - vllm/v1/worker/gpu_worker.py `determine_available_memory`: KV cache = requested − (weights + non-torch
 *   increase + torch activation peak of a profile run over max_num_batched_tokens) − the CUDA-graph estimate.
 * - vllm/v1/kv_cache_interface.py `AttentionSpec.real_page_size_bytes` = 2 × block_size × kv_heads × head_size ×
 *   dtype bytes per layer; `MLAAttentionSpec` = block_size × head_size (kv_lora_rank + qk_rope_head_dim) × dtype
 *   bytes, one head, no K/V pair.
 * - vllm/config/model.py `get_num_kv_heads`: max(1, kv_heads // tensor_parallel_size); 1 for MLA.
 * - vllm/config/cache.py DEFAULT_BLOCK_SIZE = 16; vllm/v1/core/kv_cache_utils.py `get_num_blocks`:
 *   blocks = available // page_size // layers; GPU KV cache size = blocks × block_size tokens.
 * - kv_cache_utils.py `_check_enough_kv_cache_memory`: "No available memory for the cache blocks" when the KV
 *   memory is ≤ 0; the max-seq-len error when cdiv(max_model_len, block) pages do not fit; and
 *   `estimate_max_model_len`, the largest length that does.
 * - vllm/config/model.py `_resolve_auto_dtype`: --dtype auto loads FP32, FP16 and BF16 checkpoints at 2 bytes.
 * - vllm/model_executor/layers/quantization/awq.py `create_weights`: 4-bit qweight (int32 packs 8), qzeros (int32
 *   packs 8 per group) and fp16 scales per group of `group_size` (128 by default in AutoAWQ/GPTQ checkpoints).
 * - vllm/distributed/utils.py `get_pp_indices`: each pipeline stage holds its own layers (and their KV cache); the
 *   first the embedding, the last the head. vllm/v1/core/kv_cache_utils.py `get_kv_cache_configs`: every worker
 *   then gets the smallest number of blocks among all workers, so the stage with the fewest tokens binds.
 * Older releases differ in places (vllmRelease.ts): the published logs of the accuracy tests use them.
 */
import { CUDA_SHORTFALL_BYTES, GIB } from './gpuFacts';
import { layerParameters, parameterCount, type ModelFacts } from './modelFacts';
import { accountingRules, CURRENT_RULES, pipelineStages, type AccountingRules, type VllmEngineRelease } from './vllmRelease';

export const BLOCK_SIZE = 16;

/**
 * How far the KV estimate may be off, from docs/fit-accuracy.md: within 15% of the logged KV cache in 10 of 14 logs
 * (the largest shortfall −12.4% on a 24 GB card), and short by up to 59% where a small card leaves the KV cache a
 * small remainder (two T4s). A refusal is predicted only when the KV cache stays too small with this much more;
 * inside the margin the verdict is "uncertain" (no error finding, `fits: null` in the CLI): a false error costs more
 * than a missed one.
 */
export const KV_MARGIN_RATIO = 0.15;
export const KV_MARGIN_BYTES = 0.5 * GIB;

/**
 * Memory outside the weights and the KV cache that the profile run finds: the CUDA context, cuBLAS workspaces,
 * NCCL buffers with more than one GPU, CUDA graphs. An allowance, not a measurement: vLLM logged 0.35 GiB (RTX
 * 3090, vllm#10517) and 1.79 GiB (H100, vllm#10511) non-torch memory on one GPU; with several, 3.58 GiB (two
 * NVLink H100s, vllm#10511) and 2.53 GiB (H20-3e, TP 8 × PP 2, vllm#13074), but 0.20–0.25 GiB on PCIe RTX cards
 * (vllm#13061, vllm#14447): the multi-GPU value follows the NVLink logs, and errs towards a smaller KV cache on PCIe.
 */
export const NON_TORCH_ONE_GPU_BYTES = 0.75 * GIB;
export const NON_TORCH_MULTI_GPU_BYTES = 2.5 * GIB;

/**
 * Activation peak of the profile run, per scheduled token: the MLP's gate/up output, its activation and the hidden
 * states, ≈ (3 × intermediate / TP + 3 × hidden) × 2 bytes. Fitted to vllm#10517 (Llama 3.1 8B, RTX 3090), where the
 * torch peak over the weights grew 0.92 GiB from 20,000 to 29,000 batched tokens (110 KB a token; the formula
 * gives 111 KB). MoE layers count the experts each token visits.
 */
const ACTIVATION_MATRICES = 3;
const ACTIVATION_BYTES = 2;

/**
 * --max-num-batched-tokens when unset, for the OpenAI server: 8192 on GPUs of 70 GiB or more (but A100), else 2048
 * (vllm-cli-flags.json `usage_context_defaults`). The profile run schedules that many tokens.
 */
export function defaultMaxNumBatchedTokens(gpuMemoryBytes: number, gpuName: string | undefined): number {
  return gpuMemoryBytes >= 70 * GIB && !/a100/i.test(gpuName ?? '') ? 8192 : 2048;
}

export interface VllmFitInput {
  model: ModelFacts;
  /** Per GPU, as nvidia-smi reports it. */
  gpuMemoryBytes: number;
  gpuName?: string;
  tensorParallel: number;
  pipelineParallel: number;
  gpuMemoryUtilization: number;
  /** --max-model-len; undefined: the model's max_position_embeddings. */
  maxModelLen?: number;
  /** --dtype: auto (undefined), half/float16/bfloat16/float/float32. */
  dtype?: string;
  /** --quantization, or the checkpoint's own. */
  quantization?: string;
  /** --kv-cache-dtype: auto (undefined) or fp8*. */
  kvCacheDtype?: string;
  /** --max-num-batched-tokens; undefined: vLLM's default for the GPU. */
  maxNumBatchedTokens?: number;
  /** An older vLLM than today's (vllmRelease.ts); undefined: today's. */
  release?: VllmEngineRelease;
}

/** Why vLLM stops at start-up for memory, if it does. */
export type Refusal =
  /** The weights of one GPU are more than the GPU has: CUDA out of memory while loading. */
  | 'weights-exceed-gpu'
  /** Weights and overhead leave nothing of the requested share: "No available memory for the cache blocks". */
  | 'no-kv-memory'
  /** The KV cache holds fewer tokens than --max-model-len. */
  | 'kv-below-max-model-len';

/** Each refusal in a line: what `fit`, pre-flight and other summaries say. */
export const REFUSAL_EXPLANATIONS: Readonly<Record<Refusal, string>> = {
  'weights-exceed-gpu': 'the weights of one GPU are more than the GPU holds: CUDA out of memory while loading',
  'no-kv-memory': 'nothing is left for the KV cache: "No available memory for the cache blocks"',
  'kv-below-max-model-len': "the KV cache holds fewer tokens than --max-model-len: the model's max seq len error",
};

/** One pipeline stage's share, per GPU of the stage. */
export interface StageFit {
  firstLayer: number;
  layers: number;
  weightsBytes: number | null;
  kvCacheBytes: number | null;
  kvBytesPerToken: number | null;
  kvTokens: number | null;
}

export interface VllmFit {
  params: number | null;
  /** The binding stage's (below): per GPU. */
  weightsBytesPerGpu: number | null;
  /** ceil(CUDA total × gpu_memory_utilization). */
  requestedBytes: number;
  nonTorchBytes: number;
  activationBytes: number | null;
  kvCacheBytes: number | null;
  /** Per GPU, every layer of the GPU's pipeline stage. */
  kvBytesPerToken: number | null;
  kvTokens: number | null;
  maxModelLen: number | null;
  maxConcurrency: number | null;
  /** The largest --max-model-len whose KV cache fits (vLLM's estimate_max_model_len), by the estimate itself. */
  largestMaxModelLen: number | null;
  /** Why vLLM refuses to start, when it does even with the estimate's margin in its favour. */
  refusal: Refusal | null;
  /** The estimate says it refuses, but by less than its margin: vLLM may start or not. */
  uncertain: Refusal | null;
  /** When a number above is null: which fact is unknown. */
  unknown: string[];
  /** Every pipeline stage (one without pipeline parallelism); the KV numbers above are the binding stage's. */
  stages: StageFit[];
}

/** Bytes a weight takes on the GPU, by what loads it: linear layers and the rest, or undefined when unknown. */
export interface WeightBytes {
  linear: number;
  rest: number;
}

export function weightBytes(input: Pick<VllmFitInput, 'model' | 'dtype' | 'quantization'>): WeightBytes | string {
  const quant = (input.quantization ?? input.model.quantization)?.toLowerCase();
  const dtype = input.dtype?.toLowerCase();
  const activation = dtype === 'float' || dtype === 'float32' ? 4 : 2;
  if (!quant) return { linear: activation, rest: activation };
  // FP8 keeps the embedding, the head and the norms at the activation dtype.
  if (quant === 'fp8' || quant === 'fbgemm_fp8') return { linear: 1, rest: activation };
  // 4-bit weights + (fp16 scale + 4-bit zero point) per group of 128.
  if (/^(awq|gptq)(_marlin)?$/.test(quant)) return { linear: 0.5 + 2.5 / 128, rest: activation };
  return `quantization "${quant}" is not modelled`;
}

/** What one GPU of a stage holds: its layers split over TP (replicated parts whole), the embedding, the head. */
export function stageWeights(input: Pick<VllmFitInput, 'model' | 'tensorParallel'>, bytes: WeightBytes, rules: AccountingRules, stage: { first: number; count: number }, isFirst: boolean, isLast: boolean): number | undefined {
  const m = input.model;
  const tp = input.tensorParallel;
  let total = 0;
  for (let i = stage.first; i < stage.first + stage.count; i++) {
    const layer = layerParameters(m, i);
    if (!layer) return undefined;
    total += (layer.sharded / tp + layer.replicated) * bytes.linear + layer.other * bytes.rest;
    if (rules.mlaAbsorbedWeights) total += mlaAbsorbedBytes(input, bytes);
  }
  const embedding = m.vocabSize * m.hiddenSize;
  // A tied head on the last stage of a pipeline loads the embedding again (vllm/model_executor/models/llama.py).
  const ends = (isFirst ? embedding : 0) + (isLast && (!m.tieWordEmbeddings || !isFirst) ? embedding : 0);
  return total + (ends * bytes.rest) / tp + (isLast ? m.hiddenSize * bytes.rest : 0);
}

/** 0.7.1–0.7.3's materialized MLA decode weights, per layer and GPU (vllmRelease.ts `mlaAbsorbedWeights`). */
function mlaAbsorbedBytes(input: Pick<VllmFitInput, 'model' | 'tensorParallel'>, bytes: WeightBytes): number {
  const { model: m, tensorParallel } = input;
  if (!m.mla) return 0;
  const heads = m.attentionHeads / tensorParallel;
  const qRank = m.mla.qLoraRank ?? m.hiddenSize;
  const absorbed = qRank * heads * m.mla.kvLoraRank + heads * m.mla.kvLoraRank * m.hiddenSize;
  const wQr = qRank * heads * m.mla.qkRopeHeadDim * bytes.rest;
  const dequantizedKvB = m.mla.kvLoraRank * heads * (m.mla.qkNopeHeadDim + m.mla.vHeadDim) * 4;
  return absorbed * (bytes.linear === 1 ? 1 : bytes.rest) + wQr + dequantizedKvB;
}

function kvDtypeBytes(input: VllmFitInput): number | undefined {
  const kv = input.kvCacheDtype?.toLowerCase();
  if (kv === undefined || kv === 'auto') return input.dtype && /^(float|float32)$/i.test(input.dtype) ? 4 : 2;
  if (/^fp8(_e4m3|_e5m2)?$/.test(kv)) return 1;
  if (kv === 'bfloat16' || kv === 'float16' || kv === 'half') return 2;
  return undefined;
}

/** KV bytes a token takes on one GPU for `layers` layers. */
function kvBytesPerTokenOfLayers(model: ModelFacts, tensorParallel: number, layers: number, kvBytes: number, rules: AccountingRules): number {
  if (model.mla && rules.mlaKv === 'latent') return layers * (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * kvBytes;
  if (model.mla) return 2 * layers * Math.max(1, Math.floor(model.attentionHeads / tensorParallel)) * 256 * kvBytes;
  return 2 * layers * Math.max(1, Math.floor(model.kvHeads / tensorParallel)) * model.headDim * kvBytes;
}

/** KV bytes a token takes on one GPU, over the layers of its pipeline stage (the largest stage). */
export function kvBytesPerToken(model: ModelFacts, tensorParallel: number, pipelineParallel: number, kvBytes: number): number {
  return kvBytesPerTokenOfLayers(model, tensorParallel, Math.ceil(model.layers / pipelineParallel), kvBytes, CURRENT_RULES);
}

/** The profile run's activation peak for `tokens` scheduled tokens. */
export function activationBytes(model: ModelFacts, tensorParallel: number, tokens: number): number | undefined {
  const mlp = model.moe ? model.moe.expertsPerToken * model.moe.expertIntermediateSize : model.intermediateSize;
  if (mlp === null) return undefined;
  return tokens * (ACTIVATION_MATRICES * (mlp / tensorParallel) + ACTIVATION_MATRICES * model.hiddenSize) * ACTIVATION_BYTES;
}

/** What every GPU of a stage has left for its KV cache, and what a token takes there. */
interface StageBudget {
  requestedBytes: number;
  nonTorchBytes: number;
  activationBytes: number | null;
  /** Bytes a KV entry takes, or undefined when the KV cache is not modelled (with the reason in `unknown`). */
  kvBytes: number | undefined;
}

function stageFit(input: VllmFitInput, bytes: WeightBytes | undefined, rules: AccountingRules, budget: StageBudget, stage: { first: number; count: number }, isFirst: boolean, isLast: boolean): StageFit {
  const weightsBytes = bytes ? (stageWeights(input, bytes, rules, stage, isFirst, isLast) ?? null) : null;
  const kvCacheBytes = weightsBytes !== null && budget.activationBytes !== null ? budget.requestedBytes - weightsBytes - budget.nonTorchBytes - budget.activationBytes : null;
  const perToken = budget.kvBytes === undefined ? null : kvBytesPerTokenOfLayers(input.model, input.tensorParallel, stage.count, budget.kvBytes, rules);
  const kvTokens = kvCacheBytes !== null && perToken !== null ? Math.max(0, Math.floor(kvCacheBytes / (perToken * BLOCK_SIZE))) * BLOCK_SIZE : null;
  return { firstLayer: stage.first, layers: stage.count, weightsBytes, kvCacheBytes, kvBytesPerToken: perToken, kvTokens };
}

/** The stage whose KV cache holds the fewest tokens (every worker gets its block count); else the heaviest. */
function bindingStage(stages: readonly StageFit[]): StageFit {
  const tokens = (s: StageFit) => s.kvTokens ?? Infinity;
  return stages.reduce((best, s) => (tokens(s) < tokens(best) || (tokens(s) === tokens(best) && (s.weightsBytes ?? 0) > (best.weightsBytes ?? 0)) ? s : best));
}

/** What vLLM would do with this model on this GPU: weights, KV cache, concurrency, and whether it starts. */
export function estimateVllm(input: VllmFitInput): VllmFit {
  const unknown: string[] = [];
  const { model } = input;
  const rules = accountingRules(input.release);
  const cudaTotal = input.gpuMemoryBytes - CUDA_SHORTFALL_BYTES;
  const requestedBytes = Math.ceil(cudaTotal * input.gpuMemoryUtilization);
  const gpus = input.tensorParallel * input.pipelineParallel;
  const nonTorchBytes = gpus > 1 ? NON_TORCH_MULTI_GPU_BYTES : NON_TORCH_ONE_GPU_BYTES;
  const bytes = weightBytes(input);
  if (typeof bytes === 'string') unknown.push(bytes);
  const params = parameterCount(model)?.total ?? null;
  if (typeof bytes !== 'string' && params === null) unknown.push(`the parameter count of ${model.ids[0]} (its source lacks a field)`);
  const maxModelLen = input.maxModelLen ?? model.maxPositionEmbeddings;
  if (maxModelLen === null) unknown.push(`--max-model-len (the source of ${model.ids[0]} gives no max_position_embeddings)`);
  const batched = input.maxNumBatchedTokens ?? defaultMaxNumBatchedTokens(input.gpuMemoryBytes, input.gpuName);
  const activation = activationBytes(model, input.tensorParallel, batched) ?? null;
  if (activation === null) unknown.push('the MLP width (for the activation peak)');
  let kvBytes = kvDtypeBytes(input);
  if (kvBytes === undefined) unknown.push(`--kv-cache-dtype ${input.kvCacheDtype}`);
  if (model.slidingWindow !== null && !rules.slidingWindowFullKv) {
    unknown.push(`the KV cache of a sliding-window model (window ${model.slidingWindow}): vLLM's hybrid allocator is not modelled`);
    kvBytes = undefined;
  }

  const budget: StageBudget = { requestedBytes, nonTorchBytes, activationBytes: activation, kvBytes };
  const weightBytesKnown = typeof bytes === 'string' || params === null ? undefined : bytes;
  const placed = pipelineStages(model.layers, input.pipelineParallel, rules);
  const stages = placed.map((stage, i) => stageFit(input, weightBytesKnown, rules, budget, stage, i === 0, i === placed.length - 1));
  const binding = bindingStage(stages);
  const { weightsBytes: weightsBytesPerGpu, kvCacheBytes, kvBytesPerToken: perToken, kvTokens } = binding;
  const heaviest = Math.max(...stages.map((s) => s.weightsBytes ?? 0));
  const maxConcurrency = kvTokens !== null && maxModelLen ? kvTokens / maxModelLen : null;

  // The verdict the estimate gives, then whether it holds with the margin in vLLM's favour.
  let verdict: Refusal | null = null;
  if (weightsBytesPerGpu !== null && heaviest > cudaTotal) verdict = 'weights-exceed-gpu';
  else if (kvCacheBytes !== null && kvCacheBytes <= 0) verdict = 'no-kv-memory';
  else if (kvTokens !== null && maxModelLen && kvTokens < maxModelLen) verdict = 'kv-below-max-model-len';
  const generous = kvCacheBytes === null ? null : Math.max(kvCacheBytes * (1 + KV_MARGIN_RATIO), kvCacheBytes + KV_MARGIN_BYTES);
  const certain =
    verdict === 'weights-exceed-gpu' ||
    (verdict === 'no-kv-memory' && generous! <= 0) ||
    (verdict === 'kv-below-max-model-len' && Math.floor(generous! / (perToken! * BLOCK_SIZE)) * BLOCK_SIZE < maxModelLen!);
  const refusal = certain ? verdict : null;

  return {
    params,
    weightsBytesPerGpu,
    requestedBytes,
    nonTorchBytes,
    activationBytes: activation,
    kvCacheBytes,
    kvBytesPerToken: perToken,
    kvTokens,
    maxModelLen,
    maxConcurrency,
    largestMaxModelLen: kvTokens,
    refusal,
    uncertain: certain ? null : verdict,
    unknown,
    stages,
  };
}

/** GiB with two decimals, as vLLM logs it. */
export function gib(bytes: number): string {
  return (bytes / GIB).toFixed(2);
}
