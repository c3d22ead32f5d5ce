import { replaceArgText } from '../compose/commandEdits';
import { removeEntry } from '../compose/edits';
import { interpolate } from '../compose/interpolation';
import type { ServiceInfo } from '../compose/service';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import type { Severity, SpanFix } from '../core/types';
import { spanOfRange } from '../dockerfile/dockerfileModel';
import { DockerProperty, dockerfileEngine, properties } from '../dockerfile/imageEngine';
import type { EngineId } from '../engines/engines';

/**
 * Who reads the legacy HUGGING_FACE_HUB_TOKEN. Python's huggingface_hub reads HF_TOKEN first and falls back to it
 * when HF_TOKEN is unset (vllm-env.json `huggingface_env_vars`, from huggingface_hub utils/_auth.py), so vLLM,
 * SGLang and other Python servers get the token either way: renaming it there changes nothing, and is not said.
 * The Rust servers read their own names:
 * - TEI (text-embeddings-inference 0d124dc9 router/src/main.rs): `--hf-token` / HF_TOKEN (and the deprecated
 *   HF_API_TOKEN), never this name: a gated or private model cannot be downloaded.
 * - TGI (text-generation-inference db931fcf launcher/src/main.rs `get_config`): the launcher fetches the model's
 *   config.json with HF_TOKEN only; its router and Python shards fall back to this name.
 * With HF_TOKEN set to another value as well, HF_TOKEN wins everywhere and this entry is dead.
 */
const LEGACY = 'HUGGING_FACE_HUB_TOKEN';
const CURRENT = 'HF_TOKEN';

type Reader = { message: string; severity: Severity } | undefined;

/** What the engine does with the legacy name alone; undefined where it is read as well as HF_TOKEN would be. */
function readerOf(engine: EngineId | undefined): Reader {
  if (engine === 'tei') {
    return { severity: 'warning', message: `TEI never reads ${LEGACY}: its token is --hf-token / ${CURRENT}, so a gated or private model cannot be downloaded. Rename it to ${CURRENT}.` };
  }
  if (engine === 'tgi') {
    return {
      severity: 'info',
      message: `${LEGACY} is the legacy name of ${CURRENT}: TGI's launcher reads only ${CURRENT} when it fetches the model's config.json (its router and Python shards fall back to this name), so for a gated model it starts without the config. Rename it.`,
    };
  }
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: 'env-legacy-hf-token',
    defaultSeverity: 'info',
    title: '`HUGGING_FACE_HUB_TOKEN` where the engine does not read it, or beside `HF_TOKEN`',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    const dotEnv = ctx.file.dotEnv;
    for (const info of ctx.services) {
      const current = info.env.find((e) => e.name === CURRENT);
      for (const env of info.env) {
        if (env.name !== LEGACY) continue;
        const both = current !== undefined;
        // The same value under both names: harmless, whoever reads which.
        if (both && sameValue(current.value, env.value, dotEnv)) continue;
        const reader = both ? undefined : readerOf(info.engine?.id);
        if (!both && !reader) continue;
        ctx.report({ span: env.nameSpan, message: reader?.message ?? BOTH_MESSAGE, ...(reader ? { severity: reader.severity } : {}), fixes: composeFixes(ctx, info, env, both) });
      }
    }
  },
  dockerfile(ctx) {
    const props = properties(ctx.model, ctx.model.stages, true);
    const current = props.find((p) => p.name === CURRENT);
    const reader = readerOf(dockerfileEngine(ctx.model)?.spec.id);
    for (const prop of props) {
      if (prop.name !== LEGACY) continue;
      const both = current !== undefined;
      if (both && sameValue(current.value, prop.value, new Map())) continue;
      if (!both && !reader) continue;
      ctx.report({ span: prop.nameSpan, message: both ? BOTH_MESSAGE : reader!.message, ...(!both ? { severity: reader!.severity } : {}), fixes: dockerfileFixes(ctx, prop, both) });
    }
  },
};

const BOTH_MESSAGE = `${LEGACY} is the legacy name of ${CURRENT}, which is also set, to another value, and wins: every reader ignores this entry. Remove it.`;

/** Written the same, or (with `.env`) resolving to the same non-empty value. */
function sameValue(a: string | undefined, b: string | undefined, dotEnv: ReadonlyMap<string, string>): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  const [x, y] = [interpolate(a, dotEnv), interpolate(b, dotEnv)];
  return !!x && x === y;
}

function composeFixes(ctx: ComposeContext, info: ServiceInfo, env: ServiceInfo['env'][number], both: boolean): SpanFix[] {
  if (!env.item || !info.environment) return [];
  if (both) {
    const edit = removeEntry(ctx.file, info.environment, env.item);
    return edit ? [{ title: `Remove ${LEGACY} (${CURRENT} is set)`, preferred: true, edits: [edit] }] : [];
  }
  // A shell in the container reading $$HUGGING_FACE_HUB_TOKEN would lose it after a rename.
  const scripts = [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])].map((t) => t.text).join(' ');
  if (/\$\$\{?HUGGING_FACE_HUB_TOKEN\b/.test(scripts)) return [];
  const edit = replaceArgText(ctx.file, env.nameSpan, LEGACY, CURRENT);
  return edit ? [{ title: `Rename to ${CURRENT}`, preferred: true, edits: [edit] }] : [];
}

function dockerfileFixes(ctx: DockerfileContext, prop: DockerProperty, both: boolean): SpanFix[] {
  const text = ctx.model.text;
  if (both) {
    if (prop.siblings !== 1) return [];
    const range = spanOfRange(ctx.model, prop.instruction.getRange());
    const lines = ctx.model.lines;
    const start = lines.lineStart(lines.lineOf(range.start));
    const nextLine = lines.lineOf(range.end) + 1;
    const end = nextLine < lines.lineCount ? lines.lineStart(nextLine) : text.length;
    return [{ title: `Remove ${LEGACY} (${CURRENT} is set)`, preferred: true, edits: [{ span: { start, end }, newText: '' }] }];
  }
  // Another instruction reading $HUGGING_FACE_HUB_TOKEN would lose it after a rename.
  const elsewhere = text.slice(0, prop.nameSpan.start) + text.slice(prop.nameSpan.end);
  if (/\$\{?HUGGING_FACE_HUB_TOKEN\b/.test(elsewhere)) return [];
  if (text.slice(prop.nameSpan.start, prop.nameSpan.end) !== LEGACY) return [];
  return [{ title: `Rename to ${CURRENT}`, preferred: true, edits: [{ span: prop.nameSpan, newText: CURRENT }] }];
}
