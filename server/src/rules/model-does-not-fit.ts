import { serviceFit } from '../compose/serviceFit';
import { gpuLabel } from '../engines/fit/gpuFacts';
import { gib } from '../engines/fit/vllmMemory';
import type { Rule } from './rule';

/**
 * vLLM stops at start-up when one GPU's share of the weights does not fit: CUDA runs out of memory while loading
 * them, or (when they load) nothing of the --gpu-memory-utilization share is left for the KV cache ("No available
 * memory for the cache blocks"). The arithmetic is engines/fit/vllmMemory.ts; it needs the model (the vendored
 * table), the GPU (the inferenceStack.gpu setting or the CLI's --gpu) and vLLM: any of them unknown, no finding.
 */
export const rule: Rule = {
  meta: {
    id: 'model-does-not-fit',
    defaultSeverity: 'error',
    title: "The model's weights do not fit the target GPU with vLLM's memory share",
    appliesTo: ['compose'],
    fixable: false,
  },
  compose(ctx) {
    const gpu = ctx.options.gpu;
    if (!gpu) return;
    for (const info of ctx.services) {
      const est = serviceFit(ctx.file, info, ctx.options);
      if (!est.known) continue;
      const { fit, input } = est;
      if ((fit.refusal !== 'weights-exceed-gpu' && fit.refusal !== 'no-kv-memory') || fit.weightsBytesPerGpu === null) continue;
      const gpus = est.tensorParallel * est.pipelineParallel;
      const split = gpus > 1 ? ` split over ${gpus} GPUs` : '';
      const weights = `${est.model} has ${(fit.params! / 1e9).toFixed(1)}B parameters: ${gib(fit.weightsBytesPerGpu)} GiB of weights per GPU${split}`;
      const fixHint = 'Use more GPUs (--tensor-parallel-size), a quantized checkpoint or a larger GPU.';
      const message =
        fit.refusal === 'weights-exceed-gpu'
          ? `${weights}, more than the ${gpuLabel(gpu)} holds: vLLM runs out of CUDA memory while loading them. ${fixHint}`
          : `${weights}; vLLM may use ${gib(fit.requestedBytes)} GiB of the ${gpuLabel(gpu)} (--gpu-memory-utilization ${input.gpuMemoryUtilization}), ` +
            `and about ${gib(fit.nonTorchBytes + (fit.activationBytes ?? 0))} GiB go to activations and CUDA: nothing is left for the KV cache, ` +
            `and vLLM stops with "No available memory for the cache blocks". ${fixHint}`;
      ctx.report({ span: est.modelAt, message });
    }
  },
};
