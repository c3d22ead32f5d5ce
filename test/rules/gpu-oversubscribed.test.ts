import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-oversubscribed';

/** A vLLM service with one device request (`entry` is its count or device_ids line) and extra lines. */
function vllm(name: string, args: string, entry: string, extra = ''): string {
  return (
    `  ${name}:\n    image: vllm/vllm-openai:v0.11.0\n    command: [${args}]\n${extra}` +
    `    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              ${entry}\n              capabilities: [gpu]\n`
  );
}
const file = (...services: string[]) => `services:\n${services.join('')}`;

const bad = yaml`
  services:
    chat:
      image: vllm/vllm-openai:v0.11.0
      command: ["--model", "Qwen/Qwen2.5-7B-Instruct"]
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1
                capabilities: [gpu]
    embed:
      image: vllm/vllm-openai:v0.11.0
      command: ["--model", "BAAI/bge-m3", "--gpu-memory-utilization", "0.3"]
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1
                capabilities: [gpu]
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`reports two count: 1 services on GPU 0 whose shares pass 1, on each of them (${name})`, () => {
      const found = findingsOf(RULE, text);
      assert.deepEqual(found.map((f) => rangeText(text, f)), ['1', '"0.3"']);
      assert.equal(found[0]!.severity, 'error');
      assert.equal(
        found[0]!.message,
        'GPU 0 runs "chat" and "embed", and their memory shares add up to 1.20 of it ("chat" 0.9, vLLM\'s default; "embed" ' +
          '--gpu-memory-utilization 0.3). Each engine takes its share of the GPU\'s total memory when it starts, so the one that starts ' +
          'last finds too little free and stops (vLLM: "Free memory on device … is less than desired GPU memory utilization"). ' +
          '`count: N` always gives GPUs 0 to N−1, whatever other containers hold. Give each service its own GPU with `device_ids`, or ' +
          'lower the shares so they add up to less than 1.',
      );
      assert.match(found[1]!.message, /^GPU 0 runs "embed" and "chat"/);
      assert.deepEqual(found[0]!.fixes, []);
    });
  }

  it('uses 0.92 as the default from v0.21.0 on, and 0.9 before', () => {
    const at = (tag: string) => file(vllm('a', '"--model", "m"', 'device_ids: ["0"]').replace('v0.11.0', tag), vllm('b', '"--model", "m", "--gpu-memory-utilization", "0.09"', 'device_ids: ["0"]'));
    assert.equal(findingsOf(RULE, at('v0.11.0')).length, 0, '0.9 + 0.09 fits');
    assert.equal(findingsOf(RULE, at('v0.21.0')).length, 2, '0.92 + 0.09 does not');
  });

  it('is quiet for shares that add up to 1 or less, and for services on different GPUs', () => {
    const half = '"--model", "m", "--gpu-memory-utilization", "0.5"';
    assert.deepEqual(findingsOf(RULE, file(vllm('a', half, 'count: 1'), vllm('b', half, 'count: 1'))), []);
    assert.deepEqual(findingsOf(RULE, file(vllm('a', '"--model", "m"', 'device_ids: ["0"]'), vllm('b', '"--model", "m"', 'device_ids: ["1"]'))), []);
    // device_ids '0,1' is split as NVIDIA's runtime splits it; tensor parallel 1 uses only the first.
    assert.deepEqual(findingsOf(RULE, file(vllm('a', '"--model", "m"', 'device_ids: ["0,1"]'), vllm('b', '"--model", "m"', 'device_ids: ["1"]'))), []);
  });

  it('follows tensor parallelism onto the next GPUs, and CUDA_VISIBLE_DEVICES among the given ones', () => {
    const tp2 = vllm('big', '"--model", "m", "--tensor-parallel-size", "2"', 'count: 2');
    const onOne = vllm('small', '"--model", "m"', 'device_ids: ["1"]');
    assert.deepEqual(findingsOf(RULE, file(tp2, onOne)).map((f) => f.message.slice(0, 36)), ['GPU 1 runs "big" and "small", and th', 'GPU 1 runs "small" and "big", and th']);
    // All GPUs given, CUDA_VISIBLE_DEVICES=3 picks host GPU 3: no meeting with GPU 1.
    const picked = vllm('picked', '"--model", "m"', 'count: all', '    environment:\n      CUDA_VISIBLE_DEVICES: "3"\n');
    assert.deepEqual(findingsOf(RULE, file(picked, onOne)), []);
    const pickedOne = picked.replace('"3"', '"1"');
    assert.equal(findingsOf(RULE, file(pickedOne, onOne)).length, 2);
  });

  it('counts replicas of one service on the same GPU', () => {
    const text = file(vllm('scaled', '"--model", "m", "--gpu-memory-utilization", "0.6"', 'count: 1', '    scale: 2\n'));
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '"0.6"');
    assert.match(f!.message, /^Service "scaled" runs 2 replicas on GPU 0, and their memory shares add up to 1\.20 of it \("scaled" 2 replicas × --gpu-memory-utilization 0\.6\)/);
  });

  it('compares only services that run together (profiles)', () => {
    const a = vllm('a', '"--model", "m"', 'count: 1', '    profiles: [big]\n');
    const b = vllm('b', '"--model", "m"', 'count: 1', '    profiles: [small]\n');
    assert.deepEqual(findingsOf(RULE, file(a, b)), []);
    assert.equal(findingsOf(RULE, file(a, b.replace('[small]', '[small, big]'))).length, 2);
  });

  it('stays quiet where the placement or the share is not certain', () => {
    const other = vllm('other', '"--model", "m"', 'count: 1');
    const cases = {
      'share from an unset variable': vllm('x', '"--model", "m", "--gpu-memory-utilization", "${GMU}"', 'count: 1'),
      'count from an unset variable': vllm('x', '"--model", "m"', 'count: ${N}'),
      'no count and no device_ids': vllm('x', '"--model", "m"', 'driver: nvidia'),
      'NVIDIA_VISIBLE_DEVICES set': vllm('x', '"--model", "m"', 'count: 1', '    environment:\n      NVIDIA_VISIBLE_DEVICES: "3"\n'),
      'KV cache sized in bytes': vllm('x', '"--model", "m", "--kv-cache-memory-bytes", "8G"', 'count: 1'),
      'sleep mode (takes turns on purpose)': vllm('x', '"--model", "m", "--enable-sleep-mode"', 'count: 1'),
      'TGI, which takes what is free': `  x:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.4\n    gpus: all\n`,
      'a shell script': vllm('x', '"sh", "-c", "vllm serve m"', 'count: 1').replace('image: vllm/vllm-openai:v0.11.0', 'image: python:3.12'),
    };
    for (const [why, service] of Object.entries(cases)) {
      assert.deepEqual(findingsOf(RULE, file(service, other)), [], why);
    }
  });

  it('reads the share from .env, and the variable it names', () => {
    const text = file(vllm('a', '"--model", "m", "--gpu-memory-utilization", "${GMU}"', 'count: 1'), vllm('b', '"--model", "m"', 'count: 1'));
    assert.equal(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['GMU', '0.5']]) }).length, 2);
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['GMU', '0.05']]) }), []);
  });
});

describe(`${RULE}: many services on one GPU`, () => {
  it('names at most three others and counts the rest, so a generated file does not get a message per pair', () => {
    const services = Array.from({ length: 6 }, (_, i) => vllm(`s${i}`, '"--model", "m"', 'count: 1')).join('');
    const found = findingsOf(RULE, file(services));
    assert.equal(found.length, 6);
    assert.match(found[0]!.message, /^GPU 0 runs "s0" and "s1" and "s2" and "s3" and 2 more, and their memory shares add up to 5\.40 of it \("s0" 0\.9, vLLM's default; "s1" 0\.9, vLLM's default; "s2" 0\.9, vLLM's default; "s3" 0\.9, vLLM's default; … and 2 more\)/);
  });
});
