import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-device-count-missing';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                capabilities: [gpu] # the GPU
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at the driver of a GPU entry without count or device_ids (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'info');
      assert.deepEqual(f!.range, { start: { line: 7, character: 14 }, end: { line: 7, character: 20 } });
      assert.equal(rangeText(text, f!), 'driver');
      assert.equal(
        f!.message,
        'The GPU reservation of service "vllm" sets neither `count` nor `device_ids`. Docker Compose 2.30 and later read that as ' +
          '`count: all` (every GPU), but older Compose sends a count of 0, and Docker Engine 27.3 and later then give the container ' +
          'no GPU. Write `count: all` (or the count or device_ids you mean) so it gets the same GPUs everywhere.',
      );
    });

    it(`the fix adds count: all to the entry (${name})`, () => {
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes(`            - driver: nvidia${eol}              capabilities: [gpu] # the GPU${eol}              count: all${eol}`), fixed);
    });
  }

  it('checks every GPU service, model server or not, and reports an anchored entry without a fix', () => {
    const text = yaml`
      x-gpu: &gpu
        driver: nvidia
        capabilities: [gpu]
      services:
        notebook:
          image: jupyter/base-notebook
          deploy:
            resources:
              reservations:
                devices:
                  - *gpu
    `;
    const [f] = findingsOf(RULE, text);
    assert.ok(f);
    assert.deepEqual(f.fixes, []);
  });

  it('stays quiet with count or device_ids, on non-GPU devices, gpus: and CDI names', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: 1
                    capabilities: [gpu]
                  - driver: nvidia
                    device_ids: ['1']
                    capabilities: [gpu]
                  - capabilities: [tpu]
        b:
          image: vllm/vllm-openai:v0.11.0
          gpus:
            - driver: nvidia
        c:
          image: vllm/vllm-openai:v0.11.0
          devices: [nvidia.com/gpu=all]
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });
});
