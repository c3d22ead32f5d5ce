import { Entrypoint, Healthcheck } from 'dockerfile-ast';
import { formatDuration, parseGoDuration } from '../core/duration';
import { DOCKER_HEALTHCHECK_DEFAULTS } from '../core/healthcheckDefaults';
import type { DockerfileContext, Rule } from './rule';
import type { Span, SpanEdit } from '../core/types';
import { shippedStages, spanOfRange } from '../dockerfile/dockerfileModel';
import { dockerfileEngine, launchTokens } from '../dockerfile/imageEngine';
import { ColdStartEstimate, describeEstimate, estimateColdStart, modelFromArgs, recommendedStartPeriod } from '../engines/coldStart';

/**
 * A model image whose HEALTHCHECK gives a loading model too little grace: failures inside --start-period do
 * not count, then --retries failures --interval apart make the container unhealthy (defaults 0s, 3, 30s:
 * dockerfile-healthcheck.json). The llama.cpp server image itself ships such a HEALTHCHECK. The grace should
 * be at least twice the cold start (engines/coldStart.ts), estimated without a service name: the
 * coldStartSeconds setting, else the model size named in CMD/ENTRYPOINT, else 60 s.
 */
export const rule: Rule = {
  meta: {
    id: 'dockerfile-healthcheck-start-period',
    defaultSeverity: 'warning',
    title: 'Model image HEALTHCHECK with no or a short --start-period',
    appliesTo: ['dockerfile'],
    fixable: true,
  },
  dockerfile(ctx) {
    const chain = shippedStages(ctx.model);
    // Only the last HEALTHCHECK counts, and a stage inherits the one of the stage it is built FROM.
    const healthcheck = chain.flatMap((s) => s.instructions).filter((i): i is Healthcheck => i instanceof Healthcheck).pop();
    if (!healthcheck || healthcheck.getSubcommand()?.getValue().toUpperCase() !== 'CMD') return;
    const found = dockerfileEngine(ctx.model);
    if (!found) return;
    const args = launchTokens(ctx.model, chain).map((t) => t.text);
    const hasEntrypoint = chain.some((s) => s.instructions.some((i) => i instanceof Entrypoint));
    // A pip-installed engine runs from a command we do not know: read the model from any model flag.
    const spec = found.by === 'pip' ? undefined : found.spec;
    // The vLLM image's own ENTRYPOINT is `vllm serve`, so a bare CMD starts with the model.
    const model = modelFromArgs(spec, args, spec?.id === 'vllm' && !hasEntrypoint);
    check(ctx, healthcheck, estimateColdStart(ctx.options, undefined, model, found.spec.id));
  },
};

function check(ctx: DockerfileContext, healthcheck: Healthcheck, estimate: ColdStartEstimate): void {
  const flags = new Map(healthcheck.getFlags().map((f) => [f.getName(), f]));
  const startFlag = flags.get('start-period');
  const value = (name: string) => {
    const text = flags.get(name)?.getValue();
    return text === undefined || text === null ? undefined : text;
  };
  const startText = value('start-period');
  const startPeriod = startText !== undefined ? parseGoDuration(startText) : DOCKER_HEALTHCHECK_DEFAULTS.startPeriod;
  const interval = value('interval') !== undefined ? parseGoDuration(value('interval')!) : DOCKER_HEALTHCHECK_DEFAULTS.interval;
  const retriesText = value('retries');
  const retries = retriesText !== undefined ? (/^\d+$/.test(retriesText) ? Number(retriesText) : undefined) : DOCKER_HEALTHCHECK_DEFAULTS.retries;
  // Unparsable values stop the build with their own error; nothing to time here.
  if (startPeriod === undefined || interval === undefined || retries === undefined) return;
  const grace = startPeriod + (retries > 0 ? retries : DOCKER_HEALTHCHECK_DEFAULTS.retries) * (interval > 0 ? interval : DOCKER_HEALTHCHECK_DEFAULTS.interval);

  const needed = recommendedStartPeriod(estimate);
  if (grace >= needed) return;
  const wanted = formatDuration(needed);

  let edit: SpanEdit;
  let span: Span;
  const valueRange = startFlag?.getValueRange();
  if (startFlag && valueRange) {
    span = spanOfRange(ctx.model, valueRange);
    edit = { span, newText: wanted };
  } else {
    span = spanOfRange(ctx.model, healthcheck.getInstructionRange());
    edit = { span: { start: span.end, end: span.end }, newText: ` --start-period=${wanted}` };
  }
  const current = startText !== undefined ? `--start-period=${startText}` : 'no --start-period';
  ctx.report({
    span,
    message:
      `This model image's HEALTHCHECK has ${current}, so Docker marks a container unhealthy after about ${formatDuration(grace)} of failing probes ` +
      `(start period + retries × interval), but loading the model takes about ${describeEstimate(estimate)}. ` +
      `Give it at least ${wanted}, twice the cold start: model servers fail every probe while they load.`,
    fixes: [{ title: `Set --start-period=${wanted}`, preferred: true, edits: [edit] }],
  });
}
