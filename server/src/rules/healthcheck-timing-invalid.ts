import { isScalar } from 'yaml';
import { durationField, readHealthcheck, retriesField } from '../compose/healthcheck';
import { appendToMap, replaceScalar } from '../compose/edits';
import { removeLines } from '../core/lineEdits';
import type { ServiceInfo } from '../compose/service';
import type { MapView } from '../compose/yamlView';
import { formatDuration } from '../core/duration';
import type { ComposeContext, Rule } from './rule';
import type { SpanFix } from '../core/types';
import { serviceColdStart } from '../compose/serviceColdStart';
import { recommendedStartPeriod } from '../engines/coldStart';

/**
 * Healthcheck timings Compose or the Docker Engine reject, or that cannot do what they seem to say.
 * Sources: compose.json `healthcheck` and `duration_syntax` (compose-go reads durations with go-str2duration:
 * Go units plus d and w; a bare number has no unit); moby daemon/container.go validateHealthCheck ("cannot be
 * less than 1ms", "Retries in Healthcheck cannot be negative"); daemon/health.go (retries 0 means the default 3);
 * docker compose: "healthcheck.start_interval requires healthcheck.start_period to be set".
 */
export const rule: Rule = {
  meta: {
    id: 'healthcheck-timing-invalid',
    defaultSeverity: 'error',
    title: 'Healthcheck durations that do not parse or cannot work',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const map = readHealthcheck(info)?.map;
      if (!map) continue;
      for (const key of DURATION_KEYS) checkDuration(ctx, info, map, key);
      checkRetries(ctx, info, map);
      checkTimeoutVsInterval(ctx, info, map);
      checkStartInterval(ctx, info, map);
    }
  },
};

const DURATION_KEYS = ['interval', 'timeout', 'start_period', 'start_interval'] as const;
/** Field names as the Docker Engine's own error messages spell them. */
const ENGINE_NAMES: Record<(typeof DURATION_KEYS)[number], string> = {
  interval: 'Interval',
  timeout: 'Timeout',
  start_period: 'StartPeriod',
  start_interval: 'StartInterval',
};

function checkDuration(ctx: ComposeContext, info: ServiceInfo, map: MapView, key: (typeof DURATION_KEYS)[number]): void {
  const field = durationField(map, key, ctx.file.dotEnv);
  const entry = map.get(key);
  if (!entry) return;
  const where = `\`${key}\` of service "${info.service.name}"`;
  if (field.kind === 'invalid') {
    const node = entry.value.node;
    const number = isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value > 0 ? node.value : undefined;
    const edit = number !== undefined && entry.pair ? replaceScalar(entry.pair.value, `${number}s`) : undefined;
    ctx.report({
      span: entry.value.at,
      message:
        number !== undefined
          ? `${where} is ${number}, a number with no unit: Compose reads durations like \`${number}s\` or \`1m30s\` and refuses this file.`
          : `${where} is not a duration Compose can read: write a number with a unit (ns, us, ms, s, m, h, d, w), e.g. \`30s\` or \`1m30s\`.`,
      fixes: edit ? [{ title: `Use ${number}s`, preferred: true, edits: [edit] }] : [],
    });
    return;
  }
  if (field.kind === 'ok' && field.value !== 0 && field.value < 0.001) {
    ctx.report({
      span: entry.value.at,
      message: `${where} is ${field.value < 0 ? 'negative' : 'below 1ms'}: the Docker Engine refuses the container ("${ENGINE_NAMES[key]} in Healthcheck cannot be less than 1ms"). Use 0 for the default or a value of at least 1ms.`,
    });
  }
}

function checkRetries(ctx: ComposeContext, info: ServiceInfo, map: MapView): void {
  const field = retriesField(map, ctx.file.dotEnv);
  const entry = map.get('retries');
  if (!entry || field.kind === 'absent' || field.kind === 'unknown') return;
  const where = `\`retries\` of service "${info.service.name}"`;
  if (field.kind === 'invalid' || !Number.isInteger(field.value)) {
    ctx.report({ span: entry.value.at, message: `${where} is not a whole number: Compose refuses this file.` });
  } else if (field.value < 0) {
    ctx.report({
      span: entry.value.at,
      message: `${where} is negative: the Docker Engine refuses the container ("Retries in Healthcheck cannot be negative").`,
    });
  } else if (field.value === 0) {
    const edit = entry.pair ? replaceScalar(entry.pair.value, '3') : undefined;
    ctx.report({
      span: entry.value.at,
      severity: 'warning',
      message: `${where} is 0, which Docker reads as "not set": the container becomes unhealthy after the default 3 failures (or the image's own retries), not after the first. Write the number you mean.`,
      fixes: edit ? [{ title: 'Write the default explicitly: retries: 3', preferred: true, edits: [edit] }] : [],
    });
  }
}

function checkTimeoutVsInterval(ctx: ComposeContext, info: ServiceInfo, map: MapView): void {
  const timeout = durationField(map, 'timeout', ctx.file.dotEnv);
  const interval = durationField(map, 'interval', ctx.file.dotEnv);
  const entry = map.get('timeout');
  // Only when both are written: Docker's own defaults are 30s and 30s, and equal values are that default.
  if (!entry || timeout.kind !== 'ok' || interval.kind !== 'ok' || timeout.value === 0 || interval.value === 0) return;
  if (timeout.value <= interval.value) return;
  ctx.report({
    span: entry.value.at,
    severity: 'warning',
    message:
      `\`timeout\` (${formatDuration(timeout.value)}) of service "${info.service.name}" is longer than \`interval\` (${formatDuration(interval.value)}): ` +
      `Docker starts the next probe only after the previous one ends, so a hanging probe stretches the gap between checks to ${formatDuration(timeout.value + interval.value)} and failures are noticed later than the interval says. Keep timeout below interval.`,
  });
}

function checkStartInterval(ctx: ComposeContext, info: ServiceInfo, map: MapView): void {
  const entry = map.get('start_interval');
  if (!entry || map.has('start_period')) return;
  const fixes: SpanFix[] = [];
  if (!map.inherited && !map.isFlow) {
    if (info.isModelService) {
      const wanted = formatDuration(recommendedStartPeriod(serviceColdStart(info, ctx.options, ctx.file.dotEnv)));
      const add = appendToMap(ctx.file, map, [`start_period: ${wanted}`]);
      if (add) fixes.push({ title: `Add start_period: ${wanted}`, preferred: true, edits: [add] });
    }
    if (entry.pair) {
      // Without start_period there is no start phase, so start_interval never applied anyway.
      fixes.push({ title: 'Remove start_interval', preferred: fixes.length === 0, edits: [removeLines(ctx.file, entry.keyAt.start, lastOffset(entry.pair.value, entry.keyAt.end))] });
    }
  }
  ctx.report({
    span: entry.keyAt,
    message: `Service "${info.service.name}" sets \`start_interval\` without \`start_period\`: docker compose refuses it ("healthcheck.start_interval requires healthcheck.start_period to be set").`,
    fixes,
  });
}

function lastOffset(node: unknown, fallback: number): number {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? Math.max(r[1] - 1, r[0]) : fallback;
}
