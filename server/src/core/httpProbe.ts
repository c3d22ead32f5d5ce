/**
 * Health probes that pass whatever HTTP status the server answers: `curl` without `-f`/`--fail`/`--fail-with-body`
 * ("By default, curl does not consider HTTP response codes to indicate failure": curl docs/cmdline-opts/fail.md),
 * and Python `requests.get(...)` / `httpx.get(...)` with no status check (neither raises on 4xx/5xx unless
 * `raise_for_status()` is called). wget (GNU: exit 8 "Server issued an error response"; BusyBox: exit 1) and
 * `urllib.request.urlopen` (raises HTTPError for any status outside 2xx) fail on their own and are fine.
 * Pure text in, word indexes out: the Compose and Dockerfile readers attach the spans.
 */
import { shellScriptAt, splitWords, type ShellWord } from './commandWords';

export interface StatusBlindProbe {
  tool: 'curl' | 'python';
  /** Offset of the end of the `curl` word in the script (where `-f` goes), for curl in a shell script. */
  curlEnd?: number;
  /** Index of the `curl` word in an exec-form argument list. */
  curlIndex?: number;
  /** Index of the script in an exec-form `sh -c <script>` (then `curlEnd` is an offset in it). */
  scriptIndex?: number;
}

/** curl short options that take a value: the rest of a cluster after one of them is that value. */
const CURL_VALUE_OPTIONS = new Set('ACEFHKPQTUXYbcdeHmorptuwxyz'.split(''));

/** A path that answers with an error status when the server is not well: the kind `-f` is meant for. */
const PROBE_PATH = /(health|ready|readiness|live|liveness|ping)/i;

/** An exec-form probe (`["CMD", ...]` without CMD): curl run directly, or a shell script run by `sh -c`. */
export function statusBlindArgv(argv: readonly string[]): StatusBlindProbe | undefined {
  const shell = shellScriptAt(argv.map((text) => ({ text })));
  if (shell >= 0) {
    const script = argv[shell + 2];
    const probe = script === undefined ? undefined : statusBlindScript(script);
    return probe && { ...probe, scriptIndex: shell + 2 };
  }
  const verdict = commandVerdict(argv);
  return verdict ? { tool: verdict, ...(verdict === 'curl' ? { curlIndex: curlAt(argv) } : {}) } : undefined;
}

/** A shell-form probe (`CMD-SHELL`, a string `test:`, a Dockerfile shell-form HEALTHCHECK). */
export function statusBlindScript(script: string): StatusBlindProbe | undefined {
  // A pipe or a command substitution reads curl's output or status itself (`| grep`, `$(curl -w ...)`).
  if (/(^|[^|])\|([^|]|$)/.test(script) || script.includes('$(') || script.includes('`')) return undefined;
  for (const segment of segments(splitWords(script))) {
    const verdict = commandVerdict(segment.map((w) => w.text));
    if (verdict === 'curl') return { tool: 'curl', curlEnd: segment[curlAt(segment.map((w) => w.text))]!.end };
    if (verdict) return { tool: verdict };
  }
  return undefined;
}

/** Commands of a script, split at `;`, `&&`, `||` and `&` (pipes were ruled out before). */
function segments(words: readonly ShellWord[]): ShellWord[][] {
  const out: ShellWord[][] = [[]];
  for (const word of words) {
    if (!word.quoted && /^(;|&&|\|\||&)$/.test(word.text)) {
      out.push([]);
      continue;
    }
    const ends = !word.quoted && word.text.endsWith(';');
    out[out.length - 1]!.push(ends ? { ...word, text: word.text.slice(0, -1), end: word.end - 1 } : word);
    if (ends) out.push([]);
  }
  return out.filter((s) => s.length > 0);
}

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Index of the curl word: the command itself, or after `exec` / `timeout 5` / `command`. */
function curlAt(words: readonly string[]): number {
  return words.findIndex((w) => basename(w) === 'curl');
}

function commandVerdict(words: readonly string[]): StatusBlindProbe['tool'] | undefined {
  let i = 0;
  while (i < words.length && /^(exec|command|timeout|\d+[smh]?)$/.test(words[i]!)) i++;
  const command = words[i] === undefined ? '' : basename(words[i]!);
  const args = words.slice(i + 1);
  if (command === 'curl') return curlIgnoresStatus(args) ? 'curl' : undefined;
  if (/^python[0-9.]*$/.test(command)) {
    const c = args.indexOf('-c');
    return c >= 0 && args[c + 1] !== undefined && pythonIgnoresStatus(args[c + 1]!) ? 'python' : undefined;
  }
  return undefined;
}

function curlIgnoresStatus(args: readonly string[]): boolean {
  let url: string | undefined;
  for (const arg of args) {
    if (arg === '--fail' || arg === '--fail-with-body') return false;
    // `-w '%{http_code}'` prints the status for a script to compare: the status is not ignored.
    if (arg === '--write-out' || arg.startsWith('--write-out=')) return false;
    if (/^-[A-Za-z]/.test(arg)) {
      for (const letter of arg.slice(1)) {
        if (letter === 'f') return false;
        if (letter === 'w') return false;
        if (CURL_VALUE_OPTIONS.has(letter)) break;
      }
      continue;
    }
    url ??= probeUrl(arg);
  }
  return url !== undefined && PROBE_PATH.test(url);
}

function pythonIgnoresStatus(code: string): boolean {
  if (!/\b(requests|httpx)\.(get|head)\(/.test(code)) return false;
  if (/raise_for_status|status_code|\.ok\b|is_success|is_error|\.status\b/.test(code)) return false;
  return PROBE_PATH.test(code);
}

/** The path of a URL word (`http://vllm:8000/health`, `localhost:8000/health`), or undefined when it is not one. */
function probeUrl(word: string): string | undefined {
  const full = /^https?:\/\/[^/\s]+(\/\S*)?$/.exec(word);
  if (full) return full[1] ?? '/';
  // curl takes a URL without a scheme too: a local host or `name:port`, then the path.
  const bare = /^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|[\w.-]+:\d+)(?::[^/\s]*)?(\/\S*)?$/.exec(word);
  return bare ? (bare[1] ?? '/') : undefined;
}
