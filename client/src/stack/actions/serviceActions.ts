/**
 * The per-service actions of the Services view (issue 12 item 7), the parts without VS Code: which container a
 * service's action is about, which URL "Open in Browser" opens, the `curl` "Copy curl for Chat" writes, and the
 * `docker exec` of "Open Shell in Container" with how its shell check reads.
 *
 * Secrets: the curl never holds an API key, only a reference to the variable that holds it (`$VLLM_API_KEY`); text
 * from the Compose file (the served model name) is single-quoted for POSIX shells, so it stays one word whatever it
 * holds.
 */
import type { PlannedService } from '../../../../server/src/compose/stackPlanTypes';
import type { CommandResult } from '../process/command';
import type { ServiceStatus } from '../stackTypes';
import { serviceBaseUrl } from '../views/sidebarModel';

/** The container an action on `service` is about: its first running replica, else its first replica. */
export function serviceContainer(statuses: readonly ServiceStatus[], service: string): ServiceStatus | undefined {
  const mine = statuses.filter((s) => s.service === service).sort((a, b) => a.replica - b.replica);
  return mine.find((s) => s.state === 'running') ?? mine[0];
}

/**
 * The URL "Open in Browser" opens: a model service's API port (as the probe reaches it), else the first published TCP
 * port (the lowest container port, the IPv4 entry), on the engine's host; undefined when nothing TCP is published.
 */
export function publishedUrl(status: ServiceStatus | undefined, planned: PlannedService | undefined, engineHost = '127.0.0.1'): string | undefined {
  const api = planned?.apiPort !== undefined ? serviceBaseUrl(status, planned, engineHost) : undefined;
  if (api) return `${api}/`;
  const tcp = (status?.ports ?? []).filter((p) => p.protocol === 'tcp');
  if (!tcp.length) return undefined;
  const first = Math.min(...tcp.map((p) => p.containerPort));
  // serviceBaseUrl chooses the address (the engine's host for 0.0.0.0 and ::, IPv4 first) for that container port.
  const url = serviceBaseUrl(status, { name: status?.service ?? '', apiPort: first } as PlannedService, engineHost);
  return url ? `${url}/` : undefined;
}

/** `text` as one word for a POSIX shell: in single quotes, each `'` written `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment variable a copied command reads a service's API key from, when the service demands one: the
 * engine's own variable (VLLM_API_KEY, API_KEY, LLAMA_API_KEY: engines/apiKey.ts), whatever the Compose file wrote the
 * key as; `API_KEY` for an engine that reads its key from the command line only (SGLang).
 */
export function apiKeyVariable(planned: PlannedService | undefined): string | undefined {
  return planned?.apiKey ? (planned.apiKeyEnv ?? 'API_KEY') : undefined;
}

export const CURL_MESSAGE = 'Say hello in one short sentence.';

export interface CurlOptions {
  /** http://host:port, the API's base (without /v1). */
  baseUrl: string;
  model: string;
  /** The variable holding the API key, when the service demands one: the curl sends `Bearer $<it>`. */
  keyVariable?: string;
  message?: string;
  maxTokens?: number;
}

/**
 * A `curl` for POST /v1/chat/completions, lines joined with ` \` (POSIX shells). The model name and the message are
 * inside the JSON body, which is single-quoted; the key is read from its variable when curl runs, in double quotes so
 * the shell expands it. The variable's name is checked here: nothing but `[A-Za-z_][A-Za-z0-9_]*` reaches the text.
 */
export function chatCurl(opts: CurlOptions): string {
  const body = JSON.stringify({
    model: opts.model,
    messages: [{ role: 'user', content: opts.message ?? CURL_MESSAGE }],
    max_tokens: opts.maxTokens ?? 64,
  });
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/v1/chat/completions`;
  const lines = [`curl -sS ${shellQuote(url)}`, `-H ${shellQuote('Content-Type: application/json')}`];
  if (opts.keyVariable !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.keyVariable)) throw new Error(`not a variable name: ${opts.keyVariable}`);
    lines.push(`-H "Authorization: Bearer $${opts.keyVariable}"`);
  }
  lines.push(`-d ${shellQuote(body)}`);
  return lines.join(' \\\n  ');
}

// ------------------------------------------------------------------------------------------------ the shell

/** The shell "Open Shell in Container" runs. */
export const CONTAINER_SHELL = 'sh';

/** The terminal's program arguments after `docker`: an interactive shell in the container. */
export function shellArgs(containerId: string): string[] {
  return ['exec', '-it', containerId, CONTAINER_SHELL];
}

/** What is run first, without a terminal, to see that the container has a shell: `sh -c 'exit 0'`. */
export function shellCheckArgs(containerId: string): string[] {
  return ['exec', containerId, CONTAINER_SHELL, '-c', 'exit 0'];
}

export type ShellCheck =
  | { ok: true }
  /** The image has no `sh` (distroless, or the stand-in's lone /node): a terminal would only show the error. */
  | { ok: false; reason: 'no-shell'; detail: string }
  | { ok: false; reason: 'not-running' | 'failed'; detail: string };

/**
 * How `docker exec <id> sh -c 'exit 0'` went. The engine refuses an exec of a missing program ("exec: \"sh\":
 * executable file not found in $PATH", or "no such file or directory" for an absolute path) and the CLI exits with
 * 126 or 127; a stopped container is "is not running" (exit 1).
 */
export function readShellCheck(result: CommandResult): ShellCheck {
  const detail = (result.stderr || result.stdout || result.error?.message || '').trim();
  if (!result.error && result.exitCode === 0) return { ok: true };
  if (/executable file not found|no such file or directory/i.test(detail) || ((result.exitCode === 126 || result.exitCode === 127) && !result.error)) {
    return { ok: false, reason: 'no-shell', detail };
  }
  if (/is not running|is paused|is restarting/i.test(detail)) return { ok: false, reason: 'not-running', detail };
  return { ok: false, reason: 'failed', detail: detail || `exit ${result.exitCode ?? result.error?.code ?? '?'}` };
}

/**
 * The connection's environment for the docker CLI (DOCKER_HOST and the rest, dockerEndpoint.ts composeEnv) as a
 * terminal's `env`: set values, and null for those to remove from the terminal's inherited environment.
 */
export function terminalEnv(patch: Readonly<Record<string, string | undefined>>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(patch)) out[k] = v === undefined ? null : v;
  return out;
}
