// The production template: its structure (workers pinned to distinct GPUs covering all of them, a gateway and
// Prometheus that know every worker, a dashboard that reads real metric names), its checks of the answers, and its
// files linted and loaded with the project's own tools.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { VLLM_FLAGS } from '../../server/src/engines/vllmFacts.generated';
import { DCGM_DASHBOARD_METRICS, VLLM_DASHBOARD_METRICS } from '../../server/src/scaffold/dashboardMetrics';
import { gpuGroups } from '../../server/src/scaffold/gpuGroups';
import { newStackFiles, validateAnswers, type ProductionStackAnswers, type StackFile } from '../../server/src/scaffold/newStack';
import { PRODUCTION_HOST_PORTS } from '../../server/src/scaffold/productionPorts';
import { SCAFFOLD_ENGINES } from '../../server/src/scaffold/scaffoldEngines';
import { filledDotEnv, lintStack, stackConfig, writeStack } from './stackFolder';

const root = join(__dirname, '..', '..', '..');

function answers(over: Partial<ProductionStackAnswers> = {}): ProductionStackAnswers {
  return { template: 'production', engine: 'vllm', model: 'Qwen/Qwen2.5-1.5B-Instruct', gpuCount: 2, port: 8000, cpus: 8, ...over };
}

function file(files: readonly StackFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `no ${path} among ${files.map((x) => x.path).join(', ')}`);
  return f.content;
}

interface Service {
  image: string;
  build?: string;
  command?: string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; start_period: string };
  logging?: { driver: string; options: Record<string, string> };
  deploy?: { resources: { limits: { cpus: string; memory: string }; reservations?: { devices: Array<{ driver: string; device_ids?: string[]; count?: number; capabilities: string[] }> } } };
}

function compose(files: readonly StackFile[]): { services: Record<string, Service>; volumes: Record<string, null> } {
  return parse(file(files, 'compose.yaml'));
}

const workersOf = (services: Record<string, Service>) => Object.keys(services).filter((name) => /^vllm-\d+$/.test(name));

/** GPU counts and GPUs per worker: one GPU, several single-GPU workers, tensor-parallel workers, one big worker. */
const SPLITS: Array<[number, number]> = [[1, 1], [2, 1], [4, 2], [8, 2], [8, 8]];

describe('production template: structure', () => {
  for (const [gpuCount, gpusPerWorker] of SPLITS) {
    it(`${gpuCount} GPUs, ${gpusPerWorker} per worker: distinct device_ids covering every GPU, each worker's TP its group`, () => {
      const { services } = compose(newStackFiles(answers({ gpuCount, gpusPerWorker })));
      const workers = workersOf(services);
      assert.equal(workers.length, gpuCount / gpusPerWorker);
      const seen: string[] = [];
      for (const name of workers) {
        const devices = services[name]!.deploy!.resources.reservations!.devices;
        assert.equal(devices.length, 1);
        assert.equal(devices[0]!.count, undefined, 'pinned by device_ids, never by count');
        assert.deepEqual(devices[0]!.capabilities, ['gpu']);
        const ids = devices[0]!.device_ids!;
        assert.equal(ids.length, gpusPerWorker);
        seen.push(...ids);
        const command = services[name]!.command!;
        const tp = command.indexOf('--tensor-parallel-size');
        assert.equal(tp === -1 ? 1 : Number(command[tp + 1]), gpusPerWorker, command.join(' '));
      }
      assert.deepEqual([...seen].sort((a, b) => Number(a) - Number(b)), Array.from({ length: gpuCount }, (_, i) => String(i)), 'every GPU in exactly one worker');
      // The DCGM exporter watches the workers' GPUs.
      assert.deepEqual(services['dcgm-exporter']!.deploy!.resources.reservations!.devices[0]!.device_ids, seen);
    });

    it(`${gpuCount} GPUs, ${gpusPerWorker} per worker: the gateway balances and waits for every worker; Prometheus scrapes each`, () => {
      const files = newStackFiles(answers({ gpuCount, gpusPerWorker }));
      const { services } = compose(files);
      const workers = workersOf(services);
      const port = SCAFFOLD_ENGINES.vllm.containerPort;
      const upstream = [...file(files, 'nginx/nginx.conf').matchAll(/^\s*server ([\w.-]+):(\d+)\b/gm)].map((m) => `${m[1]}:${m[2]}`);
      assert.deepEqual(upstream, workers.map((w) => `${w}:${port}`));
      assert.deepEqual(Object.keys(services['gateway']!.depends_on!), workers);
      for (const w of workers) assert.deepEqual(services['gateway']!.depends_on![w], { condition: 'service_healthy' });
      assert.deepEqual(services['gateway']!.ports, ['8000:80']);
      const prometheus = parse(file(files, 'prometheus/prometheus.yml')) as { scrape_configs: Array<{ job_name: string; metrics_path: string; static_configs: Array<{ targets: string[] }> }> };
      const targets = (job: string) => prometheus.scrape_configs.find((j) => j.job_name === job)!.static_configs.flatMap((s) => s.targets);
      assert.deepEqual(targets('vllm'), workers.map((w) => `${w}:${port}`));
      assert.deepEqual(targets('dcgm'), ['dcgm-exporter:9400']);
    });
  }

  it('gpuGroups splits consecutively and refuses a split that leaves GPUs over', () => {
    assert.deepEqual(gpuGroups(4, 2), [['0', '1'], ['2', '3']]);
    assert.deepEqual(gpuGroups(3, 1), [['0'], ['1'], ['2']]);
    assert.throws(() => gpuGroups(3, 2), /do not split/);
  });

  it('the Grafana dashboard queries the vLLM and DCGM metrics, by the names in the facts', () => {
    const files = newStackFiles(answers());
    const dashboard = JSON.parse(file(files, 'grafana/dashboards/vllm.json')) as { panels: Array<{ title: string; targets: Array<{ expr: string }>; datasource: { uid: string } }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    for (const name of [...Object.values(VLLM_DASHBOARD_METRICS), ...Object.values(DCGM_DASHBOARD_METRICS)]) {
      assert.ok(exprs.some((e) => e.includes(name)), `no panel queries ${name}`);
    }
    const panel = (title: string) => dashboard.panels.find((p) => p.title === title)!.targets.map((t) => t.expr);
    assert.deepEqual(panel('Time to first token').map((e) => /histogram_quantile\(([\d.]+),/.exec(e)![1]), ['0.5', '0.95', '0.99']);
    assert.ok(panel('Time to first token').every((e) => e.includes('vllm:time_to_first_token_seconds_bucket')));
    // Never a guessed name: each vLLM series is one vllm-metrics.json lists (by name or as exposed).
    const facts = JSON.parse(readFileSync(join(root, 'server/src/engines/facts/vllm-metrics.json'), 'utf8')) as { metrics: Array<{ name: string; exposed_as?: string[] }> };
    const known = new Set(facts.metrics.flatMap((m) => [m.name, ...(m.exposed_as ?? [])]));
    for (const name of Object.values(VLLM_DASHBOARD_METRICS)) assert.ok(known.has(name), `${name} is not in vllm-metrics.json`);
    const series = exprs.flatMap((e) => e.match(/\bvllm:[a-z_:]+/g) ?? []);
    for (const name of series) assert.ok(known.has(name), `${name} is not in vllm-metrics.json`);
    // Every panel reads the provisioned Prometheus data source.
    const datasources = parse(file(files, 'grafana/provisioning/datasources/datasources.yml')) as { datasources: Array<{ uid: string; type: string; url: string }> };
    const prometheus = datasources.datasources.find((d) => d.type === 'prometheus')!;
    assert.equal(prometheus.url, 'http://prometheus:9090');
    assert.ok(dashboard.panels.every((p) => p.datasource.uid === prometheus.uid));
    const provider = parse(file(files, 'grafana/provisioning/dashboards/dashboards.yml')) as { providers: Array<{ options: { path: string } }> };
    const { services } = compose(files);
    assert.ok(services['grafana']!.volumes!.includes(`./grafana/dashboards:${provider.providers[0]!.options.path}:ro`));
  });

  it('the workers send traces to Jaeger with --otlp-traces-endpoint, a flag vLLM has, from an image with the OTLP exporter', () => {
    const files = newStackFiles(answers({ gpuCount: 2 }));
    const { services } = compose(files);
    assert.ok(VLLM_FLAGS.some((f) => f.flag === '--otlp-traces-endpoint'), 'vllm-cli-flags.json lists --otlp-traces-endpoint');
    for (const name of workersOf(services)) {
      const command = services[name]!.command!;
      assert.equal(command[command.indexOf('--otlp-traces-endpoint') + 1], 'http://jaeger:4317');
      assert.equal(services[name]!.environment!['OTEL_SERVICE_NAME'], name);
      assert.equal(services[name]!.build, './worker');
    }
    const dockerfile = file(files, 'worker/Dockerfile');
    assert.match(dockerfile, new RegExp(`^FROM ${SCAFFOLD_ENGINES.vllm.image(1).replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(dockerfile, /opentelemetry-exporter-otlp-proto-grpc==\d/);
    assert.ok(services['jaeger']!.expose!.includes('4317'));
  });

  it('every service: a pinned image, a healthcheck, CPU and memory limits, rotated logs', () => {
    const { services } = compose(newStackFiles(answers({ gpuCount: 2 })));
    assert.deepEqual(Object.keys(services).sort(), ['dcgm-exporter', 'gateway', 'grafana', 'jaeger', 'prometheus', 'redis', 'vllm-1', 'vllm-2', 'weaviate']);
    for (const [name, svc] of Object.entries(services)) {
      assert.match(svc.image, /:[\w][\w.-]*$/, `${name}: tagged`);
      assert.doesNotMatch(svc.image, /:latest$/, `${name}: pinned`);
      assert.ok(svc.healthcheck?.test.length, `${name}: healthcheck`);
      assert.ok(svc.deploy?.resources.limits.cpus && svc.deploy.resources.limits.memory, `${name}: limits`);
      assert.equal(svc.logging?.options['max-size'], '10m', `${name}: log rotation`);
    }
  });

  it('secrets come from .env: each variable compose.yaml needs is in .env.example, with no value; .env is git-ignored', () => {
    const files = newStackFiles(answers());
    const text = file(files, 'compose.yaml');
    const used = new Set([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const example = file(files, '.env.example');
    assert.deepEqual([...used].sort(), ['GRAFANA_ADMIN_PASSWORD', 'HF_TOKEN', 'REDIS_PASSWORD', 'WEAVIATE_API_KEY']);
    for (const name of used) assert.match(example, new RegExp(`^${name}=$`, 'm'));
    // A secret is required (`:?`): Compose stops rather than start Grafana, Redis or Weaviate without one.
    for (const name of ['GRAFANA_ADMIN_PASSWORD', 'REDIS_PASSWORD', 'WEAVIATE_API_KEY']) assert.match(text, new RegExp(`\\$\\{${name}:\\?`));
    assert.match(file(files, '.gitignore'), /^\.env$/m);
  });

  it('only the gateway listens on every interface; the README names every service and every published port', () => {
    const files = newStackFiles(answers({ port: 8100 }));
    const { services } = compose(files);
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => ({ name, p })));
    for (const { name, p } of published) if (name !== 'gateway') assert.match(p, /^127\.0\.0\.1:/, `${name} ${p}`);
    const readme = file(files, 'README.md');
    for (const name of Object.keys(services)) assert.ok(readme.includes(`\`${name}\``), `README names ${name}`);
    for (const port of [8100, ...Object.values(PRODUCTION_HOST_PORTS)]) assert.ok(readme.includes(`localhost:${port}`), `README gives port ${port}`);
    assert.match(readme, /docker compose up -d --build --wait/);
  });
});

describe('production template: answers', () => {
  it('refuses engines other than vLLM, saying why and what to use instead', () => {
    for (const engine of ['tgi', 'sglang', 'ollama', 'llamacpp'] as const) {
      const errors = validateAnswers({ ...answers(), engine, model: 'x/y' });
      assert.equal(errors.length, 1, errors.join(' | '));
      assert.match(errors[0]!, /production template runs vLLM workers only.*single template/);
    }
  });

  it('refuses a GPU split with GPUs left over, a port another service publishes, and the single template\'s options', () => {
    assert.match(validateAnswers(answers({ gpuCount: 3, gpusPerWorker: 2 })).join(), /3 GPUs do not split into workers of 2/);
    assert.match(validateAnswers(answers({ gpuCount: 2, gpusPerWorker: 4 })).join(), /more GPUs \(4\) than the stack \(2\)/);
    assert.match(validateAnswers(answers({ gpusPerWorker: 0 })).join(), /whole number from 1/);
    assert.match(validateAnswers(answers({ port: 3000 })).join(), /Port 3000 is Grafana's/);
    assert.match(validateAnswers({ ...answers(), proxy: true }).join(), /leave out proxy/);
    assert.match(validateAnswers({ ...answers(), template: 'cluster' }).join(), /Unknown template "cluster"/);
    assert.deepEqual(validateAnswers(answers({ gpuCount: 8, gpusPerWorker: 4 })), []);
  });
});

describe('production template: written to a folder, lints clean within its project and loads as Compose does', () => {
  for (const [gpuCount, gpusPerWorker] of SPLITS) {
    it(`${gpuCount} GPUs, ${gpusPerWorker} per worker`, () => {
      const files = newStackFiles(answers({ gpuCount, gpusPerWorker, projectName: 'prod-stack' }));
      // As written, before .env exists: no finding.
      assert.deepEqual(lintStack(writeStack(files), files), []);
      // With .env filled in: no finding, and Compose loads it, building the workers from worker/.
      const dir = writeStack(files, filledDotEnv(file(files, '.env.example')));
      assert.deepEqual(lintStack(dir, files), []);
      const config = stackConfig(dir) as { name: string; services: Record<string, { build?: { context: string } }> };
      assert.equal(config.name, 'prod-stack');
      assert.equal(config.services['vllm-1']!.build!.context, join(dir, 'worker'));
    });
  }

  it('without .env, Compose refuses to start and says which secret is missing', () => {
    const files = newStackFiles(answers());
    assert.throws(() => stackConfig(writeStack(files)), /required variable (GRAFANA_ADMIN_PASSWORD|REDIS_PASSWORD|WEAVIATE_API_KEY) is missing a value: set \w+ in \.env/);
  });
});
