/**
 * vLLM /metrics → the sidebar's numbers. Fixtures in fixtures/metrics/ (see fixtures/README.md for where their
 * format comes from); every expected number is worked out by hand in the comment above its assertion, with
 * Prometheus' interpolation: in the bucket (lo, hi] holding the rank, value = lo + (hi - lo) * (rank - below) / inBucket.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  histogramQuantile,
  histogramSeries,
  parseExposition,
  subtractHistogram,
  summarize,
  summarizeInterval,
  summarizeText,
  type Bucket,
  type HistogramSeries,
} from '../../client/src/stack/probe/metrics';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'metrics');
const page = (name: string) => parseExposition(readFileSync(join(FIXTURES, name), 'utf8'));

/** Equal up to floating-point rounding (the hand-computed value is exact; the sums are done in binary). */
function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

const b = (le: number, count: number): Bucket => ({ le, count });

describe('parseExposition', () => {
  it('reads a current vLLM page with no skipped line, typed families and Go-style floats', () => {
    const exp = page('vllm-current.txt');
    assert.equal(exp.skippedLines, 0);
    assert.equal(exp.types.get('vllm:time_to_first_token_seconds'), 'histogram');
    assert.equal(exp.types.get('vllm:prefix_cache_queries_total'), 'counter');
    assert.equal(exp.types.get('vllm:kv_cache_usage_perc'), 'gauge');
    // prometheus_client writes 48213098496.0 as 4.8213098496e+010 (its floatToGoString).
    assert.equal(exp.samples.find((s) => s.name === 'process_virtual_memory_bytes')?.value, 48213098496);
    const ttft = histogramSeries(exp, 'vllm:time_to_first_token_seconds');
    assert.equal(ttft.length, 2, 'one series per engine');
    assert.deepEqual(ttft[0]!.labels, { engine: '0', model_name: 'meta-llama/Llama-3.1-8B-Instruct' });
    assert.equal(ttft[0]!.buckets.length, 23, '22 bounds from the facts plus +Inf');
    assert.deepEqual(ttft[0]!.buckets.at(-1), { le: Infinity, count: 100 });
    assert.equal(ttft[0]!.count, 100);
    assert.equal(ttft[0]!.sum, 14.2);
  });

  it('handles escapes, timestamps, special values, exemplars and CRLF', () => {
    const exp = parseExposition(
      [
        '# HELP x A help line with "quotes"',
        'x{path="C:\\\\models",msg="say \\"hi\\"\\nbye"} 1.5 1764012345000',
        'y +Inf',
        'z{a="1"} NaN',
        'w -Inf',
        'e_bucket{le="0.5"} 3 # {trace_id="abc"} 0.42 1764012345.1',
        'sp { a = "b" , } 7',
        '# EOF',
      ].join('\r\n'),
    );
    assert.equal(exp.skippedLines, 0);
    assert.deepEqual(exp.samples[0], { name: 'x', labels: { path: 'C:\\models', msg: 'say "hi"\nbye' }, value: 1.5 });
    assert.equal(exp.samples[1]!.value, Infinity);
    assert.ok(Number.isNaN(exp.samples[2]!.value));
    assert.equal(exp.samples[3]!.value, -Infinity);
    assert.deepEqual(exp.samples[4], { name: 'e_bucket', labels: { le: '0.5' }, value: 3 });
    assert.deepEqual(exp.samples[5], { name: 'sp', labels: { a: 'b' }, value: 7 });
  });

  it('skips malformed lines without throwing and keeps the good ones', () => {
    const bad = [
      'vllm:num_requests_running{engine="0" 3', // unclosed brace
      'vllm:num_requests_running{engine="0} 3', // unterminated value
      'vllm:num_requests_running{engine=0} 3', // unquoted value
      'vllm:num_requests_running 3 4 5', // too many fields
      'vllm:num_requests_running three', // not a number
      'vllm:num_requests_running 3 soon', // bad timestamp
      'vllm:num_requests_running', // no value
      '{} 3', // no name
      '3.0',
      '<html><body>502 Bad Gateway</body></html>',
      'vllm:num_requests_running{engine="0"} 3\\',
    ];
    const exp = parseExposition(['vllm:num_requests_waiting{engine="0"} 2', ...bad, 'vllm:num_requests_running{engine="0"} 4'].join('\n'));
    assert.equal(exp.skippedLines, bad.length);
    assert.deepEqual(
      exp.samples.map((s) => [s.name, s.value]),
      [
        ['vllm:num_requests_waiting', 2],
        ['vllm:num_requests_running', 4],
      ],
    );
  });
});

describe('histogramQuantile (Prometheus bucketQuantile)', () => {
  const buckets = [b(0.1, 40), b(0.25, 80), b(0.5, 95), b(1, 100), b(Infinity, 100)];

  it('interpolates linearly inside the bucket holding the rank', () => {
    // q=0.5: rank 50, bucket (0.1, 0.25] holds 40 → 80: 0.1 + 0.15 * (50 - 40) / 40 = 0.1375
    near(histogramQuantile(0.5, buckets), 0.1375, 'p50');
    // q=0.9: rank 90, bucket (0.25, 0.5] holds 80 → 95: 0.25 + 0.25 * 10 / 15 = 0.41666…
    near(histogramQuantile(0.9, buckets), 0.25 + 0.25 * (10 / 15), 'p90');
    // q=0.2: rank 20 in the first bucket, lower bound 0: 0 + 0.1 * 20 / 40 = 0.05
    near(histogramQuantile(0.2, buckets), 0.05, 'p20');
    // q=1: rank 100, first bucket with count >= 100 is (0.5, 1]: 0.5 + 0.5 * 5 / 5 = 1
    near(histogramQuantile(1, buckets), 1, 'p100');
  });

  it('answers the highest finite bound when the rank falls in the +Inf bucket', () => {
    // 10 of 100 observations above 2560 s: p99 rank 99 > 90 → +Inf bucket → 2560
    assert.equal(histogramQuantile(0.99, [b(1, 50), b(2560, 90), b(Infinity, 100)]), 2560);
  });

  it('a first bucket bounded at or below 0 answers its bound for a rank inside it (no interpolation from 0)', () => {
    // Prometheus bucketQuantile: `if b == 0 && buckets[0].upperBound <= 0 { return buckets[0].upperBound }`.
    assert.equal(histogramQuantile(0.25, [b(0, 10), b(1, 20), b(Infinity, 20)]), 0);
    assert.equal(histogramQuantile(0.25, [b(-1, 10), b(1, 20), b(Infinity, 20)]), -1);
    near(histogramQuantile(0.75, [b(0, 10), b(1, 20), b(Infinity, 20)]), 0.5, 'the next bucket interpolates from 0');
  });

  it('reads bounds and values written as Go prints short floats (".5", "1e-3") into the same histogram', () => {
    const exp = parseExposition(['h_bucket{le=".5"} .5', 'h_bucket{le="1e-3"} 0', 'h_bucket{le="+Inf"} 2', 'h_count 2', 'h_sum 1.25'].join('\n'));
    assert.equal(exp.skippedLines, 0);
    const [series] = histogramSeries(exp, 'h');
    assert.deepEqual(series!.buckets.map((x) => [x.le, x.count]), [[0.001, 0], [0.5, 0.5], [Infinity, 2]]);
  });

  it('is undefined, not NaN, where Prometheus answers NaN', () => {
    assert.equal(histogramQuantile(0.5, []), undefined, 'no buckets');
    assert.equal(histogramQuantile(0.5, [b(0.1, 0), b(Infinity, 0)]), undefined, 'no observations');
    assert.equal(histogramQuantile(0.5, [b(0.1, 3), b(1, 5)]), undefined, 'no +Inf bucket');
    assert.equal(histogramQuantile(0.5, [b(Infinity, 5)]), undefined, 'only +Inf');
    assert.equal(histogramQuantile(1.5, buckets), undefined);
    assert.equal(histogramQuantile(-0.1, buckets), undefined);
    assert.equal(histogramQuantile(NaN, buckets), undefined);
  });

  it('sorts, coalesces equal bounds and forces monotonic counts like Prometheus', () => {
    // Unsorted input; after sorting (0.1: 40, 0.25: 80, +Inf: 100) p50 = 0.1375 as above.
    near(histogramQuantile(0.5, [b(Infinity, 100), b(0.25, 80), b(0.1, 40)]), 0.1375, 'unsorted');
    // Two 0.25 buckets coalesce into 30 + 50 = 80.
    near(histogramQuantile(0.5, [b(0.1, 40), b(0.25, 30), b(0.25, 50), b(Infinity, 100)]), 0.1375, 'coalesced');
    // 0.25 reads 30 < 40 (inconsistent): forced up to 40; rank 50 then lies in (0.25, +Inf] → 0.25
    assert.equal(histogramQuantile(0.5, [b(0.1, 40), b(0.25, 30), b(Infinity, 100)]), 0.25);
    // First bucket with a bound <= 0 answers that bound.
    assert.equal(histogramQuantile(0.1, [b(0, 20), b(1, 50), b(Infinity, 50)]), 0);
  });
});

describe('summarize: a current vLLM (2 data-parallel engines)', () => {
  const s = summarize(page('vllm-current.txt'));

  it('computes TTFT p50/p95/p99 over both engines (sum by le)', () => {
    // Per bound, engine 0 + engine 1: 0.04: 2+0, 0.06: 10+5=15, 0.08: 25+15=40, 0.1: 40+30=70, 0.25: 80+70=150,
    // 0.5: 95+90=185, 0.75: 98+96=194, 1.0: 99+98=197, 2.5 and above: 200.
    assert.equal(s.ttft.count, 200);
    near(s.ttft.sum, 14.2 + 16.3, 'sum');
    // p50: rank 100 in (0.1, 0.25] (70 → 150): 0.1 + 0.15 * 30 / 80 = 0.15625
    near(s.ttft.p50, 0.15625, 'p50');
    // p95: rank 190 in (0.5, 0.75] (185 → 194): 0.5 + 0.25 * 5 / 9 = 23/36 = 0.63888…
    near(s.ttft.p95, 23 / 36, 'p95');
    // p99: rank 198 in (1.0, 2.5] (197 → 200): 1 + 1.5 * 1 / 3 = 1.5
    near(s.ttft.p99, 1.5, 'p99');
  });

  it('computes inter-token latency from vllm:inter_token_latency_seconds', () => {
    // 0.025: 400+100=500, 0.05: 900+300=1200, 0.075: 980+380=1360, 0.1 and above: 1000+400=1400
    assert.equal(s.itl.count, 1400);
    // p50: rank 700 in (0.025, 0.05]: 0.025 + 0.025 * 200 / 700 = 0.0321428…
    near(s.itl.p50, 0.025 + 0.025 * (200 / 700), 'p50');
    // p95: rank 1330 in (0.05, 0.075]: 0.05 + 0.025 * 130 / 160 = 0.0703125
    near(s.itl.p95, 0.0703125, 'p95');
    // p99: rank 1386 in (0.075, 0.1]: 0.075 + 0.025 * 26 / 40 = 0.09125
    near(s.itl.p99, 0.09125, 'p99');
    assert.equal(s.used.itl, 'vllm:inter_token_latency_seconds');
  });

  it('sums running and waiting over engines, ignoring the waiting-by-reason split', () => {
    assert.equal(s.running, 3 + 2);
    // vllm:num_requests_waiting: 1 + 0 (num_requests_waiting_by_reason repeats that 1 and must not add to it)
    assert.equal(s.waiting, 1);
  });

  it('shows the fullest engine KV cache and the prefix cache hit rate', () => {
    // engines 0.4375 and 0.25 → max
    assert.equal(s.kvCacheUsage, 0.4375);
    assert.equal(s.used.kvCacheUsage, 'vllm:kv_cache_usage_perc');
    // (20000 + 12000) / (50000 + 30000) = 0.4
    assert.equal(s.prefixCacheHitRate, 0.4);
    assert.equal(s.used.prefixCache, 'vllm:prefix_cache_queries_total');
  });

  it('says the engine metrics are there, cumulative, no reset, one model', () => {
    assert.equal(s.engineMetrics, true);
    assert.equal(s.window, 'cumulative');
    assert.equal(s.reset, false);
    assert.deepEqual(Object.keys(s.models), ['meta-llama/Llama-3.1-8B-Instruct']);
    assert.deepEqual(s.models['meta-llama/Llama-3.1-8B-Instruct'], {
      ttft: s.ttft,
      itl: s.itl,
      running: 5,
      waiting: 1,
      kvCacheUsage: 0.4375,
      prefixCacheHitRate: 0.4,
      // vllm:prompt_tokens_total 51834 + 31877 and vllm:generation_tokens_total 1000 + 400 over the two engines.
      promptTokens: 83711,
      generationTokens: 1400,
    });
  });
});

describe('summarize: an older vLLM (0.8, old names only)', () => {
  const s = summarize(page('vllm-0.8-old-names.txt'));

  it('reads vllm:gpu_cache_usage_perc, vllm:gpu_prefix_cache_* and vllm:time_per_output_token_seconds', () => {
    assert.equal(s.kvCacheUsage, 0.125);
    assert.deepEqual(s.used, {
      itl: 'vllm:time_per_output_token_seconds',
      kvCacheUsage: 'vllm:gpu_cache_usage_perc',
      prefixCache: 'vllm:gpu_prefix_cache_queries_total',
    });
    // 250 / 1000
    assert.equal(s.prefixCacheHitRate, 0.25);
    assert.equal(s.running, 2);
    assert.equal(s.waiting, 0);
    // TPOT buckets 0.025: 10, 0.05: 30, 0.075: 38, 0.1: 40; p50 rank 20 in (0.025, 0.05]: 0.025 + 0.025 * 10 / 20 = 0.0375
    near(s.itl.p50, 0.0375, 'itl p50');
  });

  it('computes TTFT the same way', () => {
    // 0.1: 4, 0.25: 12, 0.5: 18, 0.75: 19, 1.0: 20 (= +Inf)
    assert.equal(s.ttft.count, 20);
    // p50: rank 10 in (0.1, 0.25]: 0.1 + 0.15 * 6 / 8 = 0.2125
    near(s.ttft.p50, 0.2125, 'p50');
    // p95: rank 19; first bucket with count >= 19 is 0.75: 0.5 + 0.25 * 1 / 1 = 0.75
    near(s.ttft.p95, 0.75, 'p95');
    // p99: rank 19.8 in (0.75, 1.0]: 0.75 + 0.25 * 0.8 / 1 = 0.95
    near(s.ttft.p99, 0.95, 'p99');
  });
});

describe('summarize: other pages', () => {
  it('no traffic yet: counts are 0, no percentiles, gauges 0, no hit rate', () => {
    const s = summarize(page('vllm-no-traffic.txt'));
    assert.equal(s.engineMetrics, true);
    assert.deepEqual(s.ttft, { count: 0, sum: 0 });
    assert.deepEqual(s.itl, { count: 0, sum: 0 });
    assert.equal(s.running, 0);
    assert.equal(s.waiting, 0);
    assert.equal(s.kvCacheUsage, 0);
    assert.equal(s.prefixCacheHitRate, undefined, '0 queries: no rate, not NaN');
  });

  it('vLLM 0.9-0.11 exposes both KV names: the newer one is read', () => {
    // Real pages carry the same value under both names; they differ here so the test can tell which was read.
    const s = summarizeText(
      [
        'vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.9',
        'vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.3',
        'vllm:gpu_prefix_cache_queries_total{engine="0",model_name="m"} 100.0',
        'vllm:gpu_prefix_cache_hits_total{engine="0",model_name="m"} 90.0',
        'vllm:prefix_cache_queries_total{engine="0",model_name="m"} 100.0',
        'vllm:prefix_cache_hits_total{engine="0",model_name="m"} 10.0',
      ].join('\n'),
    );
    assert.equal(s.kvCacheUsage, 0.3);
    assert.equal(s.used.kvCacheUsage, 'vllm:kv_cache_usage_perc');
    assert.equal(s.prefixCacheHitRate, 0.1, 'hits read under the same (newer) name as the queries');
  });

  it('--disable-log-stats (no vllm: series) says so instead of showing zeros', () => {
    const s = summarizeText(
      [
        '# HELP http_requests_total Total number of requests by method, status and handler.',
        '# TYPE http_requests_total counter',
        'http_requests_total{handler="/v1/chat/completions",method="POST",status="2xx"} 12.0',
        'process_open_fds 143.0',
      ].join('\n'),
    );
    assert.equal(s.engineMetrics, false);
    assert.deepEqual(s.ttft, { count: 0 });
    assert.equal(s.running, undefined);
    assert.equal(s.kvCacheUsage, undefined);
    assert.deepEqual(s.models, {});
  });

  it('a page that is not metrics at all (an HTML error page) gives an empty summary, no throw', () => {
    const s = summarizeText('<!DOCTYPE html>\n<html>\n<title>502 Bad Gateway</title>\n</html>\n');
    assert.equal(s.engineMetrics, false);
    assert.equal(s.skippedLines, 4);
  });

  it('several models: the top level aggregates, models[] splits by model_name', () => {
    const s = summarizeText(
      [
        'vllm:num_requests_running{engine="0",model_name="a"} 2',
        'vllm:num_requests_running{engine="0",model_name="b"} 7',
        'vllm:kv_cache_usage_perc{engine="0",model_name="a"} 0.5',
        'vllm:kv_cache_usage_perc{engine="0",model_name="b"} 0.25',
        'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="a"} 4',
        'vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="a"} 4',
        'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="b"} 0',
        'vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="b"} 4',
      ].join('\n'),
    );
    assert.equal(s.running, 9);
    assert.equal(s.kvCacheUsage, 0.5);
    // all: 0.1: 4, +Inf: 8; p50 rank 4 in (0, 0.1]: 0.1 * 4 / 4 = 0.1
    near(s.ttft.p50, 0.1, 'all p50');
    // a: rank 2 in (0, 0.1]: 0.1 * 2 / 4 = 0.05
    near(s.models['a']!.ttft.p50, 0.05, 'a p50');
    // b: every observation above 0.1: the +Inf bucket → 0.1
    assert.equal(s.models['b']!.ttft.p50, 0.1);
    assert.equal(s.models['a']!.running, 2);
    assert.equal(s.models['b']!.kvCacheUsage, 0.25);
  });
});

describe('summarizeInterval: between two scrapes', () => {
  const before = page('vllm-current.txt');
  const after = page('vllm-current-5s-later.txt');

  it('computes percentiles over what happened in between', () => {
    const s = summarizeInterval(before, after);
    assert.equal(s.window, 'interval');
    assert.equal(s.reset, false);
    // Engine 0 got 10 requests (4 in (0.1, 0.25], 6 in (0.25, 0.5]); engine 1 none. Delta buckets:
    // <= 0.1: 0, 0.25: 4, 0.5 and above: 10.
    assert.equal(s.ttft.count, 10);
    near(s.ttft.sum, 17.1 - 14.2, 'sum');
    // p50: rank 5 in (0.25, 0.5]: 0.25 + 0.25 * 1 / 6 = 7/24
    near(s.ttft.p50, 7 / 24, 'p50');
    // p95: rank 9.5: 0.25 + 0.25 * 5.5 / 6 = 23/48
    near(s.ttft.p95, 23 / 48, 'p95');
    // p99: rank 9.9: 0.25 + 0.25 * 5.9 / 6 = 119/240
    near(s.ttft.p99, 119 / 240, 'p99');
    // ITL, engine 0 only: 0.025: 450-400=50, 0.05: 990-900=90, 0.075 and above: 100
    assert.equal(s.itl.count, 100);
    // p50: rank 50, first bucket with >= 50 is (0.01, 0.025]: 0.01 + 0.015 * 50 / 50 = 0.025
    near(s.itl.p50, 0.025, 'itl p50');
    // p95: rank 95 in (0.05, 0.075]: 0.05 + 0.025 * 5 / 10 = 0.0625
    near(s.itl.p95, 0.0625, 'itl p95');
    // p99: 0.05 + 0.025 * 9 / 10 = 0.0725
    near(s.itl.p99, 0.0725, 'itl p99');
    // Prefix cache in the interval: hits 600 / queries 1000
    assert.equal(s.prefixCacheHitRate, 0.6);
  });

  it('takes the gauges from the newer scrape', () => {
    const s = summarizeInterval(before, after);
    assert.equal(s.running, 1 + 0);
    assert.equal(s.waiting, 0);
    assert.equal(s.kvCacheUsage, 0.125);
  });

  it('no requests in between: count 0 and no percentiles', () => {
    const s = summarizeInterval(before, before);
    assert.deepEqual(s.ttft, { count: 0, sum: 0 });
    assert.equal(s.prefixCacheHitRate, undefined);
    assert.equal(s.reset, false);
  });

  it('a restart between the scrapes falls back to the values since the restart', () => {
    const previous = [
      'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="m"} 40',
      'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.25",model_name="m"} 80',
      'vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 100',
      'vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 100',
      'vllm:prefix_cache_queries_total{engine="0",model_name="m"} 5000',
      'vllm:prefix_cache_hits_total{engine="0",model_name="m"} 4000',
    ].join('\n');
    const current = [
      'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="m"} 1',
      'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.25",model_name="m"} 3',
      'vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 3',
      'vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 3',
      'vllm:prefix_cache_queries_total{engine="0",model_name="m"} 200',
      'vllm:prefix_cache_hits_total{engine="0",model_name="m"} 50',
    ].join('\n');
    const s = summarizeText(current, previous);
    assert.equal(s.reset, true);
    assert.equal(s.ttft.count, 3);
    // The 3 observations since the restart: p50 rank 1.5 in (0.1, 0.25] (1 → 3): 0.1 + 0.15 * 0.5 / 2 = 0.1375
    near(s.ttft.p50, 0.1375, 'p50');
    // p99: rank 2.97: 0.1 + 0.15 * 1.97 / 2 = 0.24775
    near(s.ttft.p99, 0.24775, 'p99');
    // 50 / 200 since the restart
    assert.equal(s.prefixCacheHitRate, 0.25);
  });
});

describe('subtractHistogram', () => {
  const series = (buckets: Bucket[], count?: number): HistogramSeries => ({ labels: { engine: '0' }, buckets, ...(count === undefined ? {} : { count }) });

  it('subtracts bucket by bucket', () => {
    const d = subtractHistogram(series([b(0.1, 4), b(Infinity, 10)], 10), series([b(0.1, 6), b(Infinity, 15)], 15));
    assert.equal(d.reset, false);
    assert.deepEqual(d.series.buckets, [b(0.1, 2), b(Infinity, 5)]);
    assert.equal(d.series.count, 5);
  });

  it('a changed bucket layout (another vLLM version after a restart) is a reset', () => {
    const d = subtractHistogram(series([b(0.1, 4), b(Infinity, 10)]), series([b(0.1, 6), b(0.2, 9), b(Infinity, 15)]));
    assert.equal(d.reset, true);
    assert.deepEqual(d.series.buckets, [b(0.1, 6), b(0.2, 9), b(Infinity, 15)]);
  });

  it('a series the older scrape did not have is new, counted whole, not a reset', () => {
    const d = subtractHistogram(undefined, series([b(0.1, 1), b(Infinity, 2)]));
    assert.equal(d.reset, false);
    assert.deepEqual(d.series.buckets, [b(0.1, 1), b(Infinity, 2)]);
  });
});
