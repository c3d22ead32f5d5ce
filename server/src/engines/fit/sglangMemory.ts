/**
 * SGLang's start-up memory accounting, as arithmetic on known facts. Pure functions: facts in, numbers out.
 *
 * Source: sgl-project/sglang 60d36e7be7f5a3fddadf3b55782f69aa9e46876c (2025-12-09, version 0.5.6.post1; read from the
 * fzyzcjy/sglang mirror, whose history holds it unchanged):
 * - python/sglang/srt/model_executor/model_runner.py `init_torch_distributed`: `min_per_gpu_memory` is the free
 *   memory after the distributed init and before the weights load (utils/common.py `get_available_gpu_memory`:
 *   torch.cuda.mem_get_info's free bytes / 2^30, the minimum over all ranks). `initialize` passes it to
 *   `init_memory_pool` as `total_gpu_memory`.
 * - model_runner.py `profile_max_num_token`: rest_memory = free memory after the weights loaded −
 *   total_gpu_memory × (1 − mem_fraction_static); max_num_token = int(rest_memory × 2^30 // cell_size), with
 *   cell_size = get_num_kv_heads(attention TP) × head_dim × layers × 2 × KV dtype bytes, or for MLA (DeepSeek V2/V3)
 *   (kv_lora_rank + qk_rope_head_dim) × layers × KV dtype bytes. Both are vllmMemory.ts `kvBytesPerToken`.
 * - configs/model_config.py `get_num_kv_heads`: max(1, kv_heads // tensor_parallel_size).
 * - model_runner.py `init_memory_pool`: max_total_num_tokens = min(profiled, --max-total-tokens), rounded down to
 *   the page size (1 unless an attention backend sets it: server_args.py `_handle_page_size`); "Not enough memory.
 *   Please try to increase --mem-fraction-static." when it is ≤ 0.
 * - managers/tp_worker.py `TpModelWorker.__init__`: max_req_len = min(context_len − 1, max_total_num_tokens − 1).
 *   A pool smaller than the context length caps each request's length; SGLang starts (no refusal to model).
 * - server_args.py `_handle_gpu_memory_settings`: the default --mem-fraction-static (`defaultMemFractionStatic`).
 * - models/deepseek_v2.py `DeepseekV2ForCausalLM.post_load_weights`: MLA keeps kv_b_proj and adds contiguous w_kc
 *   and w_vc copies of it (`mlaDecodeCopyBytes`).
 * The weights themselves are counted as for vLLM (vllmMemory.ts `weightBytes`, `stageWeights`): SGLang splits the
 * linear layers over TP the same way and keeps MLA's down-projections and the MoE router whole.
 */
import { CUDA_SHORTFALL_BYTES, GIB } from './gpuFacts';
import { parameterCount, type ModelFacts } from './modelFacts';
import { KV_MARGIN_BYTES, KV_MARGIN_RATIO, kvBytesPerToken, stageWeights, weightBytes, type WeightBytes } from './vllmMemory';
import { CURRENT_RULES } from './vllmRelease';

const MIB = 2 ** 20;

/**
 * Free memory before the weights load is this much less than CUDA's total (nvidia-smi's memory.total less
 * `CUDA_SHORTFALL_BYTES`): the CUDA context and, with TP, the NCCL init. The published logs' free memory before the
 * weights sits 0.30–0.68 GiB under the CUDA total: 0.64 (H100 80GB, sglang#4760), 0.30 (a 49140 MiB card, sglang's
 * docs of 2024-10), 0.68 (a 46068 MiB card, sglang's docs of 2025-05); docs/fit-accuracy.md, section SGLang.
 */
export const PRE_LOAD_OVERHEAD_BYTES = 0.5 * GIB;

/** server_args.py `ServerArgs.piecewise_cuda_graph_max_tokens`. */
const DEFAULT_PIECEWISE_CUDA_GRAPH_MAX_TOKENS = 4096;

export interface SglangFitInput {
  model: ModelFacts;
  /** Per GPU, as nvidia-smi reports it (what server_args.py reads for the default fraction). */
  gpuMemoryBytes: number;
  gpuName?: string;
  /** --tp-size / --tensor-parallel-size. */
  tensorParallel: number;
  /** --mem-fraction-static; undefined: SGLang's default, computed when it depends only on known facts. */
  memFractionStatic?: number;
  /** --context-length; undefined: the model's (the table's maxPositionEmbeddings). */
  contextLength?: number;
  /** --max-total-tokens: a cap on the profiled pool. */
  maxTotalTokens?: number;
  /** --kv-cache-dtype: auto (undefined), fp8_e5m2, fp8_e4m3, bf16/bfloat16, fp4_e2m1. */
  kvCacheDtype?: string;
  /** --dtype: auto (undefined), half/float16/bfloat16/float/float32. */
  dtype?: string;
  /** --quantization, or the checkpoint's own. */
  quantization?: string;
  /** --chunked-prefill-size and --cuda-graph-max-bs: the default fraction reserves memory for both. */
  chunkedPrefillSize?: number;
  cudaGraphMaxBs?: number;
  /** --enable-piecewise-cuda-graph and --piecewise-cuda-graph-max-tokens: the default fraction reserves for them. */
  enablePiecewiseCudaGraph?: boolean;
  piecewiseCudaGraphMaxTokens?: number;
  /** Settings that change more than the arithmetic below: the estimate says what it cannot know. */
  enableDpAttention?: boolean;
  speculativeAlgorithm?: string;
}

/** Why SGLang stops at start-up for memory, if it does. */
export type SglangRefusal =
  /** The weights of one GPU are more than it has free: CUDA out of memory while loading. */
  | 'weights-exceed-gpu'
  /** Weights leave nothing of the static share: "Not enough memory. Please try to increase --mem-fraction-static." */
  | 'not-enough-memory';

/** Each refusal in a line: what `fit` says. */
export const SGLANG_REFUSAL_EXPLANATIONS: Readonly<Record<SglangRefusal, string>> = {
  'weights-exceed-gpu': 'the weights of one GPU are more than it has free: CUDA out of memory while loading',
  'not-enough-memory': 'the weights leave nothing of --mem-fraction-static for the KV cache: "Not enough memory. Please try to increase --mem-fraction-static."',
};

export interface SglangFit {
  params: number | null;
  weightsBytesPerGpu: number | null;
  /** Free memory per GPU before the weights load (`min_per_gpu_memory`), estimated. */
  preLoadFreeBytes: number;
  /** The fraction the estimate used: the given one, else SGLang's default (null when that is unknown). */
  memFractionStatic: number | null;
  /** rest_memory: what the KV pool gets per GPU. */
  kvCacheBytes: number | null;
  /** cell_size: KV bytes a token takes on one GPU. */
  kvBytesPerToken: number | null;
  /** max_total_num_tokens (0 when SGLang refuses). */
  kvTokens: number | null;
  contextLength: number | null;
  /** Requests of the full context length the pool holds at once. */
  maxConcurrency: number | null;
  /** Why SGLang refuses to start, when it does even with the estimate's margin in its favour. */
  refusal: SglangRefusal | null;
  /** The estimate says it refuses, but by less than its margin: SGLang may start or not. */
  uncertain: SglangRefusal | null;
  /** When a number above is null: which fact is unknown. */
  unknown: string[];
}

/** chunked_prefill_size and cuda_graph_max_bs when unset, on CUDA: server_args.py `_handle_gpu_memory_settings`. */
function gpuMemoryDefaults(gpuMemMiB: number, tensorParallel: number): { chunkedPrefillSize: number; cudaGraphMaxBs: number } {
  if (gpuMemMiB < 20 * 1024) return { chunkedPrefillSize: 2048, cudaGraphMaxBs: 8 }; // T4, 4080
  if (gpuMemMiB < 35 * 1024) return { chunkedPrefillSize: 2048, cudaGraphMaxBs: tensorParallel < 4 ? 24 : 80 }; // A10, 4090, 5090
  if (gpuMemMiB < 60 * 1024) return { chunkedPrefillSize: 4096, cudaGraphMaxBs: tensorParallel < 4 ? 32 : 160 }; // A100 40GB, L40
  if (gpuMemMiB < 160 * 1024) return { chunkedPrefillSize: 8192, cudaGraphMaxBs: tensorParallel < 4 ? 256 : 512 }; // H100, A100, H20, H200
  return { chunkedPrefillSize: 16384, cudaGraphMaxBs: 512 }; // B200, MI300
}

/** AMD GPUs: server_args.py reads rocm-smi instead and scales the fraction for the aiter backend (not modelled). */
function isRocm(gpuName: string | undefined): boolean {
  return /instinct|\bmi\d{3}/i.test(gpuName ?? '');
}

/**
 * SGLang's --mem-fraction-static when unset (server_args.py `_handle_gpu_memory_settings`, CUDA): memory reserved
 * for activations and CUDA graphs, in MiB, = 512 + max(chunked_prefill_size, 2048) × 1.5 + cuda_graph_max_bs × 2 +
 * tp × pp / 8 × 1024, at least 10 GiB on GPUs over 60 GiB, + piecewise_cuda_graph_max_tokens // 4 with piecewise
 * CUDA graphs; the fraction is round((gpu_mem − reserved) / gpu_mem, 3). A string says why it is unknown.
 */
export function defaultMemFractionStatic(input: SglangFitInput): number | string {
  if (isRocm(input.gpuName)) return `SGLang's default --mem-fraction-static on ${input.gpuName} (ROCm: rocm-smi's memory and the aiter backend's scaling)`;
  if (input.enableDpAttention || input.speculativeAlgorithm) return "SGLang's default --mem-fraction-static with DP attention or speculative decoding";
  const gpuMemMiB = input.gpuMemoryBytes / MIB;
  const defaults = gpuMemoryDefaults(gpuMemMiB, input.tensorParallel);
  const chunked = input.chunkedPrefillSize ?? defaults.chunkedPrefillSize;
  // Chunked prefill off: the reserve follows --max-prefill-tokens, which the input does not carry.
  if (chunked <= 0) return "SGLang's default --mem-fraction-static with chunked prefill off (it follows --max-prefill-tokens)";
  const pipelineParallel = 1;
  let reservedMiB = 512 + Math.max(chunked, 2048) * 1.5 + (input.cudaGraphMaxBs ?? defaults.cudaGraphMaxBs) * 2 + ((input.tensorParallel * pipelineParallel) / 8) * 1024;
  if (gpuMemMiB > 60 * 1024) reservedMiB = Math.max(reservedMiB, 10 * 1024);
  if (input.enablePiecewiseCudaGraph) reservedMiB += Math.floor((input.piecewiseCudaGraphMaxTokens ?? DEFAULT_PIECEWISE_CUDA_GRAPH_MAX_TOKENS) / 4);
  return Math.round(((gpuMemMiB - reservedMiB) / gpuMemMiB) * 1000) / 1000;
}

/** KV bytes per element (model_runner.py `init_memory_pool`; --kv-cache-dtype choices in server_args.py). */
function kvDtypeBytes(input: SglangFitInput): number | undefined {
  const kv = input.kvCacheDtype?.toLowerCase();
  // auto: the model's dtype (2 bytes but with --dtype float32). A checkpoint whose quantization config sets
  // kv_cache_quant_algo FP8 gets 1: the table does not say which do.
  if (kv === undefined || kv === 'auto') return input.dtype && /^(float|float32)$/i.test(input.dtype) ? 4 : 2;
  if (kv === 'fp8_e4m3' || kv === 'fp8_e5m2') return 1;
  if (kv === 'bf16' || kv === 'bfloat16') return 2;
  return undefined; // fp4_e2m1 (with its scale buffer) and values SGLang rejects
}

/** MLA's w_kc and w_vc: a contiguous copy of kv_b_proj per layer, in the activation dtype (deepseek_v2.py `post_load_weights`). */
function mlaDecodeCopyBytes(model: ModelFacts, tensorParallel: number, bytes: WeightBytes): number {
  if (!model.mla) return 0;
  const { kvLoraRank, qkNopeHeadDim, vHeadDim } = model.mla;
  return model.layers * (model.attentionHeads / tensorParallel) * kvLoraRank * (qkNopeHeadDim + vHeadDim) * bytes.rest;
}

/** What one GPU holds after `load_model`, or a string saying which fact is missing. */
function weightsPerGpu(input: SglangFitInput): number | string {
  const bytes = weightBytes(input);
  if (typeof bytes === 'string') return bytes;
  const whole = { first: 0, count: input.model.layers };
  const weights = stageWeights(input, bytes, CURRENT_RULES, whole, true, true);
  if (weights === undefined) return `the parameter count of ${input.model.ids[0]} (its source lacks a field)`;
  return weights + mlaDecodeCopyBytes(input.model, input.tensorParallel, bytes);
}

/**
 * profile_max_num_token: rest_memory = free after the weights − free before × (1 − fraction), and the tokens
 * int(rest // cell_size) (negative when the weights overrun the static share). Bytes in, tokens out.
 */
export function profiledTokens(freeBeforeLoadBytes: number, freeAfterLoadBytes: number, memFractionStatic: number, cellBytes: number): number {
  return Math.floor((freeAfterLoadBytes - freeBeforeLoadBytes * (1 - memFractionStatic)) / cellBytes);
}

/**
 * More memory than estimated, by vLLM's margin (vllmMemory.ts KV_MARGIN_*): what a certain refusal must survive.
 * SGLang's published logs of dense models come within 1% (docs/fit-accuracy.md); the margin is for what the logs
 * cannot show, such as memory another process holds before SGLang starts.
 */
function generous(bytes: number): number {
  return Math.max(bytes * (1 + KV_MARGIN_RATIO), bytes + KV_MARGIN_BYTES);
}

/** Settings whose memory the arithmetic above does not follow: each makes the KV pool unknown. */
function unmodelledSettings(input: SglangFitInput): string[] {
  const m = input.model;
  const reasons: string[] = [];
  if (m.slidingWindow !== null) reasons.push(`the KV pool of a sliding-window model (window ${m.slidingWindow}): SGLang's hybrid SWA memory pool is not modelled`);
  if (input.enableDpAttention) reasons.push('the KV pool with DP attention (attention TP is tp / dp, attention weights replicated): not modelled');
  if (input.speculativeAlgorithm) reasons.push(`the KV pool with speculative decoding (${input.speculativeAlgorithm}: draft weights and draft KV share the budget): not modelled`);
  return reasons;
}

/** What SGLang would do with this model on this GPU: weights, KV pool, concurrency, and whether it starts. */
export function estimateSglang(input: SglangFitInput): SglangFit {
  const { model } = input;
  const unknown: string[] = [];
  const cudaTotal = input.gpuMemoryBytes - CUDA_SHORTFALL_BYTES;
  const preLoadFreeBytes = cudaTotal - PRE_LOAD_OVERHEAD_BYTES;

  const weights = weightsPerGpu(input);
  if (typeof weights === 'string') unknown.push(weights);
  const weightsBytesPerGpu = typeof weights === 'number' ? weights : null;

  const fraction = input.memFractionStatic ?? defaultMemFractionStatic(input);
  if (typeof fraction === 'string') unknown.push(fraction);
  const memFractionStatic = typeof fraction === 'number' ? fraction : null;

  const kvBytes = kvDtypeBytes(input);
  if (kvBytes === undefined) unknown.push(`--kv-cache-dtype ${input.kvCacheDtype}`);
  const unmodelled = unmodelledSettings(input);
  unknown.push(...unmodelled);
  const cell = kvBytes === undefined || unmodelled.length ? null : kvBytesPerToken(model, input.tensorParallel, 1, kvBytes);

  const contextLength = input.contextLength ?? model.maxPositionEmbeddings;
  if (contextLength === null) unknown.push(`--context-length (the source of ${model.ids[0]} gives no max_position_embeddings)`);

  const rest = weightsBytesPerGpu !== null && memFractionStatic !== null ? preLoadFreeBytes * memFractionStatic - weightsBytesPerGpu : null;
  const tokensOf = (restBytes: number) => Math.min(Math.floor(restBytes / cell!), input.maxTotalTokens ?? Infinity);
  const profiled = rest !== null && cell !== null ? tokensOf(rest) : null;
  const kvTokens = profiled === null ? null : Math.max(0, profiled);
  const maxConcurrency = kvTokens !== null && contextLength ? kvTokens / contextLength : null;

  // The verdict the estimate gives, then whether it holds with the margin in SGLang's favour.
  let verdict: SglangRefusal | null = null;
  let certain = false;
  if (weightsBytesPerGpu !== null && weightsBytesPerGpu > preLoadFreeBytes) {
    verdict = 'weights-exceed-gpu';
    certain = generous(preLoadFreeBytes - weightsBytesPerGpu) < 0;
  } else if (rest !== null && (profiled !== null ? profiled <= 0 : rest <= 0)) {
    verdict = 'not-enough-memory';
    certain = cell !== null ? tokensOf(generous(rest)) <= 0 : generous(rest) <= 0;
  }

  return {
    params: parameterCount(model)?.total ?? null,
    weightsBytesPerGpu,
    preLoadFreeBytes,
    memFractionStatic,
    kvCacheBytes: rest,
    kvBytesPerToken: cell,
    kvTokens,
    contextLength,
    maxConcurrency,
    refusal: certain ? verdict : null,
    uncertain: certain ? null : verdict,
    unknown,
  };
}
