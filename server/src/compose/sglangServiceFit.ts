/**
 * The SGLang memory estimate of a Compose service (engines/fit/sglangMemory.ts does the arithmetic): its flags read
 * from the service model, the model from the table or the project's folders or the Hub, as for vLLM
 * (serviceFit.ts). Anything the file does not say for certain makes the estimate unknown, with the reason.
 */
import type { AnalysisOptions } from '../core/analysisOptions';
import { estimateSglang, type SglangFit, type SglangFitInput } from '../engines/fit/sglangMemory';
import { allFlags } from './commandEdits';
import type { ComposeFile } from './composeFile';
import { isMultiNode } from './gpuReservation';
import { flagValues, NO_TARGET_GPU, resolveModelFacts, tooFewGpus } from './serviceFit';
import type { ServiceInfo } from './service';
import { modelOfService } from './serviceColdStart';

export type SglangServiceFit =
  | { known: true; model: string; tensorParallel: number; input: SglangFitInput; fit: SglangFit }
  | { known: false; model: string | undefined; reason: string };

export function sglangServiceFit(file: ComposeFile, info: ServiceInfo, options: AnalysisOptions): SglangServiceFit {
  const dotEnv = file.dotEnv;
  const model = modelOfService(info, dotEnv);
  const unknown = (reason: string): SglangServiceFit => ({ known: false, model, reason });
  if (info.engine?.id !== 'sglang' || !info.isModelService) return unknown('not an SGLang service');
  const gpu = options.gpu;
  if (!gpu) return unknown(NO_TARGET_GPU);
  if (isMultiNode(info, dotEnv)) return unknown('the engine spans several containers');
  if (model === undefined) return unknown('no model id in the command');
  const facts = resolveModelFacts(info, model, dotEnv, { reader: options.buildContexts, hubConfigs: options.hubModelConfigs });
  if (!facts) return unknown(`"${model}" is not in the model table, and no config.json of it is in a folder the service mounts from the project`);
  const flags = flagValues(allFlags(file, info), dotEnv);
  const tp = flags.int(info.engine.tensorParallelFlags);
  const ints = { contextLength: flags.int(['--context-length']), maxTotalTokens: flags.int(['--max-total-tokens']), chunkedPrefillSize: flags.int(['--chunked-prefill-size']), cudaGraphMaxBs: flags.int(['--cuda-graph-max-bs']) };
  const texts = { fraction: flags.text(['--mem-fraction-static']), kvCacheDtype: flags.text(['--kv-cache-dtype']), dtype: flags.text(['--dtype']), quantization: flags.text(['--quantization']), speculative: flags.text(['--speculative-algorithm']) };
  for (const r of [tp, ...Object.values(ints), ...Object.values(texts)]) if (typeof r === 'string') return unknown(r);
  const value = <T>(r: { value: T } | undefined | string): T | undefined => (typeof r === 'object' && r ? r.value : undefined);
  const fraction = value(texts.fraction);
  const memFractionStatic = fraction === undefined ? undefined : Number(fraction);
  if (memFractionStatic !== undefined && !(memFractionStatic > 0 && memFractionStatic <= 1)) return unknown('--mem-fraction-static is not a fraction in (0, 1]');
  const tensorParallel = value(tp) ?? 1;
  const tooFew = tooFewGpus(gpu, tensorParallel);
  if (tooFew) return unknown(tooFew);
  const input: SglangFitInput = {
    model: facts,
    gpuMemoryBytes: gpu.memoryBytes,
    ...(gpu.name !== undefined ? { gpuName: gpu.name } : {}),
    tensorParallel,
    ...defined({
      memFractionStatic,
      contextLength: value(ints.contextLength),
      maxTotalTokens: value(ints.maxTotalTokens),
      chunkedPrefillSize: value(ints.chunkedPrefillSize),
      cudaGraphMaxBs: value(ints.cudaGraphMaxBs),
      kvCacheDtype: value(texts.kvCacheDtype),
      dtype: value(texts.dtype),
      quantization: value(texts.quantization),
      speculativeAlgorithm: value(texts.speculative),
    }),
    ...(flags.has(['--enable-dp-attention']) ? { enableDpAttention: true } : {}),
    ...(flags.has(['--enable-piecewise-cuda-graph']) ? { enablePiecewiseCudaGraph: true } : {}),
  };
  return { known: true, model, tensorParallel, input, fit: estimateSglang(input) };
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
