import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, lint, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-legacy-runtime';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      runtime: nvidia # needed by the old driver setup
      command: --model m --tensor-parallel-size 2
      deploy:
        restart_policy:
          condition: on-failure
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at runtime: nvidia without a reservation (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.rule, RULE);
      assert.equal(f!.severity, 'info');
      assert.deepEqual(f!.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 19 } });
      assert.equal(rangeText(text, f!), 'runtime: nvidia');
    });

    it(`its fix adds a reservation sized to the parallelism and keeps the runtime line (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      assert.ok(fixed.includes('runtime: nvidia # needed by the old driver setup'), fixed);
      const expected = [
        '        condition: on-failure',
        '      resources:',
        '        reservations:',
        '          devices:',
        '            - driver: nvidia',
        '              count: 2',
        '              capabilities: [gpu]',
        '',
      ].join(eol);
      assert.ok(fixed.endsWith(expected), fixed);
    });
  }

  it('is the only GPU finding on such a service (gpu-reservation-missing stays quiet)', () => {
    assert.deepEqual(lint(bad).filter((f) => f.rule.startsWith('gpu-')).map((f) => f.rule), [RULE]);
  });

  it('stays quiet when a reservation or gpus: is there too, and on other runtimes', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          runtime: nvidia
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    device_ids: ["0"]
                    capabilities: [gpu]
        b:
          image: vllm/vllm-openai:v0.11.0
          runtime: nvidia
          gpus: all
        c:
          image: ghcr.io/invoke-ai/invokeai:latest
          runtime: amd
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('stays quiet where the runtime is the way: GPUs picked with NVIDIA_VISIBLE_DEVICES, Jetson (L4T) images', () => {
    const service = (image: string, env = '') => `services:\n  app:\n    image: ${image}\n    runtime: nvidia\n${env}`;
    assert.deepEqual(findingsOf(RULE, service('nvcr.io/nim/mit/diffdock:1.2.0', '    environment:\n      - NVIDIA_VISIBLE_DEVICES=1\n')), []);
    assert.deepEqual(findingsOf(RULE, service('dustynv/vllm:0.7.4-r36.4.0')), []);
    assert.deepEqual(findingsOf(RULE, service('nvcr.io/nvidia/l4t-pytorch:r35.2.1-pth2.0-py3')), []);
    assert.equal(findingsOf(RULE, service('vllm/vllm-openai:v0.11.0')).length, 1);
  });

  it('reserves every GPU when CUDA_VISIBLE_DEVICES picks one, so its index still names the same GPU', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.10.1
          runtime: nvidia
          environment:
            CUDA_VISIBLE_DEVICES: "2"
    `;
    const fixed = assertFixResolves(RULE, text);
    assert.match(fixed, /count: all/);
    assert.deepEqual(findingsOf('gpu-selected-by-env', fixed), []);
  });

  it('reports at the merge key when runtime comes from an anchor, and still adds the reservation to the service', () => {
    const text = yaml`
      x-base: &base
        runtime: nvidia
        restart: unless-stopped
      services:
        asr:
          <<: *base
          image: nvcr.io/nim/nvidia/parakeet:1.0
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*base');
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.endsWith('    image: nvcr.io/nim/nvidia/parakeet:1.0\n    deploy:\n      resources:\n'
      + '        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n'), fixed);
  });
});
