import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'resource-limits-missing';

const bare = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      # weights come from the Hub
      command: --model Qwen/Qwen3-0.6B
`;

const withGpu = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1
                capabilities: [gpu]
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bare], ['CRLF', toCrlf(bare)]] as const) {
    const eol = name === 'CRLF' ? '\r\n' : '\n';
    it(`fires at the service name (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
      assert.equal(rangeText(text, f!), 'vllm');
      assert.match(f!.message, /no CPU or memory limit/);
    });

    it(`its fix inserts a deploy block with both limits (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const tail = ['    deploy:', '      resources:', '        limits:', '          cpus: "8"', '          memory: 32g', ''].join(eol);
      assert.ok(fixed.endsWith(`--model Qwen/Qwen3-0.6B${eol}${tail}`), JSON.stringify(fixed));
    });
  }

  it('merges into an existing deploy.resources beside the GPU reservation', () => {
    const fixed = assertFixResolves(RULE, withGpu);
    assert.ok(fixed.endsWith('              capabilities: [gpu]\n        limits:\n          cpus: "8"\n          memory: 32g\n'), fixed);
  });

  it('reports at `limits:` and inserts only what is missing', () => {
    const text = withGpu.replace('        reservations:', '        limits:\n          cpus: "4"\n        reservations:');
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'limits');
    assert.match(f!.message, /no memory limit/);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('        limits:\n          cpus: "4"\n          memory: 32g\n        reservations:'), fixed);
  });

  it('fills an empty `deploy:` key', () => {
    const text = 'services:\n  ollama:\n    image: ollama/ollama:0.12.0\n    deploy:\n';
    const fixed = assertFixResolves(RULE, text);
    assert.equal(fixed, text + '      resources:\n        limits:\n          cpus: "8"\n          memory: 32g\n');
  });

  it('raises the placeholder to a larger memory reservation', () => {
    const text = 'services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    deploy:\n      resources:\n        reservations:\n          memory: 64g\n';
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('memory: 64g\n        limits:\n          cpus: "8"\n          memory: 64g\n'), fixed);
  });

  it('stays quiet with both limits, or the legacy keys', () => {
    const limited = withGpu.replace('        reservations:', '        limits:\n          cpus: "4"\n          memory: 16g\n        reservations:');
    assert.deepEqual(findingsOf(RULE, limited), []);
    const legacy = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    cpus: 4\n    mem_limit: 16g\n';
    assert.deepEqual(findingsOf(RULE, legacy), []);
  });

  it('stays quiet on services that do not serve models', () => {
    assert.deepEqual(findingsOf(RULE, 'services:\n  redis:\n    image: redis:7\n'), []);
  });

  it('reports at the merge key without a fix when deploy comes from an anchor', () => {
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
        a:
          image: tabbyml/tabby:0.20.0
          <<: *gpu
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'a');
    assert.deepEqual(f!.fixes, [], 'an own deploy: key would replace the merged GPU reservation');
  });

  it('reports at the alias when limits are inherited and incomplete', () => {
    const text = yaml`
      x-limits: &limits
        deploy:
          resources:
            limits:
              memory: 16g
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          <<: *limits
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '*limits');
    assert.deepEqual(f!.fixes, []);
  });
});
