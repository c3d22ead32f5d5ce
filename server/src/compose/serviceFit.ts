/**
 * The memory estimate of a Compose service: its vLLM flags read from the service model (engines/fit does the
 * arithmetic). Anything the file does not say for certain (a `${VAR}` only `up` knows, a local model path, a flag
 * that changes vLLM's accounting) makes the estimate unknown, with the reason: the rules then stay quiet.
 */
import type { AnalysisOptions, BuildContextReader } from '../core/analysisOptions';
import type { Span } from '../core/types';
import { modelFacts, type ModelFacts } from '../engines/fit/modelFacts';
import { estimateVllm, type VllmFit, type VllmFitInput } from '../engines/fit/vllmMemory';
import { pinnedBefore, VLLM_0_21 } from '../engines/vllmReleases';
import { allFlags, type FoundFlag } from './commandEdits';
import type { ComposeFile } from './composeFile';
import { deviceRequests, isMultiNode, reservedBy, resolveInt } from './gpuReservation';
import { hasInterpolation, interpolate } from './interpolation';
import { engineImage, findFlag, type ServiceInfo } from './service';
import { modelOfService } from './serviceColdStart';
import { modelFactsOnDisk } from './modelOnDisk';
import { factsFromHfConfig } from '../engines/fit/hfConfig';
import { optional } from '../core/optionalField';

/** Flags that move memory where this estimate does not look: with one of them, the estimate is unknown. */
const ACCOUNTING_FLAGS = [
  '--kv-cache-memory-bytes',
  '--num-gpu-blocks-override',
  '--cpu-offload-gb',
  '--speculative-config',
  '--enable-lora',
  '--config',
  '--hf-overrides',
  '--load-format',
];

/** A model's facts: the table, else its config.json in a folder the service mounts from the project, else the Hub's. */
export function resolveModelFacts(info: ServiceInfo, model: string, dotEnv: ReadonlyMap<string, string>, sources: ModelSources): ModelFacts | undefined {
  const hubConfig = sources.hubConfigs?.[model];
  return modelFacts(model) ?? modelFactsOnDisk(info, model, dotEnv, sources.reader) ?? (hubConfig !== undefined ? factsFromHfConfig(model, hubConfig) : undefined);
}

/** Where facts of a model the table lacks may come from. */
export interface ModelSources {
  reader?: BuildContextReader;
  hubConfigs?: AnalysisOptions['hubModelConfigs'];
}

/** What the estimate needs from the file, the GPU aside: JSON-able (navigation facts keep it for inlay hints). */
export interface ServiceFitInput {
  known: true;
  model: string;
  modelFacts: ModelFacts;
  /** Where the model id is written (the finding's place). */
  modelAt: Span;
  tensorParallel: number;
  pipelineParallel: number;
  /** The estimate's input without the GPU's memory and name. */
  input: Omit<VllmFitInput, 'gpuMemoryBytes' | 'gpuName'>;
  /** `--max-model-len`, when the command writes it as a number (not `${VAR}`): what a fix rewrites. */
  maxModelLenFlag?: FoundFlag;
}

export interface ServiceFitKnown extends ServiceFitInput {
  input: VllmFitInput;
  fit: VllmFit;
}

type Unknown = { known: false; model: string | undefined; reason: string };
export type ServiceFit = ServiceFitKnown | Unknown;

/** Why an estimate has no GPU to be made for. */
export const NO_TARGET_GPU = 'no target GPU (set inferenceStack.gpu, or pass --gpu / --gpu-memory)';

/** Why a service that needs `needed` GPUs cannot run on the target, when its host has fewer; undefined when it can. */
export function tooFewGpus(gpu: NonNullable<AnalysisOptions['gpu']>, needed: number): string | undefined {
  return gpu.count !== undefined && gpu.count < needed ? `the host has ${gpu.count} GPU${gpu.count === 1 ? '' : 's'} but the service needs ${needed}` : undefined;
}

/** vLLM's estimate input on a GPU: what the file says, with the GPU's memory and name. */
export function vllmInputOn(input: ServiceFitInput['input'], gpu: { memoryBytes: number; name?: string }): VllmFitInput {
  return { ...input, gpuMemoryBytes: gpu.memoryBytes, ...(gpu.name !== undefined ? { gpuName: gpu.name } : {}) };
}

/** The estimate for a vLLM service on `options.gpu`, or why there is none. */
export function serviceFit(file: ComposeFile, info: ServiceInfo, options: AnalysisOptions): ServiceFit {
  const gpu = options.gpu;
  // Without a GPU nothing else matters: say that first (for a vLLM service; others say their engine is not modelled).
  if (!gpu && info.engine?.id === 'vllm' && info.isModelService) return { known: false, model: modelOfService(info, file.dotEnv), reason: NO_TARGET_GPU };
  const found = serviceFitInput(file, info, { reader: options.buildContexts, hubConfigs: options.hubModelConfigs });
  if (!found.known) return found;
  if (!gpu) return { known: false, model: found.model, reason: NO_TARGET_GPU };
  const tooFew = tooFewGpus(gpu, found.tensorParallel * found.pipelineParallel);
  if (tooFew) return { known: false, model: found.model, reason: tooFew };
  const input = vllmInputOn(found.input, gpu);
  return { ...found, input, fit: estimateVllm(input) };
}

/**
 * What the file says for the estimate of a vLLM service, or why it says too little. A model the table lacks is
 * looked up in `sources`: its config.json in a folder the service mounts from the project (`reader`, inside the
 * workspace), else one fetched from the Hub where the person allowed it (`hubConfigs`).
 */
export function serviceFitInput(file: ComposeFile, info: ServiceInfo, sources: ModelSources = {}): ServiceFitInput | Unknown {
  const dotEnv = file.dotEnv;
  const model = info.engine ? modelOfService(info, dotEnv) : undefined;
  const unknown = (reason: string): Unknown => ({ known: false, model, reason });
  if (info.engine?.id !== 'vllm' || !info.isModelService) return unknown(info.engine ? `the ${info.engine.name} estimate is not modelled` : 'no known engine');
  if (isMultiNode(info, dotEnv)) return unknown('the engine spans several containers');
  if (model === undefined) return unknown('no model id in the command');
  const facts = resolveModelFacts(info, model, dotEnv, sources);
  if (!facts) return unknown(`"${model}" is not in the model table, and no config.json of it is in a folder the service mounts from the project`);
  // Flags of `sh -c "vllm serve ..."` scripts too.
  const flags = allFlags(file, info);
  const blocking = findFlag(flags, ACCOUNTING_FLAGS);
  if (blocking) return unknown(`${blocking.name} changes vLLM's memory accounting`);

  const read = readFlags(info, flags, dotEnv);
  if (typeof read === 'string') return unknown(read);
  const gpus = read.tensorParallel * read.pipelineParallel;
  const reserved = reservedGpus(info, dotEnv);
  if (reserved !== undefined && reserved < gpus) return unknown(`the service reserves ${reserved} GPU${reserved === 1 ? '' : 's'} but needs ${gpus}`);

  return {
    known: true,
    model,
    modelFacts: facts,
    modelAt: modelSpan(info, model, dotEnv),
    tensorParallel: read.tensorParallel,
    pipelineParallel: read.pipelineParallel,
    input: {
      model: facts,
      tensorParallel: read.tensorParallel,
      pipelineParallel: read.pipelineParallel,
      gpuMemoryUtilization: read.gpuMemoryUtilization ?? (pinnedBefore(engineImage(info), VLLM_0_21) ? 0.9 : 0.92),
      ...optional('maxModelLen', read.maxModelLen),
      ...optional('dtype', read.dtype),
      ...optional('quantization', read.quantization),
      ...optional('kvCacheDtype', read.kvCacheDtype),
      ...optional('maxNumBatchedTokens', read.maxNumBatchedTokens),
    },
    ...optional('maxModelLenFlag', read.maxModelLenLiteral),
  };
}

interface ReadFlags {
  tensorParallel: number;
  pipelineParallel: number;
  gpuMemoryUtilization?: number;
  maxModelLen?: number;
  maxModelLenLiteral?: FoundFlag;
  dtype?: string;
  quantization?: string;
  kvCacheDtype?: string;
  maxNumBatchedTokens?: number;
}

/** The flags the estimate reads, `${VAR}` resolved from `.env`; a string says which one cannot be known. */
/** A flag's value: undefined when the flag is not there, a string saying why when it cannot be known here. */
type FlagValue<T> = { value: T; at: Span | undefined } | undefined | string;

/** The values of the service's flags, `${VAR}` resolved from `.env` (the memory estimates read them alike). */
export function flagValues(flags: readonly FoundFlag[], dotEnv: ReadonlyMap<string, string>): {
  text(names: readonly string[]): FlagValue<string>;
  int(names: readonly string[]): FlagValue<number>;
  has(names: readonly string[]): boolean;
} {
  const text = (names: readonly string[]): FlagValue<string> => {
    const flag = findFlag(flags, names);
    if (!flag) return undefined;
    const raw = flag.value;
    const value = raw === undefined ? undefined : interpolate(raw, dotEnv);
    return value === undefined || value.trim() === '' ? `${flag.name} is only known at compose up` : { value: value.trim(), at: flag.valueSpan };
  };
  const int = (names: readonly string[]): FlagValue<number> => {
    const t = text(names);
    if (t === undefined || typeof t === 'string') return t;
    const n = resolveInt(t.value, dotEnv);
    return n === undefined || n < 1 ? `${names[0]} ${t.value} is not a whole number` : { value: n, at: t.at };
  };
  return { text, int, has: (names) => !!findFlag(flags, names) };
}

function readFlags(info: ServiceInfo, flags: readonly FoundFlag[], dotEnv: ReadonlyMap<string, string>): ReadFlags | string {
  const engine = info.engine!;
  const { text, int } = flagValues(flags, dotEnv);
  const tp = int(engine.tensorParallelFlags);
  const pp = int(engine.pipelineParallelFlags);
  const len = int(['--max-model-len']);
  const batched = int(['--max-num-batched-tokens']);
  const share = text(['--gpu-memory-utilization']);
  const dtype = text(['--dtype']);
  const quant = text(['--quantization', '-q']);
  const kv = text(['--kv-cache-dtype']);
  for (const r of [tp, pp, len, batched, share, dtype, quant, kv]) if (typeof r === 'string') return r;
  const fraction = share && typeof share !== 'string' ? Number(share.value) : undefined;
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) return '--gpu-memory-utilization is not a fraction in (0, 1]';
  const get = <T>(r: T | string | undefined): T | undefined => (typeof r === 'string' ? undefined : r);
  const lenFlag = get(len);
  // A fix rewrites the value only where it is written as a number (not `${MAX_LEN}`).
  const written = findFlag(flags, ['--max-model-len']) as FoundFlag | undefined;
  const literal = lenFlag && written && !hasInterpolation(written.value ?? '') ? written : undefined;
  return {
    tensorParallel: get(tp)?.value ?? 1,
    pipelineParallel: get(pp)?.value ?? 1,
    ...optional('gpuMemoryUtilization', fraction),
    ...optional('maxModelLen', lenFlag?.value),
    ...optional('maxModelLenLiteral', literal),
    ...optional('dtype', get(dtype)?.value),
    ...optional('quantization', get(quant)?.value),
    ...optional('kvCacheDtype', get(kv)?.value),
    ...optional('maxNumBatchedTokens', get(batched)?.value),
  };
}

/** GPUs the service's device requests add up to, when every one is a number. */
function reservedGpus(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): number | undefined {
  const requests = deviceRequests(info).filter((r) => !(r.count && r.deviceIds));
  if (requests.length === 0) return undefined;
  let total = 0;
  for (const r of requests) {
    const n = reservedBy(r, dotEnv);
    if (n === 'all' || n === undefined) return undefined;
    total += n;
  }
  return total;
}

/** The token that names the model (`--model X`, `--model=X` or vLLM's positional model), else the service key. */
export function modelSpan(info: ServiceInfo, model: string, dotEnv: ReadonlyMap<string, string>): Span {
  const tokens = [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])];
  const hit = tokens.find((t) => (interpolate(t.text, dotEnv) ?? t.text) === model) ?? tokens.find((t) => t.text.endsWith(`=${model}`) || t.text.includes(model));
  return hit?.span ?? info.service.keyAt;
}
