import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShortPort } from '../../server/src/compose/ports';
import { normalizeProjectName, planStack, projectNameFor } from '../../server/src/compose/stackPlan';

const VLLM = `
services:
  vllm:
    image: vllm/vllm-openai:v0.11.0
    command: ["Qwen/Qwen3-0.6B", "--served-model-name", "qwen", "--api-key", "\${VLLM_API_KEY}", "--port", "8001"]
    ports: ["127.0.0.1:8001:8001", "9000-9001:9000-9001/udp", "7000"]
    volumes:
      - ./models:/models:ro
      - ~/hf-cache:/root/.cache/huggingface
      - hf_cache:/data
      - type: bind
        source: /srv/weights
        target: /weights
        read_only: true
      - type: volume
        source: other
        target: /other
    deploy:
      resources:
        reservations:
          devices: [{ driver: nvidia, count: 1, capabilities: [gpu] }]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8001/health"]
  web:
    image: nginx:1.27
    restart: "\${RESTART:-always}"
    ports:
      - target: 80
        published: "8080"
        host_ip: 0.0.0.0
        protocol: tcp
volumes:
  hf_cache: {}
  other: {}
`;

describe('planStack', () => {
  it('reads engine, GPU, ports, bind mounts, served name, API port and key of each service', () => {
    const plan = planStack(VLLM, '/work/My Stack!/compose.yaml', { env: { HOME: '/home/ann' }, dotEnv: 'VLLM_API_KEY=sk-test-123\n' });
    assert.equal(plan.file, '/work/My Stack!/compose.yaml');
    assert.equal(plan.project, 'mystack');
    assert.equal(plan.parseError, undefined);
    const [withFit, web] = plan.services;
    // The memory estimate's input (compose/serviceFit.ts): the table model and the flags it reads.
    const { fit, ...vllm } = withFit!;
    assert.equal(fit?.model.ids[0], 'Qwen/Qwen3-0.6B');
    assert.deepEqual([fit?.tensorParallel, fit?.pipelineParallel, fit?.gpuMemoryUtilization], [1, 1, 0.9]);
    assert.deepEqual(vllm, {
      name: 'vllm',
      engine: 'vllm',
      image: 'vllm/vllm-openai:v0.11.0',
      imageHasPython: true,
      isModelService: true,
      requestsGpu: true,
      bindMounts: [
        { hostPath: '/work/My Stack!/models', containerPath: '/models', readOnly: true },
        { hostPath: '/home/ann/hf-cache', containerPath: '/root/.cache/huggingface', readOnly: false },
        { hostPath: '/srv/weights', containerPath: '/weights', readOnly: true },
      ],
      publishedPorts: [
        { hostIp: '127.0.0.1', hostPort: 8001, containerPort: 8001, protocol: 'tcp' },
        { hostIp: '', hostPort: 9000, containerPort: 9000, protocol: 'udp' },
        { hostIp: '', hostPort: 9001, containerPort: 9001, protocol: 'udp' },
      ],
      servedModelName: 'qwen',
      apiPort: 8001,
      hasHealthcheck: true,
      apiKey: 'sk-test-123',
      apiKeyEnv: 'VLLM_API_KEY',
      // count: 1 is GPU 0; v0.11.0's default share (compose/gpuPlacement.ts): the GPUs view's plan.
      gpuPlacement: { gpus: ['0'], share: 0.9, shareFrom: "0.9, vLLM's default", replicas: 1 },
    });
    assert.deepEqual(web, {
      name: 'web',
      image: 'nginx:1.27',
      isModelService: false,
      requestsGpu: false,
      bindMounts: [],
      publishedPorts: [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      hasHealthcheck: false,
      restart: 'always',
    });
  });

  it('takes the shell environment over .env, and VLLM_API_KEY from environment when there is no --api-key', () => {
    const text = `services:\n  m:\n    image: vllm/vllm-openai\n    environment:\n      - VLLM_API_KEY\n    ports: ["\${PORT:-8000}:8000"]\n`;
    const plan = planStack(text, '/p/stack/compose.yaml', { env: { VLLM_API_KEY: 'from-shell', PORT: '8100' }, dotEnv: 'VLLM_API_KEY=from-dotenv\nPORT=8200\n' });
    assert.equal(plan.services[0]!.apiKey, 'from-shell');
    assert.deepEqual(plan.services[0]!.publishedPorts.map((p) => p.hostPort), [8100]);
    assert.equal(plan.services[0]!.apiPort, 8000);
    const defaults = planStack(text, '/p/stack/compose.yaml', {});
    assert.deepEqual(defaults.services[0]!.publishedPorts.map((p) => p.hostPort), [8000]);
    assert.equal(defaults.services[0]!.apiKey, undefined);
  });

  it('the API key of each engine that demands one, from its flag or the env var that stands for it (engines/apiKey.ts)', () => {
    const keyOf = (service: string, env: Record<string, string> = {}) => {
      const [s] = planStack(`services:\n  m:\n${service}`, '/s/compose.yaml', { env }).services;
      return [s!.engine, s!.apiKey, s!.apiKeyEnv, s!.apiKeyFromEnvironment];
    };
    assert.deepEqual(keyOf('    image: lmsysorg/sglang:v0.5.2\n    command: python3 -m sglang.launch_server --model-path m --api-key sg-key-1\n'), ['sglang', 'sg-key-1', undefined, undefined]);
    assert.deepEqual(keyOf('    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    environment: { API_KEY: tgi-key-1 }\n'), ['tgi', 'tgi-key-1', 'API_KEY', undefined]);
    assert.deepEqual(keyOf('    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    command: --model-id m --api-key flag-wins\n    environment: { API_KEY: tgi-key-1 }\n'), ['tgi', 'flag-wins', 'API_KEY', undefined]);
    // llama.cpp takes a comma-separated list: any one of them is accepted, the first is sent.
    assert.deepEqual(keyOf('    image: ghcr.io/ggml-org/llama.cpp:server-b6000\n    environment:\n      - LLAMA_API_KEY\n', { LLAMA_API_KEY: 'first,second' }), ['llamacpp', 'first', 'LLAMA_API_KEY', true]);
    // Ollama has no key of its own: nothing is sent, whatever the environment holds.
    assert.deepEqual(keyOf('    image: ollama/ollama:0.12.3\n    environment: { API_KEY: not-read }\n'), ['ollama', undefined, undefined, undefined]);
  });

  it('follows the inference-stack.engine label for a custom image (map and list form), not for a known one', () => {
    const custom = (labels: string) =>
      `services:\n  m:\n    image: me/custom:1\n    labels: ${labels}\n    command: ["x", "--served-model-name", "q"]\n`;
    for (const labels of ['{ inference-stack.engine: vllm }', '["inference-stack.engine=vllm"]']) {
      const [m] = planStack(custom(labels), '/s/compose.yaml').services;
      assert.deepEqual([m!.engine, m!.isModelService, m!.apiPort, m!.servedModelName], ['vllm', true, 8000, 'q'], labels);
    }
    assert.equal(planStack(custom('{ inference-stack.engine: nonsense }'), '/s/compose.yaml').services[0]!.engine, undefined);
    const known = 'services:\n  t:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    labels: { inference-stack.engine: vllm }\n';
    assert.equal(planStack(known, '/s/compose.yaml').services[0]!.engine, 'tgi');
  });

  it('finds the served model name inside a sh -c script', () => {
    const text = `services:\n  m:\n    image: python:3.12\n    command: ["sh", "-c", "pip list && vllm serve m --served-model-name tiny --port 9000"]\n`;
    const s = planStack(text, '/p/x/compose.yaml').services[0]!;
    assert.equal(s.engine, 'vllm');
    assert.equal(s.servedModelName, 'tiny');
  });

  it('names the project as compose does: COMPOSE_PROJECT_NAME, then name:, then the folder', () => {
    const named = 'name: "${STACK:-Demo_Stack}"\nservices:\n  a:\n    image: x\n';
    assert.equal(planStack(named, '/p/Folder/compose.yaml').project, 'demo_stack');
    assert.equal(planStack(named, '/p/Folder/compose.yaml', { env: { COMPOSE_PROJECT_NAME: 'Other' } }).project, 'other');
    assert.equal(planStack(named, '/p/Folder/compose.yaml', { dotEnv: 'COMPOSE_PROJECT_NAME=fromdotenv' }).project, 'fromdotenv');
    assert.equal(planStack('services:\n  a:\n    image: x\n', '/p/_My.Folder/compose.yaml').project, 'myfolder');
    assert.equal(normalizeProjectName('-_A b.C'), 'abc');
    assert.equal(projectNameFor('/!!!/compose.yaml', undefined, new Map()), 'default');
  });

  it('reports YAML that does not parse, with its line, and a file without services', () => {
    const bad = planStack('services:\n  a:\n    image: [x\n', '/p/s/compose.yaml');
    assert.match(bad.parseError ?? '', /^\/p\/s\/compose\.yaml:\d+:\d+: /);
    assert.deepEqual(bad.services, []);
    assert.match(planStack('just: text\n', '/p/s/compose.yaml').parseError ?? '', /no top-level "services:"/);
  });

  it('a disabled healthcheck is no healthcheck; runtime: nvidia and gpus: request GPUs', () => {
    const text = 'services:\n  a:\n    image: x\n    runtime: nvidia\n    healthcheck: { disable: true }\n  b:\n    image: y\n    gpus: all\n';
    const [a, b] = planStack(text, '/p/s/compose.yaml').services;
    assert.equal(a!.hasHealthcheck, false);
    assert.equal(a!.requestsGpu, true);
    assert.equal(b!.requestsGpu, true);
  });
});

describe('parseShortPort', () => {
  it('reads the short syntax forms', () => {
    assert.deepEqual(parseShortPort('8000:8000'), [{ hostIp: '', hostPort: 8000, containerPort: 8000, protocol: 'tcp' }]);
    assert.deepEqual(parseShortPort('[::1]:8000:80'), [{ hostIp: '::1', hostPort: 8000, containerPort: 80, protocol: 'tcp' }]);
    assert.deepEqual(parseShortPort('8000-8001:80').map((p) => p.hostPort), [8000, 8001]);
    assert.deepEqual(parseShortPort('8000'), []);
    assert.deepEqual(parseShortPort('127.0.0.1::8000'), []);
    assert.deepEqual(parseShortPort('8000:8000/sctp'), []);
    assert.deepEqual(parseShortPort('abc:80'), []);
  });
});
