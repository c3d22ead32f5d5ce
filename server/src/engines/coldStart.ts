/**
 * How long a model server takes from container start to answering its health endpoint: the "cold start".
 * Shared by the healthcheck rules (Compose), the Dockerfile HEALTHCHECK rule and the client.
 *
 * Where the estimate comes from, first match wins:
 *  1. the time measured at the last real start of that service (the client reports it per service name);
 *  2. the `inferenceStack.coldStartSeconds` setting (CLI `--cold-start`);
 *  3. 60 s plus 2 s per billion parameters found in the model's name ("8B", "0.5B", "8x7B", "350M"):
 *     bf16 weights take about 2 GB per billion parameters, read at about 1 GB/s from a local cache, on top of
 *     about a minute of process start, CUDA init, graph capture and warm-up;
 *  4. 60 s when no size is found.
 * vLLM, TGI, TEI and SGLang do not even open their port until the weights are loaded (serving-engines.json),
 * so every probe fails for the whole cold start.
 */
import { formatDuration } from '../core/duration';
import type { AnalysisOptions } from '../core/analysisOptions';
import { ENGINES, EngineSpec } from './engines';

export const BASE_COLD_START_SECONDS = 60;
export const SECONDS_PER_BILLION_PARAMETERS = 2;
/** Health grace recommended per second of cold start: twice, so a slow disk or a busy host is not "unhealthy". */
export const START_PERIOD_FACTOR = 2;

export type ColdStartSource = 'measured' | 'setting' | 'model-size' | 'default';

export interface ColdStartEstimate {
  /** Whole seconds. */
  seconds: number;
  source: ColdStartSource;
  /** The model name the size was read from (source 'model-size'). */
  model?: string;
  /** Parameters in billions (source 'model-size'). */
  billions?: number;
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

function positiveSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

/** The cold start of one service (or of an image, with no service name), with where the number came from. */
export function estimateColdStart(options: AnalysisOptions, serviceName?: string, model?: string): ColdStartEstimate {
  const measured = serviceName !== undefined ? positiveSeconds(options.measuredColdStarts?.[serviceName]) : undefined;
  if (measured !== undefined) return { seconds: measured, source: 'measured', reason: 'measured at the last start' };
  const setting = positiveSeconds(options.coldStartSeconds);
  if (setting !== undefined) {
    return { seconds: setting, source: 'setting', reason: 'from the inferenceStack.coldStartSeconds setting (--cold-start)' };
  }
  const billions = model !== undefined ? parseParameterCount(model) : undefined;
  if (model !== undefined && billions !== undefined) {
    const seconds = Math.ceil(BASE_COLD_START_SECONDS + SECONDS_PER_BILLION_PARAMETERS * billions);
    const shown = withoutCredentials(model);
    return {
      seconds,
      source: 'model-size',
      model: shown,
      billions,
      reason: `estimated from the ${formatBillions(billions)} parameters in "${shown}" (60 s + 2 s per billion parameters)`,
    };
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
