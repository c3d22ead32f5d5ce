/**
 * Model facts from a model's own `config.json` (a Hugging Face checkpoint already on disk), in the vendored table's
 * conventions (facts/models.json `fields`). Only the decoder families whose layout modelFacts.ts counts are read;
 * anything else (encoders, multimodal towers, hybrid or linear attention, an unknown `model_type`) gives undefined:
 * the estimate then stays silent rather than count a layout it does not know.
 *
 * Field names: transformers' configuration classes (LlamaConfig, Qwen2Config, Qwen3Config, Qwen2MoeConfig,
 * Qwen3MoeConfig, MixtralConfig, MistralConfig, Phi3Config, DeepseekV2Config, DeepseekV3Config).
 */
import type { ModelFacts } from './modelFacts';

/** A Hugging Face Hub id as `--model` writes it: `org/name`. */
export function isHubId(id: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(id);
}

/** model_type values whose layout the parameter count and the KV accounting follow. */
const DECODERS = new Set(['llama', 'mistral', 'mixtral', 'qwen2', 'qwen3', 'qwen2_moe', 'qwen3_moe', 'phi3', 'deepseek_v2', 'deepseek_v3']);

type Json = Record<string, unknown>;

const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/** The facts of `id` from its config.json text; undefined when the text is not one we can read for certain. */
export function factsFromHfConfig(id: string, text: string): ModelFacts | undefined {
  let config: Json;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    config = parsed as Json;
  } catch {
    return undefined;
  }
  if (typeof config.model_type !== 'string' || !DECODERS.has(config.model_type)) return undefined;
  // A vision or audio tower adds weights the count does not see.
  if (config.vision_config || config.audio_config) return undefined;
  const layers = int(config.num_hidden_layers);
  const hiddenSize = int(config.hidden_size);
  const attentionHeads = int(config.num_attention_heads);
  const vocabSize = int(config.vocab_size);
  if (!layers || !hiddenSize || !attentionHeads || !vocabSize) return undefined;
  const mla = mlaOf(config);
  const headDim = mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : int(config.head_dim) ?? hiddenSize / attentionHeads;
  if (!Number.isInteger(headDim)) return undefined;
  const moe = moeOf(config);
  if (moe === null) return undefined;
  const quantization = quantizationOf(config);
  if (quantization === null) return undefined;
  return {
    ids: [id],
    layers,
    hiddenSize,
    intermediateSize: int(config.intermediate_size) ?? null,
    attentionHeads,
    kvHeads: int(config.num_key_value_heads) ?? attentionHeads,
    headDim,
    vocabSize,
    maxPositionEmbeddings: int(config.max_position_embeddings) ?? null,
    dtype: typeof config.torch_dtype === 'string' ? config.torch_dtype : typeof config.dtype === 'string' ? config.dtype : null,
    tieWordEmbeddings: config.tie_word_embeddings === true,
    // Qwen2/3 configs carry a window that `use_sliding_window: false` switches off.
    slidingWindow: config.use_sliding_window === false ? null : int(config.sliding_window) ?? null,
    ...(moe ? { moe } : {}),
    ...(mla ? { mla } : {}),
    ...(quantization ? { quantization } : {}),
    source: `the model's config.json on disk (${id})`,
  };
}

/** Experts, undefined for a dense model, null for an MoE config missing a field the count needs. */
function moeOf(config: Json): ModelFacts['moe'] | undefined | null {
  const experts = int(config.num_experts) ?? int(config.num_local_experts) ?? int(config.n_routed_experts);
  if (!experts) return undefined;
  const expertsPerToken = int(config.num_experts_per_tok);
  // Mixtral's experts are as wide as a dense MLP (MixtralConfig has no moe_intermediate_size).
  const expertIntermediateSize = int(config.moe_intermediate_size) ?? (config.model_type === 'mixtral' ? int(config.intermediate_size) : undefined);
  if (!expertsPerToken || !expertIntermediateSize) return null;
  return {
    experts,
    expertsPerToken,
    expertIntermediateSize,
    sharedExperts: int(config.n_shared_experts) ?? 0,
    denseLayers: int(config.first_k_dense_replace) ?? 0,
  };
}

function mlaOf(config: Json): ModelFacts['mla'] | undefined {
  const kvLoraRank = int(config.kv_lora_rank);
  const qkRopeHeadDim = int(config.qk_rope_head_dim);
  const qkNopeHeadDim = int(config.qk_nope_head_dim);
  const vHeadDim = int(config.v_head_dim);
  if (!kvLoraRank || !qkRopeHeadDim || !qkNopeHeadDim || !vHeadDim) return undefined;
  return { kvLoraRank, qkRopeHeadDim, qkNopeHeadDim, vHeadDim, qLoraRank: int(config.q_lora_rank) ?? null };
}

/** The checkpoint's quantization method (`fp8`, `awq`, `gptq`), undefined for none, null for a config we cannot read. */
function quantizationOf(config: Json): string | undefined | null {
  const q = config.quantization_config;
  if (q === undefined || q === null) return undefined;
  if (typeof q !== 'object') return null;
  const method = (q as Json).quant_method;
  return typeof method === 'string' ? method.toLowerCase() : null;
}
