import { modelSpan, serviceFit } from '../compose/serviceFit';
import { gpuLabel, type TargetGpu } from '../engines/fit/gpuFacts';
import { gib } from '../engines/fit/vllmMemory';
import type { ComposeContext, Rule } from './rule';
import type { ServiceInfo } from '../compose/service';
import { sglangServiceFit } from '../compose/sglangServiceFit';

/**
 * vLLM stops at start-up when one GPU's share of the weights does not fit: CUDA runs out of memory while loading
 * them, or (when they load) nothing of the --gpu-memory-utilization share is left for the KV cache ("No available
 * memory for the cache blocks"). The arithmetic is engines/fit/vllmMemory.ts; it needs the model (the vendored
 * table, a config.json in the project, or the Hub's where allowed), the GPU (the inferenceStack.gpu setting, this
 * machine's GPUs, or the CLI's --gpu) and the engine (vLLM, or SGLang below): any of them unknown, no finding.
 */
export const rule: Rule = {
  meta: {
    id: 'model-does-not-fit',
    defaultSeverity: 'error',
    title: "The model's weights do not fit the target GPU with the engine's memory share",
    appliesTo: ['compose'],
    fixable: false,
  },
  compose(ctx) {
    const gpu = ctx.options.gpu;
    if (!gpu) return;
    for (const info of ctx.services) {
      if (info.engine?.id === 'sglang') {
        sglangFinding(ctx, info, gpu);
        continue;
      }
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

/**
 * SGLang (engines/fit/sglangMemory.ts): the weights are more than a GPU has free, or leave nothing of
 * --mem-fraction-static for the KV pool ("Not enough memory. Please try to increase --mem-fraction-static.",
 * model_runner.py `init_memory_pool` at sglang 60d36e7b).
 */
function sglangFinding(ctx: ComposeContext, info: ServiceInfo, gpu: TargetGpu): void {
  const est = sglangServiceFit(ctx.file, info, ctx.options);
  if (!est.known) return;
  const { fit } = est;
  if (fit.refusal === null || fit.weightsBytesPerGpu === null) return;
  const split = est.tensorParallel > 1 ? ` split over ${est.tensorParallel} GPUs` : '';
  const weights = `${est.model} has ${(fit.params! / 1e9).toFixed(1)}B parameters: ${gib(fit.weightsBytesPerGpu)} GiB of weights per GPU${split}`;
  const fixHint = 'Use more GPUs (--tp-size), a quantized checkpoint or a larger GPU.';
  const message =
    fit.refusal === 'weights-exceed-gpu'
      ? `${weights}, more than the ${gpuLabel(gpu)} has free (${gib(fit.preLoadFreeBytes)} GiB): SGLang runs out of CUDA memory while loading them. ${fixHint}`
      : `${weights}, and --mem-fraction-static ${fit.memFractionStatic} of the ${gpuLabel(gpu)} leaves nothing for the KV cache: SGLang stops with ` +
        `"Not enough memory. Please try to increase --mem-fraction-static." Raise it if the GPU is the service's alone, or ${fixHint.charAt(0).toLowerCase()}${fixHint.slice(1)}`;
  ctx.report({ span: modelSpan(info, est.model, ctx.file.dotEnv), message });
}
