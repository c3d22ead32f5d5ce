import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyze } from '../core/analyze';
import { fixAll } from '../core/fixAll';
import type { AnalysisOptions } from '../core/options';
import { fileBuildContexts } from '../dockerfile/buildContextFiles';
import { SEVERITIES, Severity } from '../core/types';
import { RULES } from '../rules/registry';
import { dotEnvBeside } from '../compose/dotEnvFile';
import { collectTargets } from './files';
import { FileResult, formatJson, formatSarif, formatText } from './format';

declare const PACKAGE_VERSION: string | undefined;
const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

const USAGE = `Usage: inference-stack lint [options] PATH...

Lints Compose files and Dockerfiles of AI model-serving stacks (vLLM, TGI, SGLang, Ollama, llama.cpp, Triton).
Files named here are sniffed; folders are searched for compose*.y*ml, docker-compose*.y*ml, *.compose.y*ml,
Dockerfile, Dockerfile.*, *.Dockerfile and Containerfile.

Options:
  --format text|json|sarif     output format (default text)
  --fix                        apply each finding's preferred fix in place, then report what is left
  --cold-start SECONDS         expected model cold start, for the healthcheck rules
  --fail-level error|warning|info
                               exit 1 when a finding is at or above this level (default error)
  --rule ID=LEVEL              set a rule to error|warning|info|hint|off (repeatable)
  -h, --help                   this help
  -v, --version                the version

Exit status: 0 clean, 1 findings at or above the fail level, 2 usage or I/O error.
Other commands: inference-stack rules   (lists every rule)
`;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

class UsageError extends Error {}

interface LintArgs {
  format: 'text' | 'json' | 'sarif';
  fix: boolean;
  failLevel: Severity;
  options: AnalysisOptions;
  paths: string[];
}

function parseLintArgs(argv: readonly string[]): LintArgs {
  const args: LintArgs = { format: 'text', fix: false, failLevel: 'error', options: {}, paths: [] };
  const rules: Record<string, Severity | 'off'> = {};
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = () => (inline !== undefined ? inline : value(i++, flag));
    switch (flag) {
      case '--format': {
        const f = take();
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${f}"`);
        args.format = f;
        break;
      }
      case '--fix':
        args.fix = true;
        break;
      case '--cold-start': {
        const s = Number(take());
        if (!Number.isFinite(s) || s <= 0) throw new UsageError('--cold-start takes a number of seconds above 0');
        args.options.coldStartSeconds = s;
        break;
      }
      case '--fail-level': {
        const l = take();
        if (l !== 'error' && l !== 'warning' && l !== 'info') throw new UsageError(`--fail-level must be error, warning or info, not "${l}"`);
        args.failLevel = l;
        break;
      }
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
  if (!args.paths.length) throw new UsageError('no PATH given');
  if (Object.keys(rules).length) args.options.rules = rules;
  return args;
}

function atOrAbove(severity: Severity, level: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(level);
}

function lint(argv: readonly string[], io: CliIo): number {
  const args = parseLintArgs(argv);
  const targets = collectTargets(args.paths, (m) => io.stderr(m + '\n'));
  const results: FileResult[] = [];
  let fixedFiles = 0;
  for (const target of targets) {
    // A Compose file's `.env` and `build:` Dockerfiles are read beside it.
    const options: AnalysisOptions =
      target.kind === 'compose'
        ? { ...args.options, dotEnv: dotEnvBeside(target.path), buildContexts: fileBuildContexts(dirname(resolve(target.path))) }
        : args.options;
    let text = readFileSync(target.path, 'utf8');
    if (args.fix) {
      const fixed = fixAll(text, target.kind, options);
      if (fixed.text !== text) {
        writeFileSync(target.path, fixed.text);
        text = fixed.text;
        fixedFiles++;
      }
    }
    results.push({ file: target.path, findings: analyze(text, target.kind, options) });
  }
  if (args.format === 'json') io.stdout(formatJson(results));
  else if (args.format === 'sarif') io.stdout(formatSarif(results, VERSION));
  else {
    if (args.fix) io.stdout(`Fixed ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}.\n`);
    io.stdout(formatText(results));
  }
  const failing = results.some((r) => r.findings.some((f) => atOrAbove(f.severity, args.failLevel)));
  return failing ? 1 : 0;
}

function listRules(io: CliIo): number {
  for (const r of RULES) io.stdout(`${r.meta.id.padEnd(38)} ${r.meta.defaultSeverity.padEnd(8)} ${r.meta.fixable ? 'fix ' : '    '} ${r.meta.title}\n`);
  return 0;
}

/** Runs the CLI; returns the exit status. Never throws. */
export function runCli(argv: readonly string[], io: CliIo): number {
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

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
