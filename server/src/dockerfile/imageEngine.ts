import { Arg, Env, Instruction, JSONInstruction, Property } from 'dockerfile-ast';
import type { Span } from '../core/types';
import type { ArgToken } from '../compose/command';
import { engineForCommand, engineForImage, EngineSpec } from '../engines/engines';
import { DockerfileModel, shippedStages, spanOfRange, Stage } from './dockerfileModel';

/**
 * Which serving engine a Dockerfile builds an image of: by the base image of the stage that ships (with
 * `ARG` defaults from before the first FROM filled in), else by what its ENTRYPOINT / CMD runs.
 */
export function dockerfileEngine(model: DockerfileModel): EngineSpec | undefined {
  const stages = shippedStages(model);
  const root = stages[0];
  if (!root) return undefined;
  const image = resolveArgs(model, root.from.getImage() ?? '');
  const byImage = image ? engineForImage(image) : undefined;
  const launch = launchTokens(model, stages).map((t) => t.text).join(' ');
  return (launch ? engineForCommand(launch) : undefined) ?? byImage;
}

/** The shipped image's base reference with preamble ARG defaults substituted. */
export function shippedBaseImage(model: DockerfileModel): string | undefined {
  const root = shippedStages(model)[0];
  return root ? resolveArgs(model, root.from.getImage() ?? '') : undefined;
}

function resolveArgs(model: DockerfileModel, text: string): string {
  const defaults = new Map<string, string>();
  for (const i of model.preamble) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(i.getArgumentsContent() ?? '');
    if (i.getKeyword() === 'ARG' && m) defaults.set(m[1]!, m[2]!.replace(/^["']|["']$/g, ''));
  }
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => defaults.get(name) ?? all);
}

/** Arguments of the last ENTRYPOINT followed by the last CMD of the shipped stages, with their spans. */
export function launchTokens(model: DockerfileModel, stages: readonly Stage[] = shippedStages(model)): ArgToken[] {
  const instructions = stages.flatMap((s) => s.instructions);
  const last = (kw: string) => [...instructions].reverse().find((i) => i.getKeyword() === kw);
  return [last('ENTRYPOINT'), last('CMD')].flatMap((i) => (i ? instructionTokens(model, i) : []));
}

/** Words of a shell-form or exec-form (JSON) instruction; JSON strings without escapes get exact spans. */
export function instructionTokens(model: DockerfileModel, instruction: Instruction): ArgToken[] {
  const json = instruction instanceof JSONInstruction ? instruction.getJSONStrings() : [];
  if (json.length) {
    return json.map((s) => {
      const span = spanOfRange(model, s.getRange());
      const value = s.getJSONValue();
      const exact = model.text.slice(span.start, span.end) === JSON.stringify(value) && !value.includes('\\');
      return { text: value, span: exact ? { start: span.start + 1, end: span.end - 1 } : span, exact };
    });
  }
  return instruction.getArguments().map((a) => {
    const span = spanOfRange(model, a.getRange());
    return { text: a.getValue(), span, exact: model.text.slice(span.start, span.end) === a.getValue() };
  });
}

/** One `NAME=value` of an ENV or ARG instruction, with offset spans. */
export interface DockerProperty {
  keyword: 'ENV' | 'ARG';
  name: string;
  /** Undefined for `ARG NAME` without a default. */
  value: string | undefined;
  nameSpan: Span;
  /** The value as written (quotes included). */
  valueSpan: Span | undefined;
  instruction: Instruction;
  /** How many properties the instruction sets (removing the only one removes the line). */
  siblings: number;
}

/** ENV (and, when asked, ARG) properties of the given stages, in file order. */
export function properties(model: DockerfileModel, stages: readonly Stage[], withArgs = false): DockerProperty[] {
  const out: DockerProperty[] = [];
  const instructions = withArgs ? [...model.preamble, ...stages.flatMap((s) => s.instructions)] : stages.flatMap((s) => s.instructions);
  for (const i of instructions) {
    let props: Property[] = [];
    if (i instanceof Env) props = i.getProperties();
    else if (withArgs && i instanceof Arg) props = i.getProperty() ? [i.getProperty()!] : [];
    else continue;
    for (const p of props) {
      const valueRange = p.getValueRange();
      out.push({
        keyword: i instanceof Env ? 'ENV' : 'ARG',
        name: p.getName(),
        value: p.getValue() ?? undefined,
        nameSpan: spanOfRange(model, p.getNameRange()),
        valueSpan: valueRange ? spanOfRange(model, valueRange) : undefined,
        instruction: i,
        siblings: props.length,
      });
    }
  }
  return out;
}
