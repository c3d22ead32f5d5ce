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

  describe('sized from the Docker engine (docker info NCPU and MemTotal, sent by the extension)', () => {
    /** The engine of test/stack/fixtures/docker/engine.json: 2 CPUs, 25276502016 bytes (23.54 GiB). */
    const engine = { engineResources: { cpus: 2, memoryBytes: 25276502016 } };

    it('writes half of what the engine has, and says so', () => {
      const [f] = findingsOf(RULE, bare, 'compose', engine);
      assert.match(f!.message, /\(the fix uses 1 CPU and 11 GiB, half of what the Docker engine has \(2 CPUs, 23\.54 GiB\), rounded down\)\.$/);
      assert.equal(f!.fixes[0]!.title, 'Add limits.cpus and limits.memory (sized to the Docker engine: adjust them to the model)');
      const fixed = assertFixResolves(RULE, bare, engine);
      assert.ok(fixed.endsWith('    deploy:\n      resources:\n        limits:\n          cpus: "1"\n          memory: 11g\n'), fixed);
    });

    it('never writes more CPUs than the engine has, not even to meet a larger reservation; memory meets its reservation', () => {
      const text = 'services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    deploy:\n      resources:\n        reservations:\n          cpus: "4"\n          memory: 16g\n';
      const fixed = assertFixResolves(RULE, text, engine);
      assert.ok(fixed.includes('        limits:\n          cpus: "2"\n          memory: 16g\n'), fixed);
      const [f] = findingsOf(RULE, text, 'compose', engine);
      assert.match(f!.message, /\(the fix uses 2 CPUs, all the Docker engine has \(the CPU reservation asks for more\); and 16 GiB, the reservation\)\.$/);
    });

    it('an engine with one CPU and under 2 GiB: the fix writes exactly half of each (0.5 CPU, 768m), and says so', () => {
      const small = { engineResources: { cpus: 1, memoryBytes: 1.5 * 1024 ** 3 } };
      const [f] = findingsOf(RULE, bare, 'compose', small);
      assert.equal(
        f!.message,
        'Model service "vllm" has no CPU or memory limit: loading weights and offloading can take every core and all host memory, starving other services or waking the host\'s OOM killer. ' +
          'Set deploy.resources.limits (the fix uses 0.5 CPUs and 768 MiB, half of what the Docker engine has (1 CPU, 1.5 GiB)).',
      );
      assert.equal(f!.fixes[0]!.title, 'Add limits.cpus and limits.memory (sized to the Docker engine: adjust them to the model)');
      const fixed = assertFixResolves(RULE, bare, small);
      assert.ok(fixed.endsWith('          cpus: "0.5"\n          memory: 768m\n'), fixed);
    });

    it('an engine of 3 CPUs and 1.7 GiB: whole CPUs and MiB, rounded down, and the message says rounded down', () => {
      const odd = { engineResources: { cpus: 3, memoryBytes: 1825361100 } };
      const [f] = findingsOf(RULE, bare, 'compose', odd);
      assert.match(f!.message, /\(the fix uses 1 CPU and 870 MiB, half of what the Docker engine has \(3 CPUs, 1\.7 GiB\), rounded down\)\.$/);
      const fixed = assertFixResolves(RULE, bare, odd);
      assert.ok(fixed.endsWith('          cpus: "1"\n          memory: 870m\n'), fixed);
    });

    it('an engine that gave only its CPUs: the memory stays a placeholder, and the message tells them apart', () => {
      const [f] = findingsOf(RULE, bare, 'compose', { engineResources: { cpus: 64 } });
      assert.match(f!.message, /\(the fix uses 32 CPUs, half of what the Docker engine has \(64 CPUs\); and 32 GiB as a placeholder\)\.$/);
      const fixed = assertFixResolves(RULE, bare, { engineResources: { cpus: 64 } });
      assert.ok(fixed.endsWith('          cpus: "32"\n          memory: 32g\n'), fixed);
    });

    it('without the engine: the placeholders, named as such (only those the fix writes)', () => {
      const [f] = findingsOf(RULE, bare);
      assert.match(f!.message, /\(the fix uses 8 CPUs and 32 GiB as placeholders\)\.$/);
      const text = withGpu.replace('        reservations:', '        limits:\n          cpus: "4"\n        reservations:');
      const [g] = findingsOf(RULE, text);
      assert.match(g!.message, /\(the fix uses 32 GiB as a placeholder\)\.$/);
    });
  });
});
