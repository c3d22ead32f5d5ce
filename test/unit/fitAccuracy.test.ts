/**
 * The memory estimate against published vLLM start-up logs (test/unit/fixtures/fit, each with its URL): weights per
 * GPU, KV cache tokens, and every logged refusal. The bounds asserted are the ones the estimate achieves today
 * (docs/fit-accuracy.md has the table); a change that makes any case worse fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GIB, targetFromName } from '../../server/src/engines/fit/gpuFacts';
import { modelFacts } from '../../server/src/engines/fit/modelFacts';
import { BLOCK_SIZE, estimateVllm, kvBytesPerToken, type VllmFit } from '../../server/src/engines/fit/vllmMemory';
import { REPO_ROOT } from '../corpus/invariants';

interface LogFixture {
  source: string;
  model: string;
  gpu: string;
  tensorParallel: number;
  pipelineParallel: number;
  gpuMemoryUtilization: number;
  maxModelLen?: number;
  maxNumBatchedTokens?: number;
  kvCacheDtype?: string;
  logged: { weightsGiB?: number; kvCacheGiB?: number; kvTokens?: number; maxConcurrency?: number; refused?: boolean };
}

const DIR = join(REPO_ROOT, 'test', 'unit', 'fixtures', 'fit');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, log: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as LogFixture }));

/** The targets: 5% on weights, 15% on KV tokens. */
const WEIGHTS_BOUND = 0.05;
const KV_BOUND = 0.15;
/** Cases whose full KV estimate misses the target, with the error they have today (see docs/fit-accuracy.md). */
const KNOWN_KV_MISSES: Readonly<Record<string, number>> = { 'vllm-21348-qwen3-235b-fp8-h100-tp4.json': 0.70 };

function estimateFor(log: LogFixture): VllmFit {
  const model = modelFacts(log.model);
  const gpu = targetFromName(log.gpu);
  assert.ok(model, `${log.model} is in the model table`);
  assert.ok(gpu, `${log.gpu} is in the GPU table`);
  return estimateVllm({
    model,
    gpuMemoryBytes: gpu.memoryBytes,
    gpuName: gpu.name,
    tensorParallel: log.tensorParallel,
    pipelineParallel: log.pipelineParallel,
    gpuMemoryUtilization: log.gpuMemoryUtilization,
    ...(log.maxModelLen !== undefined ? { maxModelLen: log.maxModelLen } : {}),
    ...(log.maxNumBatchedTokens !== undefined ? { maxNumBatchedTokens: log.maxNumBatchedTokens } : {}),
    ...(log.kvCacheDtype !== undefined ? { kvCacheDtype: log.kvCacheDtype } : {}),
  });
}

const relative = (estimated: number, logged: number) => (estimated - logged) / logged;

describe('the memory estimate against published vLLM start-up logs', () => {
  it('has fixtures, each naming its source', () => {
    assert.ok(FIXTURES.length >= 6, `${FIXTURES.length} fixtures`);
    for (const { file, log } of FIXTURES) assert.match(log.source, /^https:\/\/github\.com\//, file);
  });

  for (const { file, log } of FIXTURES) {
    describe(file, () => {
      const fit = estimateFor(log);

      if (log.logged.weightsGiB !== undefined) {
        it(`weights per GPU within ${WEIGHTS_BOUND * 100}%`, () => {
          const err = relative(fit.weightsBytesPerGpu! / GIB, log.logged.weightsGiB!);
          assert.ok(Math.abs(err) <= WEIGHTS_BOUND, `${(err * 100).toFixed(1)}%`);
        });
      }

      const kvTarget = log.logged.kvTokens !== undefined ? { est: fit.kvTokens!, logged: log.logged.kvTokens } : log.logged.kvCacheGiB !== undefined ? { est: fit.kvCacheBytes! / GIB, logged: log.logged.kvCacheGiB } : undefined;
      if (kvTarget) {
        const bound = KNOWN_KV_MISSES[file] ?? KV_BOUND;
        it(`KV cache ${log.logged.kvTokens !== undefined ? 'tokens' : 'memory'} within ${Math.round(bound * 100)}%${KNOWN_KV_MISSES[file] ? ' (misses the 15% target)' : ''}`, () => {
          const err = relative(kvTarget.est, kvTarget.logged);
          assert.ok(Math.abs(err) <= bound, `${(err * 100).toFixed(1)}%`);
          if (KNOWN_KV_MISSES[file]) assert.ok(Math.abs(err) > KV_BOUND, 'now within the target: drop it from KNOWN_KV_MISSES');
        });
      }

      if (log.logged.kvTokens !== undefined && log.logged.kvCacheGiB !== undefined) {
        it('turns the logged KV memory into the logged token count within 2% (bytes per token)', () => {
          const model = modelFacts(log.model)!;
          const perToken = kvBytesPerToken(model, log.tensorParallel, log.pipelineParallel, log.kvCacheDtype?.startsWith('fp8') ? 1 : 2);
          const tokens = Math.floor((log.logged.kvCacheGiB! * GIB) / (perToken * BLOCK_SIZE)) * BLOCK_SIZE;
          // The logged GiB has two decimals: ±0.005 GiB is the rounding.
          const err = relative(tokens, log.logged.kvTokens!);
          assert.ok(Math.abs(err) <= 0.02, `${(err * 100).toFixed(2)}%`);
        });
      }

      if (log.logged.refused !== undefined) {
        it(log.logged.refused ? 'predicts the logged refusal' : 'predicts the start', () => {
          assert.equal(fit.refusal !== null, log.logged.refused);
        });
      }
    });
  }
});
