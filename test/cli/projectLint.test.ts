// `inference-stack lint` lints Compose projects: a folder's file set with its override and COMPOSE_FILE, the files
// named with -f (repeatable, in order), and a file named alone within the project it belongs to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-cli-project-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"]\n';
const gpu = (count: number) =>
  `services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: ${count}\n              capabilities: [gpu]\n`;

interface Row {
  file: string;
  rule: string;
  range: { start: { line: number; character: number } };
  relatedInformation?: Array<{ file: string; message: string }>;
}
const json = (stdout: string) => JSON.parse(stdout) as Row[];
const gpuRows = (rows: Row[]) => rows.filter((r) => r.rule.startsWith('gpu-'));

describe('inference-stack lint: Compose projects (dist/cli.js)', () => {
  it('lints a folder as its project: the base gets nothing the override supplies, the override gets what the merge gets wrong', () => {
    const dir = workspace({ 'compose.yaml': BASE, 'compose.override.yaml': gpu(1) });
    const r = run(['lint', '--format', 'json', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    const rows = gpuRows(json(r.stdout));
    assert.deepEqual(
      rows.map((x) => [x.file, x.rule, x.range.start]),
      [['compose.override.yaml', 'gpu-count-below-parallelism', { line: 7, character: 21 }]],
    );
    assert.deepEqual(rows[0]!.relatedInformation?.map((x) => x.message), ['--tensor-parallel-size 2 is set in compose.yaml:4']);
  });

  it('prints the findings per file, as for single files', () => {
    const dir = workspace({ 'compose.yaml': BASE, 'compose.override.yaml': gpu(1) });
    const r = run(['lint', '.'], dir);
    assert.match(r.stdout, /compose\.override\.yaml:8:22: error gpu-count-below-parallelism: Service "vllm" reserves 1 GPU but/);
    assert.doesNotMatch(r.stdout, /compose\.yaml:\d+:\d+: \w+ gpu-reservation-missing/);
  });

  it('lints a file named alone within the project it belongs to (its folder\'s, with the override)', () => {
    const dir = workspace({ 'compose.yaml': BASE, 'compose.override.yaml': gpu(2) });
    const r = run(['lint', '--format', 'json', 'compose.yaml'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(gpuRows(json(r.stdout)), []);
  });

  it('takes the project from COMPOSE_FILE in the folder\'s .env, and lints the files it names in a folder', () => {
    const dir = workspace({ 'base.yaml': BASE, 'gpu.yaml': gpu(1), '.env': 'COMPOSE_FILE=base.yaml:gpu.yaml\n', 'other.yaml': 'not: compose\n' });
    const named = run(['lint', '--format', 'json', 'base.yaml'], dir);
    assert.deepEqual(gpuRows(json(named.stdout)), []);
    const folder = run(['lint', '.'], dir);
    assert.match(folder.stdout, /^gpu\.yaml:8:22: error gpu-count-below-parallelism: /m);
    assert.match(folder.stdout, / in 3 files\.\n$/, 'base.yaml, gpu.yaml and .env; not other.yaml');
  });

  it('lints the files named with -f as one project, in order; without -f, base.yaml alone lacks its GPU', () => {
    const dir = workspace({ 'base.yaml': BASE, 'gpu.yaml': gpu(2) });
    const alone = run(['lint', '--format', 'json', 'base.yaml'], dir);
    assert.deepEqual(gpuRows(json(alone.stdout)).map((x) => x.rule), ['gpu-reservation-missing']);
    const r = run(['lint', '--format', 'json', '-f', 'base.yaml', '--file', 'gpu.yaml'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(gpuRows(json(r.stdout)), []);
  });

  it('--fix does not add to the base what the override supplies', () => {
    const dir = workspace({ 'compose.yaml': BASE, 'compose.override.yaml': gpu(2) });
    const r = run(['lint', '--fix', '.'], dir);
    assert.match(r.stdout, /^Fixed 1 file\.\ncompose\.yaml: \d+ fix(?:es)? \([a-z-]+ ×\d+(?:, [a-z-]+ ×\d+)*\)\nNo findings in 2 files\./);
    const fixed = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    assert.match(fixed, /healthcheck:/, 'the fixes of what the project lacks are applied');
    assert.doesNotMatch(fixed, /reservations|capabilities/, 'no GPU reservation added to the base');
  });
});
