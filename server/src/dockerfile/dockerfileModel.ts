import { DockerfileParser, Dockerfile, Instruction, From } from 'dockerfile-ast';
import { LineIndex } from '../core/lineIndex';
import type { Span } from '../core/types';

/** A Dockerfile parsed by dockerfile-ast, split into build stages. The last stage is what ships. */
export interface Stage {
  index: number;
  from: From;
  name: string | undefined;
  instructions: Instruction[];
}

export interface DockerfileModel {
  text: string;
  lines: LineIndex;
  dockerfile: Dockerfile;
  stages: Stage[];
  finalStage: Stage | undefined;
  /** Instructions before the first FROM (ARGs used in FROM lines). */
  preamble: Instruction[];
}

export function parseDockerfile(text: string, lines = new LineIndex(text)): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  const preamble: Instruction[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      stages.push({ index: stages.length, from: instruction, name: instruction.getBuildStage() ?? undefined, instructions: [] });
    } else if (stages.length) {
      stages[stages.length - 1]!.instructions.push(instruction);
    } else {
      preamble.push(instruction);
    }
  }
  return { text, lines, dockerfile, stages, finalStage: stages[stages.length - 1], preamble };
}

/** dockerfile-ast ranges are LSP positions; rules work in offsets. */
export function spanOfRange(model: DockerfileModel, range: { start: { line: number; character: number }; end: { line: number; character: number } }): Span {
  return { start: model.lines.offsetAt(range.start), end: model.lines.offsetAt(range.end) };
}

/**
 * The string an exec-form JSON string holds, read from the file: dockerfile-ast's getJSONValue drops the spaces
 * inside it (`"--model-id org/m"` comes back as `--model-idorg/m`).
 */
export function jsonStringValue(model: DockerfileModel, s: { getRange(): Parameters<typeof spanOfRange>[1]; getJSONValue(): string }): string {
  const span = spanOfRange(model, s.getRange());
  try {
    const value: unknown = JSON.parse(model.text.slice(span.start, span.end));
    if (typeof value === 'string') return value;
  } catch {
    // Not a complete JSON string (an instruction still being typed): the parser's reading.
  }
  return s.getJSONValue();
}

/**
 * The stages the final image is built from, following `FROM <stage>` back to its root. Linear, and computed once
 * per model (most Dockerfile rules ask): a 20,000-stage chain took minutes when each step searched every stage
 * and each rule walked the chain again.
 */
export function shippedStages(model: DockerfileModel): Stage[] {
  let chain = shippedChains.get(model);
  if (!chain) {
    chain = shippedChain(model);
    shippedChains.set(model, chain);
  }
  return [...chain];
}

const shippedChains = new WeakMap<DockerfileModel, readonly Stage[]>();

function shippedChain(model: DockerfileModel): Stage[] {
  // A `FROM <name>` names the first stage called that (BuildKit refuses duplicate names anyway).
  const byName = new Map<string, Stage>();
  for (const s of model.stages) if (s.name !== undefined && !byName.has(s.name.toLowerCase())) byName.set(s.name.toLowerCase(), s);
  const chain: Stage[] = [];
  let current = model.finalStage;
  while (current) {
    chain.push(current);
    const base = current.from.getImageName() ?? undefined;
    const named = base === undefined ? undefined : byName.get(base.toLowerCase());
    // Only an earlier stage can be a base: this also ends every cycle.
    current = named && named.index < current.index ? named : undefined;
  }
  return chain.reverse();
}
