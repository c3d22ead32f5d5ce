/**
 * `inference-stack new`: writes a new stack into a folder with the generator "New Inference Stack…" uses
 * (scaffold/newStack.ts), so both write the same files. Writes only into an empty or new folder inside the current
 * one (unless --allow-outside-project), through core/safeWrite.ts: no file written through a symlink, none outside.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { WriteRefused, writeRefusal, writeTextInside, type WriteBoundary } from '../core/safeWrite';
import {
  DEFAULT_CPUS,
  DEFAULT_MEMORY,
  ENGINE_CHOICES,
  engineChoice,
  newStackFiles,
  PRODUCTION_ENGINE,
  SCAFFOLD_ENGINE_IDS,
  startCommand,
  TEMPLATE_CHOICES,
  TEMPLATE_IDS,
  validateAnswers,
  type NewStackAnswers,
  type RawAnswers,
  type TemplateId,
} from '../scaffold/newStack';
import { argItems, choice, UsageError } from './args';

/** Words in lines of at most `width` characters, the lines after the first indented by `indent` spaces. */
function wrap(text: string, indent: number, width: number): string {
  const lines = [''];
  for (const word of text.split(' ')) {
    const line = lines[lines.length - 1]!;
    if (line && indent + line.length + 1 + word.length > width) lines.push(word);
    else lines[lines.length - 1] = line ? `${line} ${word}` : word;
  }
  return lines.join('\n' + ' '.repeat(indent));
}

const USAGE = `Usage: inference-stack new [options] DIR

Writes a new inference stack into DIR (created if missing, else it must be empty): the files "New Inference
Stack…" writes in VS Code. Then, in DIR: copy .env.example to .env, fill it in, and start it as compose.yaml says.

Templates:
${TEMPLATE_CHOICES.map((t) => `  ${t.id.padEnd(12)} ${wrap(t.detail, 15, 100)}`).join('\n')}

Options:
  --template ${TEMPLATE_IDS.join('|').padEnd(18)}which stack (default single)
  --engine ID                  ${SCAFFOLD_ENGINE_IDS.join(', ')} (default vllm; production is vLLM only)
  --model ID                   the model (default: a small public one for the engine)
  --gpus N                     NVIDIA GPUs to use (default 1; 0 runs ollama or llamacpp on CPU)
  --gpus-per-worker N          production: GPUs of each vLLM worker, its tensor-parallel size (default 1);
                               the stack has N / this workers, each pinned to its own GPUs
  --port N                     host port of the API: the proxy's or gateway's when there is one (default: the
                               engine's usual port)
  --proxy                      single: nginx in front of the model server
  --prometheus                 single: Prometheus scraping the model server's /metrics
  --healthcheck endpoint|probe single: the engine's health endpoint (default), or the accuracy probe (probe.py)
  --project-name NAME          Compose's project name (default: DIR's name)
  --cpus N                     CPU limit of each model server (default: ${DEFAULT_CPUS}, or the host's cores when fewer)
  --memory SIZE                memory limit of each model server (default ${DEFAULT_MEMORY})
  --allow-outside-project      write DIR even when it is outside the current folder
  -h, --help                   this help

Exit status: 0 written, 2 usage error or DIR refused (not empty, outside the current folder, not writable).
`;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface NewArgs {
  /** What the options said; the rest comes from the engine's defaults. */
  given: RawAnswers;
  dir: string;
  allowOutsideProject: boolean;
}

/** A number as typed; the generator's validators say what is wrong with it (negative, too large...). */
function numberArg(flag: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new UsageError(`${flag} takes a number, not "${value}"`);
  return Number(value);
}

function parseArgs(argv: readonly string[]): NewArgs | 'help' {
  const given: RawAnswers = {};
  const dirs: string[] = [];
  let allowOutsideProject = false;
  for (const { arg, flag, value: take } of argItems(argv)) {
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--template':
        given.template = choice(flag, take(), TEMPLATE_IDS);
        break;
      case '--engine':
        given.engine = take();
        break;
      case '--model':
        given.model = take();
        break;
      case '--gpus':
        given.gpuCount = numberArg(flag, take());
        break;
      case '--gpus-per-worker':
        given.gpusPerWorker = numberArg(flag, take());
        break;
      case '--port':
        given.port = numberArg(flag, take());
        break;
      case '--proxy':
        given.proxy = true;
        break;
      case '--prometheus':
        given.prometheus = true;
        break;
      case '--healthcheck':
        given.healthcheck = choice(flag, take(), ['endpoint', 'probe'] as const);
        break;
      case '--project-name':
        given.projectName = take();
        break;
      case '--cpus':
        given.cpus = numberArg(flag, take());
        break;
      case '--memory':
        given.memory = take();
        break;
      case '--allow-outside-project':
        allowOutsideProject = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        dirs.push(arg);
    }
  }
  if (dirs.length !== 1) throw new UsageError(dirs.length ? `one DIR only, not ${dirs.length}: ${dirs.join(' ')}` : 'no DIR given');
  return { given, dir: dirs[0]!, allowOutsideProject };
}

/** The options over the defaults the wizard starts from: the engine's model and port, its GPU count, the host's cores. */
function withDefaults(given: RawAnswers): RawAnswers {
  const template = (given.template ?? 'single') as TemplateId;
  const engineId = given.engine ?? (template === 'production' ? PRODUCTION_ENGINE : ENGINE_CHOICES[0]!.id);
  const engine = typeof engineId === 'string' ? engineChoice(engineId) : undefined;
  const common: RawAnswers = {
    engine: engineId,
    model: engine?.defaultModel,
    gpuCount: 1,
    port: engine?.defaultPort,
    // Docker refuses a CPU limit above the host's core count.
    cpus: Math.max(1, Math.min(DEFAULT_CPUS, cpus().length)),
  };
  const single: RawAnswers = template === 'single' ? { proxy: false, prometheus: false } : {};
  return { ...common, ...single, ...given };
}

/** Why DIR must not be written, or undefined: outside the current folder, not a folder, not empty. */
function dirProblem(dir: string, shown: string, boundary: WriteBoundary): string | undefined {
  const refused = writeRefusal(join(dir, 'compose.yaml'), boundary);
  if (refused?.reason === 'outside') return `${shown} is outside the current folder: pass --allow-outside-project to write there`;
  let stats;
  try {
    stats = lstatSync(dir).isSymbolicLink() ? statSync(dir) : lstatSync(dir);
  } catch {
    return undefined;
  }
  if (!stats.isDirectory()) return `${shown} exists and is not a folder`;
  const entries = readdirSync(dir);
  if (entries.length) return `${shown} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): give a new or empty folder`;
  return undefined;
}

/** Runs `new`; returns the exit status. */
export function runNew(argv: readonly string[], io: Io, cwd = process.cwd()): number {
  let args: NewArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`inference-stack new: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const answers = withDefaults(args.given);
  const errors = validateAnswers(answers);
  if (errors.length) {
    io.stderr(errors.map((e) => `inference-stack new: ${e}\n`).join('') + '(inference-stack new --help lists the options)\n');
    return 2;
  }
  const dir = resolve(cwd, args.dir);
  const boundary: WriteBoundary = { root: args.allowOutsideProject ? undefined : cwd, rootLabel: 'the current folder' };
  const problem = dirProblem(dir, args.dir, boundary);
  if (problem) {
    io.stderr(`inference-stack new: ${problem}\n`);
    return 2;
  }
  const files = newStackFiles(answers as NewStackAnswers);
  for (const file of files) {
    try {
      writeTextInside(join(dir, ...file.path.split('/')), file.content, boundary);
    } catch (err) {
      if (!(err instanceof WriteRefused)) throw err;
      io.stderr(`inference-stack new: ${err.message}\n`);
      return 2;
    }
  }
  const shown = relative(cwd, dir) || '.';
  const production = answers.template === 'production';
  io.stdout(
    `Wrote ${files.length} files into ${shown}:\n${files.map((f) => `  ${f.path}\n`).join('')}` +
      `Next: cd ${shown}, copy .env.example to .env${production ? ' and fill in its passwords' : ''}, then \`${startCommand(answers as NewStackAnswers)}\`.` +
      `${production ? ' README.md lists each service and its port.' : ''}\n`,
  );
  return 0;
}
