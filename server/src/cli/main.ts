import { statSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { basename, dirname, relative, resolve } from 'node:path';
import { declinedAsTooLarge } from '../analysis/analyze';
import { CLI_DEFAULT_BUDGET_SECONDS } from '../analysis/analysisBudget';
import { MAX_COMPOSE_BYTES, MAX_SIDE_FILE_BYTES, readBoundedText, type ReadBoundary } from '../core/boundedFile';
import { COMPOSE_NAME_GLOBS, DOCKERFILE_NAME_GLOBS } from '../core/fileKind';
import { WriteRefused, writeRefusal, writeTextInside } from '../core/safeWrite';
import type { SideFileChange } from '../analysis/sideFiles';
import type { AnalysisOptions } from '../core/analysisOptions';
import { SEVERITIES, Severity } from '../core/types';
import { RULES } from '../rules/registry';
import { dotEnvBeside } from '../compose/dotEnvFile';
import type { ProjectJob } from '../analysis/projectJob';
import { BudgetedAnalyzer, FileJob, FileOutcome, outcomeFindings } from './budgetedAnalysis';
import { collectTargets } from './files';
import { argItems, choice, seconds, UsageError } from './args';
import { GPU_OPTIONS_HELP, GpuArgs } from './gpuArgs';
import { runConfig } from './config';
import { runLoadCommand } from './load';
import { runFit } from './fit';
import { runNew } from './new';
import { FileResult, formatJson, formatSarif, formatText } from './format';

declare const PACKAGE_VERSION: string | undefined;
const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

const USAGE = `Usage: inference-stack lint [options] PATH...

Lints Compose files and Dockerfiles of AI model-serving stacks (vLLM, TGI, SGLang, Ollama, llama.cpp, Triton).
Files named here are linted whatever their names: by name, else by text (YAML with top-level services is a
Compose file, a first instruction FROM a Dockerfile); one that is neither or cannot be read exits 2.
Folders are searched by name only, for ${COMPOSE_NAME_GLOBS.join(', ')},
${DOCKERFILE_NAME_GLOBS.join(', ')}.
A Compose file is linted within its project, as docker compose run in its folder loads it (COMPOSE_FILE from
the folder's .env, else compose.yaml with its override; files reached through include and extends): nothing is
reported for what another file of the project supplies, and what the merged project gets wrong is reported in
the file that wrote it.

Options:
  -f, --file FILE              a Compose file of the project (repeatable, in order, as docker compose -f): these
                               files are linted as one project
  --format text|json|sarif     output format (default text)
  --fix                        apply each finding's preferred fix in place, then report what is left
  --cold-start SECONDS         expected model cold start, for the healthcheck rules
${GPU_OPTIONS_HELP}
                               (the memory and GPU rules stay silent without them)
  --fail-level error|warning|info
                               exit 1 when a finding is at or above this level (default error)
  --rule ID=LEVEL              set a rule to error|warning|info|hint|off (repeatable)
  --time-budget SECONDS        stop analysing a file after this long (default ${CLI_DEFAULT_BUDGET_SECONDS}): it gets one
                               analysis-stopped finding instead, and the other files are still analysed
  --allow-outside-project      also read files outside the current folder (the project): named files, .env files
                               and build: Dockerfiles; without it they are not read, nor symlinks out of it
  -h, --help                   this help
  -v, --version                the version

Exit status: 0 clean, 1 findings at or above the fail level, 2 usage or I/O error.
Other commands: inference-stack rules   (lists every rule)
                inference-stack config  (prints the project as docker compose config does; --help for its options)
                inference-stack load    (load-tests a model's chat endpoint; --help for its options)
                inference-stack fit     (will each model fit its GPU? --help for its options)
                inference-stack new     (writes a new stack into a folder; --help for its options)
`;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}


interface LintArgs {
  format: 'text' | 'json' | 'sarif';
  fix: boolean;
  allowOutsideProject: boolean;
  failLevel: Severity;
  budgetSeconds: number;
  options: AnalysisOptions;
  paths: string[];
  /** `-f`, in order: one project of these files. */
  projectFiles: string[];
}

function parseLintArgs(argv: readonly string[]): LintArgs {
  const args: LintArgs = { format: 'text', fix: false, allowOutsideProject: false, failLevel: 'error', budgetSeconds: CLI_DEFAULT_BUDGET_SECONDS, options: {}, paths: [], projectFiles: [] };
  const rules: Record<string, Severity | 'off'> = {};
  const gpuArgs = new GpuArgs();
  for (const { arg, flag, value: take } of argItems(argv)) {
    if (gpuArgs.accept(flag, take)) continue;
    switch (flag) {
      case '--format':
        args.format = choice(flag, take(), ['text', 'json', 'sarif'] as const);
        break;
      case '--fix':
        args.fix = true;
        break;
      case '-f':
      case '--file':
        args.projectFiles.push(take());
        break;
      case '--allow-outside-project':
        args.allowOutsideProject = true;
        break;
      case '--cold-start':
        args.options.coldStartSeconds = seconds(flag, take());
        break;
      case '--time-budget':
        args.budgetSeconds = seconds(flag, take());
        break;
      case '--fail-level':
        args.failLevel = choice(flag, take(), ['error', 'warning', 'info'] as const);
        break;
      case '--rule': {
        const [id, level] = take().split('=');
        if (!id || !RULES.some((r) => r.meta.id === id)) throw new UsageError(`--rule: unknown rule "${id}" (see: inference-stack rules)`);
        if (level !== 'off' && !SEVERITIES.includes(level as Severity)) throw new UsageError(`--rule ${id}= must be error, warning, info, hint or off`);
        rules[id] = level as Severity | 'off';
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        args.paths.push(arg);
    }
  }
  if (!args.paths.length && !args.projectFiles.length) throw new UsageError('no PATH given');
  if (Object.keys(rules).length) args.options.rules = rules;
  Object.assign(args.options, gpuArgs.options());
  return args;
}

function atOrAbove(severity: Severity, level: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(level);
}

function lint(argv: readonly string[], io: CliIo): number {
  const args = parseLintArgs(argv);
  // The project is the current folder: a cloned repository's `.env` symlink or `context: ../../..` reads nothing
  // outside it (core/boundedFile.ts), unless the person says otherwise.
  // A project's files are read for each of its files (and `.env` by this thread and the analyser's): each refusal
  // is told once.
  const told = new Set<string>();
  const boundary: ReadBoundary = {
    root: args.allowOutsideProject ? undefined : process.cwd(),
    rootLabel: 'the project folder',
    onRefused: (path, refusal) => {
      const key = `${resolve(path)}\0${refusal.reason}`;
      if (told.has(key)) return;
      told.add(key);
      io.stderr(`${path}: not read: ${refusal.message}${refusal.reason === 'outside' ? ' (pass --allow-outside-project to read it)' : ''}\n`);
    },
  };
  const { targets, errors } = collectTargets(args.paths, (m) => io.stderr(m + '\n'), boundary, args.projectFiles);
  const named = new Set(args.projectFiles.map((f) => resolve(f)));
  let ioErrors = errors;
  const results: FileResult[] = [];
  let fixedFiles = 0;
  /** What --fix changed: a line per file (the analysed one, then those beside it). */
  const summary: string[] = [];
  // Each file is analysed on a worker thread within the time budget (a costly file stops, the run goes on), several
  // files at once on several threads. Files are read here first, in order; results keep that order.
  const analyzer = new BudgetedAnalyzer(args.budgetSeconds);
  const slots: Array<{ target: (typeof targets)[number]; options: AnalysisOptions; job?: FileJob; text?: string; declined?: ReturnType<typeof declinedAsTooLarge> }> = [];
  for (const target of targets) {
    // A Compose file's `.env` and `build:` Dockerfiles are read beside it (the Dockerfiles by the analyzer thread).
    const options: AnalysisOptions = target.kind === 'compose' ? { ...args.options, dotEnv: dotEnvBeside(target.path, boundary), fileName: target.path } : args.options;
    const read = readBoundedText(target.path, boundary, MAX_COMPOSE_BYTES);
    if (!read.ok) {
      if (read.refusal.reason === 'too-large') slots.push({ target, options, declined: declinedAsTooLarge(statSync(target.path).size, options) });
      else ioErrors++;
      continue;
    }
    const text = read.text;
    const contexts = target.kind === 'compose' ? { composeDir: dirname(resolve(target.path)), root: boundary.root, rootLabel: boundary.rootLabel } : undefined;
    // A Compose file is analysed within its project: the `-f` files when it is one of them, else its folder's.
    const project: ProjectJob | undefined =
      target.kind === 'compose'
        ? { file: resolve(target.path), root: boundary.root, rootLabel: 'the project folder', ...(named.has(resolve(target.path)) ? { files: { cwd: process.cwd(), paths: args.projectFiles } } : {}) }
        : undefined;
    // With --fix, a fix may also write beside the Compose file (a secret moved into `.env`, `.env` into `.gitignore`).
    const sideFiles = args.fix && target.kind === 'compose' ? { dir: dirname(resolve(target.path)), root: boundary.root, rootLabel: 'the project folder' } : undefined;
    const job: FileJob = {
      text,
      kind: target.kind,
      options,
      fix: args.fix,
      ...(contexts ? { buildContexts: contexts } : {}),
      ...(project ? { project } : {}),
      ...(sideFiles ? { sideFiles } : {}),
    };
    slots.push({ target, options, job, text });
  }
  const jobs = slots.flatMap((s) => (s.job ? [s.job] : []));
  const outcomes = new Map(analyzer.runAll(jobs).map((outcome, i) => [jobs[i]!, outcome]));
  for (const slot of slots) {
    const { target, options, job, text } = slot;
    if (!job) {
      results.push({ file: target.path, findings: slot.declined! });
      continue;
    }
    let outcome = outcomes.get(job)!;
    let written: SideFileChange[] = [];
    // The files beside it are written first (the value is kept before the file refers to it), and only when the
    // file itself may be written.
    if (job.fix && 'findings' in outcome && !writeRefusal(target.path, boundary)) {
      const side = writeSideFiles(target.path, job, outcome, analyzer, boundary, io);
      outcome = side.outcome;
      written = side.written;
      ioErrors += side.errors;
    }
    let fixedHere = false;
    if ('fixedText' in outcome && outcome.fixedText !== undefined && outcome.fixedText !== text) {
      try {
        writeTextInside(target.path, outcome.fixedText, boundary);
        fixedFiles++;
        fixedHere = true;
      } catch (err) {
        if (!(err instanceof WriteRefused)) throw err;
        io.stderr(`${err.message}\n`);
        ioErrors++;
        // The file keeps its text: its findings are those of that text.
        outcome = analyzer.run({ ...job, fix: false });
      }
    }
    if (job.fix && 'findings' in outcome && outcome.fixed) summary.push(...fixSummary(target.path, outcome.fixed, fixedHere, written));
    results.push({ file: target.path, findings: outcomeFindings(outcome, options, boundary.onRefused) });
  }
  analyzer.dispose();
  if (args.format === 'json') io.stdout(formatJson(results));
  else if (args.format === 'sarif') io.stdout(formatSarif(results, VERSION));
  else {
    if (args.fix) io.stdout(`Fixed ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}.\n` + summary.map((line) => line + '\n').join(''));
    io.stdout(formatText(results));
  }
  // JSON and SARIF keep stdout to themselves: what --fix changed goes to stderr there.
  if (args.fix && args.format !== 'text' && summary.length) io.stderr(summary.map((line) => line + '\n').join(''));
  if (ioErrors) return 2;
  const failing = results.some((r) => r.findings.some((f) => atOrAbove(f.severity, args.failLevel)));
  return failing ? 1 : 0;
}

type Analysed = Extract<FileOutcome, { findings: unknown }>;

/**
 * Writes the files beside `file` that its fixes change (`.env` first: the value is kept before anything refers to
 * it), each only if it is still as the fixes read it and may be written (core/safeWrite.ts: inside the project, not a
 * symlink). A file changed since (another Compose file of the folder wrote the same `.env` in this run) is read again
 * once; when they still cannot be written, the file is fixed without the fixes that write beside it, and nothing is
 * lost. Returns the outcome whose text is to be written, and the side files written.
 */
function writeSideFiles(
  file: string,
  job: FileJob,
  first: Analysed,
  analyzer: BudgetedAnalyzer,
  boundary: ReadBoundary,
  io: CliIo,
): { outcome: FileOutcome; written: SideFileChange[]; errors: number } {
  let outcome: FileOutcome = first;
  for (let attempt = 0; 'findings' in outcome; attempt++) {
    const changes = outcome.fixed?.sideChanges ?? [];
    if (!changes.length) return { outcome, written: [], errors: 0 };
    const problem = changes.map((c) => sideFileProblem(c, boundary)).find((p) => p !== undefined);
    if (!problem) {
      // `.gitignore` first: a `.env` holding a secret is never left written while git would still take it.
      const ordered = [...changes].sort((a, b) => Number(basename(b.path) === '.gitignore') - Number(basename(a.path) === '.gitignore'));
      for (let i = 0; i < ordered.length; i++) {
        try {
          // A new `.env` holds a secret: readable by its owner only.
          writeTextInside(ordered[i]!.path, ordered[i]!.after, boundary, basename(ordered[i]!.path) === '.gitignore' ? undefined : 0o600);
        } catch (err) {
          if (!(err instanceof WriteRefused)) throw err;
          io.stderr(`${err.message}\n`);
          const done = ordered.slice(0, i);
          return { outcome: analyzer.run({ ...job, sideFiles: undefined }), written: changes.filter((c) => done.includes(c)), errors: 1 };
        }
      }
      return { outcome, written: changes, errors: 0 };
    }
    if (problem.changed && attempt === 0) {
      // Read again, `.env` included, as it is now.
      const options = job.kind === 'compose' ? { ...job.options, dotEnv: dotEnvBeside(file, boundary) } : job.options;
      outcome = analyzer.run({ ...job, options });
      continue;
    }
    io.stderr(`${file}: the fixes that write beside it were not made: ${problem.message}\n`);
    return { outcome: analyzer.run({ ...job, sideFiles: undefined }), written: [], errors: problem.changed ? 0 : 1 };
  }
  return { outcome, written: [], errors: 0 };
}

/** Why a side file must not be written now: refused by safeWrite.ts, or no longer the text the fixes read. */
function sideFileProblem(change: SideFileChange, boundary: ReadBoundary): { message: string; changed: boolean } | undefined {
  const refused = writeRefusal(change.path, boundary);
  if (refused) return { message: refused.message, changed: false };
  const read = readBoundedText(change.path, { ...boundary, onRefused: undefined }, MAX_SIDE_FILE_BYTES);
  if (!read.ok && read.refusal.reason !== 'missing') return { message: `${change.path} was not read: ${read.refusal.message}`, changed: false };
  const now = read.ok ? read.text : undefined;
  return now === change.before ? undefined : { message: `${change.path} changed while it was being fixed`, changed: true };
}

/**
 * "compose.yaml: 3 fixes (secret-literal ×2, image-unpinned ×1)", then a line per file written beside it
 * (".env: created, HF_TOKEN added"), then each fix that was not made and why. Names of variables, never values.
 */
function fixSummary(file: string, fixed: NonNullable<Analysed['fixed']>, fileWritten: boolean, written: readonly SideFileChange[]): string[] {
  const lines: string[] = [];
  const rules = Object.entries(fixed.byRule);
  if (fixed.applied && fileWritten) lines.push(`${file}: ${fixed.applied} fix${fixed.applied === 1 ? '' : 'es'} (${rules.map(([rule, n]) => `${rule} ×${n}`).join(', ')})`);
  for (const change of written) {
    const shown = relative(process.cwd(), change.path) || change.path;
    lines.push(`${shown}: ${change.before === undefined ? 'created, ' : ''}${change.notes.join(', ')}`);
  }
  for (const why of fixed.notMade) lines.push(`${file}: ${why}`);
  return lines;
}

function listRules(io: CliIo): number {
  for (const r of RULES) io.stdout(`${r.meta.id.padEnd(38)} ${r.meta.defaultSeverity.padEnd(8)} ${r.meta.fixable ? 'fix ' : '    '} ${r.meta.title}\n`);
  return 0;
}

/** Runs the CLI; returns the exit status (a promise for `load`, which waits on the network). Never throws. */
export function runCli(argv: readonly string[], io: CliIo): number | Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === '-h' || command === '--help' || command === undefined) {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      io.stdout(VERSION + '\n');
      return 0;
    }
    if (command === 'rules') return listRules(io);
    if (command === 'config') return runConfig(rest, io);
    if (command === 'load') return runLoadCommand(rest, io);
    if (command === 'fit') return runFit(rest, io);
    if (command === 'new') return runNew(rest, io);
    if (command !== 'lint') throw new UsageError(`unknown command "${command}"`);
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout(USAGE);
      return 0;
    }
    return lint(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`inference-stack: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    io.stderr(`inference-stack: ${e.code === 'ENOENT' ? `no such file or folder: ${e.path}` : e.message}\n`);
    return 2;
  }
}

// The bundle is also the CLI's analyzer thread (budgetedAnalysis.ts): there it must not run the CLI.
if (require.main === module && isMainThread) {
  void Promise.resolve(runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  })).then((code) => {
    process.exitCode = code;
  });
}
