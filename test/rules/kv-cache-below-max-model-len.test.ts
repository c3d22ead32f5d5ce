import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targetFromGiB, targetFromName } from '../../server/src/engines/fit/gpuFacts';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'kv-cache-below-max-model-len';
const L4 = { gpu: targetFromName('L4')! };
const H100 = { gpu: targetFromName('H100')! };

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: --model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536 # long prompts
`;

/** A vLLM v0.11 service with this command. */
const service = (command: string, image = 'vllm/vllm-openai:v0.11.0') => yaml`
  services:
    vllm:
      image: ${image}
      command: ${command}
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at --max-model-len with the numbers (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text, 'compose', L4);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 3, character: 70 }, end: { line: 3, character: 75 } });
      assert.equal(rangeText(text, f!), '65536');
      assert.equal(
        f!.message,
        '--max-model-len 65536 needs 8.00 GiB of KV cache per GPU (131,072 bytes a token), but on the L4 (22.49 GiB) about 3.95 GiB ' +
          '(32,336 tokens) are left after 14.96 GiB of weights: vLLM stops with "To serve at least one request with the model\'s max seq len ' +
          '(65536) ... larger than the available KV cache memory". Set --max-model-len 31744 or less, or use more GPUs.',
      );
    });

    it(`its fix sets the largest length that fits and keeps the comment (${name})`, () => {
      const fixed = assertFixResolves(RULE, text, L4);
      assert.match(fixed, /--max-model-len 31744 # long prompts/);
    });
  }

  it('is silent without a target GPU, for a model not in the table, a local path, or another engine', () => {
    assert.deepEqual(findingsOf(RULE, bad), []);
    assert.deepEqual(findingsOf(RULE, service('--model someone/unknown-8B --max-model-len 65536'), 'compose', L4), []);
    assert.deepEqual(findingsOf(RULE, service('--model /models/llama --max-model-len 65536'), 'compose', L4), []);
    const tgi = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.0.0
          command: --model-id meta-llama/Llama-3.1-8B-Instruct --max-total-tokens 65536
    `;
    assert.deepEqual(findingsOf(RULE, tgi, 'compose', L4), []);
  });

  it('uses the model default --max-model-len when the flag is unset, and its fix adds the flag', () => {
    const text = service('--model meta-llama/Llama-3.1-8B-Instruct');
    // 54.75 GiB on an H100 hold 448,528 tokens: 131072 fits there; on the L4 it does not.
    assert.deepEqual(findingsOf(RULE, text, 'compose', H100), []);
    const [f] = findingsOf(RULE, text, 'compose', L4);
    assert.match(f!.message, /^meta-llama\/Llama-3\.1-8B-Instruct's default --max-model-len 131072 needs 16\.00 GiB/);
    assert.equal(rangeText(text, f!), 'meta-llama/Llama-3.1-8B-Instruct');
    assert.match(assertFixResolves(RULE, text, L4), /--max-model-len 31744\n/);
  });

  it('reads the positional model of `vllm serve`, tensor parallelism, fp8 KV cache and the memory share', () => {
    assert.equal(findingsOf(RULE, service('meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536'), 'compose', L4).length, 1);
    // fp8 KV cache halves the bytes per token: about 64,700 tokens, short of 131072, room for 32768; 65536 is within
    // the estimate's margin, so no error.
    assert.equal(findingsOf(RULE, service('--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072 --kv-cache-dtype fp8'), 'compose', L4).length, 1);
    assert.deepEqual(findingsOf(RULE, service('--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 32768 --kv-cache-dtype fp8'), 'compose', L4), []);
    assert.deepEqual(findingsOf(RULE, service('--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536 --kv-cache-dtype fp8'), 'compose', L4), []);
    // Two L4s with tensor parallelism hold it.
    assert.deepEqual(findingsOf(RULE, service('--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536 -tp 2'), 'compose', L4), []);
  });

  it('stays quiet for values only compose up knows, or flags that move memory elsewhere', () => {
    for (const cmd of [
      '--model meta-llama/Llama-3.1-8B-Instruct --max-model-len ${LEN}',
      '--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536 --gpu-memory-utilization ${GMU}',
      '--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536 --kv-cache-memory-bytes 8000000000',
      '--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536 --cpu-offload-gb 8',
    ]) {
      assert.deepEqual(findingsOf(RULE, service(cmd), 'compose', L4), [], cmd);
    }
  });

  it('keeps a ${VAR} length from .env and offers no fix for it', () => {
    const text = service('--model meta-llama/Llama-3.1-8B-Instruct --max-model-len ${LEN}');
    const [f] = findingsOf(RULE, text, 'compose', { ...L4, dotEnv: new Map([['LEN', '65536']]) });
    assert.ok(f);
    assert.deepEqual(f.fixes, []);
  });

  it('leaves sliding-window models alone (the hybrid allocator is not modelled)', () => {
    assert.deepEqual(findingsOf(RULE, service('--model microsoft/Phi-3.5-mini-instruct --max-model-len 131072'), 'compose', { gpu: targetFromGiB(16)! }), []);
  });

  it('stays quiet when the host or the reservation has fewer GPUs than the service needs', () => {
    const two = '--model meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072 -tp 2';
    assert.deepEqual(findingsOf(RULE, service(two), 'compose', { gpu: targetFromName('L4', 1)! }), []);
    const reserved = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: ${two}
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: 1
                    capabilities: [gpu]
    `;
    assert.deepEqual(findingsOf(RULE, reserved, 'compose', L4), []);
  });
});
