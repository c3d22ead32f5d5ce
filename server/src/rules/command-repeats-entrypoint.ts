import { serviceEngineArgs } from '../compose/serviceEngineArgs';
import { removeWords } from '../core/commandWordEdits';
import type { LineIndex } from '../core/lineIndex';
import type { Reporter } from '../core/types';
import { dockerfileEngineArgs } from '../dockerfile/dockerfileEngineArgs';
import { markerAt, type Word } from '../engines/engineArgv';
import type { EngineParser } from '../engines/engineParsers';
import type { Rule } from './rule';

/**
 * An image whose ENTRYPOINT starts the engine appends `command:` (or CMD) to it as the engine's arguments:
 * vllm/vllm-openai runs `vllm serve` (since 2025-10-02, PR #25967; `python3 -m vllm.entrypoints.openai.api_server`
 * before: vllm-env.json `vllm_openai_image`), TGI's `/tgi-entrypoint.sh` runs `text-generation-launcher`, TEI's
 * `entrypoint.sh` runs `text-embeddings-router`, llama.cpp's server images run `/app/llama-server`
 * (facts/<engine>-flags.json `image`). A command that starts the server again, or runs a keep-alive program
 * (`sleep infinity`) as if it replaced the entrypoint, hands those words to the engine, which exits at start-up.
 */
export const rule: Rule = {
  meta: {
    id: 'command-repeats-entrypoint',
    defaultSeverity: 'error',
    title: "`command:` repeats what the image's entrypoint already runs",
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const found = serviceEngineArgs(ctx.file, info);
      if (found.imageEntrypoint) check(found.imageEntrypoint, found.command, 'command:', ctx.file.text, ctx.file.lines, ctx.report);
    }
  },
  dockerfile(ctx) {
    const found = dockerfileEngineArgs(ctx.model);
    if (found?.baseImageServer && found.cmdForBaseEntrypoint) check(found.baseImageServer, found.cmdForBaseEntrypoint, 'CMD', ctx.model.text, ctx.model.lines, ctx.report);
  },
};

/** What the entrypoint of each engine's image runs, for messages. */
const ENTRYPOINT_RUNS: Readonly<Record<string, string>> = {
  vllm: '`vllm serve` (since 2025-10-02; `python3 -m vllm.entrypoints.openai.api_server` before)',
  tgi: '`text-generation-launcher` (through /tgi-entrypoint.sh)',
  tei: '`text-embeddings-router` (through its entrypoint.sh)',
  llamacpp: '`/app/llama-server`',
};

/** Programs people run to keep a container up: as arguments of a server they are a model name or a stray word. */
const KEEP_ALIVE = /^(\/(usr\/)?bin\/)?(sleep|tail|bash|sh|cat|true|tini)$/;

function check(server: EngineParser, words: readonly Word[], where: string, text: string, lines: LineIndex, report: Reporter): void {
  const first = words[0];
  if (!first) return;
  const runs = ENTRYPOINT_RUNS[server.engine] ?? `${server.name}`;
  const at = markerAt(words, server.spec.launchers);
  if (at?.start === 0) {
    const last = words[at.end - 1]!;
    const container = first.container;
    const span = container && last.container === container ? { start: first.span.start, end: last.span.end } : first.span;
    const repeated = words.slice(0, at.end).map((w) => w.text).join(' ');
    const edits = container ? removeWords(text, lines, container, 0, at.end - 1) : [];
    report({
      span,
      message:
        `${where} repeats \`${repeated}\`, but the image's entrypoint already runs ${runs}: these words become extra arguments and ` +
        `${server.name} exits at start-up with "${server.refusal}". Keep only ${server.name}'s arguments here.`,
      fixes: edits.length ? [{ title: `Remove \`${repeated}\``, preferred: true, edits }] : [],
    });
    return;
  }
  if (KEEP_ALIVE.test(first.text)) {
    const shown = words.slice(0, 3).map((w) => w.text).join(' ');
    report({
      span: first.span,
      message:
        `${where} \`${shown}${words.length > 3 ? ' …' : ''}\` does not replace the server: the image's entrypoint runs ${runs} with these words as its ` +
        `arguments, and ${server.name} exits at start-up. To run something else in this image, set \`entrypoint:\` too.`,
    });
  }
}
