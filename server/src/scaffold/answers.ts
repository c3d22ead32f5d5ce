// What "New Inference Stack…" and `inference-stack new` ask, and the checks of each answer: one function per
// question (the wizard's InputBox validateInput, the CLI's option errors) and one for all of them.

import { engineChoice, isLocalGguf, SCAFFOLD_ENGINE_IDS, type ScaffoldEngineId } from './scaffoldEngines';
import { PRODUCTION_HOST_PORTS } from './productionPorts';

export type TemplateId = 'single' | 'production';

export const TEMPLATE_IDS: readonly TemplateId[] = ['single', 'production'];

/** One QuickPick item of the template question (and the CLI's --template help). */
export interface TemplateChoice {
  id: TemplateId;
  label: string;
  detail: string;
}

export const TEMPLATE_CHOICES: readonly TemplateChoice[] = [
  { id: 'single', label: 'Single model server', detail: 'One engine, optionally behind an nginx proxy and with Prometheus.' },
  {
    id: 'production',
    label: 'Production stack (vLLM)',
    detail: 'An nginx gateway over one vLLM worker per GPU group, Redis, Weaviate, Prometheus and Grafana dashboards, Jaeger traces, GPU metrics from NVIDIA DCGM.',
  },
];

/** The production template's engine: its dashboard reads vLLM's metric names and its traces come from vLLM's flag. */
export const PRODUCTION_ENGINE: ScaffoldEngineId = 'vllm';

interface CommonAnswers {
  engine: ScaffoldEngineId;
  model: string;
  /** 0 = CPU only (Ollama, llama.cpp). */
  gpuCount: number;
  /** The host port of the API: the proxy's or gateway's when there is one, else the model server's. */
  port: number;
  /** Compose's top-level `name:`; the folder name when absent. */
  projectName?: string;
  /** deploy.resources.limits.cpus of each model service, default 8. Docker refuses a limit above the host's CPU count: pass min(8, cores). */
  cpus?: number;
  /** deploy.resources.limits.memory of each model service, default 32g. */
  memory?: string;
}

/** Template `single` (the default): one engine, an optional nginx proxy, optional Prometheus. */
export interface SingleStackAnswers extends CommonAnswers {
  template?: 'single';
  proxy: boolean;
  prometheus: boolean;
  /**
   * 'endpoint' (default): the engine's own health endpoint, cheap and model-agnostic. 'probe': the accuracy probe
   * (probe.py) as the healthcheck, for engines whose image has python3 (vLLM, TGI, SGLang).
   */
  healthcheck?: 'endpoint' | 'probe';
}

/** Template `production`: a gateway over gpuCount / gpusPerWorker vLLM workers and the services around them. */
export interface ProductionStackAnswers extends CommonAnswers {
  template: 'production';
  /** GPUs of each worker (its tensor-parallel size), default 1; gpuCount must be a multiple of it. */
  gpusPerWorker?: number;
}

export type NewStackAnswers = SingleStackAnswers | ProductionStackAnswers;

export interface StackFile {
  /** Relative to the folder the stack is written to, with `/` separators. */
  path: string;
  content: string;
}

/** The answers as the wizard or the command line collected them, before they are known to be valid. */
export type RawAnswers = { [K in keyof SingleStackAnswers | keyof ProductionStackAnswers]?: unknown };

export const DEFAULT_CPUS = 8;
export const DEFAULT_MEMORY = '32g';
export const PROMETHEUS_PORT = 9090;
/** More GPUs than one host has in practice (DGX-class machines have 8 or 16). */
const MAX_GPUS = 64;

export function validateTemplate(template: unknown): string | undefined {
  return template === undefined || TEMPLATE_IDS.includes(template as TemplateId)
    ? undefined
    : `Unknown template ${JSON.stringify(template)}: choose ${TEMPLATE_IDS.join(' or ')}.`;
}

export function validateEngine(engine: unknown): string | undefined {
  return typeof engine === 'string' && engineChoice(engine)
    ? undefined
    : `Unknown engine ${JSON.stringify(engine)}: choose one of ${SCAFFOLD_ENGINE_IDS.join(', ')}.`;
}

/** The production template runs vLLM only: say so, and what to do for the engine asked for. */
export function validateProductionEngine(engine: ScaffoldEngineId): string | undefined {
  if (engine === PRODUCTION_ENGINE) return undefined;
  return (
    `The production template runs vLLM workers only (its Grafana dashboard reads vLLM's metrics and its traces come from ` +
    `vLLM's --otlp-traces-endpoint): use the single template for ${engineChoice(engine)!.label}.`
  );
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
  if (gpuCount > MAX_GPUS) return `At most ${MAX_GPUS} GPUs on one host.`;
  const choice = engineChoice(engine);
  if (gpuCount === 0 && choice && !choice.supportsCpu) return `${choice.label} needs at least one NVIDIA GPU (Ollama and llama.cpp run on CPU).`;
  return undefined;
}

/** Production: the GPUs split into workers of `gpusPerWorker` each, every GPU in exactly one worker. */
export function validateGpusPerWorker(gpuCount: number, gpusPerWorker: unknown): string | undefined {
  if (gpusPerWorker === undefined) return undefined;
  if (typeof gpusPerWorker !== 'number' || !Number.isInteger(gpusPerWorker) || gpusPerWorker < 1) return 'The GPUs per worker is a whole number from 1.';
  if (gpusPerWorker > gpuCount) return `A worker cannot have more GPUs (${gpusPerWorker}) than the stack (${gpuCount}).`;
  if (gpuCount % gpusPerWorker !== 0) return `${gpuCount} GPUs do not split into workers of ${gpusPerWorker}: pick a GPU count that is a multiple of ${gpusPerWorker}.`;
  return undefined;
}

export function validatePort(port: unknown): string | undefined {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : 'The port is a whole number from 1 to 65535.';
}

/** The API port must not be one the template already publishes (Prometheus's, Grafana's...). */
export function validatePortFree(template: TemplateId, port: unknown, prometheus: boolean): string | undefined {
  const taken: Array<[string, number]> = template === 'production' ? Object.entries(PRODUCTION_HOST_PORTS) : prometheus ? [['Prometheus', PROMETHEUS_PORT]] : [];
  const owner = taken.find(([, p]) => p === port);
  return owner ? `Port ${port} is ${owner[0]}'s: pick another port.` : undefined;
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
  const template = (answers.template ?? 'single') as TemplateId;
  const first = validateTemplate(answers.template) ?? validateEngine(answers.engine);
  // The other answers are about an engine the template cannot have: what they default to says nothing.
  const wrongEngine = first ?? (template === 'production' ? validateProductionEngine(answers.engine as ScaffoldEngineId) : undefined);
  if (wrongEngine) return [wrongEngine];
  const engine = answers.engine as ScaffoldEngineId;
  const errors = [
    validateModel(engine, answers.model),
    validateGpuCount(engine, answers.gpuCount),
    validatePort(answers.port),
    validatePortFree(template, answers.port, answers.prometheus === true),
    validateProjectName(answers.projectName),
    ...(template === 'production' ? productionErrors(answers) : singleErrors(engine, answers)),
  ];
  const cpus = answers.cpus;
  if (cpus !== undefined && !(typeof cpus === 'number' && cpus > 0 && cpus <= 1024)) errors.push('The CPU limit is a positive number.');
  const memory = answers.memory;
  if (memory !== undefined && !(typeof memory === 'string' && /^\d+(\.\d+)?[bkmg]$/i.test(memory))) errors.push('The memory limit is a size such as 32g or 512m.');
  return errors.filter((e): e is string => e !== undefined);
}

function singleErrors(engine: ScaffoldEngineId, answers: RawAnswers): Array<string | undefined> {
  const choice = engineChoice(engine)!;
  const errors: Array<string | undefined> = [];
  for (const key of ['proxy', 'prometheus'] as const) {
    if (typeof answers[key] !== 'boolean') errors.push(`"${key}" is yes or no.`);
  }
  if (answers.prometheus === true && !choice.hasMetrics) errors.push(`${choice.label} serves no Prometheus metrics: leave Prometheus out.`);
  const hc = answers.healthcheck;
  if (hc !== undefined && hc !== 'endpoint' && hc !== 'probe') errors.push('The healthcheck is "endpoint" or "probe".');
  if (hc === 'probe' && !choice.hasPython) errors.push(`The ${choice.label} image has no python3 to run the accuracy probe: use the "endpoint" healthcheck.`);
  if (answers.gpusPerWorker !== undefined) errors.push('GPUs per worker belong to the production template.');
  return errors;
}

function productionErrors(answers: RawAnswers): Array<string | undefined> {
  const gpuCount = answers.gpuCount;
  const extras = (['proxy', 'prometheus', 'healthcheck'] as const).filter((key) => answers[key] !== undefined);
  return [
    typeof gpuCount === 'number' && Number.isInteger(gpuCount) && gpuCount > 0 ? validateGpusPerWorker(gpuCount, answers.gpusPerWorker) : undefined,
    extras.length ? `The production template always has its gateway, Prometheus and endpoint healthchecks: leave out ${extras.join(', ')}.` : undefined,
  ];
}
