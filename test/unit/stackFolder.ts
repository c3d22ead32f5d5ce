// A generated stack written to a temporary folder, then checked with the project's own tools as the CLI uses them:
// `lint` (each Compose file within its project, with the `.env` beside it and its `build:` Dockerfiles; each
// Dockerfile on its own) and `config` (the project loaded as Compose loads it).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFileJob, type FileJob } from '../../server/src/cli/budgetedAnalysis';
import { dotEnvBeside } from '../../server/src/compose/dotEnvFile';
import { boundedReader, composeConfig, loadProject } from '../../server/src/compose/project';
import type { StackFile } from '../../server/src/scaffold/newStack';

/** Writes the files into a new temporary folder, and `.env` when given; returns the folder. */
export function writeStack(files: readonly StackFile[], dotEnv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-stack-'));
  for (const f of files) {
    const path = join(dir, ...f.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  if (dotEnv !== undefined) writeFileSync(join(dir, '.env'), dotEnv);
  return dir;
}

/** `.env.example` with every empty value filled in, as the person starting the stack does. */
export function filledDotEnv(example: string): string {
  return example.replace(/^([A-Z][A-Z0-9_]*)=$/gm, (_, name: string) => `${name}=${name === 'HF_TOKEN' ? '' : `test-${name.toLowerCase()}`}`);
}

/** Every finding `inference-stack lint` reports for the stack's Compose file and Dockerfiles, as one line each. */
export function lintStack(dir: string, files: readonly StackFile[]): string[] {
  const boundary = { root: dir, rootLabel: 'the project folder' };
  return files
    .filter((f) => f.path === 'compose.yaml' || f.path.endsWith('Dockerfile'))
    .flatMap((f) => {
      const path = join(dir, ...f.path.split('/'));
      const compose = f.path === 'compose.yaml';
      const job: FileJob = compose
        ? {
            text: readFileSync(path, 'utf8'),
            kind: 'compose',
            options: { dotEnv: dotEnvBeside(path, boundary), fileName: path },
            fix: false,
            buildContexts: { composeDir: dir, root: dir, rootLabel: 'the project folder' },
            project: { file: path, root: dir, rootLabel: 'the project folder' },
          }
        : { text: readFileSync(path, 'utf8'), kind: 'dockerfile', options: {}, fix: false };
      const outcome = runFileJob(job);
      if (!('findings' in outcome)) throw new Error(`${f.path}: ${JSON.stringify(outcome)}`);
      return [
        ...outcome.refusals.map((r) => `${f.path}: not read: ${r.path} (${r.refusal.reason})`),
        ...outcome.findings.map((x) => `${f.path}:${x.range.start.line + 1} ${x.rule} (${x.severity}): ${x.message}`),
      ];
    });
}

/** What `inference-stack config --format json` prints for the stack's folder; throws Compose's message when it would refuse. */
export function stackConfig(dir: string): Record<string, unknown> {
  const project = loadProject({ cwd: dir, environment: new Map(), files: [], envFiles: [], profiles: [] }, boundedReader({ root: dir }));
  return composeConfig(project) as Record<string, unknown>;
}
