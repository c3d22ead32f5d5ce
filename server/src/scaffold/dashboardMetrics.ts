// The metric names the production stack's Grafana dashboard queries. Never guessed: each is in a fact file or the
// exporter's source, and test/unit/productionStack.test.ts checks the vLLM ones against the facts.
//  - vLLM: server/src/engines/facts/vllm-metrics.json (vllm-project/vllm 52a31cc, vllm/v1/metrics/loggers.py).
//    Counters are exposed with `_total`, histograms as `_bucket`; vllm:inter_token_latency_seconds replaced
//    vllm:time_per_output_token_seconds (deprecated 0.11, removed 0.15) and vllm:kv_cache_usage_perc replaced
//    vllm:gpu_cache_usage_perc (removed 2025-11): both new names exist in the pinned v0.21.0.
//  - DCGM: NVIDIA/dcgm-exporter etc/default-counters.csv (b54068a), collected by default: GPU utilisation in %,
//    framebuffer memory used and free in MiB, labelled `gpu` (the index) and `UUID`.

export const VLLM_DASHBOARD_METRICS = {
  timeToFirstTokenBucket: 'vllm:time_to_first_token_seconds_bucket',
  interTokenLatencyBucket: 'vllm:inter_token_latency_seconds_bucket',
  generationTokensTotal: 'vllm:generation_tokens_total',
  promptTokensTotal: 'vllm:prompt_tokens_total',
  requestsRunning: 'vllm:num_requests_running',
  requestsWaiting: 'vllm:num_requests_waiting',
  kvCacheUsage: 'vllm:kv_cache_usage_perc',
} as const;

export const DCGM_DASHBOARD_METRICS = {
  gpuUtilisation: 'DCGM_FI_DEV_GPU_UTIL',
  memoryUsed: 'DCGM_FI_DEV_FB_USED',
  memoryFree: 'DCGM_FI_DEV_FB_FREE',
} as const;
