/**
 * Finds vLLM's own arguments in a command line: the words after `vllm serve` or
 * `python -m vllm.entrypoints.openai.api_server`, looking inside `sh -c '...'` scripts too.
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

export interface VllmArgs {
  /** The words that start the server (`vllm serve`, `python3 -m ...api_server`). */
  marker: Word[];
  /** vLLM's arguments after the marker. */
  args: Word[];
}

const API_SERVER = /^vllm\.entrypoints\.(openai\.)?api_server$/;
/** Words that end a simple command in a shell script. */
const SHELL_OPERATORS = new Set(['&&', '||', ';', '|', '&', '>', '>>', '<', '2>&1', '2>', '1>']);

/** vLLM's arguments in an exec-form command line (Compose `entrypoint` + `command`, Dockerfile JSON form). */
export function findVllmArgs(words: readonly Word[], text: string): VllmArgs | undefined {
  const shell = shellScriptAt(words);
  const script = shell >= 0 ? words[shell + 2] : undefined;
  if (script) return findInScript(scriptWords(script, text));
  const at = markerAt(words);
  if (!at) return undefined;
  return { marker: words.slice(at.start, at.end), args: words.slice(at.end) };
}

/** vLLM's arguments in a shell script's words: they stop at the first shell operator. */
export function findInScript(words: readonly Word[]): VllmArgs | undefined {
  const at = markerAt(words);
  if (!at) return undefined;
  const args: Word[] = [];
  for (const w of words.slice(at.end)) {
    if (SHELL_OPERATORS.has(w.text) || w.text.endsWith(';')) break;
    args.push(w);
  }
  return { marker: words.slice(at.start, at.end), args };
}

/** `[start, end)` of the words that start vLLM's server. */
export function markerAt(words: readonly Word[]): { start: number; end: number } | undefined {
  for (let i = 0; i + 1 < words.length; i++) {
    const a = words[i]!.text;
    const b = words[i + 1]!.text;
    if (/(^|\/)vllm$/.test(a) && b === 'serve') return { start: i, end: i + 2 };
    if (a === '-m' && API_SERVER.test(b)) {
      const python = i > 0 && /(^|\/)python[\d.]*$/.test(words[i - 1]!.text);
      return { start: python ? i - 1 : i, end: i + 2 };
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
