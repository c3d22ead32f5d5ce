/**
 * Which engine a command line starts, and where its arguments are: after the engine's launcher words
 * (`vllm serve`, `python -m sglang.launch_server`, `text-generation-launcher`), or, when an image's own
 * ENTRYPOINT starts the engine, the whole `command:` / CMD.
 */
import { ENGINES, engineForImage, parseImageRef, VLLM, type EngineId, type EngineSpec } from './engines';
import { findEngineArgs, findInScript, type Word } from './engineArgv';
import { parserFor, type EngineParser } from './engineParsers';

export interface LaunchedEngine {
  parser: EngineParser;
  args: Word[];
  /** The image's own ENTRYPOINT starts the engine with these words (a `command:`, or a CMD after it). */
  viaImageEntrypoint?: boolean;
}

const OPENAI_IMAGE = /(^|\/)vllm\/vllm-openai(-nonroot)?$|(^|\/)vllm-openai(-nonroot)?$/;

/** Images whose ENTRYPOINT passes `command:` on to the server (facts/<engine>-flags.json `image`). */
const ENTRYPOINT_SERVES: ReadonlySet<EngineId> = new Set(['tgi', 'tei', 'llamacpp']);

/**
 * The engine an image's own ENTRYPOINT starts with `command:` as its arguments: vllm/vllm-openai (`vllm serve`),
 * TGI (`/tgi-entrypoint.sh` runs `text-generation-launcher`), TEI (`text-embeddings-router`), llama.cpp's
 * `server*` tags (`/app/llama-server`; its `full` and `light` tags run other tools). Triton's and SGLang's images
 * run the command itself, so theirs must name the launcher.
 */
export function imageServer(image: string | undefined): EngineParser | undefined {
  if (!image || image.includes('$')) return undefined;
  const { name, tag } = parseImageRef(image);
  if (OPENAI_IMAGE.test(name)) return parserFor(VLLM);
  const engine = engineForImage(image);
  if (!engine || !ENTRYPOINT_SERVES.has(engine.id)) return undefined;
  if (engine.id === 'llamacpp' && !tag?.startsWith('server')) return undefined;
  return parserFor(engine);
}

/** The first engine whose launcher exec-form words run (a `sh -c` script among them is read too). */
export function launchedEngine(words: readonly Word[], text: string): LaunchedEngine | undefined {
  return firstLaunched((launchers) => findEngineArgs(words, text, launchers));
}

/** The same in a shell script's words (a Dockerfile shell-form instruction). */
export function launchedInScript(words: readonly Word[]): LaunchedEngine | undefined {
  return firstLaunched((launchers) => findInScript(words, launchers));
}

function firstLaunched(find: (launchers: EngineSpec['launchers']) => { args: Word[] } | undefined): LaunchedEngine | undefined {
  for (const engine of ENGINES) {
    const parser = parserFor(engine);
    const found = parser && find(engine.launchers);
    if (found) return { parser, args: found.args };
  }
  return undefined;
}
