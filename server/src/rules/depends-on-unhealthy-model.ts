import type { Node } from 'yaml';
import { imageHealthcheck, probeFor, readHealthcheck } from '../compose/healthcheck';
import { appendToMap, appendUnderEmptyKey, column, indentUnit, replaceScalar } from '../compose/edits';
import type { ServiceInfo } from '../compose/service';
import { parseImageRef } from '../engines/engines';
import type { MapEntry, SeqView, ValueView } from '../compose/yamlView';
import { spanOf } from '../compose/yamlView';
import type { ComposeContext, PeerRead, Rule } from './rule';
import type { SpanEdit, SpanFix } from '../core/types';

/**
 * `depends_on` waits only for the container to start unless it says `condition: service_healthy`; a model
 * server then takes minutes to load, and the dependent service starts sending requests to a closed port.
 * Source: compose.json `depends_on` (short form = service_started; long form needs `condition`).
 */
export const rule: Rule = {
  meta: {
    id: 'depends-on-unhealthy-model',
    defaultSeverity: 'warning',
    title: 'A service starts before the model service it depends on is healthy',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const entry = info.service.map.get('depends_on');
      if (!entry || isReverseProxy(info)) continue;
      const seq = entry.value.asSeq();
      if (seq) checkShortForm(ctx, info, entry, seq);
      const map = entry.value.asMap();
      if (map) for (const dep of map.entries()) checkLongForm(ctx, info, dep);
    }
  },
};

/**
 * What breaks if a reverse proxy starts before the model is ready? Nothing: it answers 502 until the upstream
 * listens, then forwards. It needs the upstream's container to exist (nginx resolves upstream names at start-up),
 * which the short form's service_started gives; waiting for health would only hold the gateway back.
 */
const REVERSE_PROXY = /(^|\/)(nginx|nginxinc\/nginx-unprivileged|traefik|envoyproxy\/envoy|haproxy|caddy|kong|openresty\/openresty)$/;

function isReverseProxy(info: ServiceInfo): boolean {
  const image = info.resolvedImage;
  return image !== undefined && REVERSE_PROXY.test(parseImageRef(image).name);
}

type Readiness = 'has-healthcheck' | 'fixable' | 'none' | 'disabled';

/** Whether `service_healthy` can work for a dependency: Compose stops with "has no healthcheck configured" otherwise. */
function readiness(dep: ServiceInfo, dotEnv: ReadonlyMap<string, string>): Readiness {
  const hc = readHealthcheck(dep);
  if (hc?.disabled) return 'disabled';
  // `extends` may bring a healthcheck from another file: give it the benefit of the doubt.
  if ((hc?.test && !hc.test.isNull) || imageHealthcheck(dep) || (!hc && dep.service.map.has('extends'))) return 'has-healthcheck';
  return probeFor(dep, dotEnv) ? 'fixable' : 'none';
}

/** What this rule asks of a dependency (ComposeContext.peer): how it can be waited on, if it is a model service. */
// Ollama answers within seconds of starting and loads a model on the first request for it (serving-engines.json
// `health`): nothing waits minutes behind its start.
const modelReadiness: PeerRead<Readiness | null> = (dep, dotEnv) => (dep.isModelService && dep.engine?.id !== 'ollama' ? readiness(dep, dotEnv) : null);

interface ModelDependency {
  name: string;
  readiness: Exclude<Readiness, 'disabled'>;
}

/** A model service that could be waited on; undefined for anything else (and for `disable: true`). */
function modelDependency(ctx: ComposeContext, name: string | undefined): ModelDependency | undefined {
  const r = name !== undefined ? ctx.peer(name, modelReadiness) : undefined;
  return !r || r === 'disabled' ? undefined : { name: name!, readiness: r };
}

function message(from: ServiceInfo, dep: ModelDependency, readiness: Readiness, condition: string | undefined): string {
  const waits =
    condition === 'service_completed_successfully'
      ? `waits for model service "${dep.name}" to exit successfully (\`condition: service_completed_successfully\`), which a server never does`
      : `waits only until model service "${dep.name}" has started (${condition ? `\`condition: ${condition}\`` : 'the short form means service_started'}), not until it is healthy: a model server can take minutes to load before it answers, so the first requests fail`;
  const base = `Service "${from.service.name}" ${waits}. Use \`condition: service_healthy\`.`;
  if (readiness === 'none') return `${base} "${dep.name}" needs a healthcheck first (no probe is known for its image).`;
  if (readiness === 'fixable') return `${base} "${dep.name}" has no healthcheck yet: add one too (healthcheck-missing offers it), or Compose stops with "has no healthcheck configured".`;
  return base;
}

function checkShortForm(ctx: ComposeContext, info: ServiceInfo, entry: MapEntry, seq: SeqView): void {
  const items = seq.items();
  let fix: SpanFix | undefined | null = null;
  for (const item of items) {
    const dep = modelDependency(ctx, item.text);
    if (!dep) continue;
    if (fix === null) fix = rewriteShortForm(ctx, entry, seq, items, info.service.map.isFlow);
    ctx.report({
      span: item.at,
      message: message(info, dep, dep.readiness, undefined),
      fixes: fix && dep.readiness !== 'none' ? [fix] : [],
    });
  }
}

/** The whole short list rewritten to the long form: model services wait for healthy, the rest keep service_started. */
function rewriteShortForm(ctx: ComposeContext, entry: MapEntry, seq: SeqView, items: ValueView[], inFlowMap: boolean): SpanFix | undefined {
  // Block lines cannot go inside a flow map (`app: {depends_on: [vllm]}`).
  if (!entry.pair || seq.inherited || inFlowMap || items.some((i) => i.inherited || i.text === undefined)) return undefined;
  const file = ctx.file;
  const eol = file.lines.eol();
  const unit = indentUnit(file);
  const keyColumn = column(file, entry.keyAt.start);
  const condition = (name: string) => {
    const dep = modelDependency(ctx, name);
    return dep && dep.readiness !== 'none' ? 'service_healthy' : 'service_started';
  };
  const block = (indent: string) =>
    items.map((i) => `${indent}${i.text!}:${eol}${indent}${unit}condition: ${condition(i.text!)}`);

  if (seq.isFlow) {
    // `depends_on: [a, b]` → a block map under the key, replacing from the key's end to the list's end.
    const end = spanOf(seq.node)?.end;
    if (end === undefined) return undefined;
    const indent = ' '.repeat(keyColumn) + unit;
    return fixOf([{ span: { start: entry.keyAt.end, end }, newText: `:${eol}${block(indent).join(eol)}` }]);
  }
  // Block list: each `- name` line becomes `name:` plus a condition line; comments on other lines stay.
  const edits: SpanEdit[] = [];
  for (const item of items) {
    const span = spanOf(item.node as Node);
    if (!span) return undefined;
    const line = file.lines.lineOf(span.start);
    const lineStart = file.lines.lineStart(line);
    const before = file.text.slice(lineStart, span.start);
    if (!/^\s*-\s*$/.test(before) || file.lines.lineOf(span.end) !== line) return undefined;
    const indent = ' '.repeat(Math.max(before.indexOf('-'), keyColumn + unit.length));
    const hasNextLine = line + 1 < file.lines.lineCount;
    const next = hasNextLine ? file.lines.lineStart(line + 1) : file.text.length;
    const conditionLine = `${indent}${unit}condition: ${condition(item.text!)}`;
    edits.push({ span: { start: lineStart, end: span.end }, newText: `${indent}${item.text!}:` });
    edits.push({ span: { start: next, end: next }, newText: hasNextLine ? `${conditionLine}${eol}` : `${eol}${conditionLine}` });
  }
  return fixOf(edits);
}

function fixOf(edits: SpanEdit[]): SpanFix {
  return { title: 'Switch depends_on to the long form with condition: service_healthy for model services', preferred: true, edits };
}

function checkLongForm(ctx: ComposeContext, info: ServiceInfo, dep: MapEntry): void {
  const target = modelDependency(ctx, dep.key);
  if (!target) return;
  const depMap = dep.value.asMap();
  const condition = depMap?.get('condition');
  if (condition?.value.text === 'service_healthy') return;
  let edit: SpanEdit | undefined;
  if (condition) {
    edit = condition.pair ? replaceScalar(condition.pair.value, 'service_healthy') : undefined;
  } else if (depMap && !depMap.inherited && !depMap.isFlow) {
    edit = appendToMap(ctx.file, depMap, ['condition: service_healthy']);
  } else if (dep.value.isNull) {
    edit = appendUnderEmptyKey(ctx.file, dep, ['condition: service_healthy']);
  }
  ctx.report({
    span: dep.keyAt,
    message: message(info, target, target.readiness, condition?.value.text ?? 'service_started'),
    fixes: edit && target.readiness !== 'none' ? [{ title: 'Use condition: service_healthy', preferred: true, edits: [edit] }] : [],
  });
}
