import type { InlayHint, InlayHintParams } from 'vscode-languageserver';
import { formatDuration } from '../core/duration';
import { describeEstimate, estimateColdStart } from '../engines/coldStart';
import { gpuLabel } from '../engines/fit/gpuFacts';
import { estimateVllm, gib } from '../engines/fit/vllmMemory';
import type { ModelMention } from '../compose/navigationFacts';
import { tooFewGpus, vllmInputOn } from '../compose/serviceFit';
import type { AnalysisOptions } from '../core/analysisOptions';
import type { NavigationDocuments } from './navigationIndex';
import type { DocumentSettings } from './settings';

const GIVE_UP_TOOLTIP =
  'How long after the container starts Docker marks it unhealthy if its probe keeps failing: start_period, then ' +
  'retries checks an interval apart (Docker’s defaults for what the healthcheck leaves out).';

/**
 * Inlay hints of a Compose document, for the requested range only: beside a model id, the service's estimated cold
 * start (none when nothing says how big the model is) and, with a target GPU, its memory plan; beside
 * `start_period`, when Docker gives up on the container. `inferenceStack.inlayHints.enabled` turns them off.
 */
export class InlayHints {
  constructor(
    private readonly navigations: NavigationDocuments,
    private readonly settings: DocumentSettings,
  ) {}

  async provide(params: InlayHintParams): Promise<InlayHint[] | null> {
    const open = await this.navigations.get(params.textDocument.uri);
    if (!open || !(await this.settings.inlayHintsEnabled(params.textDocument.uri))) return null;
    const { nav, options } = open;
    const span = { start: nav.lines.offsetAt(params.range.start), end: nav.lines.offsetAt(params.range.end) };
    const inRange = (offset: number) => offset >= span.start && offset <= span.end;
    const hints: InlayHint[] = [];
    for (const facts of nav.factsIn(span)) {
      for (const mention of facts.models) {
        if (!inRange(mention.end)) continue;
        const plan = memoryPlan(mention, options);
        if (plan) hints.push({ position: nav.lines.positionAt(mention.end), label: plan.label, paddingLeft: true, tooltip: plan.tooltip });
        const estimate = estimateColdStart(options, mention.service, mention.model, mention.engine);
        if (estimate.source === 'default') continue;
        hints.push({
          position: nav.lines.positionAt(mention.end),
          label: `≈ cold start ${formatDuration(estimate.seconds)}`,
          paddingLeft: true,
          tooltip: `Estimated cold start of ${mention.service}: ${describeEstimate(estimate)}`,
        });
      }
      for (const giveUp of facts.giveUps) {
        if (!inRange(giveUp.at)) continue;
        hints.push({ position: nav.lines.positionAt(giveUp.at), label: `gives up after ${formatDuration(giveUp.seconds)}`, paddingLeft: true, tooltip: GIVE_UP_TOOLTIP });
      }
    }
    return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
  }
}

/**
 * "15.0 GiB weights · 52,000 KV tokens · 6.3× at 8192": the memory estimate of a vLLM service on the target GPU
 * (engines/fit), when the file says everything it needs and a GPU is known. Nothing when any of it is unknown.
 */
function memoryPlan(mention: ModelMention, options: AnalysisOptions): { label: string; tooltip: string } | undefined {
  const gpu = options.gpu;
  const fit = mention.fit;
  if (!gpu || !fit) return undefined;
  const gpus = fit.tensorParallel * fit.pipelineParallel;
  if (tooFewGpus(gpu, gpus)) return undefined;
  const est = estimateVllm(vllmInputOn(fit, gpu));
  if (est.weightsBytesPerGpu === null) return undefined;
  const parts = [`${gib(est.weightsBytesPerGpu)} GiB weights${gpus > 1 ? ' per GPU' : ''}`];
  if (est.kvTokens !== null) parts.push(`${Math.max(0, Math.floor(est.kvTokens)).toLocaleString('en-US')} KV tokens`);
  if (est.maxConcurrency !== null && est.maxModelLen !== null) parts.push(`${est.maxConcurrency.toFixed(1)}× at ${est.maxModelLen}`);
  const verdict = est.refusal ? 'does not fit: ' : '';
  return {
    label: `${verdict}${parts.join(' · ')}`,
    tooltip: `vLLM's memory plan for ${mention.service} on ${gpus > 1 ? `${gpus}× ` : ''}${gpuLabel(gpu)} at --gpu-memory-utilization ${fit.gpuMemoryUtilization} (docs/fit-accuracy.md says how close it comes)`,
  };
}
