/**
 * The cold-start estimate (engines/coldStart.ts) against published start-up times (engines/facts/cold-start-times.json).
 * Each calibrated entry's model, named as a Compose file would name it, goes through the estimate with its engine;
 * the estimate must stay between 0.5× and 3× of the published time. The lower bound is the one that matters: the
 * recommended start_period is twice the estimate, so at 0.5× or more it still covers every published start. The
 * summary documented in docs/rules/healthcheck-start-period-short.md is checked here too, so it cannot go stale.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import table from '../../server/src/engines/facts/cold-start-times.json';
import { coldStartProfile, estimateColdStart, parseParameterCount, recommendedStartPeriod, weightsOf } from '../../server/src/engines/coldStart';
import type { EngineId } from '../../server/src/engines/engines';

interface Entry {
  id: string;
  engine: EngineId;
  model: string;
  asNamed?: string;
  paramsB: number | null;
  format: string;
  moe: boolean;
  measured: string;
  seconds: number;
  weightsCached: boolean;
  calibrated: boolean;
  excludedBecause?: string;
  estimateWith?: EngineId;
  source: { url: string; quote: string };
}

const entries = (table as unknown as { entries: Entry[] }).entries;
const calibrated = entries.filter((e) => e.calibrated);

/** The bounds the estimate keeps on every calibrated entry. */
const LOWER = 0.5;
const UPPER = 3;
/** What docs/rules/healthcheck-start-period-short.md states (estimate ÷ published, two decimals). */
const DOCUMENTED = { entries: 23, min: 0.62, median: 1.59, max: 2.91 };

function ratioOf(e: Entry): number {
  const engine = e.estimateWith ?? e.engine;
  const estimate = estimateColdStart({}, undefined, e.asNamed!, engine);
  assert.equal(estimate.source, 'model-size', `${e.id}: the estimate reads a size from "${e.asNamed}"`);
  return estimate.seconds / e.seconds;
}

describe('cold-start calibration', () => {
  it('has at least ten published times, each with its source quoted, across the engines the estimate profiles', () => {
    assert.ok(calibrated.length >= 10, `${calibrated.length} calibrated entries`);
    for (const e of entries) {
      assert.match(e.source.url, /^https:\/\//, e.id);
      assert.ok(e.source.quote.length > 10, `${e.id} quotes its source`);
      assert.ok(e.seconds > 0, e.id);
      assert.ok(e.measured.length > 0, e.id);
      if (!e.calibrated) assert.ok(e.excludedBecause, `${e.id} says why it is not calibrated`);
    }
    assert.equal(new Set(entries.map((e) => e.id)).size, entries.length, 'ids are unique');
    const engines = new Set(calibrated.map((e) => e.engine));
    for (const engine of ['vllm', 'sglang', 'tgi', 'llamacpp', 'ollama'] as const) assert.ok(engines.has(engine), engine);
    const formats = new Set(calibrated.map((e) => e.format));
    for (const format of ['bf16', 'fp8', 'int4', 'gguf']) assert.ok(formats.has(format), format);
  });

  it('reads each calibrated model name the way the table records it: size, weight format, mixture of experts', () => {
    for (const e of calibrated) {
      assert.ok(e.asNamed, `${e.id} has a name to estimate from`);
      assert.equal(parseParameterCount(e.asNamed), e.paramsB, `${e.id}: size of "${e.asNamed}"`);
      const weights = weightsOf(e.asNamed, e.estimateWith ?? e.engine);
      assert.equal(weights.format, e.format, `${e.id}: format of "${e.asNamed}"`);
      assert.equal(weights.moe, e.moe, `${e.id}: mixture of experts`);
      assert.ok(coldStartProfile(e.estimateWith ?? e.engine), `${e.id}: the engine has a profile`);
    }
  });

  it(`keeps every calibrated estimate between ${LOWER}× and ${UPPER}× of the published time`, () => {
    for (const e of calibrated) {
      const ratio = ratioOf(e);
      assert.ok(ratio >= LOWER, `${e.id}: estimate ${ratio.toFixed(2)}× of ${e.seconds} s is too low: the recommended start_period would not cover it`);
      assert.ok(ratio <= UPPER, `${e.id}: estimate ${ratio.toFixed(2)}× of ${e.seconds} s is too high`);
      const startPeriod = recommendedStartPeriod(estimateColdStart({}, undefined, e.asNamed!, e.estimateWith ?? e.engine));
      assert.ok(startPeriod >= e.seconds, `${e.id}: a start_period of ${startPeriod} s covers the published ${e.seconds} s`);
    }
  });

  it('matches the error summary the rule documentation gives', () => {
    const ratios = calibrated.map(ratioOf).sort((a, b) => a - b);
    const mid = ratios.length / 2;
    const median = ratios.length % 2 ? ratios[Math.floor(mid)]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
    const round = (n: number) => Math.round(n * 100) / 100;
    assert.deepEqual(
      { entries: ratios.length, min: round(ratios[0]!), median: round(median), max: round(ratios[ratios.length - 1]!) },
      DOCUMENTED,
    );
  });

  it('gives small GGUF models on llama.cpp a few seconds, inside the 90 s grace of the image HEALTHCHECK', () => {
    const small = estimateColdStart({}, undefined, 'bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M', 'llamacpp');
    assert.ok(small.seconds <= 5, `${small.seconds} s`);
    assert.match(small.reason, /GGUF Q4_K_M weights on llama\.cpp/);
    // 3 retries × 30 s with no start period: twice the estimate must fit in 90 s.
    assert.ok(recommendedStartPeriod(estimateColdStart({}, undefined, 'llama-2-13b.Q4_K_M.gguf', 'llamacpp')) <= 90);
    assert.ok(recommendedStartPeriod(estimateColdStart({}, undefined, 'Meta-Llama-3.1-70B-Instruct-Q8_0.gguf', 'llamacpp')) > 90);
  });

  it('profiles engines apart: quantized weights load faster, a quantized MoE warms up longer, Ollama does not wait for models', () => {
    const s = (model: string, engine?: EngineId) => estimateColdStart({}, undefined, model, engine).seconds;
    assert.equal(s('meta-llama/Llama-3.1-8B-Instruct', 'vllm'), 76, '60 + 16 GB');
    assert.equal(s('meta-llama/Llama-3.1-8B-Instruct'), 76, 'no engine: 60 + 2 s per billion');
    assert.equal(s('RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8', 'vllm'), 137, '60 + 77 GB');
    assert.equal(s('hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4', 'vllm'), 106, '60 + 45.5 GB');
    assert.equal(s('Qwen/Qwen3-30B-A3B-FP8', 'sglang'), 183, '60 + 33 GB + 90');
    assert.equal(s('mistralai/Mixtral-8x7B-Instruct-v0.1', 'vllm'), 172, 'a 16-bit MoE: no warm-up term');
    assert.equal(s('meta-llama/Llama-3.1-70B-Instruct', 'tgi'), 160, '20 + 140 GB');
    assert.equal(estimateColdStart({}, 'ollama', undefined, 'ollama').seconds, 5);
    assert.equal(estimateColdStart({}, 'llama', '/models/model.gguf', 'llamacpp').seconds, 20, 'llama.cpp, no size named');
    assert.equal(estimateColdStart({ measuredColdStarts: { ollama: 42 } }, 'ollama', undefined, 'ollama').seconds, 42, 'a measured start still wins');
  });
});
