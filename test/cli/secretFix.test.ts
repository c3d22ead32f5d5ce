/**
 * `inference-stack lint --fix` keeps a literal secret it fixes (issue 12 item 3): the value goes into the `.env` beside
 * the Compose file, `.env` into `.gitignore`, and the project as Compose loads it (`inference-stack config`, the
 * project's own .env reader and interpolation) still gives the service the original value.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { yaml } from '../helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
// Made-up values in real formats (random letters, no real account behind them).
const HF = 'hf_Qm7tZr2LpXw9KcVb4NyHd8FgJs3Ae6UoTi';
const OTHER = 'hf_Wk3pLs8QzTn2VbXc7RyMd4FgHj9Ae5UoPi';
const QUIET = ['--rule', 'log-rotation-missing=off', '--rule', 'resource-limits-missing=off', '--rule', 'healthcheck-missing=off'];

const compose = yaml`
  services:
    app:
      image: nginx:1.27
      environment:
        HF_TOKEN: ${HF}
        DB_PASSWORD: "pa$$w'rd #1"
`;

/** Runs the CLI in `cwd` with no HF_TOKEN or DB_PASSWORD of its own (the shell's would win over `.env`). */
function run(args: string[], cwd: string) {
  const env = { ...process.env };
  delete env.HF_TOKEN;
  delete env.DB_PASSWORD;
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-cli-secret-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

/** The service's environment as Compose resolves it: `inference-stack config --format json`. */
function environmentOf(dir: string, service: string): Record<string, string> {
  const r = run(['config', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { services: Record<string, { environment: Record<string, string> }> }).services[service]!.environment;
}

describe('lint --fix: the secret-literal fix keeps the secret', () => {
  it('writes .env with the exact values, .env into .gitignore, ${VAR} into the Compose file; Compose reads the same values back', () => {
    const dir = project({ 'docker-compose.yml': compose });
    const before = environmentOf(dir, 'app');
    assert.deepEqual(before, { HF_TOKEN: HF, DB_PASSWORD: "pa$w'rd #1" });

    const r = run(['lint', '--fix', ...QUIET, 'docker-compose.yml'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const fixed = read(dir, 'docker-compose.yml');
    assert.ok(fixed.includes('HF_TOKEN: ${HF_TOKEN}') && fixed.includes('DB_PASSWORD: "${DB_PASSWORD}"'), fixed);
    assert.ok(!fixed.includes(HF) && !fixed.includes('w\'rd'), fixed);
    assert.equal(read(dir, '.env'), `HF_TOKEN=${HF}\nDB_PASSWORD="pa\\$w'rd #1"\n`);
    assert.equal(read(dir, '.gitignore'), '.env\n');
    // The value is kept: the service gets what it got before the fix.
    assert.deepEqual(environmentOf(dir, 'app'), before);
    // What changed, said per file, without the values.
    assert.equal(
      r.stdout,
      'Fixed 1 file.\n' +
        'docker-compose.yml: 2 fixes (secret-literal ×2)\n' +
        '.env: created, HF_TOKEN added, DB_PASSWORD added\n' +
        '.gitignore: created, .env added\n' +
        'No findings in 1 file.\n',
    );
    assert.ok(!(r.stdout + r.stderr).includes(HF));
  });

  it('appends to an existing .env and leaves a .gitignore that ignores .env (.env*) as it is; JSON output stays JSON', () => {
    const dir = project({ 'compose.yaml': compose, '.env': 'MODEL=org/m\r\nHF_TOKEN=\r\n', '.gitignore': 'node_modules/\n.env*\n' });
    const r = run(['lint', '--fix', '--format', 'json', ...QUIET, 'compose.yaml'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.equal(read(dir, '.env'), `MODEL=org/m\r\nHF_TOKEN=${HF}\r\nDB_PASSWORD="pa\\$w'rd #1"\r\n`);
    assert.equal(read(dir, '.gitignore'), 'node_modules/\n.env*\n');
    assert.equal(r.stderr, 'compose.yaml: 2 fixes (secret-literal ×2)\n.env: HF_TOKEN set (it was empty), DB_PASSWORD added\n');
    assert.deepEqual(environmentOf(dir, 'app'), { HF_TOKEN: HF, DB_PASSWORD: "pa$w'rd #1" });
  });

  it('a .env that is a symbolic link: the fix is refused with the reason, and nothing is lost', () => {
    const dir = project({ 'compose.yaml': compose, 'real.env': 'MODEL=org/m\n' });
    symlinkSync(join(dir, 'real.env'), join(dir, '.env'));
    const r = run(['lint', '--fix', ...QUIET, 'compose.yaml'], dir);
    assert.equal(r.code, 1, 'the findings are still there');
    assert.equal(read(dir, 'compose.yaml'), compose);
    assert.equal(read(dir, 'real.env'), 'MODEL=org/m\n');
    assert.match(r.stdout, /^compose\.yaml: secret-literal fix not made: \.env is a symbolic link \(its target is not rewritten\)$/m);
    assert.ok(!(r.stdout + r.stderr).includes(HF));
  });

  it('.env sets the variable to another value: the literal stays, and .env keeps its value', () => {
    const dir = project({ 'compose.yaml': compose, '.env': `HF_TOKEN=${OTHER}\n` });
    const r = run(['lint', '--fix', ...QUIET, 'compose.yaml'], dir);
    assert.equal(r.code, 1);
    const fixed = read(dir, 'compose.yaml');
    assert.ok(fixed.includes(`HF_TOKEN: ${HF}`), fixed);
    // The other secret moved as usual; HF_TOKEN's line is the one that was there.
    assert.equal(read(dir, '.env'), `HF_TOKEN=${OTHER}\nDB_PASSWORD="pa\\$w'rd #1"\n`);
    assert.deepEqual(environmentOf(dir, 'app'), { HF_TOKEN: HF, DB_PASSWORD: "pa$w'rd #1" });
  });
});
