/** `inference-stack lint` on a folder checks the `.env` beside a Compose file (dotenv-invalid), never echoing a value. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const TOKEN = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const COMPOSE = 'services:\n  app:\n    image: busybox:1.36\n    environment:\n      HF_TOKEN: ${HF_TOKEN}\n';

function lint(args: string[], files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'is-cli-dotenv-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const r = spawnSync(process.execPath, [CLI, 'lint', ...args, dir], { encoding: 'utf8', cwd: tmpdir() });
  return { dir, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('inference-stack lint: .env files', () => {
  it('reports a .env beside a Compose file at file:line:col, without its value, and exits 1', () => {
    const r = lint([], { 'compose.yaml': COMPOSE, '.env': `MODEL=org/m\nHF_TOKEN='${TOKEN}\n` });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.includes(`${join(r.dir, '.env')}:2:10: error dotenv-invalid: failed to read .env: unterminated quoted value`), r.stdout);
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN));
  });

  it('leaves a .env with no Compose file beside it, and a valid one, alone', () => {
    const r = lint(['--format', 'json'], { 'compose.yaml': COMPOSE, '.env': `HF_TOKEN="${TOKEN}"\n`, 'other/.env': `BROKEN="${TOKEN}\n` });
    const files = (JSON.parse(r.stdout) as Array<{ file: string; rule: string }>).filter((f) => f.file.endsWith('.env'));
    assert.deepEqual(files, []);
  });
});
