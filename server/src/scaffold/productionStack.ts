// Template `production`: an nginx gateway balancing one vLLM worker per GPU group (each pinned to its GPUs by
// device_ids), Redis and Weaviate for the application, Prometheus scraping the workers and NVIDIA's DCGM exporter,
// Grafana provisioned with its data sources and a dashboard, Jaeger receiving the workers' OpenTelemetry traces.
// Every service has a pinned image, a healthcheck, CPU and memory limits and rotated logs; secrets come from .env
// (.env.example lists them, .gitignore keeps .env out of git).
//
// vLLM only (answers.ts validateProductionEngine): the dashboard reads vLLM's metric names (dashboardMetrics.ts)
// and tracing is vLLM's --otlp-traces-endpoint (vllm-cli-flags.json, ObservabilityConfig.otlp_traces_endpoint).

import { DEFAULT_CPUS, DEFAULT_MEMORY, type ProductionStackAnswers, type StackFile } from './answers';
import { deployResources, engineHealthcheck, flowList, healthcheck, hfTokenExample, indent, logRotation, yamlScalar } from './composeText';
import { gpuGroups } from './gpuGroups';
import { GRAFANA_DASHBOARDS_DIR, grafanaDashboardProviderYml, grafanaDatasourcesYml, inferenceDashboardJson } from './grafana';
import { buildProbeScript } from './probeScript';
import { PRODUCTION_HOST_PORTS as HOST } from './productionPorts';
import { SCAFFOLD_ENGINES } from './scaffoldEngines';
import {
  bashHttpCheck,
  DCGM_EXPORTER_IMAGE,
  GRAFANA_IMAGE,
  httpCheck,
  JAEGER_IMAGE,
  NGINX_IMAGE,
  PROMETHEUS_IMAGE,
  REDIS_IMAGE,
  WEAVIATE_IMAGE,
} from './serviceImages';
import { nginxConf, prometheusScrapeYml } from './stackConfigs';
import { stackReadme, type ReadmeService } from './stackReadme';
import { workerDockerfile } from './workerDockerfile';

const VLLM = SCAFFOLD_ENGINES.vllm;
/** Jaeger's OTLP gRPC receiver (cmd/jaeger/Dockerfile EXPOSE 4317); `http://` tells the exporter to use no TLS. */
const OTLP_ENDPOINT = 'http://jaeger:4317';
const DCGM_PORT = 9400;
/** Builds the worker image first, and returns once every service is healthy. */
export const PRODUCTION_START_COMMAND = 'docker compose up -d --build --wait';
const GATEWAY_HEALTH_PATH = '/healthz';
/** The grace of the services that start in seconds: long enough for a slow first start of a database. */
const SERVICE_START_PERIOD = '60s';

/** One vLLM worker: its service name and the GPUs it is pinned to. */
export interface Worker {
  name: string;
  deviceIds: readonly string[];
}

export function productionWorkers(a: ProductionStackAnswers): Worker[] {
  return gpuGroups(a.gpuCount, a.gpusPerWorker ?? 1).map((deviceIds, i) => ({ name: `${a.engine}-${i + 1}`, deviceIds }));
}

/** The files of the stack; the answers are valid (newStack.ts checks them). */
export function productionStackFiles(a: ProductionStackAnswers): StackFile[] {
  const workers = productionWorkers(a);
  const probe = buildProbeScript({ url: `http://localhost:${a.port}`, modelHint: a.model });
  if (!probe.ok) throw new Error(`Cannot build the probe script: ${probe.errors.join('; ')}`);
  const upstreams = workers.map((w) => ({ host: w.name, port: VLLM.containerPort }));
  return [
    { path: 'compose.yaml', content: composeYaml(a, workers) },
    { path: '.env.example', content: envExample(a) },
    { path: '.gitignore', content: '# Secrets (.env.example lists them): never committed.\n.env\n' },
    { path: 'README.md', content: readme(a, workers) },
    { path: 'probe.py', content: probe.script },
    { path: 'worker/Dockerfile', content: workerDockerfile(VLLM.image(1)) },
    { path: 'nginx/nginx.conf', content: nginxConf(upstreams, { healthPath: GATEWAY_HEALTH_PATH }) },
    {
      path: 'prometheus/prometheus.yml',
      content: prometheusScrapeYml(
        [
          { name: 'vllm', targets: upstreams.map((u) => `${u.host}:${u.port}`) },
          { name: 'dcgm', targets: [`dcgm-exporter:${DCGM_PORT}`] },
        ],
        'scrapes every vLLM worker and the DCGM exporter.',
      ),
    },
    { path: 'grafana/provisioning/datasources/datasources.yml', content: grafanaDatasourcesYml(`http://prometheus:${HOST.Prometheus}`, `http://jaeger:${HOST.Jaeger}`) },
    { path: 'grafana/provisioning/dashboards/dashboards.yml', content: grafanaDashboardProviderYml() },
    { path: 'grafana/dashboards/vllm.json', content: inferenceDashboardJson('vLLM inference') },
  ];
}

function envExample(a: ProductionStackAnswers): string {
  return [
    '# Copy to .env (docker compose reads it from this folder) and fill in. .gitignore keeps .env out of git.',
    '# Make each password long and random, e.g. `openssl rand -hex 24`.',
    ...hfTokenExample(a.engine, a.model, 'vLLM'),
    `# Grafana's admin password (user admin), for http://localhost:${HOST.Grafana}.`,
    'GRAFANA_ADMIN_PASSWORD=',
    `# Redis's password: clients connect to redis://:PASSWORD@localhost:${HOST.Redis} (or redis:6379 in the stack).`,
    'REDIS_PASSWORD=',
    '# Weaviate\'s API key: clients send "Authorization: Bearer KEY".',
    'WEAVIATE_API_KEY=',
    '',
  ].join('\n');
}

/** A variable Compose must find in .env: `up` stops with this message instead of starting with an empty secret. */
function required(name: string): string {
  return `"\${${name}:?set ${name} in .env (see .env.example)}"`;
}

/** The CPU limit of a small service, never above the workers' (Docker refuses a limit above the host's cores). */
function smallCpus(a: ProductionStackAnswers, cpus: number): number {
  return Math.min(cpus, a.cpus ?? DEFAULT_CPUS);
}

function composeYaml(a: ProductionStackAnswers, workers: readonly Worker[]): string {
  const perWorker = a.gpusPerWorker ?? 1;
  const lines = [
    `# Generated by Inference Stack ("New inference stack…", production template): vLLM serving ${a.model} on ${workers.length} worker${workers.length === 1 ? '' : 's'}`,
    `# of ${perWorker} GPU${perWorker === 1 ? '' : 's'} each behind an nginx gateway, with Redis, Weaviate, Prometheus, Grafana, Jaeger and NVIDIA's DCGM exporter.`,
    `# Start: copy .env.example to .env and fill it in, then \`${PRODUCTION_START_COMMAND}\`. README.md lists`,
    '# each service and its port.',
    `# Accuracy probe (asks the model a question it must get right): python3 probe.py --url http://localhost:${a.port}`,
    ...(a.projectName ? [`name: ${a.projectName}`] : []),
    'services:',
    ...[gateway(a, workers), ...workers.map((w) => worker(a, w)), redis(a), weaviate(a), prometheus(a), grafana(a), jaeger(a), dcgmExporter(a, workers)].flatMap((s, i) => [
      ...(i ? [''] : []),
      ...indent(2, s),
    ]),
    '',
    'volumes:',
    ...[VLLM.cacheVolume, 'redis-data', 'weaviate-data', 'prometheus-data', 'grafana-data'].map((v) => `  ${v}:`),
  ];
  return lines.join('\n') + '\n';
}

function ports(...mappings: string[]): string[] {
  return ['  ports:', ...mappings.map((m) => `    - "${m}"`)];
}

/** Published on the host's loopback only: an operator's console or an application store, not the public API. */
function local(port: number): string {
  return `127.0.0.1:${port}:${port}`;
}

function common(a: ProductionStackAnswers, cpus: number, memory: string): string[] {
  return ['  restart: unless-stopped', ...logRotation(), ...deployResources({ cpus: smallCpus(a, cpus), memory })];
}

function gateway(a: ProductionStackAnswers, workers: readonly Worker[]): string[] {
  return [
    'gateway:',
    `  image: ${NGINX_IMAGE}`,
    '  # The one public port: nginx sends each request to the worker with the fewest in flight (nginx/nginx.conf).',
    ...ports(`${a.port}:80`),
    '  volumes:',
    '    - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro',
    '  # Starts once every worker answers, so the first requests do not hit a closed port.',
    '  depends_on:',
    ...workers.flatMap((w) => [`    ${w.name}:`, '      condition: service_healthy']),
    ...common(a, 1, '512m'),
    ...healthcheck(httpCheck('curl', `http://localhost${GATEWAY_HEALTH_PATH}`), '10s'),
  ];
}

function worker(a: ProductionStackAnswers, w: Worker): string[] {
  const command = [...VLLM.command(a.model, w.deviceIds.length, true), '--otlp-traces-endpoint', OTLP_ENDPOINT];
  return [
    `${w.name}:`,
    '  # vLLM plus the OpenTelemetry exporter its traces need (worker/Dockerfile).',
    '  build: ./worker',
    `  image: inference-stack/vllm-otlp:${VLLM.image(1).split(':').pop()}`,
    '  # The image runs `vllm serve`: the model, then options. vLLM reads its settings from here, not from env vars.',
    '  command:',
    ...command.map((c) => `    - ${yamlScalar(c)}`),
    '  environment:',
    '    HF_TOKEN: ${HF_TOKEN:-}',
    '    # How this worker is named in Jaeger (read by the OpenTelemetry SDK).',
    `    OTEL_SERVICE_NAME: ${w.name}`,
    '  # Reached through the gateway only; Prometheus scrapes /metrics on the same port.',
    '  expose:',
    `    - "${VLLM.containerPort}"`,
    '  volumes:',
    `    - ${VLLM.cacheVolume}:${VLLM.cachePath}`,
    `  shm_size: ${VLLM.shmSize}`,
    '  restart: unless-stopped',
    ...logRotation(),
    ...deployResources(
      { cpus: a.cpus ?? DEFAULT_CPUS, memory: a.memory ?? DEFAULT_MEMORY, comment: `GPU${w.deviceIds.length === 1 ? '' : 's'} ${w.deviceIds.join(', ')} (nvidia-smi's indexes) and no other worker's; size the limits to the model and the host.` },
      { deviceIds: w.deviceIds },
    ),
    ...engineHealthcheck(a.engine, a.model),
  ];
}

function redis(a: ProductionStackAnswers): string[] {
  return [
    'redis:',
    `  image: ${REDIS_IMAGE}`,
    '  # For the application: cache, sessions, rate limits, queues. Appends every write to disk (redis-data).',
    '  command: ["redis-server", "--requirepass", ' + required('REDIS_PASSWORD') + ', "--appendonly", "yes"]',
    '  environment:',
    '    # redis-cli reads the password from here, so the healthcheck never has it on its command line.',
    `    REDISCLI_AUTH: ${required('REDIS_PASSWORD')}`,
    ...ports(local(HOST.Redis)),
    '  volumes:',
    '    - redis-data:/data',
    ...common(a, 1, '2g'),
    ...healthcheck(['CMD-SHELL', 'redis-cli ping | grep -q PONG'], SERVICE_START_PERIOD),
  ];
}

function weaviate(a: ProductionStackAnswers): string[] {
  return [
    'weaviate:',
    `  image: ${WEAVIATE_IMAGE}`,
    '  # The vector database for retrieval (RAG); vectors come from the application (no vectorizer module).',
    `  command: ${flowList(['--host', '0.0.0.0', '--port', '8080', '--scheme', 'http'])}`,
    '  environment:',
    '    AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: "false"',
    '    AUTHENTICATION_APIKEY_ENABLED: "true"',
    `    AUTHENTICATION_APIKEY_ALLOWED_KEYS: ${required('WEAVIATE_API_KEY')}`,
    '    AUTHENTICATION_APIKEY_USERS: admin',
    '    AUTHORIZATION_ADMINLIST_ENABLED: "true"',
    '    AUTHORIZATION_ADMINLIST_USERS: admin',
    '    PERSISTENCE_DATA_PATH: /var/lib/weaviate',
    '    DEFAULT_VECTORIZER_MODULE: none',
    '    CLUSTER_HOSTNAME: node1',
    '    # Go collects garbage harder near this, below the memory limit, instead of being killed at it.',
    '    GOMEMLIMIT: 3GiB',
    ...ports(local(HOST.Weaviate), local(HOST['Weaviate gRPC'])),
    '  volumes:',
    '    - weaviate-data:/var/lib/weaviate',
    ...common(a, 2, '4g'),
    ...healthcheck(httpCheck('wget', 'http://localhost:8080/v1/.well-known/ready'), SERVICE_START_PERIOD),
  ];
}

function prometheus(a: ProductionStackAnswers): string[] {
  return [
    'prometheus:',
    `  image: ${PROMETHEUS_IMAGE}`,
    '  # Scrapes every worker\'s /metrics and the DCGM exporter (prometheus/prometheus.yml); keeps 15 days.',
    '  command:',
    '    - --config.file=/etc/prometheus/prometheus.yml',
    '    - --storage.tsdb.path=/prometheus',
    '    - --storage.tsdb.retention.time=15d',
    ...ports(local(HOST.Prometheus)),
    '  volumes:',
    '    - ./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    '    - prometheus-data:/prometheus',
    ...common(a, 1, '2g'),
    ...healthcheck(httpCheck('wget', `http://localhost:${HOST.Prometheus}/-/healthy`), SERVICE_START_PERIOD),
  ];
}

function grafana(a: ProductionStackAnswers): string[] {
  return [
    'grafana:',
    `  image: ${GRAFANA_IMAGE}`,
    '  # Dashboards: Prometheus and Jaeger as data sources, the vLLM dashboard in the "Inference Stack" folder.',
    '  environment:',
    '    GF_SECURITY_ADMIN_USER: admin',
    `    GF_SECURITY_ADMIN_PASSWORD: ${required('GRAFANA_ADMIN_PASSWORD')}`,
    '    GF_USERS_ALLOW_SIGN_UP: "false"',
    ...ports(local(HOST.Grafana)),
    '  volumes:',
    '    - ./grafana/provisioning:/etc/grafana/provisioning:ro',
    `    - ./grafana/dashboards:${GRAFANA_DASHBOARDS_DIR}:ro`,
    '    - grafana-data:/var/lib/grafana',
    '  depends_on:',
    '    prometheus:',
    '      condition: service_healthy',
    ...common(a, 1, '1g'),
    ...healthcheck(httpCheck('curl', `http://localhost:${HOST.Grafana}/api/health`), SERVICE_START_PERIOD),
  ];
}

function jaeger(a: ProductionStackAnswers): string[] {
  return [
    'jaeger:',
    `  image: ${JAEGER_IMAGE}`,
    '  # Receives the workers\' traces over OTLP gRPC (4317) and shows them; keeps them in memory (lost on restart).',
    '  environment:',
    '    # Listen on every interface, so the workers reach the receiver and the host reaches the UI.',
    '    JAEGER_LISTEN_HOST: 0.0.0.0',
    '  expose:',
    '    - "4317"',
    ...ports(local(HOST.Jaeger)),
    ...common(a, 1, '2g'),
    ...healthcheck(httpCheck('wget', `http://localhost:${HOST.Jaeger}/`), SERVICE_START_PERIOD),
  ];
}

/**
 * NVIDIA's DCGM exporter: the GPUs' utilisation and memory for Prometheus. It sees the workers' GPUs (a reservation
 * of the same device ids: reading them takes none of their memory). The DCGM_FI_DEV_* fields the dashboard reads need
 * no SYS_ADMIN capability; only the profiling DCGM_FI_PROF_* fields do (NVIDIA/dcgm-exporter README runs
 * `--cap-add SYS_ADMIN` for those).
 */
function dcgmExporter(a: ProductionStackAnswers, workers: readonly Worker[]): string[] {
  return [
    'dcgm-exporter:',
    `  image: ${DCGM_EXPORTER_IMAGE}`,
    '  # GPU metrics for Prometheus (DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_FB_USED...), on port 9400 inside the stack.',
    '  expose:',
    `    - "${DCGM_PORT}"`,
    '  restart: unless-stopped',
    ...logRotation(),
    ...deployResources({ cpus: smallCpus(a, 1), memory: '1g' }, { deviceIds: workers.flatMap((w) => w.deviceIds) }),
    ...healthcheck(bashHttpCheck(DCGM_PORT, '/health'), SERVICE_START_PERIOD),
  ];
}

function readme(a: ProductionStackAnswers, workers: readonly Worker[]): string {
  const perWorker = a.gpusPerWorker ?? 1;
  const services: ReadmeService[] = [
    { name: 'gateway', image: NGINX_IMAGE, role: `nginx: the public API, balancing requests over the workers (fewest in flight first).`, reach: `http://localhost:${a.port}` },
    ...workers.map((w) => ({
      name: w.name,
      image: `${VLLM.image(1)} + OpenTelemetry (worker/Dockerfile)`,
      role: `vLLM serving ${a.model} on GPU${w.deviceIds.length === 1 ? '' : 's'} ${w.deviceIds.join(', ')}; sends its traces to Jaeger.`,
    })),
    { name: 'redis', image: REDIS_IMAGE, role: 'Redis for the application: cache, sessions, rate limits, queues (password: REDIS_PASSWORD).', reach: `localhost:${HOST.Redis}` },
    { name: 'weaviate', image: WEAVIATE_IMAGE, role: 'Weaviate, the vector database for retrieval (API key: WEAVIATE_API_KEY).', reach: `http://localhost:${HOST.Weaviate}, gRPC localhost:${HOST['Weaviate gRPC']}` },
    { name: 'prometheus', image: PROMETHEUS_IMAGE, role: 'Prometheus: scrapes every worker and the DCGM exporter every 15 s, keeps 15 days.', reach: `http://localhost:${HOST.Prometheus}` },
    { name: 'grafana', image: GRAFANA_IMAGE, role: 'Grafana: the "vLLM inference" dashboard (TTFT, inter-token latency, tokens/s, requests, KV cache, GPU use and memory).', reach: `http://localhost:${HOST.Grafana}` },
    { name: 'jaeger', image: JAEGER_IMAGE, role: 'Jaeger: the workers\' request traces (in memory: lost on restart).', reach: `http://localhost:${HOST.Jaeger}` },
    { name: 'dcgm-exporter', image: DCGM_EXPORTER_IMAGE, role: 'NVIDIA DCGM exporter: GPU utilisation and memory for Prometheus.' },
  ];
  return stackReadme({
    title: a.projectName ?? 'Inference stack',
    summary:
      `Generated by Inference Stack (production template): vLLM serving \`${a.model}\` on ${workers.length} worker${workers.length === 1 ? '' : 's'} of ` +
      `${perWorker} GPU${perWorker === 1 ? '' : 's'} each, behind an nginx gateway, with Redis, Weaviate, metrics, dashboards and traces. ` +
      'Only the gateway listens on every interface; the other ports are bound to 127.0.0.1.',
    services,
    start: [
      'Install the NVIDIA driver and the NVIDIA Container Toolkit, so containers can reserve GPUs.',
      '`cp .env.example .env`, then fill in every value (`openssl rand -hex 24` makes a good password). Never commit `.env`.',
      `\`${PRODUCTION_START_COMMAND}\`: builds the worker image, starts everything, and returns once every service is healthy (the first start downloads the model: minutes).`,
      `Ask the model: \`curl http://localhost:${a.port}/v1/chat/completions -H 'Content-Type: application/json' -d '{"model": "${a.model}", "messages": [{"role": "user", "content": "Hello"}]}'\``,
      `Check it answers right: \`python3 probe.py --url http://localhost:${a.port}\`.`,
    ],
    sections: [
      {
        heading: 'Observe',
        paragraphs: [
          `Grafana at http://localhost:${HOST.Grafana} (user \`admin\`, password GRAFANA_ADMIN_PASSWORD): the "vLLM inference" dashboard in the "Inference Stack" folder.`,
          `Prometheus at http://localhost:${HOST.Prometheus}/targets shows every scrape target; Jaeger at http://localhost:${HOST.Jaeger} shows the traces of each worker (service ${workers.map((w) => `\`${w.name}\``).join(', ')}).`,
        ],
      },
      {
        heading: 'GPUs',
        paragraphs: [
          `Each worker reserves its own GPUs by index (\`deploy.resources.reservations.devices[].device_ids\` in compose.yaml): ${workers.map((w) => `\`${w.name}\` ${w.deviceIds.join(', ')}`).join('; ')}. Change them to match \`nvidia-smi -L\` on this host; no two workers should share a GPU.`,
        ],
      },
      {
        heading: 'Stop',
        paragraphs: ['`docker compose down` stops and removes the containers; the volumes (model cache, Redis, Weaviate, Prometheus, Grafana) stay until `docker compose down -v`.'],
      },
    ],
  });
}
