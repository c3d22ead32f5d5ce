// Small statistics and timing helpers shared by the benchmark modules.
import { performance } from 'node:perf_hooks';

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile; undefined for no samples. */
export function percentile(values, p) {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Runs `fn` `warmup` times untimed (JIT, caches), then `runs` times; returns the samples in ms. */
export function timeRuns(fn, { runs, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Milliseconds for people: "0.84 ms", "43 ms", "8.3 s". */
export function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
