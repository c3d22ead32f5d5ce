import { readFlags } from '../core/commandWords';
import { allFlags, FoundFlag, removeFlag, replaceArgText, replaceFlagValue } from '../compose/commandEdits';
import { removeEntry } from '../compose/edits';
import { hasInterpolation, interpolate } from '../compose/interpolation';
import { EnvEntry, ServiceInfo } from '../compose/service';
import { innerSpan } from '../core/commandWordEdits';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import type { SpanFix } from '../core/types';
import { shippedStages } from '../dockerfile/dockerfileModel';
import { dockerfileEngine, launchTokens, properties, shippedBaseImage } from '../dockerfile/imageEngine';
import { parseImageRef, type EngineId, type EngineSpec } from '../engines/engines';

/**
 * Debug logging left on in a model server: per-request and per-step lines fill disks in hours under load.
 * Sources: vLLM envs.py (VLLM_LOGGING_LEVEL, VLLM_TRACE_FUNCTION, VLLM_DEBUG_LOG_API_SERVER_RESPONSE: see
 * vllm-env.json) and `--uvicorn-log-level` (vllm-cli-flags.json); SGLang `--log-level` (serving-engines.json);
 * TGI launcher and TEI router read LOG_LEVEL as a tracing EnvFilter (TGI launcher/src/main.rs, TEI
 * router/src/logging.rs), not RUST_LOG; Ollama OLLAMA_DEBUG (envconfig, serving-engines.json); llama.cpp
 * `-v/--verbose/--log-verbose` and `-lv/--log-verbosity N` / LLAMA_LOG_VERBOSITY, 4 = debug
 * (tools/server/README.md); NCCL_DEBUG=TRACE logs every collective call; NVIDIA NIM NIM_LOG_LEVEL (DEBUG, and TRACE
 * in 1.x), NIM_TRITON_LOG_VERBOSE (Triton-based NIMs, 0-5) and NIM_DISABLE_LOG_REQUESTS=0 (nim-facts.json `debug_logging`).
 */

/** What to do about a noisy env var: set another value, or drop the entry. */
interface EnvVerdict {
  what: string;
  /** The value to write instead; undefined means remove the entry. */
  replaceWith?: string;
}

type EnvCheck = (value: string) => EnvVerdict | undefined;

const OFF = /^(|0|false|no|off)$/i;

/**
 * NVIDIA documents NIM_TRITON_LOG_VERBOSE for the NIMs that serve through Triton (retriever embedding, reranking, OCR and
 * document-image models); NIM for LLMs does not read it (nim-facts.json `debug_logging`). By the image's name.
 */
function isTritonNim(info: { resolvedImage: string | undefined }): boolean {
  const name = info.resolvedImage ? parseImageRef(info.resolvedImage).name : '';
  return /(embed|rerank|page-elements|graphic-elements|table-structure|ocr|yolox)/.test(name);
}

/** Env checks by name; `engines` limits generic names to the engines that read them, `appliesTo` to some images. */
const ENV_CHECKS: Record<string, { engines?: readonly EngineId[]; check: EnvCheck; appliesTo?: (info: { resolvedImage: string | undefined }) => boolean }> = {
  VLLM_LOGGING_LEVEL: { check: (v) => (/^debug$/i.test(v.trim()) ? { what: 'vLLM DEBUG logging', replaceWith: 'INFO' } : undefined) },
  VLLM_TRACE_FUNCTION: { check: (v) => (/^\s*-?\d+\s*$/.test(v) && Number(v) !== 0 ? { what: 'vLLM function-call tracing (a line for every Python call)' } : undefined) },
  VLLM_DEBUG_LOG_API_SERVER_RESPONSE: { check: (v) => (/^true$/i.test(v.trim()) ? { what: 'logging of every API response' } : undefined) },
  OLLAMA_DEBUG: { check: (v) => (OFF.test(v.trim()) ? undefined : { what: 'Ollama debug logging' }) },
  LOG_LEVEL: { engines: ['tgi', 'tei'], check: envFilterCheck },
  // Renamed LLAMA_ARG_LOG_VERBOSITY on 2026-05-27 (b9376, llamacpp-flags.json `removed_env_vars`): older images read the first.
  LLAMA_LOG_VERBOSITY: { engines: ['llamacpp'], check: llamaVerbosity },
  LLAMA_ARG_LOG_VERBOSITY: { engines: ['llamacpp'], check: llamaVerbosity },
  NIM_LOG_LEVEL: { engines: ['nim'], check: (v) => (/^(debug|trace)$/i.test(v.trim()) ? { what: `NIM ${v.trim().toUpperCase()} logging`, replaceWith: 'INFO' } : undefined) },
  NIM_TRITON_LOG_VERBOSE: { engines: ['nim'], check: (v) => (/^\s*\d+\s*$/.test(v) && Number(v) > 0 ? { what: 'Triton verbose logging in the NIM', replaceWith: '0' } : undefined), appliesTo: isTritonNim },
  NIM_DISABLE_LOG_REQUESTS: { engines: ['nim'], check: (v) => (OFF.test(v.trim()) && v.trim() !== '' ? { what: 'logging of every request (prompts included)', replaceWith: '1' } : undefined) },
  NCCL_DEBUG: { engines: ['vllm', 'sglang', 'tgi', 'tei', 'triton', 'llamacpp', 'ollama', 'nim'], check: (v) => (/^trace$/i.test(v.trim()) ? { what: 'NCCL TRACE logging (a line per collective call)', replaceWith: 'WARN' } : undefined) },
};

function llamaVerbosity(value: string): EnvVerdict | undefined {
  return Number(value) >= 4 ? { what: 'llama.cpp debug verbosity', replaceWith: '3' } : undefined;
}

/** A tracing EnvFilter (`debug`, `text_generation_router=trace,info`): debug or trace anywhere is noisy. */
function envFilterCheck(value: string): EnvVerdict | undefined {
  if (!/(^|[=,\s])(debug|trace)(?=$|[,\s])/i.test(value)) return undefined;
  return { what: 'DEBUG/TRACE logging', replaceWith: value.replace(/(^|[=,\s])(debug|trace)(?=$|[,\s])/gi, '$1info') };
}

interface FlagVerdict {
  flag: FoundFlag;
  what: string;
  /** The flag takes no value (llama.cpp `-v`). */
  bare: boolean;
  /** A quieter value, offered as a second fix. */
  quieter?: string;
}

function flagVerdicts(engine: EngineSpec, flags: readonly FoundFlag[]): FlagVerdict[] {
  const out: FlagVerdict[] = [];
  for (const flag of flags) {
    const value = flag.value?.trim().toLowerCase();
    if (engine.id === 'vllm' && flag.canonical === '--uvicorn-log-level' && (value === 'debug' || value === 'trace')) {
      out.push({ flag, what: `uvicorn ${value} logging`, bare: false, quieter: 'info' });
    } else if (engine.id === 'sglang' && (flag.canonical === '--log-level' || flag.canonical === '--log-level-http') && value === 'debug') {
      out.push({ flag, what: 'SGLang debug logging', bare: false, quieter: 'info' });
    } else if (engine.id === 'llamacpp' && ['-v', '--verbose', '--log-verbose'].includes(flag.name)) {
      out.push({ flag: { ...flag, value: undefined, valueSpan: undefined, inline: false }, what: 'llama.cpp unlimited verbosity', bare: true });
    } else if (engine.id === 'llamacpp' && ['-lv', '--verbosity', '--log-verbosity'].includes(flag.name) && Number(value) >= 4) {
      out.push({ flag, what: 'llama.cpp debug verbosity', bare: false, quieter: '3' });
    }
  }
  return out;
}

function message(what: string, where: string, fix: string): string {
  return `${where} turns on ${what}: under load a model server writes so many lines that logs fill the disk in hours and slow every request. ${fix}`;
}

export const rule: Rule = {
  meta: {
    id: 'engine-debug-logging',
    defaultSeverity: 'warning',
    title: 'DEBUG logging left on in a model service',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      for (const env of info.env) composeEnv(ctx, info, env);
      if (!info.engine) continue;
      for (const v of flagVerdicts(info.engine, allFlags(ctx.file, info))) composeFlag(ctx, info, v);
    }
  },
  dockerfile(ctx) {
    dockerfileCheck(ctx);
  },
};

function applies(name: string, engine: EngineSpec | undefined, image: string | undefined): EnvCheck | undefined {
  const entry = ENV_CHECKS[name];
  if (!entry) return undefined;
  if (entry.engines && !(engine && entry.engines.includes(engine.id))) return undefined;
  if (entry.appliesTo && !entry.appliesTo({ resolvedImage: image })) return undefined;
  return entry.check;
}

function composeEnv(ctx: ComposeContext, info: ServiceInfo, env: EnvEntry): void {
  const check = applies(env.name, info.engine, info.resolvedImage);
  if (!check || env.value === undefined) return;
  const value = interpolate(env.value, ctx.file.dotEnv);
  if (value === undefined) return;
  const verdict = check(value);
  if (!verdict) return;
  const fixes: SpanFix[] = [];
  // Values that come from .env through ${VAR} are changed there, not here.
  if (!hasInterpolation(env.value) && env.item && info.environment) {
    const edit =
      verdict.replaceWith !== undefined && env.valueSpan
        ? replaceArgText(ctx.file, env.valueSpan, env.value, verdict.replaceWith)
        : removeEntry(ctx.file, info.environment, env.item);
    if (edit) fixes.push({ title: verdict.replaceWith !== undefined ? `Set ${env.name} to ${verdict.replaceWith}` : `Remove ${env.name}`, preferred: true, edits: [edit] });
  }
  const advice = verdict.replaceWith !== undefined ? `Set it to ${verdict.replaceWith}.` : 'Remove it once the debugging is done.';
  ctx.report({ span: env.valueSpan ?? env.nameSpan, message: message(verdict.what, env.name, advice), fixes });
}

function composeFlag(ctx: ComposeContext, info: ServiceInfo, v: FlagVerdict): void {
  const fixes: SpanFix[] = [];
  const removal = removeFlag(ctx.file, info, v.flag);
  if (removal) fixes.push({ title: `Remove ${v.flag.name}${v.bare ? '' : ` ${v.flag.value}`}`, preferred: true, edits: [removal] });
  const quieter = v.quieter !== undefined ? replaceFlagValue(ctx.file, info, v.flag, v.quieter) : undefined;
  if (quieter) fixes.push({ title: `Set ${v.flag.name} to ${v.quieter}`, edits: [quieter] });
  const span = v.bare || !v.flag.valueSpan ? v.flag.nameSpan : v.flag.valueSpan;
  ctx.report({ span, message: message(v.what, v.flag.name, v.bare ? 'Remove the flag.' : `Remove the flag (the default is ${v.quieter === '3' ? 'info, 3' : 'info'}).`), fixes });
}

function dockerfileCheck(ctx: DockerfileContext): void {
  const model = ctx.model;
  const stages = shippedStages(model);
  const found = dockerfileEngine(model);
  // A pip-installed engine is started some way we cannot read: its flags are not in ENTRYPOINT/CMD.
  const engine = found?.by === 'pip' ? undefined : found?.spec;
  for (const prop of properties(model, stages)) {
    const check = applies(prop.name, engine, shippedBaseImage(model));
    if (!check || prop.value === undefined || /\$\{?[A-Za-z_]/.test(prop.value)) continue;
    const verdict = check(prop.value);
    if (!verdict) continue;
    const fixes: SpanFix[] = [];
    const inner = prop.valueSpan && innerSpan(model.text, prop.valueSpan, prop.value);
    if (verdict.replaceWith !== undefined && inner) {
      fixes.push({ title: `Set ${prop.name} to ${verdict.replaceWith}`, preferred: true, edits: [{ span: inner, newText: verdict.replaceWith }] });
    }
    const advice = verdict.replaceWith !== undefined ? `Set it to ${verdict.replaceWith}.` : 'Remove it from the image.';
    ctx.report({ span: prop.valueSpan ?? prop.nameSpan, message: message(verdict.what, prop.name, advice), fixes });
  }
  if (!engine) return;
  for (const v of flagVerdicts(engine, readFlags(launchTokens(model, stages)))) {
    const span = v.bare || !v.flag.valueSpan ? v.flag.nameSpan : v.flag.valueSpan;
    ctx.report({ span, message: message(v.what, v.flag.name, 'Remove the flag from ENTRYPOINT/CMD.') });
  }
}
