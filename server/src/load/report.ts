/** A load test's result as text: vLLM bench serve's block, and two runs side by side. */
import type { LoadSummary } from './loadTest';
import type { Stats } from './stats';

const ms = (v: number) => v.toFixed(2);

function statRows(name: string, s: Stats): string[] {
  return [`Mean ${name} (ms):`.padEnd(40) + ms(s.mean), `Median ${name} (ms):`.padEnd(40) + ms(s.p50), `P95 ${name} (ms):`.padEnd(40) + ms(s.p95), `P99 ${name} (ms):`.padEnd(40) + ms(s.p99)];
}

/** vLLM bench serve's result block, in its words. */
export function formatSummary(s: LoadSummary): string {
  return [
    '============ Serving Benchmark Result ============',
    'Successful requests:'.padEnd(40) + s.requests,
    'Failed requests:'.padEnd(40) + s.errors,
    'Benchmark duration (s):'.padEnd(40) + s.duration_s.toFixed(2),
    'Request throughput (req/s):'.padEnd(40) + s.request_rate.toFixed(2),
    'Output token throughput (tok/s):'.padEnd(40) + s.output_tokens_per_s.toFixed(2),
    '---------------Time to First Token----------------',
    ...statRows('TTFT', s.ttft_ms),
    '-----Time per Output Token (excl. 1st token)------',
    ...statRows('TPOT', s.tpot_ms),
    '---------------Inter-token Latency----------------',
    ...statRows('ITL', s.itl_ms),
    '----------------End-to-end Latency----------------',
    ...statRows('E2EL', s.e2e_ms),
    ...(s.error_samples.length ? ['-------------------Errors-------------------------', ...s.error_samples] : []),
    '==================================================',
    '',
  ].join('\n');
}

/** Two saved runs side by side, with the change from the first to the second. */
export function formatComparison(a: LoadSummary, b: LoadSummary, names: [string, string]): string {
  const rows: [string, number, number][] = [
    ['requests', a.requests, b.requests],
    ['errors', a.errors, b.errors],
    ['request rate (req/s)', a.request_rate, b.request_rate],
    ['output tokens/s', a.output_tokens_per_s, b.output_tokens_per_s],
    ...(['ttft_ms', 'tpot_ms', 'itl_ms', 'e2e_ms'] as const).flatMap((k) => (['p50', 'p95', 'p99'] as const).map((q): [string, number, number] => [`${k.replace('_ms', '').toUpperCase()} ${q} (ms)`, a[k][q], b[k][q]])),
  ];
  const change = (x: number, y: number) => (x === 0 ? (y === 0 ? '0%' : '–') : `${y >= x ? '+' : ''}${(((y - x) / x) * 100).toFixed(1)}%`);
  const width = Math.max(12, ...names.map((n) => n.length));
  return [
    `${''.padEnd(24)}${names[0].padStart(width)}  ${names[1].padStart(width)}  change`,
    ...rows.map(([label, x, y]) => `${label.padEnd(24)}${ms(x).padStart(width)}  ${ms(y).padStart(width)}  ${change(x, y)}`),
    '',
  ].join('\n');
}

