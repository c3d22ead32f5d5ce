import { replaceArgText } from '../compose/commandEdits';
import { removeEntry } from '../compose/edits';
import type { ServiceInfo } from '../compose/service';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import type { SpanFix } from '../core/types';
import { spanOfRange } from '../dockerfile/dockerfileModel';
import { DockerProperty, properties } from '../dockerfile/imageEngine';

/**
 * huggingface_hub reads HF_TOKEN first and falls back to the legacy HUGGING_FACE_HUB_TOKEN only when
 * HF_TOKEN is unset (vllm-env.json `huggingface_env_vars`, from huggingface_hub utils/_auth.py).
 */
const LEGACY = 'HUGGING_FACE_HUB_TOKEN';
const CURRENT = 'HF_TOKEN';

export const rule: Rule = {
  meta: {
    id: 'env-legacy-hf-token',
    defaultSeverity: 'info',
    title: '`HUGGING_FACE_HUB_TOKEN` is the legacy name of `HF_TOKEN`',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const both = info.env.some((e) => e.name === CURRENT);
      for (const env of info.env) {
        if (env.name !== LEGACY) continue;
        ctx.report({ span: env.nameSpan, message: message(both), fixes: composeFixes(ctx, info, env, both) });
      }
    }
  },
  dockerfile(ctx) {
    const props = properties(ctx.model, ctx.model.stages, true);
    const both = props.some((p) => p.name === CURRENT);
    for (const prop of props) {
      if (prop.name !== LEGACY) continue;
      ctx.report({ span: prop.nameSpan, message: message(both), fixes: dockerfileFixes(ctx, prop, both) });
    }
  },
};

function message(both: boolean): string {
  return both
    ? `${LEGACY} is the legacy name of ${CURRENT}, which is also set and wins: huggingface_hub ignores this entry. Remove it.`
    : `${LEGACY} is the legacy name of ${CURRENT}: huggingface_hub reads it only when ${CURRENT} is unset, and newer tools document only ${CURRENT}. Rename it.`;
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
