/**
 * What is at an offset of a Dockerfile, for completion and hover: the instruction holding it, the words of an
 * ENTRYPOINT / CMD (exec or shell form), and the name typed in an ENV. The words are read from the text, split at
 * whitespace, quotes, brackets and commas, so a half-typed `CMD ["--model", "x", "--gpu-mem` (which dockerfile-ast
 * no longer reads as JSON) gives the words the user means.
 */
import { Env, type Instruction } from 'dockerfile-ast';
import { BoundedMemo } from '../core/boundedMemo';
import type { Span } from '../core/types';
import { parseDockerfile, shippedStages, spanOfRange, type DockerfileModel } from './dockerfileModel';
import { properties } from './imageEngine';

export interface Word {
  text: string;
  span: Span;
}

export interface DockerfileCursor {
  offset: number;
  model: DockerfileModel;
  instruction: Instruction;
  /** Upper case: `CMD`, `ENV`… */
  keyword: string;
  /** The instruction is in a stage the final image is built from (not a builder stage left behind). */
  shipped: boolean;
}

/** Editors ask completion, resolve and hover of one text in a row: it is parsed once. */
const parses = new BoundedMemo<string, DockerfileModel>((text) => parseDockerfile(text), 4);

/** The instruction whose arguments hold `offset` (past its keyword); undefined on a keyword, a comment, a blank line. */
export function dockerfileCursorAt(text: string, offset: number): DockerfileCursor | undefined {
  const model = parses.get(text);
  const line = model.lines.lineOf(offset);
  const shipped = new Set(shippedStages(model));
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      const range = instruction.getRange();
      if (line < range.start.line || line > range.end.line) continue;
      if (offset <= spanOfRange(model, instruction.getInstructionRange()).end) return undefined;
      return { offset, model, instruction, keyword: instruction.getKeyword().toUpperCase(), shipped: shipped.has(stage) };
    }
  }
  return undefined;
}

/** The end of an instruction's arguments: the end of its last line, so spaces typed after the last word count. */
function argumentsEnd(cursor: DockerfileCursor): number {
  return cursor.model.lines.lineContentEnd(cursor.instruction.getRange().end.line);
}

const SEPARATOR = /[\s"'[\],]/;

/** The words of an ENTRYPOINT / CMD's arguments, and which one is under the cursor (an empty one between words). */
export function argumentWordsAt(cursor: DockerfileCursor): { words: Word[]; at: number } {
  const { text } = cursor.model;
  const start = spanOfRange(cursor.model, cursor.instruction.getInstructionRange()).end;
  const end = argumentsEnd(cursor);
  const words: Word[] = [];
  let from = -1;
  const close = (to: number) => {
    if (from >= 0) words.push({ text: text.slice(from, to), span: { start: from, end: to } });
    from = -1;
  };
  for (let i = start; i < end; i++) {
    if (SEPARATOR.test(text[i]!) || isLineContinuation(text, i)) close(i);
    else if (from < 0) from = i;
  }
  close(end);
  const at = words.findIndex((w) => w.span.start <= cursor.offset && cursor.offset <= w.span.end);
  if (at >= 0) return { words, at };
  const before = words.filter((w) => w.span.end < cursor.offset).length;
  words.splice(before, 0, { text: '', span: { start: cursor.offset, end: cursor.offset } });
  return { words, at: before };
}

/** A `\` that ends its line (only spaces after it): the instruction goes on on the next line. */
function isLineContinuation(text: string, i: number): boolean {
  if (text[i] !== '\\') return false;
  const rest = /^[ \t]*(\r?\n|$)/.exec(text.slice(i + 1, i + 80));
  return rest !== null;
}

/** The env var name under the cursor in an ENV. */
export interface EnvNameAt {
  /** The name as written so far (empty between entries). */
  span: Span;
  text: string;
  /** `=` follows the name: the value is written, only the name is replaced. */
  assigned: boolean;
  /** The names the shipped stages' ENV set, the one under the cursor left out. */
  written: ReadonlySet<string>;
}

/**
 * The name typed at the cursor in an ENV (`ENV A=1 VLLM_|`); undefined in a value, and after the first name of the
 * legacy form `ENV NAME value with spaces`, whose remaining words are all its value.
 */
export function envNameAt(cursor: DockerfileCursor): EnvNameAt | undefined {
  const { model, instruction, offset } = cursor;
  if (!(instruction instanceof Env)) return undefined;
  const props = instruction.getProperties().map((p) => ({
    name: spanOfRange(model, p.getNameRange()),
    value: p.getValueRange() ? spanOfRange(model, p.getValueRange()!) : undefined,
  }));
  const assigned = (name: Span) => model.text[name.end] === '=';
  const onName = props.find((p) => p.name.start <= offset && offset <= p.name.end);
  const first = props[0];
  const legacy = first !== undefined && first.value !== undefined && !assigned(first.name);
  if (legacy && onName !== first) return undefined;
  let span: Span;
  if (onName) span = onName.name;
  else if (props.some((p) => offset > p.name.end && offset <= (p.value?.end ?? p.name.end + 1)) || !/\s/.test(model.text[offset - 1] ?? '')) return undefined;
  else span = { start: offset, end: offset };
  const text = model.text.slice(span.start, span.end);
  const written = new Set(properties(model, shippedStages(model)).map((p) => p.name).filter((n) => n !== text));
  return { span, text, assigned: assigned(span), written };
}
