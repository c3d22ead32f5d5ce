import { Arg, Cmd, Entrypoint, Healthcheck, Instruction, JSONInstruction, Run } from 'dockerfile-ast';
import { parseDuration, formatDuration } from '../core/duration';
import type { DockerfileContext, Rule } from '../core/rule';
import type { Span, SpanEdit } from '../core/types';
import { DockerfileModel, shippedStages, spanOfRange, Stage } from '../dockerfile/dockerfileModel';
import { ColdStartEstimate, describeEstimate, estimateColdStart, modelFromArgs, recommendedStartPeriod } from '../engines/coldStart';
import { engineForCommand, engineForImage, EngineSpec } from '../engines/engines';

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
    const { args, hasEntrypoint } = commandLine(chain);
    const engine = modelEngine(ctx.model, chain, args);
    if (!engine) return;
    const spec = engine === true ? undefined : engine;
    // The vLLM image's own ENTRYPOINT is `vllm serve`, so a bare CMD starts with the model.
    const model = modelFromArgs(spec, args, spec?.id === 'vllm' && !hasEntrypoint);
    check(ctx, healthcheck, estimateColdStart(ctx.options, undefined, model));
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
  const startPeriod = startText !== undefined ? parseDuration(startText) : 0;
  const interval = value('interval') !== undefined ? parseDuration(value('interval')!) : 30;
  const retriesText = value('retries');
  const retries = retriesText !== undefined ? (/^\d+$/.test(retriesText) ? Number(retriesText) : undefined) : 3;
  // Unparsable values stop the build with their own error; nothing to time here.
  if (startPeriod === undefined || interval === undefined || retries === undefined) return;
  const grace = startPeriod + (retries > 0 ? retries : 3) * (interval > 0 ? interval : 30);

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

/** The final image's command line: its last ENTRYPOINT followed by its last CMD (exec or shell form). */
function commandLine(chain: Stage[]): { args: string[]; hasEntrypoint: boolean } {
  const all = chain.flatMap((s) => s.instructions);
  const entrypoint = all.filter((i): i is Entrypoint => i instanceof Entrypoint).pop();
  const cmd = all.filter((i): i is Cmd => i instanceof Cmd).pop();
  return { args: [...argsOf(entrypoint), ...argsOf(cmd)], hasEntrypoint: entrypoint !== undefined };
}

function argsOf(instruction: JSONInstruction | undefined): string[] {
  if (!instruction) return [];
  const json = instruction.getJSONStrings();
  if (json.length) return json.map((j) => j.getJSONValue());
  return instruction.getArguments().map((a) => a.getValue()).filter((a) => a !== '\\');
}

/**
 * Whether the image serves a model: the engine its base image or its command runs, or `true` for an image
 * that pip-installs vLLM or SGLang without a command we recognise. Undefined for anything else.
 */
function modelEngine(model: DockerfileModel, chain: Stage[], args: string[]): EngineSpec | true | undefined {
  const byCommand = args.length ? engineForCommand(args.join(' ')) : undefined;
  if (byCommand) return byCommand;
  const base = chain[0]?.from.getImage();
  const byImage = base ? engineForImage(resolveArgs(base, model.preamble)) : undefined;
  if (byImage) return byImage;
  const installs = chain.flatMap((s) => s.instructions).some((i) => i instanceof Run && installsEngine(i));
  return installs ? true : undefined;
}

/** `${NAME}` / `$NAME` in a FROM line, replaced by the default of the ARG before the first FROM. */
function resolveArgs(image: string, preamble: Instruction[]): string {
  const defaults = new Map<string, string>();
  for (const i of preamble) {
    if (!(i instanceof Arg)) continue;
    for (const p of i.getProperties()) {
      const v = p.getValue();
      if (v !== null) defaults.set(p.getName(), v);
    }
  }
  return image.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => defaults.get((a ?? b)!) ?? whole);
}

/** `pip install vllm`, `uv pip install "sglang[all]>=0.4"`, `pip3 install -U vllm==0.9.0`. */
function installsEngine(run: Run): boolean {
  const text = run.getTextContent().replace(/\\\r?\n/g, ' ');
  for (const m of text.matchAll(/\bpip3?\s+install\b([^&;|\n]*)/g)) {
    for (const word of m[1]!.split(/\s+/)) {
      const name = word.replace(/^["']|["']$/g, '').split(/[[<>=!~;@ ]/)[0]!.toLowerCase();
      if (name === 'vllm' || name === 'sglang') return true;
    }
  }
  return false;
}
