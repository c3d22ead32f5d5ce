/**
 * The memory estimate against published vLLM start-up logs (test/unit/fixtures/fit, each with its URL): weights per
 * GPU, KV cache tokens, and every logged refusal. Each log names the vLLM release that printed it (`release`): the
 * estimate applies that release's accounting where it differs from today's (engines/fit/vllmRelease.ts). The bounds
 * asserted are the ones the estimate achieves today (docs/fit-accuracy.md has the table); a change that makes any
 * case worse fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GIB, targetFromName } from '../../server/src/engines/fit/gpuFacts';
import { modelFacts } from '../../server/src/engines/fit/modelFacts';
import { BLOCK_SIZE, estimateVllm, type StageFit, type VllmFit } from '../../server/src/engines/fit/vllmMemory';
import type { VllmEngineRelease } from '../../server/src/engines/fit/vllmRelease';
import { REPO_ROOT } from '../corpus/invariants';

/** A fixture: the settings a log was started with and what it printed. Null and absent both mean "not in the log". */
interface LogFixture {
  source: string;
  release: VllmEngineRelease;
  model: string;
  gpu: string;
  tensorParallel: number;
  pipelineParallel: number;
  gpuMemoryUtilization: number;
  maxModelLen?: number | null;
  maxNumBatchedTokens?: number | null;
  kvCacheDtype?: string | null;
  dtype?: string | null;
  quantization?: string | null;
  /** With pipeline parallelism: the stage whose ranks printed the weights and KV memory lines. */
  loggedStage?: number;
  logged: { weightsGiB?: number | null; kvCacheGiB?: number | null; kvTokens?: number | null; maxConcurrency?: number | null; refused?: boolean | null };
}

const DIR = join(REPO_ROOT, 'test', 'unit', 'fixtures', 'fit');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, log: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as LogFixture }));

/** The targets: 5% on weights, 15% on KV tokens. */
const WEIGHTS_BOUND = 0.05;
const KV_BOUND = 0.15;
/** Cases whose KV estimate misses the target, with the error they have today and why (docs/fit-accuracy.md). */
const KNOWN_KV_MISSES: Readonly<Record<string, number>> = {
  // FP8 MoE with an LMCache connector on vLLM 0.9/0.10: 5.3 GiB a GPU more overhead than the estimate's; unexplained.
  'vllm-21348-qwen3-235b-fp8-h100-tp4.json': 0.7,
  // vLLM 0.2 with TP 4: the PR's own before/after block counts put 13.1 GiB a GPU of non-torch memory in the profile.
  'vllm-2031-llama2-70b-a100-80gb-tp4.json': 0.45,
  // The PR does not show --gpu-memory-utilization; 0.9 is assumed, and 4.5 GiB of the logged overhead stay unexplained.
  'vllm-17122-llama31-8b-l40s-tp1.json': 0.26,
  // Two PCIe T4s, 65,536 profiled tokens: KV is a 2 GiB remainder, and the 2.5 GiB multi-GPU allowance (NVLink H100s) is 1 GiB too large.
  'vllm-5248-deepseek-coder-6.7b-t4-tp2.json': 0.6,
};

/** Logged failures the estimate does not predict, and why (docs/fit-accuracy.md). */
const KNOWN_REFUSAL_MISSES: Readonly<Record<string, string>> = {
  'vllm-13074-deepseek-r1-h20-3e-tp8-pp2.json':
    'CUDA out of memory after the KV cache was sized, at --gpu-memory-utilization 1.00: V0 captured CUDA graphs outside the profiled budget; the start-up accounting itself passes',
};

/** `{ key: value }` when the fixture gives the value, else nothing (the estimate's default). */
function given<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

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
    release: log.release,
    ...given('maxModelLen', log.maxModelLen),
    ...given('maxNumBatchedTokens', log.maxNumBatchedTokens),
    ...given('kvCacheDtype', log.kvCacheDtype),
    ...given('dtype', log.dtype),
    ...given('quantization', log.quantization),
  });
}

/** The numbers the log printed are its stage's (`loggedStage`), else the binding stage's (every stage's, without PP). */
function loggedStageOf(fit: VllmFit, log: LogFixture): Pick<StageFit, 'weightsBytes' | 'kvCacheBytes'> {
  return log.loggedStage === undefined ? { weightsBytes: fit.weightsBytesPerGpu, kvCacheBytes: fit.kvCacheBytes } : fit.stages[log.loggedStage]!;
}

const relative = (estimated: number, logged: number) => (estimated - logged) / logged;
const present = (value: number | null | undefined): value is number => value !== null && value !== undefined;

describe('the memory estimate against published vLLM start-up logs', () => {
  it('has at least 15 fixtures, each naming its source and the vLLM release that printed it', () => {
    assert.ok(FIXTURES.length >= 15, `${FIXTURES.length} fixtures`);
    for (const { file, log } of FIXTURES) {
      assert.match(log.source, /^https:\/\/github\.com\//, file);
      assert.match(log.release.engine, /^v[01]$/, file);
      assert.match(log.release.version, /^\d+\.\d+/, file);
    }
  });

  for (const { file, log } of FIXTURES) {
    describe(file, () => {
      const fit = estimateFor(log);
      const stage = loggedStageOf(fit, log);
      const { logged } = log;

      if (present(logged.weightsGiB)) {
        it(`weights per GPU within ${WEIGHTS_BOUND * 100}%`, () => {
          const err = relative(stage.weightsBytes! / GIB, logged.weightsGiB!);
          assert.ok(Math.abs(err) <= WEIGHTS_BOUND, `${(err * 100).toFixed(1)}%`);
        });
      }

      const kvTarget = present(logged.kvTokens) ? { est: fit.kvTokens!, logged: logged.kvTokens } : present(logged.kvCacheGiB) ? { est: stage.kvCacheBytes! / GIB, logged: logged.kvCacheGiB } : undefined;
      if (kvTarget) {
        const bound = KNOWN_KV_MISSES[file] ?? KV_BOUND;
        it(`KV cache ${present(logged.kvTokens) ? 'tokens' : 'memory'} within ${Math.round(bound * 100)}%${KNOWN_KV_MISSES[file] ? ' (misses the 15% target)' : ''}`, () => {
          const err = relative(kvTarget.est, kvTarget.logged);
          assert.ok(Math.abs(err) <= bound, `${(err * 100).toFixed(1)}%`);
          if (KNOWN_KV_MISSES[file]) assert.ok(Math.abs(err) > KV_BOUND, 'now within the target: drop it from KNOWN_KV_MISSES');
        });
      }

      if (present(logged.kvTokens) && present(logged.kvCacheGiB)) {
        it('turns the logged KV memory into the logged token count within 2% (bytes per token)', () => {
          const tokens = Math.floor((logged.kvCacheGiB! * GIB) / (fit.kvBytesPerToken! * BLOCK_SIZE)) * BLOCK_SIZE;
          // The logged GiB has two decimals: ±0.005 GiB is the rounding.
          const err = relative(tokens, logged.kvTokens!);
          assert.ok(Math.abs(err) <= 0.02, `${(err * 100).toFixed(2)}%`);
        });
      }

      if (logged.refused !== null && logged.refused !== undefined) {
        const miss = KNOWN_REFUSAL_MISSES[file];
        it(logged.refused ? `predicts the logged refusal${miss ? ' (not modelled: the estimate lets it start)' : ''}` : 'predicts the start', () => {
          assert.equal(fit.refusal !== null, miss ? !logged.refused : logged.refused, miss);
        });
      }
    });
  }
});
