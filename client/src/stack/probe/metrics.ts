/**
 * vLLM's /metrics page, read for the sidebar: TTFT p50/p95/p99, running and waiting requests, KV-cache usage
 * (plus inter-token latency and prefix-cache hit rate, which vLLM also renamed).
 *
 * Pure functions from text to numbers: fetching the page is the caller's job. Names, types, labels and bucket
 * boundaries come from server/src/engines/facts/vllm-metrics.json (vLLM vllm/v1/metrics/loggers.py, docs/design/metrics.md).
 *
 * Decisions, so the view can say what it shows:
 * - Label sets. vLLM labels every engine series with `model_name` and `engine` (the data-parallel index). The
 *   top-level numbers aggregate every label set, as `histogram_quantile(q, sum by (le) (...))` would: one vLLM
 *   process serves one model, so that is "this service". `models` repeats the same per `model_name` for a target
 *   that serves several (a router, or a scrape of several processes). Running and waiting requests are summed over
 *   engines; KV-cache usage is the MAXIMUM over engines: each engine has its own cache and the fullest one is the
 *   one that preempts, an average would hide it.
 * - Renamed metrics (facts `renamed_or_removed`): the newer name wins when a page has both (vLLM 0.9 to 0.11
 *   expose both with the same value); `used` says which name was read so the view can show it in a tooltip.
 * - Quantiles follow Prometheus' bucketQuantile (promql/quantile.go): linear interpolation inside the bucket, 0 as
 *   the lower bound of the first bucket, and a rank that lands in the +Inf bucket answers the highest finite
 *   bound (vLLM's TTFT histogram ends at 2560 s). No observations, no +Inf bucket or fewer than two buckets give
 *   `undefined` (Prometheus says NaN), never NaN.
 * - Interval mode (`summarizeInterval`): per series, the bucket counts of the newer scrape minus the older one,
 *   which is what a sidebar refreshing every few seconds wants. A counter that went down (the server restarted
 *   between the scrapes) or a bucket layout that changed cannot be subtracted: that series falls back to its
 *   cumulative values, which are then exactly "since the restart", the same way Prometheus' rate() treats a
 *   reset. `reset` tells the view so it can say "since restart".
 * - Malformed lines are counted in `skippedLines` and otherwise ignored; nothing here throws on page content.
 */
import { optional } from '../../../../server/src/core/optionalField';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** From `# TYPE` lines, by the name written there (counters appear as `..._total` in prometheus_client's text). */
  readonly types: ReadonlyMap<string, MetricType>;
  readonly skippedLines: number;
}

/** The names read for each quantity, preferred first (facts: `metrics` and `renamed_or_removed`). */
export const METRIC_NAMES = {
  ttft: ['vllm:time_to_first_token_seconds'],
  /** vllm:time_per_output_token_seconds: deprecated 0.11, removed 0.15. */
  itl: ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
  running: ['vllm:num_requests_running'],
  waiting: ['vllm:num_requests_waiting'],
  /** A fraction 0..1 despite `_perc`. vllm:gpu_cache_usage_perc: deprecated 0.9, removed 2025-11-25. */
  kvCacheUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
  /** Counters, exposed with `_total`; the bare name is accepted from exporters that omit the suffix. */
  prefixCacheQueries: ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total', 'vllm:prefix_cache_queries', 'vllm:gpu_prefix_cache_queries'],
  prefixCacheHits: ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total', 'vllm:prefix_cache_hits', 'vllm:gpu_prefix_cache_hits'],
  /** Counters of prefill and generated tokens (vllm/v1/metrics/loggers.py counter_prompt_tokens / counter_generation_tokens). */
  promptTokens: ['vllm:prompt_tokens_total', 'vllm:prompt_tokens'],
  generationTokens: ['vllm:generation_tokens_total', 'vllm:generation_tokens'],
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Text exposition format (Prometheus text 0.0.4, what prometheus_client's generate_latest writes)
// ---------------------------------------------------------------------------------------------------------------

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, MetricType>();
  let skippedLines = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (type && TYPES.has(type[2]!)) types.set(type[1]!, type[2] as MetricType);
      continue; // HELP, EOF and free comments carry nothing we read
    }
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
    else skippedLines++;
  }
  return { samples, types, skippedLines };
}

/** `name{label="value",...} value [timestamp]`; undefined when the line does not have that shape. */
function parseSampleLine(line: string): Sample | undefined {
  const name = NAME.exec(line)?.[0];
  if (!name) return undefined;
  let rest = line.slice(name.length).trimStart();
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest);
    if (!parsed) return undefined;
    Object.assign(labels, parsed.labels);
    rest = rest.slice(parsed.length);
  }
  // An OpenMetrics exemplar (` # {trace_id="..."} 1.0`) may follow the value; it is not ours to read.
  const hash = rest.indexOf(' #');
  if (hash >= 0) rest = rest.slice(0, hash);
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') return undefined;
  const value = parseValue(fields[0]!);
  if (value === undefined) return undefined;
  if (fields.length === 2 && !/^-?\d+(\.\d+)?$/.test(fields[1]!)) return undefined;
  return { name, labels, value };
}

/** Reads `{a="x",b="y\"z"}` from the start of `text`, with the escapes \\ \" \n. */
function parseLabels(text: string): { labels: Record<string, string>; length: number } | undefined {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, length: i + 1 };
    const key = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!key) return undefined;
    i += key.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=') return undefined;
    i++;
    while (text[i] === ' ') i++;
    if (text[i] !== '"') return undefined;
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return undefined; // unterminated value
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === undefined) return undefined;
        value += next === 'n' ? '\n' : next;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    labels[key] = value;
  }
}

/** Prometheus floats: Go's ParseFloat plus +Inf/-Inf/NaN spelled any case. */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Histograms
// ---------------------------------------------------------------------------------------------------------------

export interface Bucket {
  /** Inclusive upper bound; Infinity for `le="+Inf"`. */
  readonly le: number;
  /** Cumulative count of observations <= le. */
  readonly count: number;
}

export interface HistogramSeries {
  /** The series' labels without `le`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Sorted by `le`. */
  readonly buckets: readonly Bucket[];
  readonly sum?: number;
  readonly count?: number;
}

/** Every label set of histogram `name` (`name_bucket`, `name_sum`, `name_count`). */
export function histogramSeries(exposition: Exposition, name: string): HistogramSeries[] {
  const byKey = new Map<string, { labels: Record<string, string>; buckets: Bucket[]; sum?: number; count?: number }>();
  const entry = (labels: Readonly<Record<string, string>>) => {
    const own = withoutLe(labels);
    const key = labelKey(own);
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { labels: own, buckets: [] }));
    return e;
  };
  for (const s of exposition.samples) {
    if (s.name === `${name}_bucket`) {
      const leText = s.labels['le'];
      const le = leText === undefined ? undefined : parseValue(leText);
      if (le === undefined || Number.isNaN(le) || !Number.isFinite(s.value) || s.value < 0) continue;
      entry(s.labels).buckets.push({ le, count: s.value });
    } else if (s.name === `${name}_sum` && Number.isFinite(s.value)) {
      entry(s.labels).sum = s.value;
    } else if (s.name === `${name}_count` && Number.isFinite(s.value)) {
      entry(s.labels).count = s.value;
    }
  }
  return [...byKey.values()].map((e) => ({ ...e, buckets: e.buckets.sort((a, b) => a.le - b.le) }));
}

/**
 * The q-quantile of cumulative buckets, as Prometheus' bucketQuantile computes it; undefined where Prometheus
 * answers NaN (no observations, no +Inf bucket, fewer than two buckets, q outside 0..1 or NaN).
 */
export function histogramQuantile(q: number, input: readonly Bucket[]): number | undefined {
  if (!(q >= 0 && q <= 1) || input.length === 0) return undefined;
  const sorted = [...input].sort((a, b) => a.le - b.le);
  if (sorted[sorted.length - 1]!.le !== Infinity) return undefined;
  // Coalesce buckets with the same bound, then force monotonic counts (Prometheus' coalesceBuckets/ensureMonotonic).
  const buckets: { le: number; count: number }[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.le === b.le) last.count += b.count;
    else buckets.push({ le: b.le, count: b.count });
  }
  for (let i = 1; i < buckets.length; i++) buckets[i]!.count = Math.max(buckets[i]!.count, buckets[i - 1]!.count);
  if (buckets.length < 2) return undefined;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return undefined;
  let rank = q * observations;
  let b = buckets.findIndex((x, i) => i < buckets.length - 1 && x.count >= rank);
  if (b < 0) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  let start = 0;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.le;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (buckets[b]!.le - start) * (rank / count);
}

/** `sum by (le)` over several series of one histogram; undefined for none. */
export function sumHistograms(series: readonly HistogramSeries[]): HistogramSeries | undefined {
  if (series.length === 0) return undefined;
  const byLe = new Map<number, number>();
  let sum: number | undefined;
  let count: number | undefined;
  for (const s of series) {
    for (const b of s.buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
    if (s.sum !== undefined) sum = (sum ?? 0) + s.sum;
    if (s.count !== undefined) count = (count ?? 0) + s.count;
  }
  const buckets = [...byLe].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le);
  return { labels: {}, buckets, ...(sum === undefined ? {} : { sum }), ...(count === undefined ? {} : { count }) };
}

/**
 * What happened between two scrapes of one series: `current - previous` bucket by bucket. When that cannot be
 * computed (a count went down: the server restarted; or the bucket bounds differ) it is the current series as
 * is, i.e. everything since the restart, with `reset: true`. A series absent from the older scrape is new: all
 * of it happened in the interval (no reset).
 */
export function subtractHistogram(previous: HistogramSeries | undefined, current: HistogramSeries): { series: HistogramSeries; reset: boolean } {
  if (!previous) return { series: current, reset: false };
  const before = new Map(previous.buckets.map((b) => [b.le, b.count]));
  const sameLayout = before.size === current.buckets.length && current.buckets.every((b) => before.has(b.le));
  const wentDown =
    current.buckets.some((b) => b.count < (before.get(b.le) ?? 0)) ||
    (current.count !== undefined && previous.count !== undefined && current.count < previous.count);
  if (!sameLayout || wentDown) return { series: current, reset: true };
  const buckets = current.buckets.map((b) => ({ le: b.le, count: b.count - before.get(b.le)! }));
  const sum = current.sum !== undefined && previous.sum !== undefined ? current.sum - previous.sum : undefined;
  const count = current.count !== undefined && previous.count !== undefined ? current.count - previous.count : undefined;
  return { series: { labels: current.labels, buckets, ...(sum === undefined ? {} : { sum }), ...(count === undefined ? {} : { count }) }, reset: false };
}

// ---------------------------------------------------------------------------------------------------------------
// The sidebar's summary
// ---------------------------------------------------------------------------------------------------------------

export interface LatencySummary {
  /** Observations (requests for TTFT, tokens for ITL) counted; 0 means "no traffic" and no percentiles. */
  readonly count: number;
  /** Seconds. */
  readonly sum?: number;
  readonly p50?: number;
  readonly p95?: number;
  readonly p99?: number;
}

export interface EngineMetrics {
  /** Time to first token, seconds. */
  readonly ttft: LatencySummary;
  /** Inter-token latency, seconds (older vLLM: time per output token). */
  readonly itl: LatencySummary;
  /** Summed over engines. */
  readonly running?: number;
  /** Summed over engines. */
  readonly waiting?: number;
  /** 0..1, the fullest engine. */
  readonly kvCacheUsage?: number;
  /** hits / queries over the same window as the latencies; undefined with no queries. */
  readonly prefixCacheHitRate?: number;
  /** Prefill and generated tokens over the same window (summed over engines). */
  readonly promptTokens?: number;
  readonly generationTokens?: number;
}

export interface MetricsSummary extends EngineMetrics {
  /**
   * False when the page has no `vllm:` series at all: vLLM started with --disable-log-stats registers none
   * (facts `when_present`), or the target is not vLLM. The view says so instead of showing zeros.
   */
  readonly engineMetrics: boolean;
  /** The same numbers per `model_name` label ('' for series without one). */
  readonly models: Readonly<Record<string, EngineMetrics>>;
  /** Which metric name each renamed quantity was read from, when present. */
  readonly used: { readonly itl?: string; readonly kvCacheUsage?: string; readonly prefixCache?: string };
  /** 'cumulative': since the server started; 'interval': between two scrapes. */
  readonly window: 'cumulative' | 'interval';
  /** Interval mode only: some series restarted between the scrapes and count from the restart instead. */
  readonly reset: boolean;
  readonly skippedLines: number;
}

/** Everything since the server started. */
export function summarize(current: Exposition): MetricsSummary {
  return build(undefined, current);
}

/** What happened between two scrapes (latencies and hit rate); gauges are the current values. */
export function summarizeInterval(previous: Exposition, current: Exposition): MetricsSummary {
  return build(previous, current);
}

/** Convenience for callers holding page text. */
export function summarizeText(current: string, previous?: string): MetricsSummary {
  return previous === undefined ? summarize(parseExposition(current)) : summarizeInterval(parseExposition(previous), parseExposition(current));
}

const QUANTILES = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

interface Counter {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function build(previous: Exposition | undefined, current: Exposition): MetricsSummary {
  let reset = false;
  const histograms = (names: readonly string[]) => {
    const name = names.find((n) => histogramSeries(current, n).length > 0);
    if (!name) return { name, series: [] as HistogramSeries[] };
    const now = histogramSeries(current, name);
    if (!previous) return { name, series: now };
    const before = new Map(histogramSeries(previous, name).map((s) => [labelKey(s.labels), s]));
    const series = now.map((s) => {
      const d = subtractHistogram(before.get(labelKey(s.labels)), s);
      reset ||= d.reset;
      return d.series;
    });
    return { name, series };
  };
  const counters = (names: readonly string[]) => {
    const name = names.find((n) => current.samples.some((s) => s.name === n));
    if (!name) return { name, values: [] as Counter[] };
    const now = current.samples.filter((s) => s.name === name && Number.isFinite(s.value));
    if (!previous) return { name, values: now as Counter[] };
    const before = new Map(previous.samples.filter((s) => s.name === name).map((s) => [labelKey(s.labels), s.value]));
    const values = now.map((s) => {
      const old = before.get(labelKey(s.labels));
      if (old === undefined) return s;
      if (s.value < old) {
        reset = true;
        return s;
      }
      return { labels: s.labels, value: s.value - old };
    });
    return { name, values };
  };
  const gauges = (names: readonly string[]) => {
    const name = names.find((n) => current.samples.some((s) => s.name === n));
    return { name, values: current.samples.filter((s) => s.name === name && Number.isFinite(s.value)) as Counter[] };
  };

  const ttft = histograms(METRIC_NAMES.ttft);
  const itl = histograms(METRIC_NAMES.itl);
  const running = gauges(METRIC_NAMES.running);
  const waiting = gauges(METRIC_NAMES.waiting);
  const kv = gauges(METRIC_NAMES.kvCacheUsage);
  const queries = counters(METRIC_NAMES.prefixCacheQueries);
  // Hits are read under the same generation of names as the queries, so a 0.9 page never mixes the two.
  const hitNames = queries.name ? METRIC_NAMES.prefixCacheHits.filter((n) => n === queries.name!.replace('queries', 'hits')) : [];
  const hits = counters(hitNames);
  const promptTokens = counters(METRIC_NAMES.promptTokens);
  const generationTokens = counters(METRIC_NAMES.generationTokens);

  const view = (model: string | undefined): EngineMetrics => {
    const mine = <T extends { labels: Readonly<Record<string, string>> }>(xs: readonly T[]) =>
      model === undefined ? xs : xs.filter((x) => (x.labels['model_name'] ?? '') === model);
    const total = (xs: readonly Counter[]) => {
      const own = mine(xs);
      return own.length ? own.reduce((a, x) => a + x.value, 0) : undefined;
    };
    const kvs = mine(kv.values);
    const q = total(queries.values);
    const h = total(hits.values);
    return {
      ttft: latency(mine(ttft.series)),
      itl: latency(mine(itl.series)),
      ...optional('running', total(running.values)),
      ...optional('waiting', total(waiting.values)),
      ...optional('kvCacheUsage', kvs.length ? Math.max(...kvs.map((x) => x.value)) : undefined),
      ...optional('prefixCacheHitRate', q !== undefined && h !== undefined && q > 0 ? h / q : undefined),
      ...optional('promptTokens', total(promptTokens.values)),
      ...optional('generationTokens', total(generationTokens.values)),
    };
  };

  const models: Record<string, EngineMetrics> = {};
  const modelNames = new Set(
    current.samples.filter((s) => s.name.startsWith('vllm:') && 'model_name' in s.labels).map((s) => s.labels['model_name']!),
  );
  for (const m of [...modelNames].sort()) models[m] = view(m);

  return {
    ...view(undefined),
    engineMetrics: current.samples.some((s) => s.name.startsWith('vllm:')),
    models,
    used: {
      ...optional('itl', itl.name),
      ...optional('kvCacheUsage', kv.name),
      ...optional('prefixCache', queries.name),
    },
    window: previous ? 'interval' : 'cumulative',
    reset,
    skippedLines: current.skippedLines,
  };
}

function latency(series: readonly HistogramSeries[]): LatencySummary {
  const all = sumHistograms(series);
  if (!all) return { count: 0 };
  const count = all.count ?? all.buckets.find((b) => b.le === Infinity)?.count ?? 0;
  const out: { -readonly [K in keyof LatencySummary]: LatencySummary[K] } = { count };
  if (all.sum !== undefined) out.sum = all.sum;
  for (const [key, q] of QUANTILES) {
    const v = histogramQuantile(q, all.buckets);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function withoutLe(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { le: _le, ...rest } = labels;
  return rest;
}

/** A stable key for a label set, independent of label order. */
function labelKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}
