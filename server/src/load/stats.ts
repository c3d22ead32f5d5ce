/** Summary statistics as vLLM's `vllm bench serve` reports them (vllm/benchmarks/serve.py: np.mean, np.percentile). */

export interface Stats {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/** numpy's default percentile ("linear": the rank (n - 1) × p, interpolated between its neighbours). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Mean and p50/p95/p99 of `values` (0 for none, as numpy's nan is printed by vLLM as 0 for empty lists). */
export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
  return { mean, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}
