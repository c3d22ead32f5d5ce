import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisOptions } from '../../server/src/core/analysisOptions';
import { findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-device-missing';
const twoGpus: AnalysisOptions = { hostGpus: { count: 2, from: "this machine's nvidia-smi" } };

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                device_ids: ["1", "2"]
                capabilities: [gpu]
    comfy:
      image: example/comfyui:1.0
      gpus:
        - driver: nvidia
          count: 4
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at a device id and a count past the machine's GPUs, on any GPU service (${name})`, () => {
      const found = findingsOf(RULE, text, 'compose', twoGpus);
      assert.deepEqual(found.map((f) => rangeText(text, f)), ['"2"', '4']);
      assert.equal(found[0]!.severity, 'error');
      assert.equal(
        found[0]!.message,
        'Service "vllm" asks for GPU 2, but this machine\'s nvidia-smi says the machine has 2 GPUs (0 to 1): the NVIDIA runtime refuses the device ' +
          'and the container is never created ("nvidia-container-cli: device error: … unknown device").',
      );
      assert.match(found[1]!.message, /^Service "comfy" asks for 4 GPUs, but .*: Docker asks for GPUs 0 to 3, and the NVIDIA runtime refuses/);
      assert.deepEqual(found[0]!.fixes, []);
    });
  }

  it('is silent when how many GPUs exist is not known, and within them', () => {
    assert.deepEqual(findingsOf(RULE, bad), []);
    assert.deepEqual(findingsOf(RULE, bad, 'compose', { hostGpus: { count: 4, from: '--gpus 4' } }), []);
  });

  it('reads `${VAR}` from .env, splits comma lists, and leaves UUIDs and `all` alone', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    device_ids: ["\${GPU_ID}", "0,3", "GPU-8f6c2b1e-1111-2222-3333-444455556666"]
                    capabilities: [gpu]
        b:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: all
                    capabilities: [gpu]
    `;
    const found = findingsOf(RULE, text, 'compose', { ...twoGpus, dotEnv: new Map([['GPU_ID', '5']]) });
    assert.deepEqual(found.map((f) => f.message.slice(0, 32)), ['Service "a" asks for GPU 5, but ', 'Service "a" asks for GPU 3, but ']);
  });
});
