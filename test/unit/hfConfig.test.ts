/** Model facts from a checkpoint's own config.json, in the vendored table's conventions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsFromHfConfig } from '../../server/src/engines/fit/hfConfig';
import { modelFacts, parameterCount } from '../../server/src/engines/fit/modelFacts';

/** Llama 3.1 8B's config.json fields (the values the table's entry was read from). */
export const LLAMA_31_8B_CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  intermediate_size: 14336,
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  vocab_size: 128256,
  max_position_embeddings: 131072,
  torch_dtype: 'bfloat16',
  tie_word_embeddings: false,
  rope_scaling: { factor: 8.0, rope_type: 'llama3' },
};

describe('factsFromHfConfig', () => {
  it('reads a Llama config into the same facts and parameter count as the table entry', () => {
    const facts = factsFromHfConfig('acme/llama-finetune', JSON.stringify(LLAMA_31_8B_CONFIG))!;
    const table = modelFacts('meta-llama/Llama-3.1-8B-Instruct')!;
    for (const key of ['layers', 'hiddenSize', 'intermediateSize', 'attentionHeads', 'kvHeads', 'headDim', 'vocabSize', 'maxPositionEmbeddings', 'dtype', 'tieWordEmbeddings', 'slidingWindow'] as const) {
      assert.deepEqual(facts[key], table[key], key);
    }
    assert.equal(parameterCount(facts)!.total, parameterCount(table)!.total);
    assert.deepEqual(facts.ids, ['acme/llama-finetune']);
  });

  it('reads MoE, MLA and quantization fields, and a Qwen window switched off', () => {
    const moe = factsFromHfConfig('x/moe', JSON.stringify({ model_type: 'qwen3_moe', hidden_size: 2048, num_attention_heads: 32, num_key_value_heads: 4, head_dim: 128, num_hidden_layers: 48, vocab_size: 151936, num_experts: 128, num_experts_per_tok: 8, moe_intermediate_size: 768, sliding_window: 4096, use_sliding_window: false, quantization_config: { quant_method: 'FP8' } }))!;
    assert.deepEqual(moe.moe, { experts: 128, expertsPerToken: 8, expertIntermediateSize: 768, sharedExperts: 0, denseLayers: 0 });
    assert.equal(moe.slidingWindow, null);
    assert.equal(moe.quantization, 'fp8');
    const mla = factsFromHfConfig('x/mla', JSON.stringify({ model_type: 'deepseek_v3', hidden_size: 7168, num_attention_heads: 128, num_hidden_layers: 61, vocab_size: 129280, kv_lora_rank: 512, qk_rope_head_dim: 64, qk_nope_head_dim: 128, v_head_dim: 128, q_lora_rank: 1536, n_routed_experts: 256, num_experts_per_tok: 8, moe_intermediate_size: 2048, n_shared_experts: 1, first_k_dense_replace: 3, intermediate_size: 18432 }))!;
    assert.equal(mla.headDim, 192);
    assert.deepEqual(mla.mla, { kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128, qLoraRank: 1536 });
  });

  it('reads nothing it cannot count: encoders, vision towers, unknown types, broken JSON, MoE without its widths', () => {
    assert.equal(factsFromHfConfig('x/bert', JSON.stringify({ model_type: 'bert', hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 12, vocab_size: 30522 })), undefined);
    assert.equal(factsFromHfConfig('x/vl', JSON.stringify({ ...LLAMA_31_8B_CONFIG, vision_config: { hidden_size: 1152 } })), undefined);
    assert.equal(factsFromHfConfig('x/next', JSON.stringify({ ...LLAMA_31_8B_CONFIG, model_type: 'qwen3_next' })), undefined);
    assert.equal(factsFromHfConfig('x/broken', '{ "model_type": "llama",'), undefined);
    assert.equal(factsFromHfConfig('x/moe', JSON.stringify({ ...LLAMA_31_8B_CONFIG, model_type: 'qwen2_moe', num_experts: 60 })), undefined);
  });
});
