/**
 * The program a healthcheck starts, read where its failing to start decides the result: the command itself (exec
 * form) or the first command of a shell script whose other commands cannot turn that failure into a pass.
 * Pure text in, words out: the Compose and Dockerfile readers say which form they hold.
 */
import { shellScriptAt, splitWords, type ShellWord } from './commandWords';

export interface ProbeProgram {
  /** The command word as written (`curl`, `/usr/bin/wget`). */
  word: string;
  /** The words after it. */
  args: readonly string[];
  /** Started by a shell (`sh -c`, CMD-SHELL, a string test), which answers "not found" itself. */
  shell: boolean;
}

/** Words that start another command rather than being it: `exec curl`, `timeout 5 curl`, `env A=1 curl`, `A=1 curl`. */
const WRAPPER = /^(exec|command|env|timeout|-[a-zA-Z]|\d+(\.\d+)?[smh]?|[A-Za-z_][A-Za-z0-9_]*=.*)$/;

/** An exec-form probe (a Compose `["CMD", ...]` without CMD, a Dockerfile `HEALTHCHECK CMD [...]`). */
export function argvProgram(argv: readonly string[]): ProbeProgram | undefined {
  const rest = argv.slice(skipWrappers(argv));
  if (shellScriptAt(rest.map((text) => ({ text }))) === 0) return rest[2] === undefined ? undefined : scriptProgram(rest[2]);
  return rest[0] ? { word: rest[0], args: rest.slice(1), shell: false } : undefined;
}

/**
 * A shell-form probe (CMD-SHELL, a string `test:`, a shell-form HEALTHCHECK). Only a script whose result the first
 * command decides: it may be followed by `&& ...`, `|| exit 1` (or `|| false`) and `| grep ...` (grep fails on no
 * input); `;`, `&`, another `||` fallback or a line break make it undefined.
 */
export function scriptProgram(script: string): ProbeProgram | undefined {
  if (/[\r\n]/.test(script.trim())) return undefined;
  const parts = commands(splitWords(script));
  if (!parts) return undefined;
  const [first, ...rest] = parts;
  for (const { op, words } of rest) {
    const command = words.slice(skipWrappers(words));
    const decided = op === '&&' || (op === '|' && basename(command[0]!) === 'grep') || (op === '||' && alwaysFails(command));
    if (!decided) return undefined;
  }
  const words = first!.words.slice(skipWrappers(first!.words));
  return words[0] ? { word: words[0], args: words.slice(1), shell: true } : undefined;
}

/** `exit 1`, `exit` (the status of the failed command) or `false`: a fallback that still fails. */
function alwaysFails(command: readonly string[]): boolean {
  return command[0] === 'false' || (command[0] === 'exit' && (command[1] === undefined || /^[1-9]\d*$/.test(command[1])));
}

export function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

function skipWrappers(words: readonly string[]): number {
  let i = 0;
  while (i < words.length - 1 && WRAPPER.test(words[i]!)) i++;
  return i;
}

/**
 * The commands of a script and the operator before each (the first has none). Undefined when an operator hides
 * inside a word (`url||true`), where splitting at words would misread the script.
 */
function commands(words: readonly ShellWord[]): { op: string | undefined; words: string[] }[] | undefined {
  const out: { op: string | undefined; words: string[] }[] = [{ op: undefined, words: [] }];
  for (const word of words) {
    if (!word.quoted && /^(;|&&|\|\||&|\|)$/.test(word.text)) {
      out.push({ op: word.text, words: [] });
      continue;
    }
    // Redirections (`2>&1`, `&>/dev/null`) hold `&` without being an operator.
    const bare = word.quoted ? '' : word.text.replace(/\d*[<>]&\d*|&>>?/g, '');
    const text = !word.quoted && bare.endsWith(';') ? word.text.slice(0, -1) : word.text;
    if (/[;&|]/.test(bare.replace(/;$/, ''))) return undefined;
    out[out.length - 1]!.words.push(text);
    if (text !== word.text) out.push({ op: ';', words: [] });
  }
  // A trailing `;` ends the script; a trailing `&` backgrounds the probe, and the script passes at once.
  const last = out[out.length - 1]!;
  if (last.op === ';' && last.words.length === 0) out.pop();
  return out.every((c) => c.words.length > 0) ? out : undefined;
}
