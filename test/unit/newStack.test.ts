import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, parseDocument } from 'yaml';
import { analyze } from '../../server/src/analysis/analyze';
import {
  newStackFiles,
  validateAnswers,
  validateModel,
  validatePort,
  yamlScalar,
  type SingleStackAnswers as NewStackAnswers,
  type StackFile,
} from '../../server/src/scaffold/newStack';
import { ENGINE_CHOICES, SCAFFOLD_ENGINES, type ScaffoldEngineId } from '../../server/src/scaffold/scaffoldEngines';
import { filledDotEnv, lintStack, stackConfig, writeStack } from './stackFolder';

function file(files: StackFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `no ${path} among ${files.map((x) => x.path).join(', ')}`);
  return f.content;
}

function answersFor(engine: ScaffoldEngineId, over: Partial<NewStackAnswers> = {}): NewStackAnswers {
  const choice = ENGINE_CHOICES.find((c) => c.id === engine)!;
  return { engine, model: choice.defaultModel, gpuCount: 1, port: 18080, proxy: false, prometheus: false, ...over };
}

/** Every combination the wizard can produce: engine × proxy × prometheus × GPU count (× healthcheck kind). */
function allCombinations(): NewStackAnswers[] {
  const out: NewStackAnswers[] = [];
  for (const choice of ENGINE_CHOICES) {
    const gpuCounts = choice.supportsCpu ? [0, 1, 2] : [1, 2, 4];
    const healthchecks = choice.hasPython ? (['endpoint', 'probe'] as const) : (['endpoint'] as const);
    for (const gpuCount of gpuCounts) {
      for (const proxy of [false, true]) {
        for (const prometheus of choice.hasMetrics ? [false, true] : [false]) {
          for (const healthcheck of healthchecks) {
            out.push(answersFor(choice.id, { gpuCount, proxy, prometheus, healthcheck, projectName: 'demo-stack' }));
          }
        }
      }
    }
  }
  // Other models: a large one (a longer start grace), a local GGUF file, a quant tag.
  out.push(answersFor('vllm', { model: 'meta-llama/Llama-3.1-405B-Instruct', gpuCount: 8, proxy: true, prometheus: true }));
  out.push(answersFor('llamacpp', { model: 'qwen2.5-7b-instruct-q4_k_m.gguf', gpuCount: 0, proxy: true, prometheus: true }));
  out.push(answersFor('llamacpp', { model: 'unsloth/Qwen3-8B-GGUF:Q4_K_M', gpuCount: 1 }));
  out.push(answersFor('ollama', { model: 'llama3.1:70b', gpuCount: 2, proxy: true, cpus: 4, memory: '64g' }));
  return out;
}

const label = (a: NewStackAnswers) =>
  `${a.engine} ${a.model} gpu=${a.gpuCount}${a.proxy ? ' +proxy' : ''}${a.prometheus ? ' +prometheus' : ''} hc=${a.healthcheck ?? 'endpoint'}`;

describe('newStackFiles: every combination lints clean', () => {
  for (const answers of allCombinations()) {
    it(label(answers), () => {
      assert.deepEqual(validateAnswers(answers), []);
      const files = newStackFiles(answers);
      const compose = file(files, 'compose.yaml');
      const doc = parseDocument(compose);
      assert.deepEqual(doc.errors.map((e) => e.message), [], compose);
      // Zero findings of any severity: what the command writes must show no problems.
      const findings = analyze(compose, 'compose', {});
      assert.deepEqual(findings.map((f) => `${f.rule} (${f.severity}) line ${f.range.start.line + 1}: ${f.message}`), [], compose);
      checkContent(answers, files, doc.toJS() as ComposeJs);
    });
  }
});

describe('newStackFiles (single): written to a folder, each engine lints clean within its project and loads as Compose does', () => {
  for (const choice of ENGINE_CHOICES) {
    for (const extras of [false, true]) {
      const answers = answersFor(choice.id, { gpuCount: choice.supportsCpu ? 0 : 1, proxy: extras, prometheus: extras && choice.hasMetrics });
      it(label(answers), () => {
        const files = newStackFiles(answers);
        const example = file(files, '.env.example');
        // As written (no .env yet), and once .env is filled in.
        for (const dotEnv of [undefined, filledDotEnv(example)]) {
          const dir = writeStack(files, dotEnv);
          assert.deepEqual(lintStack(dir, files), [], `.env ${dotEnv === undefined ? 'absent' : 'filled'}`);
          const config = stackConfig(dir) as { services: Record<string, unknown> };
          assert.ok(config.services[answers.engine], Object.keys(config.services).join(', '));
        }
      });
    }
  }
});

interface ServiceJs {
  image: string;
  command?: string[];
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; start_period: string };
  deploy?: { resources: { limits: { cpus: string; memory: string }; reservations?: { devices: { driver: string; count: number; capabilities: string[] }[] } } };
}
interface ComposeJs {
  name?: string;
  services: Record<string, ServiceJs>;
  volumes: Record<string, null>;
}

function checkContent(a: NewStackAnswers, files: StackFile[], compose: ComposeJs): void {
  const engine = SCAFFOLD_ENGINES[a.engine];
  const svc = compose.services[a.engine];
  assert.ok(svc, 'the model service is named after the engine');
  assert.equal(compose.name, a.projectName);
  const command = svc.command ?? [];
  assert.ok(command.some((c) => c.endsWith(a.model.replace(/^.*\//, ''))) || command.includes(a.model) || a.engine === 'ollama', `model in ${command.join(' ')}`);

  // Ports: the proxy publishes the port when there is one; the model server otherwise.
  if (a.proxy) {
    assert.deepEqual(compose.services['proxy']!.ports, [`${a.port}:80`]);
    assert.equal(svc.ports, undefined);
    assert.deepEqual(compose.services['proxy']!.depends_on![a.engine], { condition: 'service_healthy' });
    assert.match(file(files, 'nginx/nginx.conf'), new RegExp(`server ${a.engine}:${engine.containerPort};`));
  } else {
    assert.deepEqual(svc.ports, [`${a.port}:${engine.containerPort}`]);
    assert.equal(compose.services['proxy'], undefined);
    assert.ok(!files.some((f) => f.path.startsWith('nginx/')));
  }

  // GPUs: reserved with capabilities, the count the answer gave; none on CPU.
  const devices = svc.deploy!.resources.reservations?.devices;
  if (a.gpuCount === 0) assert.equal(devices, undefined);
  else assert.deepEqual(devices, [{ driver: 'nvidia', count: a.gpuCount, capabilities: ['gpu'] }]);
  assert.ok(svc.deploy!.resources.limits.cpus && svc.deploy!.resources.limits.memory);

  // Tensor parallel = GPU count for vLLM and SGLang (and TGI's shards), absent for one GPU.
  const tpFlag = { vllm: '--tensor-parallel-size', sglang: '--tp-size', tgi: '--num-shard' }[a.engine as 'vllm' | 'sglang' | 'tgi'];
  if (tpFlag) {
    const i = command.indexOf(tpFlag);
    if (a.gpuCount > 1) assert.equal(command[i + 1], String(a.gpuCount), `${tpFlag} ${a.gpuCount}`);
    else assert.equal(i, -1);
  }

  // HF_TOKEN comes from the environment; .env.example names it with no value.
  if (svc.environment?.['HF_TOKEN'] !== undefined) assert.equal(svc.environment['HF_TOKEN'], '${HF_TOKEN:-}');
  assert.match(file(files, '.env.example'), /^HF_TOKEN=$/m);
  assert.doesNotMatch(file(files, '.env.example'), /hf_[A-Za-z0-9]{8,}/);

  // The probe script: generated, pointed at the model; run as the healthcheck when asked.
  const probe = file(files, 'probe.py');
  assert.match(probe, /^#!\/usr\/bin\/env python3\n/);
  assert.ok(probe.includes(`MODEL_HINT = ${JSON.stringify(a.model)}`));
  if (a.healthcheck === 'probe') assert.deepEqual(svc.healthcheck!.test, ['CMD', 'python3', '/probe.py']);
  else assert.deepEqual(svc.healthcheck!.test, engine.spec.healthTest(engine.containerPort));

  // Prometheus: a scrape job for the engine's /metrics, and metrics switched on where they are opt-in.
  if (a.prometheus) {
    const prom = parse(file(files, 'prometheus/prometheus.yml')) as { scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[] };
    assert.deepEqual(prom.scrape_configs[0]!.static_configs[0]!.targets, [`${a.engine}:${engine.containerPort}`]);
    assert.equal(prom.scrape_configs[0]!.metrics_path, '/metrics');
    assert.ok(compose.services['prometheus']);
    if (a.engine === 'sglang') assert.ok(command.includes('--enable-metrics'));
    if (a.engine === 'llamacpp') assert.ok(command.includes('--metrics'));
  } else {
    assert.equal(compose.services['prometheus'], undefined);
    assert.ok(!command.includes('--enable-metrics') && !command.includes('--metrics'));
  }
  for (const name of Object.keys(compose.volumes)) assert.ok(Object.values(compose.services).some((s) => (s.volumes ?? []).some((v) => v.startsWith(`${name}:`))), `volume ${name} is used`);
}

describe('newStackFiles: details', () => {
  it('writes the files the answers ask for, with relative paths', () => {
    const paths = (a: NewStackAnswers) => newStackFiles(a).map((f) => f.path).sort();
    assert.deepEqual(paths(answersFor('vllm')), ['.env.example', 'compose.yaml', 'probe.py']);
    assert.deepEqual(paths(answersFor('vllm', { proxy: true, prometheus: true })), ['.env.example', 'compose.yaml', 'nginx/nginx.conf', 'probe.py', 'prometheus/prometheus.yml']);
  });

  it('start_period is at least 10 minutes and twice the cold start of a large model', () => {
    const small = parse(file(newStackFiles(answersFor('vllm')), 'compose.yaml')) as ComposeJs;
    assert.equal(small.services['vllm']!.healthcheck!.start_period, '10m');
    const big = parse(file(newStackFiles(answersFor('vllm', { model: 'meta-llama/Llama-3.1-405B-Instruct', gpuCount: 8 })), 'compose.yaml')) as ComposeJs;
    // 60 s + 2 s × 405 = 870 s; twice that is 1740 s.
    assert.equal(big.services['vllm']!.healthcheck!.start_period, '29m');
  });

  it('Ollama: a pull job after the server is healthy; the proxy waits for both', () => {
    const compose = parse(file(newStackFiles(answersFor('ollama', { gpuCount: 0, proxy: true })), 'compose.yaml')) as ComposeJs;
    const pull = compose.services['ollama-pull']!;
    assert.deepEqual(pull.command, ['-fsS', 'http://ollama:11434/api/pull', '-d', '{"model":"qwen2.5:1.5b","stream":false}']);
    assert.deepEqual(pull.depends_on, { ollama: { condition: 'service_healthy' } });
    assert.deepEqual(compose.services['proxy']!.depends_on, { ollama: { condition: 'service_healthy' }, 'ollama-pull': { condition: 'service_completed_successfully' } });
  });

  it('llama.cpp: the CPU image without GPUs, the CUDA image with; a local GGUF is mounted read-only', () => {
    const cpu = parse(file(newStackFiles(answersFor('llamacpp', { gpuCount: 0 })), 'compose.yaml')) as ComposeJs;
    assert.match(cpu.services['llamacpp']!.image, /:server-b\d+$/);
    const gpu = parse(file(newStackFiles(answersFor('llamacpp', { gpuCount: 1 })), 'compose.yaml')) as ComposeJs;
    assert.match(gpu.services['llamacpp']!.image, /:server-cuda-b\d+$/);
    const local = parse(file(newStackFiles(answersFor('llamacpp', { model: 'models/tiny-q4.gguf', gpuCount: 0 })), 'compose.yaml')) as ComposeJs;
    assert.deepEqual(local.services['llamacpp']!.command!.slice(0, 2), ['--model', '/models/tiny-q4.gguf']);
    assert.ok(local.services['llamacpp']!.volumes!.includes('./models:/models:ro'));
    assert.equal(local.services['llamacpp']!.environment, undefined);
  });

  it('limits take the answers when given', () => {
    const c = parse(file(newStackFiles(answersFor('vllm', { cpus: 4, memory: '16g' })), 'compose.yaml')) as ComposeJs;
    assert.deepEqual(c.services['vllm']!.deploy!.resources.limits, { cpus: '4', memory: '16g' });
  });

  it('refuses invalid answers instead of writing them', () => {
    assert.throws(() => newStackFiles(answersFor('vllm', { model: '' })), /Enter a model/);
  });
});

describe('validateAnswers', () => {
  const base = { engine: 'vllm', model: 'Qwen/Qwen2.5-1.5B-Instruct', gpuCount: 1, port: 8000, proxy: false, prometheus: false };
  const messages = (over: Record<string, unknown>) => validateAnswers({ ...base, ...over });

  it('accepts the defaults of every engine', () => {
    for (const c of ENGINE_CHOICES) assert.deepEqual(validateAnswers({ ...base, engine: c.id, model: c.defaultModel, port: c.defaultPort }), [], c.id);
  });

  it('reports each bad answer with a message', () => {
    assert.match(messages({ engine: 'triton' }).join(), /Unknown engine "triton"/);
    assert.match(messages({ model: '' }).join(), /Enter a model/);
    assert.match(messages({ model: '   ' }).join(), /Enter a model/);
    assert.match(messages({ model: 'Qwen/Qwen 2' }).join(), /no spaces/);
    assert.match(messages({ model: '${MODEL}' }).join(), /\$/);
    assert.match(messages({ port: 0 }).join(), /1 to 65535/);
    assert.match(messages({ port: 65536 }).join(), /1 to 65535/);
    assert.match(messages({ port: 80.5 }).join(), /1 to 65535/);
    assert.match(messages({ gpuCount: -1 }).join(), /negative/);
    assert.match(messages({ gpuCount: 1.5 }).join(), /whole number/);
    assert.match(messages({ gpuCount: 0 }).join(), /vLLM needs at least one NVIDIA GPU/);
    assert.match(messages({ projectName: 'My Stack' }).join(), /project name/);
    assert.match(messages({ proxy: 'yes' }).join(), /"proxy" is yes or no/);
    assert.match(messages({ engine: 'ollama', model: 'qwen2.5:1.5b', gpuCount: 0, prometheus: true }).join(), /no Prometheus metrics/);
    assert.match(messages({ prometheus: true, port: 9090 }).join(), /9090/);
    assert.match(messages({ engine: 'ollama', model: 'qwen2.5:1.5b', healthcheck: 'probe' }).join(), /no python3/);
    assert.match(messages({ cpus: 0 }).join(), /CPU limit/);
    assert.match(messages({ memory: 'lots' }).join(), /memory limit/);
    assert.equal(messages({ gpuCount: -1, port: 0 }).length, 2);
  });

  it('field validators for the input boxes', () => {
    assert.equal(validateModel('llamacpp', 'x-q4_k_m.gguf'), undefined);
    assert.match(validateModel('llamacpp', '/abs/x.gguf')!, /\.\/models/);
    assert.match(validateModel('llamacpp', '../x.gguf')!, /\.\/models/);
    assert.match(validateModel('vllm', 'no-owner')!, /owner\/name/);
    assert.equal(validateModel('ollama', 'llama3.2'), undefined);
    assert.equal(validatePort(8000), undefined);
  });

  it('GPU-only engines start from one GPU; CPU engines may use none', () => {
    for (const c of ENGINE_CHOICES) {
      const errs = validateAnswers({ ...base, engine: c.id, model: c.defaultModel, gpuCount: 0 });
      assert.equal(errs.length === 0, c.supportsCpu, c.id);
    }
  });
});

describe('yamlScalar', () => {
  it('quotes what YAML would read as another type, keeps names plain', () => {
    assert.equal(yamlScalar('2'), '"2"');
    assert.equal(yamlScalar('0.90'), '"0.90"');
    assert.equal(yamlScalar('yes'), '"yes"');
    assert.equal(yamlScalar('--model'), '--model');
    assert.equal(yamlScalar('Qwen/Qwen2.5-1.5B-Instruct'), 'Qwen/Qwen2.5-1.5B-Instruct');
    assert.equal(yamlScalar('qwen2.5:1.5b'), 'qwen2.5:1.5b');
    for (const v of ['2', '0.90', 'yes', 'a: b', '#x', 'x:', '-', '1e3', 'null']) assert.equal(parse(`k: ${yamlScalar(v)}`).k, v, v);
  });
});
