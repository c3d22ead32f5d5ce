import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'shm-too-small';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: --model Qwen/Qwen3-32B --tensor-parallel-size 2
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 2
                capabilities: [gpu]
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at the tensor-parallel flag of a vLLM service with Docker's shared memory (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 3, character: 36 }, end: { line: 3, character: 58 } });
      assert.equal(rangeText(text, f!), '--tensor-parallel-size');
      assert.equal(
        f!.message,
        'vLLM splits the model over 2 GPUs (--tensor-parallel-size 2) in service "vllm", which keeps Docker\'s 64 MiB of shared memory: ' +
          'NCCL passes data between the GPUs through /dev/shm when they cannot reach each other directly, and fails or hangs when it is full. ' +
          "vLLM's Docker docs ask for `ipc: host` or a larger `shm_size`. Add one of them.",
      );
    });

    it(`the fix adds ipc: host to the service (${name})`, () => {
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const [f] = findingsOf(RULE, text);
      assert.deepEqual(f!.fixes.map((x) => [x.title, x.preferred]), [['Add ipc: host', true]]);
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.endsWith(`capabilities: [gpu]${eol}    ipc: host${eol}`), fixed);
    });
  }

  it('TGI: NUM_SHARD counts, shm_size 1g is the preferred fix, and a smaller shm_size is raised', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            - NUM_SHARD=4
            - MODEL_ID=Qwen/Qwen3-32B
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'NUM_SHARD');
    assert.match(f!.message, /TGI's docs run it with `--shm-size 1g`\. Add one of them\.$/);
    assert.deepEqual(f!.fixes.map((x) => x.title), ['Add shm_size: 1g', 'Add ipc: host']);
    assert.ok(assertFixResolves(RULE, text).endsWith('      - MODEL_ID=Qwen/Qwen3-32B\n    shm_size: 1g\n'));

    const small = text.replace('    environment:', '    shm_size: 256m\n    environment:');
    const [g] = findingsOf(RULE, small);
    assert.equal(rangeText(small, g!), '256m');
    assert.match(g!.message, /with 256 MiB of shared memory: TGI's docs run it with `--shm-size 1g`\. Raise it\.$/);
    assert.ok(applyFix(small, g!.fixes[0]!).includes('shm_size: 1g'));
    assert.deepEqual(findingsOf(RULE, small.replace('256m', '2gb')), []);
  });

  it('SGLang --tp-size in a launch_server command', () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:v0.5.2
          command: python3 -m sglang.launch_server --model-path Qwen/Qwen3-32B --tp-size 4
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '--tp-size');
    assert.match(f!.message, /^SGLang splits the model over 4 GPUs \(--tp-size 4\)/);
  });

  it('stays quiet when shared memory is provided, turned off, not needed, or unknown', () => {
    const withTp = (extra: string, tp = '2') =>
      `services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: --model m -tp ${tp}\n${extra}`;
    for (const extra of [
      '    ipc: host\n',
      '    ipc: service:other\n',
      '    shm_size: 16gb\n',
      '    volumes:\n      - /dev/shm:/dev/shm\n',
      '    tmpfs:\n      - /dev/shm:size=8g\n',
      '    environment:\n      - NCCL_SHM_DISABLE=1\n',
    ]) {
      assert.deepEqual(findingsOf(RULE, withTp(extra)), [], extra);
    }
    assert.deepEqual(findingsOf(RULE, withTp('', '1')), []);
    assert.deepEqual(findingsOf(RULE, withTp('', '${TP}')), []);
    // An engine whose docs say nothing about it, and a service that is not a model server.
    const other = yaml`
      services:
        ollama:
          image: ollama/ollama:0.12.0
        init:
          image: vllm/vllm-openai:v0.11.0
          entrypoint: ["/bin/sh", "-c", "python3 download.py --tensor-parallel-size 2"]
    `;
    assert.deepEqual(findingsOf(RULE, other), []);
  });

  it('reports ipc: private, without offering ipc: host over it', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: --model m --tensor-parallel-size 2
          ipc: private
    `;
    const [f] = findingsOf(RULE, text);
    assert.deepEqual(f!.fixes, []);
  });
});
