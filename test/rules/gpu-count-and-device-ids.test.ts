import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, assertValidYaml, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-count-and-device-ids';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1 # one GPU
                # pinned to the first card
                device_ids: ['0']
                capabilities: [gpu]
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at device_ids when count is set too (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.rule, RULE);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 10, character: 14 }, end: { line: 10, character: 24 } });
      assert.equal(rangeText(text, f!), 'device_ids');
    });

    it(`the preferred fix keeps device_ids, the other keeps count (${name})`, () => {
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const fixed = assertFixResolves(RULE, text);
      assert.ok(!fixed.includes('count:'), fixed);
      assert.ok(fixed.includes(`- driver: nvidia${eol}              # pinned to the first card${eol}              device_ids: ['0']`), fixed);
      const [f] = findingsOf(RULE, text);
      assert.deepEqual(f!.fixes.map((x) => [x.title, x.preferred]), [
        ['Keep device_ids (remove count)', true],
        ['Keep count (remove device_ids)', false],
      ]);
      const other = applyFix(text, f!.fixes[1]!);
      assertValidYaml(other);
      assert.ok(other.includes(`count: 1 # one GPU${eol}              # pinned to the first card${eol}              capabilities: [gpu]`), other);
      assert.deepEqual(findingsOf(RULE, other), []);
    });
  }

  it('stays quiet when only one of them is set', () => {
    assert.deepEqual(findingsOf(RULE, bad.replace("              device_ids: ['0']\n", '')), []);
    assert.deepEqual(findingsOf(RULE, bad.replace('              count: 1 # one GPU\n', '')), []);
  });

  it('keeps the dash when the removed key starts the entry, and handles block lists', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          deploy:
            resources:
              reservations:
                devices:
                  - count: 2
                    device_ids:
                      - '0'
                      - '1'
                    capabilities: [gpu]
    `;
    const [f] = findingsOf(RULE, text);
    const keepIds = applyFix(text, f!.fixes[0]!);
    assert.ok(keepIds.includes("            - device_ids:\n                - '0'\n                - '1'\n              capabilities: [gpu]\n"), keepIds);
    assertValidYaml(keepIds);
    const keepCount = applyFix(text, f!.fixes[1]!);
    assert.ok(keepCount.includes('            - count: 2\n              capabilities: [gpu]\n'), keepCount);
    assert.deepEqual(findingsOf(RULE, keepIds), []);
    assert.deepEqual(findingsOf(RULE, keepCount), []);
  });

  it('stays quiet on the forms without keys: gpus: all and CDI device names', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          gpus: all
        b:
          image: vllm/vllm-openai:v0.11.0
          devices: [nvidia.com/gpu=0, {source: nvidia.com/gpu=1, target: nvidia.com/gpu=1}]
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('checks gpus: list entries too', () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:latest
          gpus:
            - driver: nvidia
              count: 1
              device_ids: ["0"]
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'device_ids');
    assert.match(f!.message, /`gpus:` entry/);
    assertFixResolves(RULE, text);
  });

  it('reports at the merge key with no fix when the entry comes from an anchor', () => {
    const text = yaml`
      x-gpu: &gpu
        deploy:
          resources:
            reservations:
              devices:
                - driver: nvidia
                  count: 1
                  device_ids: ['0']
                  capabilities: [gpu]
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          <<: *gpu
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*gpu');
    assert.deepEqual(f!.fixes, []);
  });
});
