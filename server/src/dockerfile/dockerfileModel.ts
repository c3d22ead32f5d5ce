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

/** The stages the final image is built from, following `FROM <stage>` back to its root. */
export function shippedStages(model: DockerfileModel): Stage[] {
  const chain: Stage[] = [];
  let current = model.finalStage;
  const seen = new Set<number>();
  while (current && !seen.has(current.index)) {
    seen.add(current.index);
    chain.unshift(current);
    const base = current.from.getImageName() ?? undefined;
    current = model.stages.find((s) => s.index < current!.index && s.name !== undefined && base !== undefined && s.name.toLowerCase() === base.toLowerCase());
  }
  return chain;
}
