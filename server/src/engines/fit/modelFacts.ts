/**
 * Model facts for the memory estimate: the vendored table (facts/models.json, each entry with its source) and the
 * parameter count its fields imply. Pure; nothing is read from disk or the network at run time.
 */
import table from '../facts/models.json';

export interface MoeFacts {
  experts: number;
  expertsPerToken: number;
  expertIntermediateSize: number;
  sharedExperts: number;
  /** Leading layers with a dense MLP of `intermediateSize` instead of experts (DeepSeek's first_k_dense_replace). */
  denseLayers: number;
}

/** Multi-head latent attention (DeepSeek V2/V3): the KV cache holds one latent vector per token and layer. */
export interface MlaFacts {
  kvLoraRank: number;
  qkRopeHeadDim: number;
  qkNopeHeadDim: number;
  vHeadDim: number;
  qLoraRank: number | null;
}

export interface ModelFacts {
  ids: string[];
  layers: number;
  hiddenSize: number;
  /** Dense MLP width; null for a model whose every layer is MoE and whose source does not give it. */
  intermediateSize: number | null;
  attentionHeads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  /** vLLM's default --max-model-len; null when the source does not give it. */
  maxPositionEmbeddings: number | null;
  dtype: string | null;
  tieWordEmbeddings: boolean;
  slidingWindow: number | null;
  moe?: MoeFacts;
  mla?: MlaFacts;
  /** The checkpoint's weight quantization, when the id names a quantized checkpoint. */
  quantization?: string;
  /** A published total parameter count (`rounded` when the source gives only a rounded figure): checks the count below. */
  publishedParams?: { value: number; source: string; rounded?: string };
  source: string;
  note?: string;
}

const MODELS: readonly ModelFacts[] = (table as { models: ModelFacts[] }).models;
const BY_ID = new Map<string, ModelFacts>(MODELS.flatMap((m) => m.ids.map((id) => [id, m] as const)));

/** Every model of the table. */
export function knownModels(): readonly ModelFacts[] {
  return MODELS;
}

/**
 * The facts of a model id as written in `--model` (case as on the Hub; a `@revision` or `:tag` suffix is not a
 * Hub id). A local path or an id not in the table is unknown: undefined.
 */
export function modelFacts(id: string | undefined): ModelFacts | undefined {
  return id === undefined ? undefined : BY_ID.get(id);
}

/** Parameters, split the way quantization treats them: linear layers of the blocks vs embeddings and norms. */
export interface ParameterCount {
  /** Linear weights inside the transformer blocks (what fp8/AWQ/GPTQ quantize). */
  linear: number;
  /** Token embedding. */
  embedding: number;
  /** Output head (0 when tied to the embedding). */
  head: number;
  /** Norm weights and MoE routers: small, kept at the activation dtype. */
  other: number;
  total: number;
}

/** One decoder layer's parameters, split the way tensor parallelism and quantization treat them. */
export interface LayerParameters {
  /** Linear weights tensor parallelism splits (column- and row-parallel): what fp8/AWQ/GPTQ quantize. */
  sharded: number;
  /**
   * Linear weights every tensor-parallel rank holds whole: MLA's q_a_proj and kv_a_proj_with_mqa (ReplicatedLinear in
   * vllm/model_executor/models/deepseek_v2.py, 52a31cc and as far back as 0.6).
   */
  replicated: number;
  /** The two norms and the MoE router (ReplicatedLinear `gate`, not quantized): small, on every rank. */
  other: number;
}

/** The layer's parameters: dense MLP for DeepSeek's first_k_dense_replace layers, experts for the rest of an MoE. */
export function layerParameters(m: ModelFacts, index: number): LayerParameters | null {
  const h = m.hiddenSize;
  const attention = m.mla ? mlaAttention(m, m.mla) : { sharded: h * m.attentionHeads * m.headDim * 2 + h * m.kvHeads * m.headDim * 2, replicated: 0 };
  const norms = 2 * h;
  if (m.moe && index >= m.moe.denseLayers) {
    const moe = m.moe;
    const experts = (moe.experts + moe.sharedExperts) * 3 * h * moe.expertIntermediateSize;
    return { sharded: attention.sharded + experts, replicated: attention.replicated, other: norms + h * moe.experts };
  }
  if (m.intermediateSize === null) return null;
  return { sharded: attention.sharded + 3 * h * m.intermediateSize, replicated: attention.replicated, other: norms };
}

/**
 * Parameters implied by the config: embedding + head (unless tied) + per layer attention (q, k, v, o, or MLA's
 * low-rank projections) + MLP (3 matrices: gate, up, down; per expert for MoE, plus routers) + 2 norms, + final norm.
 * Biases are left out (Qwen2's qkv bias is under 0.01% of the weights). Null when a needed field is unknown.
 */
export function parameterCount(m: ModelFacts): ParameterCount | null {
  let linear = 0;
  let other = m.hiddenSize;
  for (let i = 0; i < m.layers; i++) {
    const layer = layerParameters(m, i);
    if (!layer) return null;
    linear += layer.sharded + layer.replicated;
    other += layer.other;
  }
  const embedding = m.vocabSize * m.hiddenSize;
  const head = m.tieWordEmbeddings ? 0 : embedding;
  return { linear, embedding, head, other, total: linear + embedding + head + other };
}

/** MLA projections per layer: q (low-rank when q_lora_rank is set), the joint kv down-projection, kv up, o. */
function mlaAttention(m: ModelFacts, mla: MlaFacts): { sharded: number; replicated: number } {
  const h = m.hiddenSize;
  const qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const qDown = mla.qLoraRank === null ? 0 : h * mla.qLoraRank;
  const qUp = (mla.qLoraRank ?? h) * m.attentionHeads * qHead;
  const kvDown = h * (mla.kvLoraRank + mla.qkRopeHeadDim);
  const kvUp = mla.kvLoraRank * m.attentionHeads * (mla.qkNopeHeadDim + mla.vHeadDim);
  const o = m.attentionHeads * mla.vHeadDim * h;
  return { sharded: qUp + kvUp + o, replicated: qDown + kvDown };
}
