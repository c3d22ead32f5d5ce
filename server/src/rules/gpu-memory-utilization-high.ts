import { allFlags, appendFlags, FoundFlag, hasOpaqueEntrypoint, replaceArgText, replaceFlagValue } from '../compose/commandEdits';
import { hasInterpolation, interpolate, suppliedBy } from '../compose/interpolation';
import { engineImage, findFlag, ServiceInfo } from '../compose/service';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import type { SpanFix } from '../core/types';
import type { EngineSpec } from '../engines/engines';
import type { Word } from '../engines/engineArgv';
import { dockerfileEngineArgs } from '../dockerfile/dockerfileEngineArgs';
import { shippedStages } from '../dockerfile/dockerfileModel';
import { properties } from '../dockerfile/imageEngine';
import { pinnedBefore, VLLM_0_21 } from '../engines/vllmReleases';

/**
 * The share of GPU memory an engine takes. vLLM: `--gpu-memory-utilization`, a fraction in (0, 1] of each
 * GPU's TOTAL memory, default 0.92 since v0.21.0 (vllm-cli-flags.json `gpu_memory_utilization_semantics`,
 * `default_history`). SGLang: `--mem-fraction-static`. TGI: `--cuda-memory-fraction` / CUDA_MEMORY_FRACTION,
 * whose normal default is 1.0, so only invalid values are reported (serving-engines.json `gpu_memory_setting`).
 */
const LIMIT = 0.9;
const SAFE = '0.90';
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

type Verdict = { kind: 'ok' } | { kind: 'high' | 'range'; value: number } | { kind: 'nan' };

export const rule: Rule = {
  meta: {
    id: 'gpu-memory-utilization-high',
    defaultSeverity: 'warning',
    title: 'GPU memory share above 0.90 or out of range',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const engine = info.engine;
      const setting = engine?.gpuMemoryFlag;
      if (!engine || !setting || /vllm-cpu/.test(engineImage(info) ?? '')) continue;
      const flags = allFlags(ctx.file, info).filter((f) => f.canonical === setting.flag);
      for (const flag of flags) checkFlag(ctx, info, engine, flag);
      if (flags.length) continue;
      if (setting.env) checkEnv(ctx, info, engine, setting.env);
      if (engine.id === 'vllm') checkVllmDefault(ctx, info);
    }
  },
  dockerfile(ctx) {
    checkDockerfile(ctx);
  },
};

/**
 * The share in the image's ENTRYPOINT / CMD. A shell-form command (or a `sh -c` script) expands `${GMU:-0.95}` when
 * the container starts: 0.95 unless GMU is set then (an ENV of the image sets it for good). An exec-form word is
 * passed as written, so only literal values are judged there.
 */
function checkDockerfile(ctx: DockerfileContext): void {
  const found = dockerfileEngineArgs(ctx.model);
  if (!found) return;
  const env = new Map(properties(ctx.model, shippedStages(ctx.model)).flatMap((p) => (p.keyword === 'ENV' && p.value !== undefined ? [[p.name, p.value] as const] : [])));
  for (const { parser, args } of found.launches) {
    const engine = parser.spec;
    const setting = engine.gpuMemoryFlag;
    if (!setting) continue;
    args.forEach((word, i) => {
      const eq = word.text.indexOf('=');
      const name = eq > 0 ? word.text.slice(0, eq) : word.text;
      if (name !== setting.flag) return;
      const value = eq > 0 ? { text: word.text.slice(eq + 1), word, offset: eq + 1 } : args[i + 1] && { text: args[i + 1]!.text, word: args[i + 1]!, offset: 0 };
      if (value) checkDockerfileValue(ctx, engine, name, value, env);
    });
  }
}

function checkDockerfileValue(ctx: DockerfileContext, engine: EngineSpec, name: string, value: { text: string; word: Word; offset: number }, env: ReadonlyMap<string, string>): void {
  const shell = value.word.container?.continuation === true;
  const fallback = /^\$\{(\w+):?-([^}]*)\}$/.exec(value.text);
  let resolved = value.text;
  if (hasInterpolation(value.text)) {
    // Exec form passes `${…}` as written; the image's own ENV wins over a default; anything else is only known at start.
    if (!shell || !fallback || env.has(fallback[1]!)) return;
    resolved = fallback[2]!;
  }
  const verdict = judge(resolved);
  const shownValue = fallback ? `${value.text} (${resolved} unless ${fallback[1]} is set when the container starts)` : resolved;
  const message = describe(engine, name, shownValue, verdict);
  if (!message) return;
  const inner = value.word.inner;
  const start = inner ? inner.start + value.offset + (fallback ? value.text.lastIndexOf(resolved) : 0) : undefined;
  const edit = start === undefined || resolved === '' ? undefined : { span: { start, end: start + resolved.length }, newText: SAFE };
  ctx.report({
    span: value.word.span,
    message,
    ...(verdict.kind === 'high' ? {} : { severity: 'error' as const }),
    fixes: edit ? [{ title: `Set ${name} to ${SAFE}`, preferred: true, edits: [edit] }] : [],
  });
}

function judge(value: string): Verdict {
  const text = value.trim();
  if (!NUMBER.test(text)) return { kind: 'nan' };
  const n = Number(text);
  if (!(n > 0 && n <= 1)) return { kind: 'range', value: n };
  return n > LIMIT ? { kind: 'high', value: n } : { kind: 'ok' };
}

function checkFlag(ctx: ComposeContext, info: ServiceInfo, engine: EngineSpec, flag: FoundFlag): void {
  if (flag.value === undefined || !flag.valueSpan) return;
  const resolved = interpolate(flag.value, ctx.file.dotEnv);
  // Set only at `compose up` (shell or unset variable): nothing to judge here.
  if (resolved === undefined) return;
  const verdict = judge(resolved);
  const message = describe(engine, flag.name, shown(flag.value, resolved, ctx.file.dotEnv), verdict);
  if (!message) return;
  const newRaw = safeRaw(flag.value, ctx.file.dotEnv);
  const edit = newRaw === undefined ? undefined : replaceFlagValue(ctx.file, info, flag, newRaw);
  ctx.report({
    span: flag.valueSpan,
    message,
    ...(verdict.kind === 'high' ? {} : { severity: 'error' as const }),
    fixes: edit ? [{ title: `Set ${flag.name} to ${SAFE}`, preferred: true, edits: [edit] }] : [],
  });
}

function checkEnv(ctx: ComposeContext, info: ServiceInfo, engine: EngineSpec, name: string): void {
  const env = info.env.find((e) => e.name === name);
  if (!env?.value || !env.valueSpan) return;
  const resolved = interpolate(env.value, ctx.file.dotEnv);
  if (resolved === undefined) return;
  const message = describe(engine, name, shown(env.value, resolved, ctx.file.dotEnv), judge(resolved));
  if (!message) return;
  const newRaw = safeRaw(env.value, ctx.file.dotEnv);
  const edit = env.item && newRaw !== undefined ? replaceArgText(ctx.file, env.valueSpan, env.value, newRaw) : undefined;
  ctx.report({ span: env.valueSpan, message, severity: 'error', fixes: edit ? [{ title: `Set ${name} to ${SAFE}`, preferred: true, edits: [edit] }] : [] });
}

/** The value as the message shows it: as written, or where a variable supplied it ("set by ${GMU}"). */
function shown(raw: string, resolved: string, env: ReadonlyMap<string, string>): string {
  const by = suppliedBy(raw, env);
  if (by) return `(${by})`;
  return raw === resolved ? resolved.trim() : `${raw} (= ${resolved.trim()})`;
}

/** The message for a value, or undefined when it is fine (TGI's values up to its default 1.0 are fine). */
function describe(engine: EngineSpec, name: string, value: string, verdict: Verdict): string | undefined {
  switch (verdict.kind) {
    case 'ok':
      return undefined;
    case 'nan':
      return `${name} ${value} is not a number: ${engine.name} refuses to start. Use a fraction such as ${SAFE}.`;
    case 'range':
      return `${name} ${value} is outside (0, 1]: it is a fraction of each GPU's memory, and ${engine.name} refuses to start with it. Use ${SAFE}.`;
    case 'high':
      if (engine.id === 'tgi') return undefined;
      return (
        `${name} ${value} leaves less than 10% of each GPU for the CUDA context, other processes and activation peaks: ` +
        `${engine.name} fails at start-up when that much is not free and runs out of memory under load. Use ${SAFE} or less.`
      );
  }
}

/** The raw text to write instead: `0.90`, or the same `${VAR:-0.90}` when the value is its literal default. */
function safeRaw(raw: string, env: ReadonlyMap<string, string>): string | undefined {
  if (!hasInterpolation(raw)) return SAFE;
  const m = /^\$\{(\w+)(:?-)([^}]*)\}$/.exec(raw.trim());
  if (!m) return undefined;
  const current = env.get(m[1]!);
  const defaultUsed = current === undefined || (m[2] === ':-' && current === '');
  // A value from .env is fixed in .env, not here.
  return defaultUsed ? `\${${m[1]}${m[2]}${SAFE}}` : undefined;
}

/** No flag: vLLM takes 0.92 by default since v0.21.0. */
function checkVllmDefault(ctx: ComposeContext, info: ServiceInfo): void {
  if (pinnedBefore(engineImage(info), VLLM_0_21) || hasOpaqueEntrypoint(info)) return;
  // A look-alike env var (GPU_MEMORY_UTILIZATION) is env-ignored-by-engine's finding, and its fix moves the
  // user's own value onto the flag: offering 0.90 here as well would race it and lose that value.
  if (info.env.some((e) => info.engine?.ignoredEnvToFlag[e.name] === '--gpu-memory-utilization')) return;
  const flags = allFlags(ctx.file, info);
  // --kv-cache-memory-bytes makes vLLM ignore the share; a --config file may set it.
  if (findFlag(flags, ['--kv-cache-memory-bytes', '--config'])) return;
  const tokens = [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])];
  for (const t of tokens) {
    const text = hasInterpolation(t.text) ? interpolate(t.text, ctx.file.dotEnv) : t.text;
    // Arguments that only `compose up` knows (`${EXTRA_ARGS}`) may well set it.
    if (text === undefined || /gpu[-_]memory[-_]utilization/.test(text)) return;
  }
  const command = info.service.map.get('command');
  const edit = appendFlags(ctx.file, info, ['--gpu-memory-utilization', SAFE]);
  const fixes: SpanFix[] = edit ? [{ title: `Add --gpu-memory-utilization ${SAFE}`, preferred: true, edits: [edit] }] : [];
  ctx.report({
    span: command?.keyAt ?? info.service.keyAt,
    message:
      `Service "${info.service.name}" leaves --gpu-memory-utilization at vLLM's default, 0.92 since v0.21.0: above ${SAFE}, ` +
      `it fails at start-up when anything else holds GPU memory and leaves little headroom under load. Set --gpu-memory-utilization ${SAFE}.`,
    fixes,
  });
}
