import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-capabilities-missing';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              # one GPU for the model
              - driver: nvidia
                count: 1
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires on a device entry without capabilities (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 8, character: 14 }, end: { line: 8, character: 20 } });
      assert.equal(rangeText(text, f!), 'driver');
    });

    it(`its fix adds capabilities: [gpu] under the entry (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes(`count: 1${name === 'CRLF' ? '\r\n' : '\n'}              capabilities: [gpu]`), fixed);
    });
  }

  it("says why with compose-go's schema error", () => {
    const [f] = findingsOf(RULE, bad);
    assert.equal(
      f!.message,
      'The device reservation of service "vllm" has no capabilities: Compose refuses the file ' +
        "(services.vllm.deploy.resources.reservations.devices.0 missing property 'capabilities'). Add `capabilities: [gpu]`.",
    );
  });

  it('covers every driver (compose-go e70e961 schema $defs.devices requires capabilities), not gpus: entries', () => {
    const text = yaml`
      services:
        cdi:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: 1
                    capabilities: [gpu]
                  - driver: cdi
                    device_ids: [nvidia.com/gpu=all]
        nodriver:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                devices:
                  - count: ALL
        fpga:
          image: example/fpga-app:1
          deploy:
            resources:
              reservations:
                devices:
                  - driver: xilinx
                    count: 1
        gpus-entry:
          image: vllm/vllm-openai:v0.11.0
          gpus:
            - driver: nvidia
              count: 1
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['driver', 'count', 'driver']);
    assert.match(found[0]!.message, /services\.cdi\.deploy\.resources\.reservations\.devices\.1 missing property 'capabilities'/);
    assert.deepEqual(found.map((f) => f.fixes.length), [1, 1, 0], 'capabilities: [gpu] only where the device is a GPU');
    assert.ok(found[2]!.message.endsWith('Add the capabilities the `xilinx` device provides.'), found[2]!.message);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('device_ids: [nvidia.com/gpu=all]\n              capabilities: [gpu]'), fixed);
  });

  it('stays quiet when capabilities are set', () => {
    assert.deepEqual(findingsOf(RULE, bad.replace('count: 1', 'count: 1\n              capabilities: [gpu]')), []);
  });

  it('reports at the merge key when the device block comes from an anchor', () => {
    const text = yaml`
      x-gpu: &gpu
        deploy:
          resources:
            reservations:
              devices:
                - driver: nvidia
                  count: 1
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          <<: *gpu
        b:
          image: vllm/vllm-openai:v0.11.0
          <<: *gpu
    `;
    const found = findingsOf(RULE, text);
    assert.equal(found.length, 2);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['*gpu', '*gpu']);
    assert.deepEqual(found.map((f) => f.fixes.length), [0, 0], 'no fix edits a shared anchor');
  });
});
