/**
 * `inference-stack fit`: will each model service fit its GPU? The same estimate the memory rules use
 * (compose/serviceFit.ts → engines/fit), per model service, as text or JSON. Exit 1 when something would not start
 * for memory.
 */
import { dirname, resolve } from 'node:path';
import { MAX_COMPOSE_BYTES, readBoundedText, type ReadBoundary } from '../core/boundedFile';
import type { AnalysisOptions } from '../core/analysisOptions';
import { parseCompose } from '../compose/composeFile';
import { documentsMerged } from '../compose/documentsMerged';
import { dotEnvBeside } from '../compose/dotEnvFile';
import { describeService } from '../compose/service';
import { serviceFit, serviceFitInput, type ServiceFit } from '../compose/serviceFit';
import { modelFacts } from '../engines/fit/modelFacts';
import { SGLANG_REFUSAL_EXPLANATIONS } from '../engines/fit/sglangMemory';
import { sglangServiceFit, type SglangServiceFit } from '../compose/sglangServiceFit';
import { fetchHubConfig, hubEndpoint } from '../engines/fit/hubFetch';
import { fileBuildContexts } from '../dockerfile/buildContextFiles';
import { GIB, gpuLabel, type TargetGpu } from '../engines/fit/gpuFacts';
import { REFUSAL_EXPLANATIONS } from '../engines/fit/vllmMemory';
import { collectTargets } from './files';
import { argItems, choice, UsageError } from './args';
import { GPU_OPTIONS_HELP, GpuArgs } from './gpuArgs';

const USAGE = `Usage: inference-stack fit [PATH...] [--gpu NAME | --gpu-memory GiB] [--gpus N] [--hub] [--format text|json]

Estimates, for each vLLM or SGLang service of the Compose files (default: the current folder), what the engine would do on the
target GPU: weights per GPU, KV cache tokens, concurrency at --max-model-len, and whether it refuses to start.

Options:
${GPU_OPTIONS_HELP}
  --hub                        fetch the config.json of models the table lacks from the Hugging Face Hub
                               (HF_ENDPOINT, else https://huggingface.co; public models only, no token is sent)
  --format text|json           output format (default text)
  --allow-outside-project      also read files outside the current folder
  -h, --help                   this help

Exit status: 0 everything fits or is unknown, 1 a service would not start for memory, 2 usage or I/O error.
`;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface FitArgs {
  paths: string[];
  gpu?: TargetGpu;
  options: AnalysisOptions;
  hub: boolean;
  format: 'text' | 'json';
  allowOutsideProject: boolean;
}

function parseArgs(argv: readonly string[]): FitArgs | 'help' {
  const args: FitArgs = { paths: [], format: 'text', allowOutsideProject: false, options: {}, hub: false };
  const gpuArgs = new GpuArgs();
  for (const { arg, flag, value: take } of argItems(argv)) {
    if (gpuArgs.accept(flag, take)) continue;
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--format':
        args.format = choice(flag, take(), ['text', 'json'] as const);
        break;
      case '--allow-outside-project':
        args.allowOutsideProject = true;
        break;
      case '--hub':
        args.hub = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        args.paths.push(arg);
    }
  }
  args.options = gpuArgs.options();
  if (args.options.gpu) args.gpu = args.options.gpu;
  if (!args.paths.length) args.paths.push('.');
  return args;
}

/** One row of `--format json`: GiB = 2^30 bytes; null where a fact is unknown, `reason` says which. */
export interface FitRow {
  file: string;
  service: string;
  model: string | null;
  engine: string | null;
  params: number | null;
  gpus: number | null;
  gpu_memory_gib: number | null;
  weights_gib_per_gpu: number | null;
  kv_bytes_per_token: number | null;
  kv_cache_gib: number | null;
  kv_tokens: number | null;
  max_model_len: number | null;
  max_concurrency: number | null;
  /** False exactly when the engine would refuse to start for memory; null when that cannot be known. */
  fits: boolean | null;
  reason: string | null;
}

const round = (n: number | null, digits = 2) => (n === null ? null : Number(n.toFixed(digits)));
const inGib = (bytes: number | null) => (bytes === null ? null : round(bytes / GIB));

/** What a row reads of either engine's estimate; `maxLen` is vLLM's --max-model-len or SGLang's --context-length. */
interface EstimateView<R extends string> {
  params: number | null;
  weightsBytesPerGpu: number | null;
  kvBytesPerToken: number | null;
  kvCacheBytes: number | null;
  kvTokens: number | null;
  maxLen: number | null;
  maxConcurrency: number | null;
  refusal: R | null;
  uncertain: R | null;
  unknown: string[];
}

interface RowInput<R extends string> {
  file: string;
  service: string;
  engine: string | null;
  /** The engine's name in "may refuse" reasons. */
  engineName: string;
  model: string | undefined;
  gpus: number | null;
  fit: EstimateView<R> | undefined;
  /** Why there is no estimate, when there is none. */
  unknownReason: string | undefined;
  refusals: Readonly<Record<R, string>>;
  /** Whether a start needs the max length too (vLLM refuses below it; SGLang starts anyway). */
  needsMaxLen: boolean;
}

function fitRow<R extends string>(r: RowInput<R>, gpu: TargetGpu | undefined): FitRow {
  const { fit } = r;
  const decided = !!fit && fit.uncertain === null && (fit.refusal !== null || (fit.kvTokens !== null && (!r.needsMaxLen || fit.maxLen !== null)));
  const reason = !fit
    ? r.unknownReason ?? null
    : fit.refusal !== null
      ? r.refusals[fit.refusal]
      : fit.uncertain !== null
        ? `within the estimate's margin (docs/fit-accuracy.md): ${r.engineName} may refuse, ${r.refusals[fit.uncertain]}`
        : fit.unknown.length
          ? `unknown: ${fit.unknown.join('; ')}`
          : null;
  // The field order.
  return {
    file: r.file,
    service: r.service,
    model: r.model ?? null,
    engine: r.engine,
    params: fit?.params ?? null,
    gpus: r.gpus,
    gpu_memory_gib: gpu ? round(gpu.memoryBytes / GIB) : null,
    weights_gib_per_gpu: inGib(fit?.weightsBytesPerGpu ?? null),
    kv_bytes_per_token: fit?.kvBytesPerToken ?? null,
    kv_cache_gib: inGib(fit?.kvCacheBytes ?? null),
    kv_tokens: fit?.kvTokens ?? null,
    max_model_len: fit?.maxLen ?? null,
    max_concurrency: round(fit?.maxConcurrency ?? null),
    fits: fit?.refusal ? false : decided ? true : null,
    reason,
  };
}

function row(file: string, service: string, engine: string | null, est: ServiceFit, gpu: TargetGpu | undefined): FitRow {
  const fit = est.known ? { ...est.fit, maxLen: est.fit.maxModelLen } : undefined;
  return fitRow({ file, service, engine, engineName: 'vLLM', model: est.model, gpus: est.known ? est.tensorParallel * est.pipelineParallel : null, fit, unknownReason: est.known ? undefined : est.reason, refusals: REFUSAL_EXPLANATIONS, needsMaxLen: true }, gpu);
}

/** The same row for an SGLang service (engines/fit/sglangMemory.ts): its context length stands for max_model_len. */
function sglangRow(file: string, service: string, est: SglangServiceFit, gpu: TargetGpu | undefined): FitRow {
  const fit = est.known ? { ...est.fit, maxLen: est.fit.contextLength } : undefined;
  return fitRow({ file, service, engine: 'sglang', engineName: 'SGLang', model: est.model, gpus: est.known ? est.tensorParallel : null, fit, unknownReason: est.known ? undefined : est.reason, refusals: SGLANG_REFUSAL_EXPLANATIONS, needsMaxLen: false }, gpu);
}

function textLine(r: FitRow, gpu: TargetGpu | undefined): string {
  const head = `${r.file} ${r.service}: ${r.model ?? '(no model)'}`;
  if (r.weights_gib_per_gpu === null) return `${head}: unknown (${r.reason})`;
  const parts = [`${r.weights_gib_per_gpu} GiB weights per GPU`];
  if (r.kv_tokens !== null) parts.push(`${r.kv_tokens.toLocaleString('en-US')} KV tokens`);
  if (r.max_concurrency !== null && r.max_model_len !== null) parts.push(`${r.max_concurrency}× at ${r.max_model_len}`);
  const where = gpu ? ` on ${r.gpus}× ${gpuLabel(gpu)}` : '';
  const verdict = r.fits === false ? `DOES NOT FIT: ${r.reason}` : r.fits ? 'fits' : `fit unknown (${r.reason})`;
  return `${head}${where}: ${parts.join(' · ')} — ${verdict}`;
}

/** Runs `fit`; returns the exit status (a promise with `--hub`, which waits on the network). */
export function runFit(argv: readonly string[], io: Io, cwd = process.cwd(), fetchImpl: typeof fetch = fetch): number | Promise<number> {
  let args: FitArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`inference-stack: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const boundary: ReadBoundary = {
    root: args.allowOutsideProject ? undefined : cwd,
    rootLabel: 'the project folder',
    onRefused: (path, refusal) => io.stderr(`${path}: not read: ${refusal.message}\n`),
  };
  const { targets, errors } = collectTargets(args.paths, (m) => io.stderr(m + '\n'), boundary);
  const projects: FitProject[] = [];
  let ioErrors = errors;
  for (const target of targets.filter((t) => t.kind === 'compose')) {
    const read = readBoundedText(target.path, boundary, MAX_COMPOSE_BYTES);
    if (!read.ok) {
      ioErrors++;
      continue;
    }
    const dotEnv = dotEnvBeside(target.path, boundary);
    projects.push({ path: target.path, file: parseCompose(documentsMerged(read.text, resolve(target.path), dotEnv), dotEnv), dotEnv, contexts: fileBuildContexts(dirname(resolve(target.path)), boundary) });
  }
  const finish = (rows: FitRow[]): number => {
    const fitArgs = args as FitArgs;
    if (fitArgs.format === 'json') io.stdout(JSON.stringify(rows, null, 2) + '\n');
    else io.stdout(rows.length ? rows.map((r) => textLine(r, fitArgs.gpu)).join('\n') + '\n' : 'No model services found.\n');
    if (ioErrors) return 2;
    return rows.some((r) => r.fits === false) ? 1 : 0;
  };
  const first = fitRows(projects, args.options, args.gpu);
  if (!args.hub) return finish(first.rows);
  const { options, gpu } = args;
  return fetchMissing(first.missing, fetchImpl).then(({ configs, failures }) => {
    const rows = fitRows(projects, { ...options, hubModelConfigs: configs }, gpu).rows;
    // A model the Hub did not give, or gave in a layout the estimate does not count, says so in its row.
    return finish(rows.map((r) => {
      if (r.model === null || r.weights_gib_per_gpu !== null || !/is not in the model table/.test(r.reason ?? '')) return r;
      if (failures[r.model]) return { ...r, reason: failures[r.model]! };
      if (configs[r.model]) return { ...r, reason: `the Hub's config.json of ${r.model} is of an architecture the estimate does not count` };
      return r;
    }));
  });
}

interface FitProject {
  path: string;
  file: ReturnType<typeof parseCompose>;
  dotEnv: ReadonlyMap<string, string>;
  contexts: ReturnType<typeof fileBuildContexts>;
}

/** One row per model service; `missing`: the model ids neither the table nor the project's folders know. */
function fitRows(projects: readonly FitProject[], options: AnalysisOptions, gpu: TargetGpu | undefined): { rows: FitRow[]; missing: Set<string> } {
  const rows: FitRow[] = [];
  const missing = new Set<string>();
  for (const { path, file, dotEnv, contexts } of projects) {
    for (const service of file.services) {
      const info = describeService(service, dotEnv, contexts);
      if (!info.isModelService) continue;
      if (info.engine?.id === 'sglang') {
        const est = sglangServiceFit(file, info, { ...options, buildContexts: contexts });
        if (!est.known && est.model !== undefined && /is not in the model table/.test(est.reason)) missing.add(est.model);
        rows.push(sglangRow(path, service.name, est, gpu));
        continue;
      }
      const est = serviceFit(file, info, { ...options, buildContexts: contexts });
      const input = est.known ? undefined : serviceFitInput(file, info, { reader: contexts, hubConfigs: options.hubModelConfigs });
      if (input && !input.known && input.model !== undefined && !modelFacts(input.model) && /is not in the model table/.test(input.reason)) missing.add(input.model);
      rows.push(row(path, service.name, info.engine?.id ?? null, est, gpu));
    }
  }
  return { rows, missing };
}

async function fetchMissing(ids: ReadonlySet<string>, fetchImpl: typeof fetch): Promise<{ configs: Record<string, string>; failures: Record<string, string> }> {
  const endpoint = hubEndpoint();
  const configs: Record<string, string> = {};
  const failures: Record<string, string> = {};
  await Promise.all([...ids].map(async (id) => {
    const answer = await fetchHubConfig(id, endpoint, fetchImpl);
    if (answer.ok) configs[id] = answer.text;
    else failures[id] = answer.reason;
  }));
  return { configs, failures };
}
