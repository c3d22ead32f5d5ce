/**
 * The cold start of a Compose service: the model its command line, env or image names, timed with its engine's
 * profile (engines/coldStart.ts).
 */
import type { AnalysisOptions } from '../core/analysisOptions';
import { estimateColdStart, modelFromArgs, type ColdStartEstimate } from '../engines/coldStart';
import { parseImageRef } from '../engines/engines';
import { interpolate } from './interpolation';
import { startedByImageEntrypoint, type ServiceInfo } from './service';

/** Env vars that name the model: TGI/TEI read MODEL_ID, llama.cpp LLAMA_ARG_* (serving-engines.json). */
export const MODEL_ENV_VARS: readonly string[] = ['MODEL_ID', 'LLAMA_ARG_MODEL', 'LLAMA_ARG_HF_REPO', 'LLAMA_ARG_MODEL_URL'];

/**
 * The model a Compose service serves, as far as the file says: command-line flags or vLLM's positional
 * model, then env vars that name it, then (for NVIDIA NIM images, which are named after their model, and GPU
 * services of no known engine) the image name. `${VAR}` references are resolved with `.env`.
 */
export function modelOfService(info: ServiceInfo, dotEnv: ReadonlyMap<string, string> = new Map()): string | undefined {
  const resolve = (text: string | undefined) => (text === undefined ? undefined : interpolate(text, dotEnv));
  const args = [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])].map((t) => resolve(t.text) ?? t.text);
  const imageRunsVllmServe = info.engine?.id === 'vllm' && startedByImageEntrypoint(info) && !info.entrypoint;
  const fromArgs = modelFromArgs(info.engine, args, imageRunsVllmServe);
  if (fromArgs !== undefined) return fromArgs;
  for (const name of MODEL_ENV_VARS) {
    const value = resolve(info.env.find((e) => e.name === name)?.value);
    if (value) return value;
  }
  if ((!info.engine || info.engine.id === 'nim') && info.image) {
    const image = resolve(info.image);
    if (image) return parseImageRef(image).name;
  }
  return undefined;
}

/** The cold-start estimate of a Compose service. */
export function serviceColdStart(info: ServiceInfo, options: AnalysisOptions, dotEnv?: ReadonlyMap<string, string>): ColdStartEstimate {
  return estimateColdStart(options, info.service.name, modelOfService(info, dotEnv ?? options.dotEnv ?? new Map()), info.engine?.id);
}
