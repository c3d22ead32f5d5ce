// A file named on the command line is linted whatever its name (CI must not pass a file it did not lint): by its
// name, else by its text; one that is neither, or cannot be read, exits 2. A folder walk still goes by names.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dockerfile, yaml } from '../helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-cli-named-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const rows = (stdout: string) => JSON.parse(stdout) as Array<{ file: string; rule: string; range: { start: { line: number } } }>;

// What `docker build` reads and a name-only check misses: a parser directive, an ARG before FROM, lowercase `from`, a
// continuation. The misspelt flag is an error finding.
const VLLM_DOCKERFILE = dockerfile`
  # syntax=docker/dockerfile:1
  # A vLLM image for CI.
  ARG VLLM_VERSION=v0.11.0

  from vllm/vllm-openai:\${VLLM_VERSION}
  CMD ["--model", "Qwen/Qwen3-0.6B", \\
       "--gpu-memory-utilisation", "0.9"]
`;

const COMPOSE = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1
`;

const NEITHER = /notes\.txt: not linted: not a Compose file \(no top-level "services"\) nor a Dockerfile \(no FROM\)/;

describe('inference-stack lint: files named on the line (dist/cli.js)', () => {
  it('lints a Dockerfile by its text whatever its name: x__Dockerfile reports its finding and exits 1', () => {
    const dir = workspace({ x__Dockerfile: VLLM_DOCKERFILE });
    const r = run(['lint', '--format', 'json', 'x__Dockerfile'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
    const flag = rows(r.stdout).find((x) => x.rule === 'engine-flag-unknown');
    assert.equal(flag?.file, 'x__Dockerfile');
    assert.equal(flag?.range.start.line, 6);
  });

  it('lints the unusual Dockerfile names: Dockerfile.vllm, vllm.Dockerfile, Containerfile.gpu, serve.dockerfile', () => {
    const names = ['Dockerfile.vllm', 'vllm.Dockerfile', 'Containerfile.gpu', 'serve.dockerfile'];
    const dir = workspace(Object.fromEntries(names.map((n) => [n, VLLM_DOCKERFILE])));
    const r = run(['lint', '--format', 'json', ...names], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(rows(r.stdout).filter((x) => x.rule === 'engine-flag-unknown').map((x) => x.file), names);
  });

  it('lints a Compose file by its text whatever its name (stack.yml.tmpl)', () => {
    const dir = workspace({ 'stack.yml.tmpl': COMPOSE });
    const r = run(['lint', '--format', 'json', 'stack.yml.tmpl'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(rows(r.stdout).some((x) => x.file === 'stack.yml.tmpl' && x.rule === 'gpu-capabilities-missing'), r.stdout);
  });

  it('exits 2 for a named file that is neither, naming it and why, and still lints and reports the others', () => {
    const dir = workspace({ 'notes.txt': '# Notes\nRUN the benchmark again on Monday.\n', x__Dockerfile: VLLM_DOCKERFILE });
    const r = run(['lint', '--format', 'json', 'notes.txt', 'x__Dockerfile'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, NEITHER);
    assert.deepEqual([...new Set(rows(r.stdout).map((x) => x.file))], ['x__Dockerfile']);
    const text = run(['lint', 'notes.txt'], dir);
    assert.equal(text.code, 2);
    assert.match(text.stderr, NEITHER);
  });

  it('exits 2 for a named file it cannot read to tell its kind: too large, or not a regular file', () => {
    const dir = workspace({ 'weights.bin': 'x'.repeat(8 * 1024 * 1024 + 1) });
    const big = run(['lint', 'weights.bin'], dir);
    assert.equal(big.code, 2);
    assert.match(big.stderr, /weights\.bin: not read: larger than 8 MiB, and its name is neither a Compose file's nor a Dockerfile's/);
    if (process.platform === 'win32') return;
    assert.equal(spawnSync('mkfifo', [join(dir, 'pipe')]).status, 0);
    const fifo = run(['lint', 'pipe'], dir);
    assert.equal(fifo.code, 2);
    assert.match(fifo.stderr, /pipe: not read: not a regular file/);
  });

  it('takes -f files as Compose files, as docker compose -f does, with or without services', () => {
    const dir = workspace({ 'base.yml': COMPOSE, 'extra.yml': 'volumes:\n  cache: {}\n' });
    const r = run(['lint', '--format', 'json', '-f', 'base.yml', '-f', 'extra.yml'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('walks a folder by names only: unusual names there are not taken', () => {
    const dir = workspace({ 'x__Dockerfile': VLLM_DOCKERFILE, 'stack.yml.tmpl': COMPOSE, 'notes.txt': 'notes\n' });
    const r = run(['lint', '--format', 'json', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout), []);
    assert.equal(r.stderr, '');
  });
});
