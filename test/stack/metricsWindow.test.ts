// The window behind "metrics about now": which older scrape a summary is measured from, and the rates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsWindow } from '../../client/src/stack/probe/metricsWindow';

/** A page whose TTFT histogram has seen `requests` requests and whose generation counter is at `tokens`. */
function page(requests: number, tokens: number): string {
  return [
    `vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} ${requests}`,
    `vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="m"} ${requests}`,
    `vllm:time_to_first_token_seconds_count{model_name="m"} ${requests}`,
    `vllm:time_to_first_token_seconds_sum{model_name="m"} ${requests * 0.05}`,
    `vllm:generation_tokens_total{model_name="m"} ${tokens}`,
  ].join('\n');
}

describe('MetricsWindow', () => {
  it('the first scrape is cumulative and says so (no window, no rates)', () => {
    const first = new MetricsWindow().push(page(1200, 90_000), 0);
    assert.equal(first.windowSeconds, undefined);
    assert.equal(first.summary.ttft.count, 1200);
    assert.equal(first.requestsPerSecond, undefined);
  });

  it('measures from the newest scrape at least a minute old, else the oldest kept', () => {
    const w = new MetricsWindow(60_000);
    w.push(page(100, 1000), 0);
    w.push(page(130, 4000), 30_000);
    const at65 = w.push(page(160, 7000), 65_000);
    assert.equal(at65.windowSeconds, 65, 'the scrape at 0 s is the only one a minute old');
    assert.equal(at65.summary.ttft.count, 60);
    const at95 = w.push(page(190, 10_000), 95_000);
    assert.equal(at95.windowSeconds, 65, 'now the scrape at 30 s is the newest a minute old');
    assert.equal(at95.summary.ttft.count, 60);
    assert.ok(Math.abs(at95.requestsPerSecond! - 60 / 65) < 1e-9);
    assert.ok(Math.abs(at95.generationTokensPerSecond! - 6000 / 65) < 1e-9);
  });

  it('a restarted server (counters went down) counts from its restart', () => {
    const w = new MetricsWindow();
    w.push(page(500, 50_000), 0);
    const after = w.push(page(3, 120), 10_000);
    assert.equal(after.summary.reset, true);
    assert.equal(after.summary.ttft.count, 3);
  });
});
