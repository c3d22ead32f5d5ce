import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-selected-by-env';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      environment:
        - CUDA_VISIBLE_DEVICES=1
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1
                capabilities: [gpu]
`;

function service(env: string, reservation: string): string {
  return `services:\n  app:\n    image: vllm/vllm-openai:v0.11.0\n    environment:\n      CUDA_VISIBLE_DEVICES: "${env}"\n${reservation}`;
}
const devices = (entry: string) => `    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              ${entry}\n              capabilities: [gpu]\n`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at an index the container does not have (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 4, character: 29 }, end: { line: 4, character: 30 } });
      assert.equal(rangeText(text, f!), '1');
      assert.equal(
        f!.message,
        'Service "vllm" is given 1 GPU, which it sees as device 0 whichever host GPUs they are, so CUDA_VISIBLE_DEVICES names a device ' +
          'it does not have (1) and CUDA finds no GPU. To run on particular host GPUs, list them in `device_ids` and drop CUDA_VISIBLE_DEVICES.',
      );
      assert.deepEqual(f!.fixes, []);
    });
  }

  it('says which devices stay visible when a later index is missing', () => {
    const [f] = findingsOf(RULE, service('0,2,1', devices('count: 2')));
    assert.match(f!.message, /given 2 GPUs, which it sees as devices 0 and 1 .* \(2\) and CUDA stops there, using only 0\./);
  });

  it('counts device_ids and CDI names', () => {
    assert.equal(findingsOf(RULE, service('2', devices("device_ids: ['2']"))).length, 1);
    assert.deepEqual(findingsOf(RULE, service('0,1', devices("device_ids: ['2', '3']"))), []);
    const cdi = 'services:\n  app:\n    image: x\n    environment:\n      - CUDA_VISIBLE_DEVICES=1\n    devices:\n      - nvidia.com/gpu=3\n';
    assert.equal(findingsOf(RULE, cdi).length, 1);
  });

  it('stays quiet when the GPUs given or the indexes are not known', () => {
    assert.deepEqual(findingsOf(RULE, service('0', devices('count: 1'))), []);
    assert.deepEqual(findingsOf(RULE, service('3', devices('count: all'))), []);
    assert.deepEqual(findingsOf(RULE, service('3', devices('count: ${N}'))), []);
    assert.deepEqual(findingsOf(RULE, service('3', '    runtime: nvidia\n')), []);
    assert.deepEqual(findingsOf(RULE, service('3', '    gpus: all\n')), []);
    assert.deepEqual(findingsOf(RULE, service('GPU-8c2e6f5a', devices('count: 1'))), []);
    assert.deepEqual(findingsOf(RULE, service('${GPU}', devices('count: 1'))), []);
    assert.deepEqual(findingsOf(RULE, service('-1', devices('count: 1'))), []);
    const both = service('1', devices('count: 1')).replace('      CUDA_VISIBLE_DEVICES', '      NVIDIA_VISIBLE_DEVICES: "1"\n      CUDA_VISIBLE_DEVICES');
    assert.deepEqual(findingsOf(RULE, both), []);
  });

  it('resolves the value from .env', () => {
    const text = service('${GPU}', devices('count: 1'));
    assert.equal(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['GPU', '1']]) }).length, 1);
  });
});
