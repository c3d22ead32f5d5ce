import { appendFlags, replaceFlagValue } from '../compose/commandEdits';
import { serviceFit, type ServiceFitKnown } from '../compose/serviceFit';
import type { ServiceInfo } from '../compose/service';
import type { ComposeContext, Rule } from './rule';
import type { SpanFix } from '../core/types';
import { gpuLabel } from '../engines/fit/gpuFacts';
import { BLOCK_SIZE, gib } from '../engines/fit/vllmMemory';

/**
 * vLLM refuses to start when its KV cache cannot hold one request of --max-model-len tokens (the model's
 * max_position_embeddings when the flag is unset): kv_cache_utils.py `_check_enough_kv_cache_memory`. The KV
 * cache is what --gpu-memory-utilization leaves after weights and overhead (engines/fit/vllmMemory.ts). Quiet
 * unless the model, the GPU (inferenceStack.gpu) and vLLM are all known.
 */
export const rule: Rule = {
  meta: {
    id: 'kv-cache-below-max-model-len',
    defaultSeverity: 'error',
    title: 'The KV cache holds fewer tokens than --max-model-len',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    const gpu = ctx.options.gpu;
    if (!gpu) return;
    for (const info of ctx.services) {
      const est = serviceFit(ctx.file, info, ctx.options);
      if (!est.known || est.fit.refusal !== 'kv-below-max-model-len') continue;
      const { fit } = est;
      const maxLen = fit.maxModelLen!;
      const needed = Math.ceil(maxLen / BLOCK_SIZE) * BLOCK_SIZE * fit.kvBytesPerToken!;
      const largest = suggestedLength(fit.largestMaxModelLen!);
      const written = est.maxModelLenFlag ? `--max-model-len ${maxLen}` : `${est.model}'s default --max-model-len ${maxLen}`;
      ctx.report({
        span: est.maxModelLenFlag?.valueSpan ?? est.modelAt,
        message:
          `${written} needs ${gib(needed)} GiB of KV cache per GPU (${fit.kvBytesPerToken!.toLocaleString('en-US')} bytes a token), ` +
          `but on the ${gpuLabel(gpu)} about ${gib(fit.kvCacheBytes!)} GiB (${fit.kvTokens!.toLocaleString('en-US')} tokens) are left after ` +
          `${gib(fit.weightsBytesPerGpu!)} GiB of weights: vLLM stops with "To serve at least one request with the model's max seq len (${maxLen}) ... ` +
          `larger than the available KV cache memory". Set --max-model-len ${largest} or less, or use more GPUs.`,
        fixes: largest > 0 ? lengthFix(ctx, info, est, largest) : [],
        ...(est.maxModelLenFlag ? { involves: [{ span: est.modelAt, what: `the model ${est.model}` }] } : {}),
      });
    }
  },
};

/** The largest length that fits, rounded down to a multiple of 1024 when that large: the estimate is not exact. */
function suggestedLength(largest: number): number {
  return largest >= 2048 ? Math.floor(largest / 1024) * 1024 : largest;
}

/** Rewrites a literal --max-model-len, or adds one where the model's default was used. */
function lengthFix(ctx: ComposeContext, info: ServiceInfo, est: ServiceFitKnown, length: number): SpanFix[] {
  const edit = est.maxModelLenFlag
    ? replaceFlagValue(ctx.file, info, est.maxModelLenFlag, String(length))
    : est.input.maxModelLen !== undefined
      ? undefined // `--max-model-len ${VAR}`: the variable is the user's to change, and a second flag would not win
      : appendFlags(ctx.file, info, ['--max-model-len', String(length)]);
  return edit ? [{ title: `Set --max-model-len ${length}`, preferred: true, edits: [edit] }] : [];
}
