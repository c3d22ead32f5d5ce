/**
 * The engine arguments a Dockerfile's image starts with: after the launcher words of its ENTRYPOINT or CMD
 * (`vllm serve`, `text-generation-launcher`), or an exec-form CMD after an ENTRYPOINT that starts the engine
 * (this file's, or the base image's own). Only the ENTRYPOINT and CMD that take effect count.
 */
import { Cmd, Entrypoint, Instruction, JSONInstruction } from 'dockerfile-ast';
import { splitWords } from '../core/commandWords';
import { wordsOf, type Word } from '../engines/engineArgv';
import { parseImageRef } from '../engines/engines';
import { imageServer, launchedEngine, launchedInScript, type LaunchedEngine } from '../engines/engineLaunch';
import type { EngineParser } from '../engines/engineParsers';
import { jsonStringValue, shippedStages, spanOfRange, type DockerfileModel } from './dockerfileModel';
import { shippedBaseImage } from './imageEngine';

export interface DockerfileEngineArgs {
  launches: LaunchedEngine[];
  /** The engine the base image's own ENTRYPOINT starts, when this file sets none. */
  baseImageServer: EngineParser | undefined;
  /** The exec-form CMD's words when the base image's entrypoint takes them (no ENTRYPOINT here). */
  cmdForBaseEntrypoint: Word[] | undefined;
  /** The base image's tag; undefined when it has none or a variable sets it. */
  tag: string | undefined;
}

export function dockerfileEngineArgs(model: DockerfileModel): DockerfileEngineArgs | undefined {
  const chain = shippedStages(model);
  if (!chain.length) return undefined;
  const baseImage = shippedBaseImage(model) ?? '';
  const instructions = chain.flatMap((s) => s.instructions).filter((i): i is Cmd | Entrypoint => i instanceof Cmd || i instanceof Entrypoint);
  const entrypoints = instructions.filter((i) => i instanceof Entrypoint);
  const lastEntrypoint = entrypoints[entrypoints.length - 1];
  const cmds = instructions.filter((i) => i instanceof Cmd);
  const lastCmd = cmds[cmds.length - 1];
  const baseImageServer = imageServer(baseImage);
  // An exec-form CMD after an exec-form ENTRYPOINT that starts an engine holds that engine's arguments.
  const entrypointServes = lastEntrypoint ? (isExecForm(lastEntrypoint) ? launchedBy(model, lastEntrypoint)?.parser : undefined) : baseImageServer;
  const launches: LaunchedEngine[] = [];
  for (const ins of [lastEntrypoint, lastCmd]) {
    if (!ins) continue;
    const found = launchedBy(model, ins);
    if (found) launches.push(found);
    else if (ins === lastCmd && isExecForm(ins) && entrypointServes) launches.push({ parser: entrypointServes, args: dockerWords(model, ins), viaImageEntrypoint: !lastEntrypoint });
  }
  const cmdForBaseEntrypoint = !lastEntrypoint && lastCmd && isExecForm(lastCmd) && baseImageServer ? dockerWords(model, lastCmd) : undefined;
  return { launches, baseImageServer, cmdForBaseEntrypoint, tag: baseImage.includes('$') ? undefined : parseImageRef(baseImage).tag };
}

function launchedBy(model: DockerfileModel, ins: Cmd | Entrypoint): LaunchedEngine | undefined {
  const words = dockerWords(model, ins);
  return isExecForm(ins) ? launchedEngine(words, model.text) : launchedInScript(words);
}

function isExecForm(ins: Instruction): boolean {
  return ins instanceof JSONInstruction && ins.getJSONStrings().length > 0;
}

/** Exec form: the JSON strings; shell form: the words `/bin/sh -c` will see, continuations blanked. */
function dockerWords(model: DockerfileModel, ins: Cmd | Entrypoint): Word[] {
  if (isExecForm(ins)) {
    const strings = ins.getJSONStrings();
    const items = strings.map((s) => ({ text: jsonStringValue(model, s), span: spanOfRange(model, s.getRange()) }));
    return wordsOf(model.text, items, { kind: 'inline', spans: items.map((i) => i.span), continuation: false });
  }
  const args = ins.getArguments();
  if (!args.length) return [];
  const start = spanOfRange(model, args[0]!.getRange()).start;
  const end = spanOfRange(model, args[args.length - 1]!.getRange()).end;
  // Blank `\` continuations and comment lines (same length), so word offsets stay file offsets.
  const raw = model.text
    .slice(start, end)
    .replace(/\\(\r?\n)/g, (m) => ' '.repeat(m.length))
    .replace(/(^|\n)([ \t]*#[^\n]*)/g, (_m, nl: string, c: string) => nl + ' '.repeat(c.length));
  const items = splitWords(raw).map((w) => ({ text: w.text, span: { start: start + w.start, end: start + w.end } }));
  return wordsOf(model.text, items, { kind: 'inline', spans: items.map((i) => i.span), continuation: true });
}
