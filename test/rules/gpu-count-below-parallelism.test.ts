import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-count-below-parallelism';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: --model m --tensor-parallel-size 2 --pipeline-parallel-size 2
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 2 # two cards
                capabilities: [gpu]
`;

/** A vLLM service with the given command flags and device entry lines (at the entry's indentation). */
function service(flags: string, device: string[]): string {
  return [
    'services:',
    '  vllm:',
    '    image: vllm/vllm-openai:v0.11.0',
    `    command: --model m ${flags}`,
    '    deploy:',
    '      resources:',
    '        reservations:',
    '          devices:',
    '            - driver: nvidia',
    ...device.map((l) => `              ${l}`),
    '              capabilities: [gpu]',
    '',
  ].join('\n');
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the count when tensor × pipeline needs more GPUs (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.rule, RULE);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 9, character: 21 }, end: { line: 9, character: 22 } });
      assert.equal(rangeText(text, f!), '2');
      assert.match(f!.message, /reserves 2 GPUs but --tensor-parallel-size 2 × --pipeline-parallel-size 2 needs 4/);
    });

    it(`its fix raises the count and keeps the comment (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('count: 4 # two cards'), fixed);
    });
  }

  it('reads every spelling of the flags', () => {
    for (const flags of ['-tp 4', '--tensor_parallel_size 4', '--tensor-parallel-size=4', '-tp 2 -pp 2']) {
      const [f] = findingsOf(RULE, service(flags, ['count: 1']));
      assert.ok(f, flags);
      assert.match(f.message, /needs 4/, flags);
    }
  });

  it('multiplies by vLLM data parallelism in the container; a single external-LB rank holds one replica', () => {
    const [f] = findingsOf(RULE, service('-tp 2 --data-parallel-size 2', ['count: 2']));
    assert.match(f!.message, /reserves 2 GPUs but -tp 2 × --data-parallel-size 2 needs 4/);
    assert.match(assertFixResolves(RULE, service('-tp 2 -dp 2', ['count: 2'])), /count: 4/);
    // --data-parallel-size-local wins: this node runs 1 of the 4 replicas.
    assert.deepEqual(findingsOf(RULE, service('-tp 2 --data-parallel-size 4 --data-parallel-size-local 1', ['count: 2'])), []);
    assert.match(findingsOf(RULE, service('-tp 2 --data-parallel-size 4 -dpl 2', ['count: 2']))[0]!.message, /needs 4/);
    assert.deepEqual(findingsOf(RULE, service('-tp 2 --data-parallel-size 4 --data-parallel-rank 1', ['count: 2'])), []);
    assert.deepEqual(findingsOf(RULE, service('--data-parallel-size 2', ['count: 2'])), []);
  });

  it('counts device_ids (comma lists too) and offers no fix for them', () => {
    const text = service('-tp 4', ["device_ids: ['0', '1,2']"]);
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'device_ids');
    assert.match(f!.message, /reserves 3 GPUs/);
    assert.deepEqual(f!.fixes, []);
  });

  it('stays quiet with enough GPUs, all GPUs, no count, or values only known at up', () => {
    const quiet: Array<[string, string[]]> = [
      ['-tp 2', ['count: 2']],
      ['-tp 2', ["device_ids: ['0', '1', '2']"]],
      ['-tp 8', ['count: all']],
      // compose-go e70e961 types/device.go lower-cases the count before comparing it with "all".
      ['-tp 8', ['count: ALL']],
      ['-tp 8', ['count: All']],
      ['-tp 8', ['count: -1']],
      ['-tp 8', []],
      ['-tp ${TP}', ['count: 1']],
      ['-tp 4', ['count: ${GPUS}']],
      ['-tp 4', ["device_ids: ['${GPU_IDS}']"]],
      ['-tp 4 --distributed-executor-backend ray', ['count: 1']],
      ['-tp 4 --nnodes 2', ['count: 2']],
    ];
    for (const [flags, device] of quiet) assert.deepEqual(findingsOf(RULE, service(flags, device)), [], `${flags} / ${device.join()}`);
  });

  it('resolves ${VAR} from .env, and offers no fix for an interpolated count', () => {
    const text = service('-tp ${TP:-1}', ['count: ${GPUS:-1}']);
    assert.deepEqual(findingsOf(RULE, text), []);
    const [f] = findingsOf(RULE, text, 'compose', { dotEnv: new Map([['TP', '2']]) });
    assert.equal(rangeText(text, f!), '${GPUS:-1}');
    assert.deepEqual(f!.fixes, []);
  });

  it('covers SGLang --tp-size, TGI --num-shard / NUM_SHARD and gpus: entries', () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --model-path m --tp-size 2
          gpus:
            - count: 1
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            - NUM_SHARD=4
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: 2
                    capabilities: [gpu]
        tgi-flag:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          command: --model-id m --num-shard 2
          gpus: all
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['1', '2']);
    assert.match(found[0]!.message, /--tp-size 2 needs 2/);
    assert.match(found[1]!.message, /NUM_SHARD 4 needs 4/);
  });

  it('counts every form compose-go reads: gpus: all, gpus: entries, CDI names short and long, driver: cdi', () => {
    const vllm = (name: string, lines: string[]) => [`  ${name}:`, '    image: vllm/vllm-openai:v0.11.0', '    command: --model m -tp 2', ...lines.map((l) => `    ${l}`)];
    const text = [
      'services:',
      ...vllm('gpus-all', ['gpus: all']),
      ...vllm('gpus-entry-no-count', ['gpus:', '  - driver: nvidia']),
      ...vllm('gpus-count-all', ['gpus:', '  - count: ALL']),
      ...vllm('cdi-all', ['devices:', '  - nvidia.com/gpu=all']),
      ...vllm('cdi-long-all', ['devices:', '  - source: nvidia.com/gpu=all', '    target: nvidia.com/gpu=all']),
      ...vllm('cdi-two', ['devices:', '  - nvidia.com/gpu=0', '  - nvidia.com/gpu=1']),
      ...vllm('cdi-one', ['devices:', '  - nvidia.com/gpu=0']),
      ...vllm('cdi-long-one', ['devices:', '  - source: nvidia.com/gpu=1', '    target: nvidia.com/gpu=1']),
      ...vllm('deploy-cdi-one', ['deploy:', '  resources:', '    reservations:', '      devices:', '        - driver: cdi', '          device_ids: [nvidia.com/gpu=0]', '          capabilities: [gpu]']),
      '',
    ].join('\n');
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['nvidia.com/gpu=0', 'nvidia.com/gpu=1', 'device_ids']);
    assert.equal(
      found[0]!.message,
      'Service "cdi-one" reserves 1 GPU but -tp 2 needs 2: vLLM stops at start-up when it sees fewer GPUs than its parallel size. Reserve 2 GPUs or lower the parallel size.',
    );
    assert.deepEqual(found.map((f) => f.fixes.length), [0, 0, 0], 'only a literal count is raised');
  });

  it('reports at the merge key with no fix when the count comes from an anchor', () => {
    const text = yaml`
      x-gpu: &gpu
        deploy:
          resources:
            reservations:
              devices:
                - driver: nvidia
                  count: 1
                  capabilities: [gpu]
      services:
        vllm:
          <<: *gpu
          image: vllm/vllm-openai:v0.11.0
          command: --model m -tp 2
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*gpu');
    assert.deepEqual(f!.fixes, []);
  });
});
