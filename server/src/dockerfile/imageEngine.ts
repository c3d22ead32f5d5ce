import { Arg, Entrypoint, Env, Instruction, JSONInstruction, Property, Run } from 'dockerfile-ast';
import type { Span } from '../core/types';
import type { ArgToken } from '../core/commandWords';
import { DetectedEngine, detectEngine, EngineSpec, SGLANG, VLLM } from '../engines/engines';
import { preambleArgs, substituteKnown } from './buildArgs';
import { DockerfileModel, jsonStringValue, shippedStages, spanOfRange, Stage } from './dockerfileModel';

/** The engine a Dockerfile builds an image of, and what gave it away. */
export interface DockerfileEngine {
  spec: EngineSpec;
  /**
   * `pip`: no launch command or base image we know, but a RUN pip-installs vLLM or SGLang. Such an image
   * serves a model, but how it starts the engine is unknown, so its ENTRYPOINT/CMD are not the engine's.
   */
  by: DetectedEngine['by'] | 'pip';
}

/**
 * Which serving engine a Dockerfile builds an image of: by what the shipped image's ENTRYPOINT / CMD run,
 * else by its base image (with `ARG` defaults from before the first FROM filled in), else by a
 * `pip install vllm` / `sglang` in its stages.
 */
export function dockerfileEngine(model: DockerfileModel): DockerfileEngine | undefined {
  const stages = shippedStages(model);
  if (!stages.length) return undefined;
  const launch = launchTokens(model, stages).map((t) => t.text).join(' ');
  const detected = detectEngine(launch, shippedBaseImage(model));
  if (detected) return detected;
  const pip = stages.flatMap((s) => s.instructions).flatMap((i) => (i instanceof Run ? pipInstalledEngines(i) : []))[0];
  return pip && { spec: pip, by: 'pip' };
}

/** The shipped image's base reference, preamble ARG defaults substituted (unknown ones kept as written). */
export function shippedBaseImage(model: DockerfileModel): string | undefined {
  const root = shippedStages(model)[0];
  return root ? substituteKnown(root.from.getImage() ?? '', preambleArgs(model)) : undefined;
}

/** The engine a Dockerfile's built stage runs, for a Compose service built from it and for the Dockerfile's own completion. */
export interface BuiltEngine {
  spec: EngineSpec;
  /**
   * What named it: the built stage's ENTRYPOINT / CMD (`command`), or its base image (`image`), whose own
   * entrypoint then still starts the engine. A pip-installed engine (started some way we cannot read) does
   * not count: its Compose `command:` (or its own CMD) is not the engine's arguments.
   */
  by: 'command' | 'image';
  /** The built stage's base image, ARG defaults from before the first FROM filled in. */
  baseImage: string | undefined;
  /**
   * No ENTRYPOINT in the stages that ship: the base image's own entrypoint (`vllm serve` for vllm/vllm-openai)
   * still runs, so a Compose `command:` holds the engine's arguments.
   */
  keepsImageEntrypoint: boolean;
}

/** The engine of a parsed Dockerfile's `target` stage (default: the last). */
export function engineOfModel(parsed: DockerfileModel, target: string | undefined): BuiltEngine | undefined {
  // `target` builds that stage (and what it is FROM) instead of the last one; stage names are case-insensitive.
  // An unknown target fails the build: no engine.
  const stage = target === undefined ? parsed.finalStage : parsed.stages.find((s) => s.name?.toLowerCase() === target.toLowerCase());
  if (!stage) return undefined;
  const model = { ...parsed, finalStage: stage };
  const found = dockerfileEngine(model);
  if (!found || found.by === 'pip') return undefined;
  const keepsImageEntrypoint = !shippedStages(model).some((st) => st.instructions.some((i) => i instanceof Entrypoint));
  return { spec: found.spec, by: found.by, baseImage: shippedBaseImage(model), keepsImageEntrypoint };
}

/** `pip install vllm`, `uv pip install "sglang[all]>=0.4"`, `pip3 install -U vllm==0.9.0`. */
function pipInstalledEngines(run: Run): EngineSpec[] {
  const text = run.getTextContent().replace(/\\\r?\n/g, ' ');
  const out: EngineSpec[] = [];
  for (const m of text.matchAll(/\bpip3?\s+install\b([^&;|\n]*)/g)) {
    for (const word of m[1]!.split(/\s+/)) {
      const name = word.replace(/^["']|["']$/g, '').split(/[[<>=!~;@ ]/)[0]!.toLowerCase();
      if (name === 'vllm') out.push(VLLM);
      if (name === 'sglang') out.push(SGLANG);
    }
  }
  return out;
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
      const value = jsonStringValue(model, s);
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
