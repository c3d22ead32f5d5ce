/**
 * How long a model server takes from container start to answering its health endpoint: the "cold start".
 * Shared by the healthcheck rules (Compose), the Dockerfile HEALTHCHECK rule and the client.
 *
 * Where the estimate comes from, first match wins:
 *  1. the time measured at the last real start of that service (the client reports it per service name);
 *  2. the `inferenceStack.coldStartSeconds` setting (CLI `--cold-start`);
 *  3. the model's size and weight format read from its name, by engine (weights assumed on local disk, no download):
 *       vLLM, SGLang   60 s + 1 s per GB of weights, + 90 s for a quantized mixture of experts
 *       TGI            20 s + 1 s per GB
 *       llama.cpp       1 s + 1 s per GB of GGUF
 *       Ollama          5 s whatever the model: its API answers before any model loads
 *       other / unknown 60 s + 2 s per billion parameters (16-bit weights, the vLLM figure)
 *     GB of weights = billions × bytes per parameter: 2 for 16-bit, 1.1 for 8-bit (FP8, INT8), 0.65 for 4-bit (AWQ,
 *     GPTQ, NVFP4), (bits + 1) / 8 for a GGUF quantization (Q4_K_M → 0.625; none named: Q4_K_M, llama.cpp's `-hf` default);
 *  4. no size in the name: 60 s (llama.cpp 20 s, a 30B Q4_K_M GGUF; Ollama 5 s).
 * Every constant is read off facts/cold-start-times.json, published start-ups with their sources;
 * test/unit/coldStartCalibration.test.ts runs the estimate on each and holds it between 0.5× and 3× of the published
 * time (docs/rules/healthcheck-start-period-short.md gives the table's error).
 * vLLM, TGI, TEI and SGLang do not even open their port until the weights are loaded (serving-engines.json),
 * so every probe fails for the whole cold start.
 */
import { formatDuration } from '../core/duration';
import type { AnalysisOptions } from '../core/analysisOptions';
import { ENGINES, EngineId, EngineSpec } from './engines';

/** The cold start of a model of no known size, and the base of the estimate for an engine of no profile. */
export const BASE_COLD_START_SECONDS = 60;
/** For an engine of no profile: 16-bit weights at 1 s per GB, as vLLM loads them (2 bytes per parameter). */
export const SECONDS_PER_BILLION_PARAMETERS = 2;
/** Health grace recommended per second of cold start: twice, so a slow disk or a busy host is not "unhealthy". */
export const START_PERIOD_FACTOR = 2;

export type ColdStartSource = 'measured' | 'setting' | 'model-size' | 'default';

/** How the weights are stored, as far as the model name (and the engine) say. */
export type WeightFormat = 'bf16' | 'fp8' | 'int4' | 'gguf';

export interface WeightsGuess {
  format: WeightFormat;
  /** Bytes per parameter on disk (scales and 16-bit embeddings included). */
  bytesPerParameter: number;
  /** For messages: "bf16", "8-bit", "4-bit", "GGUF Q4_K_M". */
  label: string;
  /** A mixture-of-experts checkpoint ("30B-A3B", "8x7B"). */
  moe: boolean;
}

/**
 * The cold-start profile of an engine: a fixed part (process start, CUDA init, compilation, graph capture, warm-up)
 * plus seconds per GB of weights. Constants from facts/cold-start-times.json (see each comment).
 */
export interface ColdStartProfile {
  name: string;
  baseSeconds: number;
  secondsPerGB: number;
  /** Added for a quantized (8-bit or less) mixture of experts: kernel warm-up and JIT that dense models skip. */
  quantizedMoeSeconds: number;
  /** When the name gives no size. */
  defaultSeconds: number;
  /** The model's size does not delay the health probe (Ollama loads models on demand): `defaultSeconds` always. */
  sizeIndependent?: boolean;
}

/**
 * vLLM: the A100 start-ups of 11 bf16 models from 0.5B to 14B rise 2 s per billion parameters (1 s per GB of bf16)
 * from about 33 s with a warm torch.compile cache; a container starts with a cold one, which costs about 25 s more
 * (Qwen3-32B: 68.5 s cold, 43.9 s warm), hence 60 s. Qwen3-30B-A3B FP8 spends ~82 s in DeepGEMM warm-up and the
 * NVFP4 Qwen3.6-35B-A3B 210 s in profiling and warm-up: 90 s more for a quantized MoE.
 */
const VLLM_PROFILE: ColdStartProfile = { name: 'vLLM', baseSeconds: 60, secondsPerGB: 1, quantizedMoeSeconds: 90, defaultSeconds: 60 };
/** SGLang: Llama-3.3-70B FP8 on one H100 starts in ~58 s against vLLM's ~62 s in the same benchmark: vLLM's profile. */
const SGLANG_PROFILE: ColdStartProfile = { ...VLLM_PROFILE, name: 'SGLang' };
/** TGI: Meta-Llama-3-8B-Instruct (bf16, weights cached) answers 15 s after the launcher starts, shards ready in 10.3 s. */
const TGI_PROFILE: ColdStartProfile = { name: 'TGI', baseSeconds: 20, secondsPerGB: 1, quantizedMoeSeconds: 0, defaultSeconds: 60 };
/**
 * llama.cpp reads a GGUF at disk speed with no compilation: gemma-2-2b Q4_K_M loads in 1.03 s, Ollama's llama.cpp
 * runner loads llama3 8B Q4_0 in 3.77 s (about 1.3 GB/s). No size named: the estimate of a 30B Q4_K_M GGUF.
 */
const LLAMACPP_PROFILE: ColdStartProfile = { name: 'llama.cpp', baseSeconds: 1, secondsPerGB: 1, quantizedMoeSeconds: 0, defaultSeconds: 20 };
/** Ollama serves its API once `ollama serve` has bound its port; models load on the first request (ollama-flags.json). */
const OLLAMA_PROFILE: ColdStartProfile = { name: 'Ollama', baseSeconds: 5, secondsPerGB: 0, quantizedMoeSeconds: 0, defaultSeconds: 5, sizeIndependent: true };

const PROFILES: Partial<Record<EngineId, ColdStartProfile>> = {
  vllm: VLLM_PROFILE,
  sglang: SGLANG_PROFILE,
  tgi: TGI_PROFILE,
  llamacpp: LLAMACPP_PROFILE,
  ollama: OLLAMA_PROFILE,
};

/** The profile of an engine; undefined for engines the table does not cover (TEI, Triton, NIM) and unknown ones. */
export function coldStartProfile(engine: EngineId | undefined): ColdStartProfile | undefined {
  return engine ? PROFILES[engine] : undefined;
}

export interface ColdStartEstimate {
  /** Whole seconds. */
  seconds: number;
  source: ColdStartSource;
  /** The model name the size was read from (source 'model-size'). */
  model?: string;
  /** Parameters in billions (source 'model-size'). */
  billions?: number;
  /** The weights as the estimate took them (source 'model-size', engines with a profile). */
  weights?: WeightsGuess;
  /** Where the number came from, for messages: e.g. "measured at the last start". */
  reason: string;
}

/**
 * The parameter count in a model name, in billions: `Llama-3.1-8B` → 8, `Qwen2.5-0.5B` → 0.5, `opt-350m` →
 * 0.35, `Mixtral-8x7B` → 56, `Qwen3-30B-A3B` → 30 (the total, not the active experts). Several sizes: the
 * largest (`Qwen2.5-7B-Instruct-1M` → 7). Undefined when the name has none.
 */
export function parseParameterCount(model: string): number | undefined {
  // A size stands alone between separators: "A3B" (active experts) and "Qwen2.5" are not sizes.
  const SIZE = /(?<![a-z0-9.])(?:(\d+)x)?(\d+(?:\.\d+)?)([mbt])(?![a-z0-9])/gi;
  const UNIT: Record<string, number> = { m: 0.001, b: 1, t: 1000 };
  let best: number | undefined;
  for (const m of model.matchAll(SIZE)) {
    const experts = m[1] ? Number(m[1]) : 1;
    const billions = experts * Number(m[2]) * UNIT[m[3]!.toLowerCase()]!;
    if (billions > 0 && (best === undefined || billions > best)) best = billions;
  }
  return best;
}

const GGUF_NAME = /\.gguf\b|(?<![a-z0-9])gguf(?![a-z0-9])/i;
/** `Q4_K_M`, `IQ4_XS`, `Q8_0`: the digit is the bits per weight before block scales. */
const GGUF_QUANT = /(?<![a-z0-9])(i?q)(\d)(?:_[a-z0-9]+)*(?![a-z0-9])/i;
const GGUF_FLOAT = /(?<![a-z0-9])(f32|b?f16)(?![a-z0-9])/i;
const FOUR_BIT = /(?<![a-z0-9])(awq|int4|w4a\d+|4-?bits?|nvfp4|mxfp4|fp4)(?![a-z0-9])/i;
const EIGHT_BIT = /(?<![a-z0-9])(fp8|int8|w8a\d+|8-?bits?|q8)(?![a-z0-9])/i;
const MOE = /(?<![a-z0-9])a\d+(?:\.\d+)?b(?![a-z0-9])|(?<![a-z0-9.])\d+x\d+(?:\.\d+)?b(?![a-z0-9])/i;

/**
 * The weight format a model name (and its engine) implies. llama.cpp and Ollama load only GGUF; elsewhere a `.gguf`
 * file or a `-GGUF` repo is GGUF too. A GGUF quantization Qn takes (n + 1) / 8 bytes per parameter (Q4_K_M is 4.85
 * bits per weight, Q8_0 8.5), F16/BF16 2 and F32 4; none named: Q4_K_M, what llama.cpp's `-hf` picks by default
 * (llamacpp-flags.json). Other checkpoints: 4-bit (AWQ, GPTQ, NVFP4: 0.65 bytes, the NVFP4 Qwen3.6-35B-A3B logs
 * 21.82 GiB), 8-bit (FP8, INT8: 1.1, 16-bit embeddings included), else 16-bit (2).
 */
export function weightsOf(model: string, engine?: EngineId): WeightsGuess {
  const moe = MOE.test(model);
  if (engine === 'llamacpp' || engine === 'ollama' || GGUF_NAME.test(model)) {
    const float = GGUF_FLOAT.exec(model);
    if (float) {
      const type = float[1]!.toUpperCase();
      return { format: 'gguf', bytesPerParameter: type === 'F32' ? 4 : 2, label: `GGUF ${type}`, moe };
    }
    const quant = GGUF_QUANT.exec(model);
    const bits = quant ? Number(quant[2]) : 4;
    const label = quant ? quant[0].toUpperCase() : 'Q4_K_M (assumed)';
    return { format: 'gguf', bytesPerParameter: (bits + 1) / 8, label: `GGUF ${label}`, moe };
  }
  const four = FOUR_BIT.test(model);
  const eight = EIGHT_BIT.test(model);
  if (eight && !four) return { format: 'fp8', bytesPerParameter: 1.1, label: '8-bit', moe };
  if (four || /gptq/i.test(model)) return { format: 'int4', bytesPerParameter: 0.65, label: '4-bit', moe };
  return { format: 'bf16', bytesPerParameter: 2, label: '16-bit', moe };
}

/**
 * Seconds of cold start for a model of `billions` parameters stored as `weights`, with an engine's profile (none:
 * 60 s + 2 s per billion, whatever the format). Not rounded.
 */
export function coldStartSecondsFor(profile: ColdStartProfile | undefined, billions: number, weights: WeightsGuess): number {
  if (!profile) return BASE_COLD_START_SECONDS + SECONDS_PER_BILLION_PARAMETERS * billions;
  if (profile.sizeIndependent) return profile.defaultSeconds;
  const gb = billions * weights.bytesPerParameter;
  const moe = weights.moe && weights.format !== 'bf16' ? profile.quantizedMoeSeconds : 0;
  return profile.baseSeconds + profile.secondsPerGB * gb + moe;
}

function positiveSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

/**
 * The cold start of one service (or of an image, with no service name), with where the number came from. `engine`
 * picks the profile; without it, 60 s + 2 s per billion parameters.
 */
export function estimateColdStart(options: AnalysisOptions, serviceName?: string, model?: string, engine?: EngineId): ColdStartEstimate {
  const measured = serviceName !== undefined ? positiveSeconds(options.measuredColdStarts?.[serviceName]) : undefined;
  if (measured !== undefined) return { seconds: measured, source: 'measured', reason: 'measured at the last start' };
  const setting = positiveSeconds(options.coldStartSeconds);
  if (setting !== undefined) {
    return { seconds: setting, source: 'setting', reason: 'from the inferenceStack.coldStartSeconds setting (--cold-start)' };
  }
  const profile = coldStartProfile(engine);
  if (profile?.sizeIndependent) {
    return {
      seconds: profile.defaultSeconds,
      source: 'default',
      reason: `${profile.name} answers its health probe once its server is up (${profile.defaultSeconds} s); it loads models on the first request`,
    };
  }
  const billions = model !== undefined ? parseParameterCount(model) : undefined;
  if (model !== undefined && billions !== undefined) {
    const weights = weightsOf(model, engine);
    const seconds = Math.ceil(coldStartSecondsFor(profile, billions, weights));
    const shown = withoutCredentials(model);
    const base = { seconds, source: 'model-size' as const, model: shown, billions };
    const from = `estimated from the ${formatBillions(billions)} parameters in "${shown}"`;
    if (!profile) return { ...base, reason: `${from} (60 s + 2 s per billion parameters)` };
    const gb = billions * weights.bytesPerParameter;
    const moe = weights.moe && weights.format !== 'bf16' && profile.quantizedMoeSeconds > 0 ? `, + ${profile.quantizedMoeSeconds} s for a quantized mixture of experts` : '';
    return {
      ...base,
      weights,
      reason: `${from}: about ${formatGB(gb)} GB of ${weights.label} weights on ${profile.name} (${profile.baseSeconds} s + ${profile.secondsPerGB} s per GB${moe}, weights already on local disk)`,
    };
  }
  if (profile && profile.defaultSeconds !== BASE_COLD_START_SECONDS) {
    return { seconds: profile.defaultSeconds, source: 'default', reason: `the default estimate of ${profile.defaultSeconds} s for ${profile.name} (no model size found in the model name)` };
  }
  return { seconds: BASE_COLD_START_SECONDS, source: 'default', reason: 'the default estimate of 60 s (no model size found in the model name)' };
}

/** The start grace a healthcheck should give: twice the cold start, in whole seconds. */
export function recommendedStartPeriod(estimate: ColdStartEstimate): number {
  return estimate.seconds * START_PERIOD_FACTOR;
}

/** "about 1m16s (estimated from ...)" for messages. */
export function describeEstimate(estimate: ColdStartEstimate): string {
  return `${formatDuration(estimate.seconds)} (${estimate.reason})`;
}

/** A model URL (`--model-url`, `LLAMA_ARG_MODEL_URL`) may carry a token: messages show it without query or user info. */
function withoutCredentials(model: string): string {
  return model.replace(/[?#][^]*$/, '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function formatGB(gb: number): string {
  return gb >= 10 ? String(Math.round(gb)) : String(Number(gb.toFixed(1)));
}

function formatBillions(billions: number): string {
  return billions >= 1 ? `${Number(billions.toFixed(1))}B` : `${Number((billions * 1000).toFixed(0))}M`;
}

const ALL_MODEL_FLAGS: readonly string[] = [...new Set(ENGINES.flatMap((e) => e.modelFlags))].filter((f) => f !== '--model-repository');
/**
 * The model an engine command line serves: the value of one of the engine's model flags (`--model X`,
 * `--model-id=X`), or vLLM's positional `model_tag` (the token after `vllm serve`, or the first argument when
 * the image's entrypoint already is `vllm serve`). vllm-cli-flags.json: the positional overrides `--model`.
 */
export function modelFromArgs(engine: EngineSpec | undefined, args: readonly string[], entrypointIsVllmServe = false): string | undefined {
  if (!engine || engine.id === 'vllm') {
    const positional = vllmPositional(args, entrypointIsVllmServe);
    if (positional !== undefined) return positional;
  }
  const flags = engine ? engine.modelFlags : ALL_MODEL_FLAGS;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = (eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg).replace(/_/g, '-');
    if (!flags.includes(name)) continue;
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[i + 1];
    if (value !== undefined && value !== '' && !value.startsWith('-')) return value;
  }
  return undefined;
}

function vllmPositional(args: readonly string[], entrypointIsVllmServe: boolean): string | undefined {
  let start = -1;
  for (let i = 0; i + 1 < args.length; i++) {
    if (/(^|\/)vllm$/.test(args[i]!) && args[i + 1] === 'serve') {
      start = i + 2;
      break;
    }
  }
  if (start < 0 && entrypointIsVllmServe) start = 0;
  if (start < 0) return undefined;
  const first = args[start];
  return first !== undefined && !first.startsWith('-') ? first : undefined;
}
