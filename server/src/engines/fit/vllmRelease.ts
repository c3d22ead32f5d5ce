/**
 * Where older vLLM releases account for memory differently from the one vllmMemory.ts follows (main at 52a31cc,
 * the V1 engine). The estimate for a Compose file leaves the release unset (today's vLLM); the published logs of
 * older releases that test the estimate (test/unit/fixtures/fit) name theirs. Each rule names the change that
 * ended it, read from the vLLM history (local-inference-lab/vllm, which holds vllm-project/vllm's commits).
 */
import { compareVersions, parseVllmVersion, type VersionTuple } from '../vllmReleases';

/** The engine and version a log was printed by. */
export interface VllmEngineRelease {
  engine: 'v0' | 'v1';
  /** `0.7.2`; a minor version alone (`0.3`) reads as its `.0`. */
  version: string;
}

/** How MLA (DeepSeek V2/V3) layers cache keys and values. */
export type MlaKvLayout =
  /** One latent vector (kv_lora_rank + qk_rope_head_dim) a token and layer: vllm/v1/kv_cache_interface.py MLAAttentionSpec. */
  | 'latent'
  /**
   * K and V a head, each padded to 256: before #12528 (merged 2025-01-31, first in 0.7.1) vLLM's deepseek_v2.py
   * ran MLA as ordinary attention, `Attention(self.num_local_heads, 256, ..., num_kv_heads=self.num_local_heads)`.
   */
  | 'per-head-256';

export interface AccountingRules {
  /**
   * Sliding-window layers keep a full-length KV cache. The V0 engine sized every layer alike
   * (vllm/worker/cache_engine.py `get_cache_block_size`: layers × 2 × block × kv heads × head size) and checked
   * max_model_len against all blocks (vllm/engine/llm_engine.py `_init_cache`). V1's hybrid allocator does not:
   * not modelled.
   */
  slidingWindowFullKv: boolean;
  mlaKv: MlaKvLayout;
  /**
   * MLA decode weights materialized next to the checkpoint's: W_Q_UK (q rank × heads × kv_lora_rank) and W_UV_O
   * (heads × kv_lora_rank × hidden) in the weight dtype, W_QR in the activation dtype, and the float32 dequantized
   * kv_b_proj its W_UK/W_UV views keep: vllm/attention/backends/mla/utils.py `process_weights_after_loading`, from
   * #12528 (2025-01-31, 0.7.1) until #14770 "MLA get rid of materialization" (2025-03-14, 0.8.0).
   */
  mlaAbsorbedWeights: boolean;
  /**
   * How layers that do not divide evenly over the pipeline stages are placed (vllm/distributed/utils.py
   * `get_pp_indices`): on the last stage before #13839 (merged 2025-02-26, first in 0.8.0); since, one each on the
   * stages before the last.
   */
  remainderOnLastStage: boolean;
}

const V0_7_1: VersionTuple = [0, 7, 1, 0];
const V0_8_0: VersionTuple = [0, 8, 0, 0];

/** Today's vLLM (52a31cc). */
export const CURRENT_RULES: AccountingRules = { slidingWindowFullKv: false, mlaKv: 'latent', mlaAbsorbedWeights: false, remainderOnLastStage: false };

/** The rules of a release; today's for none, or for a version that does not parse. */
export function accountingRules(release: VllmEngineRelease | undefined): AccountingRules {
  const version = release && parseVllmVersion(release.version);
  if (!release || !version) return CURRENT_RULES;
  const before = (v: VersionTuple) => compareVersions(version, v) < 0;
  return {
    slidingWindowFullKv: release.engine === 'v0',
    mlaKv: before(V0_7_1) ? 'per-head-256' : 'latent',
    mlaAbsorbedWeights: !before(V0_7_1) && before(V0_8_0),
    remainderOnLastStage: before(V0_8_0),
  };
}

/** First layer and layer count of each pipeline stage, as `get_pp_indices` places them. */
export function pipelineStages(layers: number, stages: number, rules: AccountingRules): Array<{ first: number; count: number }> {
  const counts = Array.from({ length: stages }, () => Math.floor(layers / stages));
  const remaining = layers % stages;
  if (rules.remainderOnLastStage) counts[stages - 1]! += remaining;
  else for (let i = 2; i < remaining + 2; i++) counts[stages - i]! += 1;
  let first = 0;
  return counts.map((count) => {
    const stage = { first, count };
    first += count;
    return stage;
  });
}
