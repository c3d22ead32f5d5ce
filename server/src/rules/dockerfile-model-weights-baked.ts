import { Add, Copy, Instruction, ModifiableInstruction, Run } from 'dockerfile-ast';
import type { DockerfileContext, Rule } from './rule';
import type { Span } from '../core/types';
import { normalizePath, pathsOverlap } from '../compose/volumes';
import { DockerfileModel, shippedStages, spanOfRange, Stage } from '../dockerfile/dockerfileModel';
import { findWeightDownload, weightSource, WeightDownload } from '../dockerfile/weights';

/**
 * Weights inside an image make every build, push, pull and layer cache move gigabytes, tie the model to the
 * image tag and leave them in the registry for anyone who can pull. The engines' own docs mount the weights
 * or their download cache as a volume instead (serving-engines.json `docs_run_example`: `-v
 * ~/.cache/huggingface:/root/.cache/huggingface`, `-v $volume:/data`, `-v ollama:/root/.ollama`).
 * Only the stages that ship count: a builder stage's downloads stay behind unless a COPY --from takes them.
 */
export const rule: Rule = {
  meta: {
    id: 'dockerfile-model-weights-baked',
    defaultSeverity: 'warning',
    title: 'Model weights copied or downloaded into the image',
    appliesTo: ['dockerfile'],
    fixable: false,
  },
  dockerfile(ctx) {
    const shipped = shippedStages(ctx.model);
    const shippedIds = new Set(shipped.map((s) => s.index));
    for (const stage of shipped) {
      for (const instruction of stage.instructions) {
        if (instruction instanceof Copy || instruction instanceof Add) checkCopy(ctx, stage, instruction, shippedIds);
        else if (instruction instanceof Run) checkRun(ctx, instruction);
      }
    }
  },
};

const ADVICE = 'Mount the weights (or the engine\'s download cache) as a volume at run time instead.';
const COST = 'every build, push and pull moves the weights, and a new model means a new image';

function checkRun(ctx: DockerfileContext, run: Run): void {
  const span = spanOfRange(ctx.model, run.getRange());
  const found = findWeightDownload(ctx.model.text.slice(span.start, span.end));
  if (!found) return;
  ctx.report({
    span: { start: span.start + found.start, end: span.start + found.end },
    message: `This RUN step downloads model weights into the image (${found.command}): ${COST}. ${ADVICE}`,
  });
}

function checkCopy(ctx: DockerfileContext, stage: Stage, instruction: Copy | Add, shippedIds: ReadonlySet<number>): void {
  const keyword = instruction.getKeyword();
  const args = instruction.getArguments();
  // A here-document (`COPY <<EOF /file`) writes text, not weights.
  if (args.length < 2 || args.some((a) => a.getValue().startsWith('<<'))) return;
  const fromValue = fromFlag(instruction);
  const source = fromValue !== undefined ? stageByRef(ctx.model, fromValue, stage.index) : undefined;
  // Downloads of a stage that does not ship reach the image only through this COPY.
  const downloads = source && !shippedIds.has(source.index) ? stageDownloads(ctx.model, source) : [];
  for (const arg of args.slice(0, -1)) {
    const path = unquote(arg.getValue());
    const span: Span = spanOfRange(ctx.model, arg.getRange());
    const why = weightSource(path);
    if (why) {
      const from = fromValue !== undefined ? ` from ${source ? `stage "${fromValue}"` : fromValue}` : '';
      ctx.report({ span, message: `${keyword} puts ${why} into the image (${path}${from}): ${COST}. ${ADVICE}` });
      continue;
    }
    const download = downloads.find((d) => d.destination !== undefined && destinationOverlaps(path, d.destination));
    if (download) {
      const line = ctx.model.lines.positionAt(download.at).line + 1;
      ctx.report({
        span,
        message: `${keyword} --from=${fromValue} copies ${path}, where that stage downloads model weights (${download.command}, line ${line}): ${COST}. ${ADVICE}`,
      });
    }
  }
}

function fromFlag(instruction: ModifiableInstruction): string | undefined {
  return instruction.getFlags().find((f) => f.getName().toLowerCase() === 'from')?.getValue() ?? undefined;
}

/** `--from=name` or `--from=2` (an earlier stage); undefined for an image reference. */
function stageByRef(model: DockerfileModel, ref: string, before: number): Stage | undefined {
  if (/^\d+$/.test(ref)) return model.stages[Number(ref)];
  return model.stages.find((s) => s.index < before && s.name?.toLowerCase() === ref.toLowerCase());
}

interface StageDownload extends WeightDownload {
  /** Offset in the file. */
  at: number;
}

/** Weight downloads in a stage and the stages it is built FROM, with where each one writes. */
function stageDownloads(model: DockerfileModel, stage: Stage): StageDownload[] {
  const out: StageDownload[] = [];
  const seen = new Set<number>();
  let current: Stage | undefined = stage;
  while (current && !seen.has(current.index)) {
    seen.add(current.index);
    for (const instruction of current.instructions) {
      if (!(instruction instanceof Run)) continue;
      const download = downloadOf(model, instruction);
      if (download) out.push(download);
    }
    const base: string | undefined = current.from.getImageName()?.toLowerCase();
    const index: number = current.index;
    current = model.stages.find((s: Stage) => s.index < index && s.name?.toLowerCase() === base);
  }
  return out;
}

function downloadOf(model: DockerfileModel, run: Instruction): StageDownload | undefined {
  const span = spanOfRange(model, run.getRange());
  const found = findWeightDownload(model.text.slice(span.start, span.end));
  if (!found) return undefined;
  return { ...found, destination: found.destination ?? defaultDestination(found.command), at: span.start + found.start };
}

/** Where the Hub and Ollama download to when no destination is given (root user's home). */
function defaultDestination(command: string): string | undefined {
  if (/^(huggingface-cli|hf) download|^(snapshot_download|hf_hub_download|from_pretrained)\(/.test(command)) return '/root/.cache/huggingface';
  if (command === 'ollama pull') return '/root/.ollama';
  return undefined;
}

/** A relative destination is compared by its trailing folders, since the stage's WORKDIR is not tracked. */
function destinationOverlaps(source: string, destination: string): boolean {
  const src = normalizePath(source);
  const dst = normalizePath(destination);
  if (src.startsWith('/') && dst.startsWith('/')) return pathsOverlap(src, dst);
  const tail = (a: string, b: string) => a === b || a.endsWith(`/${b}`) || a.startsWith(`${b}/`) || a.includes(`/${b}/`);
  return tail(src.replace(/^\//, ''), dst.replace(/^\//, '')) || tail(dst.replace(/^\//, ''), src.replace(/^\//, ''));
}

function unquote(text: string): string {
  return /^(["']).*\1$/.test(text) ? text.slice(1, -1) : text;
}
