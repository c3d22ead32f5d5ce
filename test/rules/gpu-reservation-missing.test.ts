import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-reservation-missing';

const bad = yaml`
  services:
    vllm:
      # the model server
      image: vllm/vllm-openai:v0.11.0
      command: --model Qwen/Qwen3-8B
      ports:
        - "8000:8000"
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the service name of a vLLM service without a GPU (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.rule, RULE);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
      assert.equal(rangeText(text, f!), 'vllm');
    });

    it(`its fix appends a deploy block with one GPU (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const expected = [
        '      - "8000:8000"',
        '    deploy:',
        '      resources:',
        '        reservations:',
        '          devices:',
        '            - driver: nvidia',
        '              count: 1',
        '              capabilities: [gpu]',
        '',
      ].join(eol);
      assert.ok(fixed.endsWith(expected), fixed);
      assert.ok(fixed.includes('# the model server'));
    });
  }

  it('stays quiet with a device reservation, gpus:, CDI or /dev/nvidia devices, a Swarm GPU or runtime: nvidia', () => {
    const reserved = yaml`
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
        b:
          image: lmsysorg/sglang:latest
          gpus: all
        c:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          devices:
            - nvidia.com/gpu=all
        cdi-long:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          devices:
            - source: nvidia.com/gpu=all
              target: nvidia.com/gpu=all
        cdi-one:
          image: vllm/vllm-openai:v0.11.0
          devices: [nvidia.com/gpu=0]
        gpus-long:
          image: vllm/vllm-openai:v0.11.0
          gpus:
            - driver: nvidia
              count: ALL
        deploy-cdi:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                devices:
                  - driver: cdi
                    device_ids: [nvidia.com/gpu=all]
                    capabilities: [gpu]
        d:
          image: vllm/vllm-openai:v0.11.0
          runtime: nvidia
        e:
          image: vllm/vllm-openai:v0.11.0
          devices:
            - /dev/nvidia0:/dev/nvidia0
        swarm:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                generic_resources:
                  - discrete_resource_spec:
                      kind: NVIDIA-GPU
                      value: 1
    `;
    assert.deepEqual(findingsOf(RULE, reserved), []);
  });

  it('stays quiet on CPU and other-accelerator variants, Ollama, CPU llama.cpp and non-engines', () => {
    const text = yaml`
      services:
        cpu-vllm:
          image: vllm/vllm-cpu:latest
        tei-cpu:
          image: ghcr.io/huggingface/text-embeddings-inference:cpu-1.6
        tgi-rocm:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5-rocm
        rocm-devices:
          image: vllm/vllm-openai:v0.11.0
          devices:
            - /dev/kfd
            - /dev/dri
        ollama:
          image: ollama/ollama:latest
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server
        web:
          image: nginx:1.27
        triton-sdk:
          image: nvcr.io/nvidia/tritonserver:24.08-py3-sdk
        cpu-by-default:
          image: \${VLLM_IMAGE:-vllm/vllm-cpu:latest}
          command: vllm serve m
        extended:
          extends:
            file: base.yaml
            service: vllm
          image: vllm/vllm-openai:v0.11.0
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => rangeText(text, f)), []);
  });

  it('fires on a CUDA llama.cpp server and on a service detected by its command', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
        custom:
          build: .
          command: vllm serve Qwen/Qwen3-8B
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => rangeText(text, f)), ['llama', 'custom']);
  });

  it('counts tensor × pipeline parallel GPUs and merges into an existing deploy block', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: ["--model", "m", "--tensor-parallel-size=2", "-pp", "2"]
          deploy:
            resources:
              limits:
                memory: 64g
    `;
    const fixed = assertFixResolves(RULE, text);
    assert.equal(
      fixed,
      yaml`
        services:
          vllm:
            image: vllm/vllm-openai:v0.11.0
            command: ["--model", "m", "--tensor-parallel-size=2", "-pp", "2"]
            deploy:
              resources:
                limits:
                  memory: 64g
                reservations:
                  devices:
                    - driver: nvidia
                      count: 4
                      capabilities: [gpu]
      `,
    );
  });

  it('writes the entry at a 4-space file\'s own indentation, keys aligned under the dash', () => {
    const text = 'services:\n    vllm:\n        image: vllm/vllm-openai:v0.11.0\n        command: >\n            --model m\n            -tp 2\n\n    web:\n        image: nginx:1.27\n';
    const fixed = assertFixResolves(RULE, text);
    assert.ok(
      fixed.includes(
        '            -tp 2\n        deploy:\n            resources:\n                reservations:\n                    devices:\n'
          + '                        - driver: nvidia\n                          count: 2\n                          capabilities: [gpu]\n\n    web:',
      ),
      fixed,
    );
  });

  it('reads TGI NUM_SHARD and resolves ${VAR} from .env; asks for all GPUs when it cannot', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            NUM_SHARD: \${SHARDS}
          deploy:
            resources:
              reservations:
    `;
    const withEnv = preferredFix(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['SHARDS', '2']]) })[0]!);
    assert.match(applyFix(text, withEnv), /\n {8}reservations:\n {10}devices:\n {12}- driver: nvidia\n {14}count: 2\n/);
    const unknown = preferredFix(findingsOf(RULE, text)[0]!);
    assert.match(applyFix(text, unknown), /count: all\n/);
  });

  it('fires but offers no fix on an empty flow devices list', () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --model-path m --tp-size 2
          deploy:
            resources:
              reservations:
                devices: []
    `;
    // A flow list cannot be extended safely: the finding has no fix rather than a broken one.
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'sglang');
    assert.deepEqual(f!.fixes, []);
  });

  it('offers no fix when deploy comes from a merge key (a new deploy would replace it)', () => {
    const text = yaml`
      x-base: &base
        deploy:
          resources:
            limits:
              memory: 8g
      services:
        vllm:
          <<: *base
          image: vllm/vllm-openai:v0.11.0
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'vllm');
    assert.deepEqual(f!.fixes, []);
  });

  it('counts a reservation merged from an anchor', () => {
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
        vllm:
          <<: *gpu
          image: vllm/vllm-openai:v0.11.0
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });
});
