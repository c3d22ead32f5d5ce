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

/**
 * Parameters implied by the config: embedding + head (unless tied) + per layer attention (q, k, v, o, or MLA's
 * low-rank projections) + MLP (3 matrices: gate, up, down; per expert for MoE, plus routers) + 2 norms, + final norm.
 * Biases are left out (Qwen2's qkv bias is under 0.01% of the weights). Null when a needed field is unknown.
 */
export function parameterCount(m: ModelFacts): ParameterCount | null {
  const h = m.hiddenSize;
  const attention = m.mla ? mlaAttention(m, m.mla) : h * m.attentionHeads * m.headDim * 2 + h * m.kvHeads * m.headDim * 2;
  let mlpLinear: number;
  let router = 0;
  if (m.moe) {
    const moe = m.moe;
    const expertLayers = m.layers - moe.denseLayers;
    if (moe.denseLayers > 0 && m.intermediateSize === null) return null;
    const perExpertLayer = (moe.experts + moe.sharedExperts) * 3 * h * moe.expertIntermediateSize;
    mlpLinear = expertLayers * perExpertLayer + moe.denseLayers * 3 * h * (m.intermediateSize ?? 0);
    router = expertLayers * h * moe.experts;
  } else {
    if (m.intermediateSize === null) return null;
    mlpLinear = m.layers * 3 * h * m.intermediateSize;
  }
  const linear = m.layers * attention + mlpLinear;
  const embedding = m.vocabSize * h;
  const head = m.tieWordEmbeddings ? 0 : m.vocabSize * h;
  const other = m.layers * 2 * h + h + router;
  return { linear, embedding, head, other, total: linear + embedding + head + other };
}

/** MLA projections per layer: q (low-rank when q_lora_rank is set), the joint kv down-projection, kv up, o. */
function mlaAttention(m: ModelFacts, mla: MlaFacts): number {
  const h = m.hiddenSize;
  const qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const q = mla.qLoraRank === null ? h * m.attentionHeads * qHead : h * mla.qLoraRank + mla.qLoraRank * m.attentionHeads * qHead;
  const kvDown = h * (mla.kvLoraRank + mla.qkRopeHeadDim);
  const kvUp = mla.kvLoraRank * m.attentionHeads * (mla.qkNopeHeadDim + mla.vHeadDim);
  const o = m.attentionHeads * mla.vHeadDim * h;
  return q + kvDown + kvUp + o;
}
