import { durationField, imageHealthcheck, readHealthcheck, retriesField, unhealthyAfter } from '../compose/healthcheck';
import { appendToMap, replaceScalar } from '../compose/edits';
import type { ServiceInfo } from '../compose/service';
import { formatDuration } from '../core/duration';
import type { ComposeContext, Rule } from './rule';
import type { Span, SpanEdit } from '../core/types';
import { serviceColdStart } from '../compose/serviceColdStart';
import { describeEstimate, recommendedStartPeriod } from '../engines/coldStart';

/**
 * A model server fails every probe while it loads (vLLM, TGI, TEI and SGLang do not even open their port;
 * llama.cpp answers 503: serving-engines.json). Docker ignores failures inside start_period, then marks the
 * container unhealthy after `retries` failures `interval` apart (moby daemon/health.go). So the grace a
 * healthcheck gives a loading model is start_period + retries × interval; when that is under twice the cold
 * start (engines/coldStart.ts, by engine, model size and weight format), a slow load is reported unhealthy and
 * `service_healthy` dependents fail. A service with no healthcheck of its own that relies on its image's HEALTHCHECK
 * (the llama.cpp `server*` images: no options, so Docker's defaults, 3 × 30 s = 90 s of grace) is timed the same way:
 * no finding when that grace already covers twice the estimate (a small GGUF loads in seconds).
 */
export const rule: Rule = {
  meta: {
    id: 'healthcheck-start-period-short',
    defaultSeverity: 'warning',
    title: 'Healthcheck start_period shorter than twice the model cold start',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      if (info.isModelService) check(ctx, info);
    }
  },
};

function check(ctx: ComposeContext, info: ServiceInfo): void {
  const env = ctx.file.dotEnv;
  const hc = readHealthcheck(info);
  if (hc?.disabled) return;
  // Without a probe of its own or from the image there is nothing to time (healthcheck-missing says so).
  const hasTest = !!hc?.test && !hc.test.isNull;
  if (!hasTest && !imageHealthcheck(info)) return;
  const map = hc?.map;
  if (hc && !map) return;
  const startPeriod = durationField(map, 'start_period', env);
  const grace = unhealthyAfter(startPeriod, durationField(map, 'interval', env), retriesField(map, env));
  if (grace === undefined || startPeriod.kind === 'invalid' || startPeriod.kind === 'unknown') return;
  const estimate = serviceColdStart(info, ctx.options, env);
  // A GPU service of no known engine and no visible model may not load a model at all (a coordinator).
  if (!info.engine && estimate.source === 'default') return;
  const needed = recommendedStartPeriod(estimate);
  if (grace >= needed) return;

  const wanted = formatDuration(needed);
  const entry = map?.get('start_period');
  let span: Span;
  let edit: SpanEdit | undefined;
  if (entry) {
    span = entry.value.at;
    edit = entry.pair ? replaceScalar(entry.pair.value, wanted) : map && !map.inherited ? appendToMap(ctx.file, map, [`start_period: ${wanted}`]) : undefined;
  } else if (hc) {
    span = hc.entry.keyAt;
    edit = map && !map.inherited ? appendToMap(ctx.file, map, [`start_period: ${wanted}`]) : undefined;
  } else {
    // The image's own HEALTHCHECK (llama.cpp): Compose merges a healthcheck with only start_period into it.
    span = info.service.keyAt;
    edit = appendToMap(ctx.file, info.service.map, ['healthcheck:', `  start_period: ${wanted}`]);
  }
  const current = startPeriod.kind === 'ok' ? `start_period is ${formatDuration(startPeriod.value)}` : hc ? 'start_period is not set' : `the image's HEALTHCHECK has no start period`;
  ctx.report({
    span,
    message:
      `Model service "${info.service.name}": ${current}, so Docker marks it unhealthy after about ${formatDuration(grace)} of failing probes ` +
      `(start_period + retries × interval), but loading the model takes about ${describeEstimate(estimate)}. ` +
      `Give it at least ${wanted}, twice the cold start, or a slow start fails every service waiting on it with \`condition: service_healthy\`.`,
    fixes: edit ? [{ title: `Set start_period: ${wanted}`, preferred: true, edits: [edit] }] : [],
  });
}
