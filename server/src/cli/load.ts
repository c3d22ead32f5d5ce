/**
 * `inference-stack load`: a load test of a model's OpenAI-compatible chat endpoint (load/loadTest.ts), given as a URL
 * or as a service of the Compose file in the current folder (its published API port). Prints vLLM-bench-style
 * results, or JSON; `--save` keeps a run and `--compare A B` prints two saved runs side by side.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { planStack } from '../compose/stackPlan';
import { documentsMerged } from '../compose/documentsMerged';
import { DEFAULT_FILE_NAMES } from '../compose/project';
import { MAX_COMPOSE_BYTES, readBoundedText } from '../core/boundedFile';
import { argItems, choice, seconds, UsageError, wholeNumber } from './args';
import { baseUrlOf } from '../load/baseUrl';
import { listedModel } from '../load/listedModel';
import { runLoad, type LoadOptions, type LoadSummary } from '../load/loadTest';
import { formatComparison, formatSummary } from '../load/report';

const USAGE = `Usage: inference-stack load [URL | --service NAME] [options]

Sends streaming chat completions to an OpenAI-compatible server and reports TTFT, inter-token latency (ITL),
time per output token (TPOT), end-to-end latency, output tokens/s and the request rate, as \`vllm bench serve\`
defines them.

Target (one of):
  URL                          the server's base URL, e.g. http://127.0.0.1:8000
  --service NAME               a service of the Compose file in this folder: its published API port on 127.0.0.1
  -f, --file FILE              the Compose file for --service (default: compose.yaml, …, docker-compose.yaml)

Options:
  --model NAME                 the model to ask for (default: the first of GET /v1/models)
  --concurrency N              clients sending at once (default 4)
  --requests N                 requests in all (default 10 × concurrency)
  --duration S                 or send for S seconds
  --prompt-tokens N            prompt length, about N tokens (default 128)
  --max-tokens N               max_completion_tokens of each request (default 128)
  --format text|json           output (default text); json: {requests, errors, duration_s, request_rate,
                               output_tokens_per_s, ttft_ms, itl_ms, tpot_ms, e2e_ms, error_samples}
  --save FILE                  also write the JSON result to FILE
  --compare A B                print two saved results side by side (no requests sent)
  -h, --help                   this help

The API key, when the server needs one, is read from OPENAI_API_KEY (as vllm bench serve does).
Exit status: 0 done, 1 every request failed, 2 usage error or no target.
`;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}


interface LoadArgs {
  url?: string;
  service?: string;
  file?: string;
  model?: string;
  concurrency: number;
  requests?: number;
  durationS?: number;
  promptTokens: number;
  maxTokens: number;
  format: 'text' | 'json';
  save?: string;
  compare?: [string, string];
}

function parseArgs(argv: readonly string[]): LoadArgs | 'help' {
  const args: LoadArgs = { concurrency: 4, promptTokens: 128, maxTokens: 128, format: 'text' };
  for (const { arg: a, flag, value } of argItems(argv)) {
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '--service': args.service = value(); break;
      case '-f': case '--file': args.file = value(); break;
      case '--model': args.model = value(); break;
      case '--concurrency': args.concurrency = wholeNumber(flag, value()); break;
      case '--requests': args.requests = wholeNumber(flag, value()); break;
      case '--duration': args.durationS = seconds(flag, value()); break;
      case '--prompt-tokens': args.promptTokens = wholeNumber(flag, value()); break;
      case '--max-tokens': args.maxTokens = wholeNumber(flag, value()); break;
      case '--format': args.format = choice(flag, value(), ['text', 'json'] as const); break;
      case '--save': args.save = value(); break;
      case '--compare': args.compare = [value(), value()]; break;
      default:
        if (a.startsWith('-') || args.url) throw new UsageError(`unknown argument "${a}"`);
        if (!/^https?:\/\//.test(a)) throw new UsageError(`"${a}" is not an http(s) URL`);
        args.url = a;
    }
  }
  if (!args.compare && !args.url === !args.service) throw new UsageError('name the server: a URL or --service NAME');
  return args;
}

/** http://127.0.0.1:<published port> of a service's API port in the folder's Compose file. */
function serviceUrl(args: LoadArgs, cwd: string): string {
  const names = args.file ? [args.file] : DEFAULT_FILE_NAMES;
  for (const name of names) {
    const path = resolve(cwd, name);
    const read = readBoundedText(path, { root: cwd }, MAX_COMPOSE_BYTES);
    if (!read.ok) continue;
    const plan = planStack(documentsMerged(read.text, path), path);
    const service = plan.services.find((s) => s.name === args.service);
    if (!service) throw new UsageError(`${name} has no service "${args.service}"`);
    const tcp = service.publishedPorts.filter((p) => p.protocol === 'tcp');
    const port = tcp.find((p) => p.containerPort === service.apiPort) ?? (tcp.length === 1 ? tcp[0] : undefined);
    if (!port) throw new UsageError(`service "${args.service}" publishes no port for its API${service.apiPort ? ` (${service.apiPort})` : ''}: pass its URL instead`);
    const host = port.hostIp && !['0.0.0.0', '::', ''].includes(port.hostIp) ? port.hostIp : '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${port.hostPort}`;
  }
  throw new UsageError(`no Compose file in ${cwd}${args.file ? ` named ${args.file}` : ''}`);
}

/** The first model the server lists, for a run that names none. */
async function firstModel(baseUrl: string, apiKey: string | undefined): Promise<string> {
  const listed = await listedModel(baseUrl, apiKey);
  if (listed.model) return listed.model;
  throw new UsageError(`${baseUrl}/v1/models did not name a model (${listed.error ?? `HTTP ${listed.status}`}): pass --model`);
}

function readSummary(path: string): LoadSummary {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as LoadSummary;
  if (typeof parsed?.requests !== 'number' || !parsed.ttft_ms) throw new UsageError(`${path} is not a saved load-test result`);
  return parsed;
}

export async function runLoadCommand(argv: readonly string[], io: Io, cwd = process.cwd()): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (args.compare) {
      const [a, b] = args.compare.map((p) => readSummary(resolve(cwd, p))) as [LoadSummary, LoadSummary];
      io.stdout(formatComparison(a, b, args.compare));
      return 0;
    }
    const baseUrl = baseUrlOf(args.url ?? serviceUrl(args, cwd));
    const apiKey = process.env.OPENAI_API_KEY || undefined;
    const model = args.model ?? (await firstModel(baseUrl, apiKey));
    const total = args.durationS === undefined ? (args.requests ?? 10 * args.concurrency) : args.requests;
    const tty = (process.stderr as { isTTY?: boolean }).isTTY === true;
    const options: LoadOptions = { baseUrl, model, concurrency: args.concurrency, promptTokens: args.promptTokens, maxTokens: args.maxTokens };
    if (args.requests !== undefined) options.requests = args.requests;
    if (args.durationS !== undefined) options.durationS = args.durationS;
    if (apiKey) options.apiKey = apiKey;
    // A progress line on a terminal only (CI logs get the result alone).
    if (tty) options.onProgress = (done, errors) => io.stderr(`\r${done}${total ? `/${total}` : ''} requests, ${errors} failed `);
    const { summary } = await runLoad(options);
    if (tty) io.stderr('\n');
    const json = `${JSON.stringify(summary, null, 2)}\n`;
    if (args.save) writeFileSync(resolve(cwd, args.save), json);
    io.stdout(args.format === 'json' ? json : `${baseUrl} · ${model} · concurrency ${args.concurrency}\n${formatSummary(summary)}`);
    return summary.requests === 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`inference-stack load: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`inference-stack load: ${(err as Error).message ?? String(err)}\n`);
    return 2;
  }
}
