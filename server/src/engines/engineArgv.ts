/**
 * Finds an engine's own arguments in a command line: the words after what starts its server (`vllm serve`,
 * `python -m sglang.launch_server`, `text-generation-launcher`), looking inside `sh -c '...'` scripts too.
 * Pure: words in, words out; spans and edit containers travel with the words.
 */
import { shellScriptAt, splitWords } from '../core/commandWords';
import { innerSpan, WordContainer } from '../core/commandWordEdits';
import type { Span } from '../core/types';

export interface Word {
  text: string;
  /** The word as written, quotes included (or a wider span when the source does not map 1:1). */
  span: Span;
  /** The word's own characters, when the source is exactly the word: flag names can then be renamed. */
  inner: Span | undefined;
  /** Where the word sits, for removals; undefined when it must not be edited (inherited, inexact). */
  container: WordContainer | undefined;
  index: number;
}

/** What starts an engine's server: a program (with its subcommand), or a Python module run with `-m`. */
export type Launcher = { program: RegExp; subcommand?: string } | { pythonModule: RegExp };

export interface EngineArgs {
  /** The words that start the server (`vllm serve`, `python3 -m ...api_server`). */
  marker: Word[];
  /** The engine's arguments after the marker. */
  args: Word[];
}
/** Words that end a simple command in a shell script. */
const SHELL_OPERATORS = new Set(['&&', '||', ';', '|', '&', '>', '>>', '<', '2>&1', '2>', '1>']);

/** The engine's arguments in an exec-form command line (Compose `entrypoint` + `command`, Dockerfile JSON form). */
export function findEngineArgs(words: readonly Word[], text: string, launchers: readonly Launcher[]): EngineArgs | undefined {
  const shell = shellScriptAt(words);
  const script = shell >= 0 ? words[shell + 2] : undefined;
  if (script) return findInScript(scriptWords(script, text), launchers);
  const at = markerAt(words, launchers);
  if (!at) return undefined;
  return { marker: words.slice(at.start, at.end), args: words.slice(at.end) };
}

/** The engine's arguments in a shell script's words: they stop at the first shell operator. */
export function findInScript(words: readonly Word[], launchers: readonly Launcher[]): EngineArgs | undefined {
  const at = markerAt(words, launchers);
  if (!at) return undefined;
  const args: Word[] = [];
  for (const w of words.slice(at.end)) {
    if (SHELL_OPERATORS.has(w.text) || w.text.endsWith(';')) break;
    args.push(w);
  }
  return { marker: words.slice(at.start, at.end), args };
}

/** `[start, end)` of the words that start the engine's server. */
export function markerAt(words: readonly Word[], launchers: readonly Launcher[]): { start: number; end: number } | undefined {
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!.text;
    const b = words[i + 1]?.text;
    for (const launcher of launchers) {
      if ('program' in launcher) {
        if (!launcher.program.test(a)) continue;
        if (launcher.subcommand === undefined) return { start: i, end: i + 1 };
        if (b === launcher.subcommand) return { start: i, end: i + 2 };
      } else if (a === '-m' && b !== undefined && launcher.pythonModule.test(b)) {
        const python = i > 0 && /(^|\/)python[\d.]*$/.test(words[i - 1]!.text);
        return { start: python ? i - 1 : i, end: i + 2 };
      }
    }
  }
  return undefined;
}

/** The words of a `sh -c` script, with exact spans when the script's source is the script itself. */
export function scriptWords(script: Word, text: string): Word[] {
  const raw = splitWords(script.text);
  const base = script.inner;
  if (!base) return raw.map((w, index) => ({ text: w.text, span: script.span, inner: undefined, container: undefined, index }));
  const spans = raw.map((w) => ({ start: base.start + w.start, end: base.start + w.end }));
  const container: WordContainer | undefined = script.container ? { kind: 'inline', spans, continuation: true } : undefined;
  return raw.map((w, index) => ({ text: w.text, span: spans[index]!, inner: innerSpan(text, spans[index]!, w.text), container, index }));
}

/** Words of a container whose spans are exact, with their inner spans computed from the file text. */
export function wordsOf(text: string, items: ReadonlyArray<{ text: string; span: Span }>, container: WordContainer | undefined): Word[] {
  return items.map((item, index) => ({ text: item.text, span: item.span, inner: container ? innerSpan(text, item.span, item.text) : undefined, container, index }));
}
