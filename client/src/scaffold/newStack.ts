// "New inference stack…": from the wizard's answers to the files of a stack that lints clean. Pure: the VS Code
// command asks the questions (ENGINE_CHOICES, the validators) and writes what newStackFiles returns.
//
// What "done right" means is what the rules check (server/src/rules): a GPU reservation with capabilities
// (gpu-reservation-missing, gpu-capabilities-missing) and a count that covers the tensor-parallel size
// (gpu-count-below-parallelism); settings on the command line, not in env vars the engine ignores
// (env-ignored-by-engine); a healthcheck whose grace is at least twice the cold start (healthcheck-missing,
// healthcheck-start-period-short); CPU and memory limits (resource-limits-missing); the model cache on a volume
// (model-cache-not-mounted); HF_TOKEN from the environment (secret-literal); a pinned image (image-unpinned);
// and dependents that wait for `service_healthy` (depends-on-unhealthy-model).

import { buildProbeScript, composeHealthcheck } from '../stack/probe/probeScript';
import { estimateColdStart, recommendedStartPeriod } from '../../../server/src/engines/coldStart';
import { formatDuration } from '../../../server/src/core/duration';
import { WRITTEN_HEALTHCHECK_TIMING } from '../../../server/src/core/healthcheckDefaults';
import { engineChoice, isLocalGguf, SCAFFOLD_ENGINE_IDS, SCAFFOLD_ENGINES, ScaffoldEngineId } from './scaffoldEngines';
import { nginxConf, prometheusYml } from './stackConfigs';

export interface NewStackAnswers {
  engine: ScaffoldEngineId;
  model: string;
  /** 0 = CPU only (Ollama, llama.cpp). */
  gpuCount: number;
  /** The host port: the proxy's when there is one, else the model server's. */
  port: number;
  proxy: boolean;
  prometheus: boolean;
  /** Compose's top-level `name:`; the folder name when absent. */
  projectName?: string;
  /**
   * 'endpoint' (default): the engine's own health endpoint, cheap and model-agnostic. 'probe': the accuracy probe
   * (probe.py) as the healthcheck, for engines whose image has python3 (vLLM, TGI, SGLang).
   */
  healthcheck?: 'endpoint' | 'probe';
  /** deploy.resources.limits.cpus, default 8. Docker refuses a limit above the host's CPU count: pass min(8, cores). */
  cpus?: number;
  /** deploy.resources.limits.memory, default 32g. */
  memory?: string;
}

export interface StackFile {
  /** Relative to the folder the stack is written to, with `/` separators. */
  path: string;
  content: string;
}

/** The answers as the wizard collected them, before they are known to be valid. */
export type RawAnswers = { [K in keyof NewStackAnswers]?: unknown };

export const DEFAULT_CPUS = 8;
export const DEFAULT_MEMORY = '32g';
export const PROMETHEUS_PORT = 9090;
const PROXY_IMAGE = 'nginx:1.27';
const PROMETHEUS_IMAGE = 'prom/prometheus:v3.0.1';
const CURL_IMAGE = 'curlimages/curl:8.11.1';
/** The start grace never goes below vLLM's VLLM_ENGINE_READY_TIMEOUT_S default (probeScript.ts): first starts download. */
const MIN_START_PERIOD_SECONDS = 600;

// ---------------------------------------------------------------------------------------------------------
// Validation: one function per question, for the InputBox's validateInput, and one for all of them.

export function validateEngine(engine: unknown): string | undefined {
  return typeof engine === 'string' && engineChoice(engine)
    ? undefined
    : `Unknown engine ${JSON.stringify(engine)}: choose one of ${SCAFFOLD_ENGINE_IDS.join(', ')}.`;
}

export function validateModel(engine: ScaffoldEngineId, model: unknown): string | undefined {
  if (typeof model !== 'string' || model.trim() === '') return 'Enter a model.';
  if (/[\s"'`$\\]/.test(model)) return 'A model name has no spaces, quotes, backslashes or $.';
  if (engine === 'ollama') {
    return /^[a-z0-9][a-z0-9._/-]*(:[a-z0-9._-]+)?$/i.test(model) ? undefined : 'An Ollama model is name[:tag], e.g. qwen2.5:1.5b.';
  }
  if (engine === 'llamacpp' && isLocalGguf(model)) {
    return model.startsWith('/') || model.split('/').includes('..')
      ? 'Put the .gguf file in ./models next to compose.yaml and give its name (e.g. model-q4_k_m.gguf).'
      : undefined;
  }
  return /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*(:[A-Za-z0-9._-]+)?$/.test(model)
    ? undefined
    : `Give a Hugging Face model id: owner/name${engine === 'llamacpp' ? '[:quant], or a .gguf file name in ./models' : ''}.`;
}

export function validateGpuCount(engine: ScaffoldEngineId, gpuCount: unknown): string | undefined {
  if (typeof gpuCount !== 'number' || !Number.isInteger(gpuCount)) return 'The GPU count is a whole number.';
  if (gpuCount < 0) return 'The GPU count cannot be negative.';
  if (gpuCount > 64) return 'At most 64 GPUs on one host.';
  const choice = engineChoice(engine);
  if (gpuCount === 0 && choice && !choice.supportsCpu) return `${choice.label} needs at least one NVIDIA GPU (Ollama and llama.cpp run on CPU).`;
  return undefined;
}

export function validatePort(port: unknown): string | undefined {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : 'The port is a whole number from 1 to 65535.';
}

/** Compose project names: lowercase letters, digits, dashes and underscores, starting with a letter or digit. */
export function validateProjectName(name: unknown): string | undefined {
  if (name === undefined || name === '') return undefined;
  return typeof name === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(name)
    ? undefined
    : 'A project name has lowercase letters, digits, dashes and underscores, and starts with a letter or digit.';
}

/** Every problem with the answers, one message each; empty when newStackFiles can write them. */
export function validateAnswers(answers: RawAnswers): string[] {
  const engineError = validateEngine(answers.engine);
  if (engineError) return [engineError];
  const engine = answers.engine as ScaffoldEngineId;
  const choice = engineChoice(engine)!;
  const errors = [
    validateModel(engine, answers.model),
    validateGpuCount(engine, answers.gpuCount),
    validatePort(answers.port),
    validateProjectName(answers.projectName),
  ];
  for (const key of ['proxy', 'prometheus'] as const) {
    if (typeof answers[key] !== 'boolean') errors.push(`"${key}" is yes or no.`);
  }
  if (answers.prometheus === true && !choice.hasMetrics) errors.push(`${choice.label} serves no Prometheus metrics: leave Prometheus out.`);
  if (answers.prometheus === true && answers.port === PROMETHEUS_PORT) errors.push(`Port ${PROMETHEUS_PORT} is Prometheus's: pick another port.`);
  const hc = answers.healthcheck;
  if (hc !== undefined && hc !== 'endpoint' && hc !== 'probe') errors.push('The healthcheck is "endpoint" or "probe".');
  if (hc === 'probe' && !choice.hasPython) errors.push(`The ${choice.label} image has no python3 to run the accuracy probe: use the "endpoint" healthcheck.`);
  const cpus = answers.cpus;
  if (cpus !== undefined && !(typeof cpus === 'number' && cpus > 0 && cpus <= 1024)) errors.push('The CPU limit is a positive number.');
  const memory = answers.memory;
  if (memory !== undefined && !(typeof memory === 'string' && /^\d+(\.\d+)?[bkmg]$/i.test(memory))) errors.push('The memory limit is a size such as 32g or 512m.');
  return errors.filter((e): e is string => e !== undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Files

/** compose.yaml, .env.example, probe.py and the optional configs. Throws on answers validateAnswers refuses. */
export function newStackFiles(answers: NewStackAnswers): StackFile[] {
  const errors = validateAnswers(answers);
  if (errors.length) throw new Error(`Cannot write the stack: ${errors.join(' ')}`);
  const engine = SCAFFOLD_ENGINES[answers.engine];
  const service = answers.engine;
  const probe = buildProbeScript({ url: probeUrl(answers), modelHint: answers.model });
  if (!probe.ok) throw new Error(`Cannot build the probe script: ${probe.errors.join('; ')}`);
  const metrics = answers.prometheus;
  return [
    { path: 'compose.yaml', content: composeYaml(answers) },
    { path: '.env.example', content: envExample(answers) },
    { path: 'probe.py', content: probe.script },
    ...(answers.proxy ? [{ path: 'nginx/nginx.conf', content: nginxConf(service, engine.containerPort) }] : []),
    ...(metrics ? [{ path: 'prometheus/prometheus.yml', content: prometheusYml(service, engine.containerPort) }] : []),
  ];
}

/** Inside the container where the image has python3 (`docker compose exec`), else from the host. */
function probeUrl(a: NewStackAnswers): string {
  return engineChoice(a.engine)!.hasPython ? `http://localhost:${SCAFFOLD_ENGINES[a.engine].containerPort}` : `http://localhost:${a.port}`;
}

function envExample(a: NewStackAnswers): string {
  const lines = ['# Copy to .env (docker compose reads it from this folder) and fill in. Never commit .env.'];
  if (SCAFFOLD_ENGINES[a.engine].usesHfToken(a.model)) {
    lines.push('# Hugging Face token (https://huggingface.co/settings/tokens): needed for gated models; empty is fine for public ones.', 'HF_TOKEN=');
  } else {
    lines.push(`# ${engineChoice(a.engine)!.label} needs no Hugging Face token for this model; HF_TOKEN is kept for a later switch to a Hub model.`, 'HF_TOKEN=');
  }
  return lines.join('\n') + '\n';
}

/** A YAML scalar: plain when that reads back as the same string, double-quoted otherwise (numbers, booleans...). */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z0-9_./-][A-Za-z0-9_./:@+-]*$/.test(value) && !/:$/.test(value) && value !== '-';
  const ambiguous = /^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) || /^(true|false|yes|no|on|off|y|n|null|~)$/i.test(value);
  return plain && !ambiguous ? value : JSON.stringify(value);
}

function startPeriod(a: NewStackAnswers): string {
  const estimate = estimateColdStart({}, a.engine, isLocalGguf(a.model) ? a.model.split('/').pop()! : a.model);
  return formatDuration(Math.max(recommendedStartPeriod(estimate), MIN_START_PERIOD_SECONDS));
}

function composeYaml(a: NewStackAnswers): string {
  const choice = engineChoice(a.engine)!;
  const gpus = a.gpuCount === 0 ? 'CPU only' : `${a.gpuCount} NVIDIA GPU${a.gpuCount === 1 ? '' : 's'}`;
  const how = choice.hasPython ? `docker compose exec ${a.engine} python3 /probe.py` : `python3 probe.py --url http://localhost:${a.port}`;
  const lines = [
    `# Generated by Inference Stack ("New inference stack…"): ${choice.label} serving ${a.model} on ${gpus}.`,
    ...startComment(a),
    `# Accuracy probe (asks the model a question it must get right): ${how}`,
    ...(a.projectName ? [`name: ${a.projectName}`] : []),
    'services:',
    ...modelService(a),
    ...(a.engine === 'ollama' ? ['', ...ollamaPull(a)] : []),
    ...(a.proxy ? ['', ...proxyService(a)] : []),
    ...(a.prometheus ? ['', ...prometheusService()] : []),
    '',
    'volumes:',
    `  ${SCAFFOLD_ENGINES[a.engine].cacheVolume}:`,
    ...(a.prometheus ? ['  prometheus-data:'] : []),
  ];
  return lines.join('\n') + '\n';
}

/**
 * `up --wait` fails on a one-shot container that exits 0 unless a running service adopts it with
 * `service_completed_successfully` (docker/compose#10596): the proxy adopts ollama-pull; without one, say how to wait.
 */
function startComment(a: NewStackAnswers): string[] {
  if (a.engine === 'ollama' && !a.proxy) {
    return [
      '# Start: copy .env.example to .env, then `docker compose up -d`; the model is ready once the ollama-pull job',
      '# has exited 0 (`docker compose ps -a ollama-pull`).',
    ];
  }
  return ['# Start: copy .env.example to .env, then `docker compose up -d --wait` (it returns once the model answers).'];
}

function modelService(a: NewStackAnswers): string[] {
  const engine = SCAFFOLD_ENGINES[a.engine];
  const command = engine.command(a.model, a.gpuCount, a.prometheus);
  // From .env or the shell; `:-` keeps Compose quiet when it is unset (public models need none).
  const env: [string, string][] = engine.usesHfToken(a.model) ? [['HF_TOKEN', '${HF_TOKEN:-}']] : [];
  const usesProbe = (a.healthcheck ?? 'endpoint') === 'probe';
  const hasPython = engineChoice(a.engine)!.hasPython;
  const volumes = [
    `${engine.cacheVolume}:${engine.cachePath}`,
    ...(a.engine === 'llamacpp' && isLocalGguf(a.model) ? ['./models:/models:ro'] : []),
    ...(hasPython ? [composeHealthcheck().volume] : []),
  ];
  return indent(2, [
    `${a.engine}:`,
    `  image: ${engine.image(a.gpuCount)}`,
    ...commandComment(a),
    '  command:',
    ...command.map((c) => `    - ${yamlScalar(c)}`),
    ...(env.length ? ['  environment:', ...env.map(([k, v]) => `    ${k}: ${v}`)] : []),
    ...(a.proxy ? ['  # Reached through the proxy only.', '  expose:', `    - "${engine.containerPort}"`] : ['  ports:', `    - "${a.port}:${engine.containerPort}"`]),
    '  volumes:',
    ...volumes.map((v) => `    - ${v}`),
    ...(engine.shmSize && a.gpuCount > 0 ? [`  shm_size: ${engine.shmSize}`] : []),
    '  restart: unless-stopped',
    ...logRotation(),
    ...deploy(a),
    ...indent(2, usesProbe ? probeHealthcheck(a) : endpointHealthcheck(a)),
  ]);
}

function commandComment(a: NewStackAnswers): string[] {
  switch (a.engine) {
    case 'vllm':
      return ['  # The image runs `vllm serve`: the model, then options. vLLM reads its settings from here, not from env vars.'];
    case 'sglang':
      return ['  # The image has no entrypoint; --host 0.0.0.0 makes the server reachable from outside the container.'];
    case 'tgi':
      return ['  # Arguments to text-generation-launcher; the image listens on port 80.'];
    case 'llamacpp':
      return isLocalGguf(a.model) ? ['  # Put the .gguf file in ./models next to this file.'] : [];
    case 'ollama':
      return ['  # The model is pulled by the ollama-pull job below once the server is up.'];
  }
}

/** Docker's json-file driver never rotates on its own, and a model server logs every request (log-rotation-missing). */
function logRotation(): string[] {
  return ['  logging:', '    driver: json-file', '    options:', '      max-size: 10m', '      max-file: "3"'];
}

function deploy(a: NewStackAnswers): string[] {
  const gpu = a.gpuCount > 0
    ? ['      reservations:', '        devices:', '          - driver: nvidia', `            count: ${a.gpuCount}`, '            capabilities: [gpu]']
    : [];
  return [
    '  deploy:',
    '    resources:',
    '      # Loading weights can take every core and all host memory: size these to the model and the host.',
    '      limits:',
    `        cpus: "${a.cpus ?? DEFAULT_CPUS}"`,
    `        memory: ${a.memory ?? DEFAULT_MEMORY}`,
    ...gpu,
  ];
}

function endpointHealthcheck(a: NewStackAnswers): string[] {
  const engine = SCAFFOLD_ENGINES[a.engine];
  const test = engine.spec.healthTest(engine.containerPort);
  return [
    '# The grace is twice the estimated cold start, and at least 10 minutes for the first download of the weights.',
    'healthcheck:',
    `  test: [${test.map((t) => JSON.stringify(t)).join(', ')}]`,
    `  interval: ${WRITTEN_HEALTHCHECK_TIMING.interval}`,
    `  timeout: ${WRITTEN_HEALTHCHECK_TIMING.timeout}`,
    `  retries: ${WRITTEN_HEALTHCHECK_TIMING.retries}`,
    `  start_period: ${startPeriod(a)}`,
  ];
}

function probeHealthcheck(a: NewStackAnswers): string[] {
  return [
    '# The accuracy probe (probe.py): healthy only when the model answers its question right.',
    ...composeHealthcheck({ startPeriod: startPeriod(a) }).healthcheck.split('\n'),
  ];
}

/**
 * Ollama serves no model until one is pulled: a one-shot job asks the server to pull it (POST /api/pull, which
 * with `"stream": false` answers once the model is stored, or with an error status that fails `curl -f`). A curl
 * image rather than the ollama client: the weights land in the server's volume, never in this container.
 */
function ollamaPull(a: NewStackAnswers): string[] {
  const body = JSON.stringify({ model: a.model, stream: false });
  return indent(2, [
    'ollama-pull:',
    `  image: ${CURL_IMAGE}`,
    `  command: ["-fsS", "http://ollama:${SCAFFOLD_ENGINES.ollama.containerPort}/api/pull", "-d", ${JSON.stringify(body)}]`,
    '  depends_on:',
    '    ollama:',
    '      condition: service_healthy',
    '  restart: "no"',
  ]);
}

function proxyService(a: NewStackAnswers): string[] {
  return indent(2, [
    'proxy:',
    `  image: ${PROXY_IMAGE}`,
    '  ports:',
    `    - "${a.port}:80"`,
    '  volumes:',
    '    - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro',
    '  restart: unless-stopped',
    '  # Starts only once the model answers, so the first requests do not hit a closed port.',
    '  depends_on:',
    `    ${a.engine}:`,
    '      condition: service_healthy',
    ...(a.engine === 'ollama' ? ['    ollama-pull:', '      condition: service_completed_successfully'] : []),
  ]);
}

function prometheusService(): string[] {
  return indent(2, [
    'prometheus:',
    `  image: ${PROMETHEUS_IMAGE}`,
    '  ports:',
    `    - "${PROMETHEUS_PORT}:9090"`,
    '  volumes:',
    '    - ./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    '    - prometheus-data:/prometheus',
    '  restart: unless-stopped',
  ]);
}

function indent(n: number, lines: string[]): string[] {
  const pad = ' '.repeat(n);
  return lines.map((l) => (l ? pad + l : l));
}
