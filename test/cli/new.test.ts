// `inference-stack new` (dist/cli.js): writes a stack that `lint` finds nothing in and `config` loads; refuses a
// folder that is not empty or outside the current one, and bad values, with the generator's messages.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** The environment without the Compose variables of whoever runs the tests. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COMPOSE_')));

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env: ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh current folder for the CLI: it writes only inside the folder it runs in. */
function cwd(): string {
  return mkdtempSync(join(tmpdir(), 'is-new-'));
}

/** `.env.example` with every empty secret filled in, as the person starting the stack does. */
function fillDotEnv(dir: string): void {
  const example = readFileSync(join(dir, '.env.example'), 'utf8');
  writeFileSync(join(dir, '.env'), example.replace(/^([A-Z][A-Z0-9_]*)=$/gm, (_, name: string) => `${name}=${name === 'HF_TOKEN' ? '' : 'test-secret'}`));
}

describe('inference-stack new (dist/cli.js)', () => {
  it('production: writes the stack, lint finds nothing in it, and config loads it once .env is filled in', () => {
    const here = cwd();
    const made = run(['new', '--template', 'production', '--gpus', '4', '--gpus-per-worker', '2', '--port', '8100', 'stack'], here);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^Wrote 11 files into stack:\n/);
    assert.match(made.stdout, /docker compose up -d --build --wait/);
    const dir = join(here, 'stack');
    for (const path of ['compose.yaml', '.env.example', '.gitignore', 'README.md', 'worker/Dockerfile', 'nginx/nginx.conf', 'prometheus/prometheus.yml', 'grafana/dashboards/vllm.json']) {
      assert.ok(existsSync(join(dir, path)), path);
    }
    const lint = run(['lint', 'stack'], here);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    assert.match(lint.stdout, /^No findings in 2 files\.\n$/);
    fillDotEnv(dir);
    // .env is linted too now.
    assert.match(run(['lint', 'stack'], here).stdout, /^No findings in 3 files\.\n$/);
    const config = run(['config', '--format', 'json'], dir);
    assert.equal(config.code, 0, config.stderr);
    const services = Object.keys(JSON.parse(config.stdout).services).sort();
    assert.deepEqual(services, ['dcgm-exporter', 'gateway', 'grafana', 'jaeger', 'prometheus', 'redis', 'vllm-1', 'vllm-2', 'weaviate']);
  });

  for (const engine of ['vllm', 'tgi', 'sglang', 'ollama', 'llamacpp']) {
    it(`single, ${engine} behind the proxy: lint finds nothing, config loads it`, () => {
      const here = cwd();
      const made = run(['new', '--engine', engine, '--proxy', ...(engine === 'ollama' ? [] : ['--prometheus']), 'stack'], here);
      assert.equal(made.code, 0, made.stderr);
      const lint = run(['lint', 'stack'], here);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
      assert.match(lint.stdout, /^No findings in 1 file\.\n$/);
      fillDotEnv(join(here, 'stack'));
      const config = run(['config', '--format', 'json'], join(here, 'stack'));
      assert.equal(config.code, 0, config.stderr);
      assert.ok(JSON.parse(config.stdout).services[engine]);
    });
  }

  it('the default is the single template with vLLM, and the files are the generator\'s', () => {
    const here = cwd();
    assert.equal(run(['new', 'stack'], here).code, 0);
    assert.deepEqual(readdirSync(join(here, 'stack')).sort(), ['.env.example', 'compose.yaml', 'probe.py']);
    assert.match(readFileSync(join(here, 'stack', 'compose.yaml'), 'utf8'), /image: vllm\/vllm-openai:/);
  });

  it('refuses a folder that is not empty, and a file, writing nothing', () => {
    const here = cwd();
    mkdirSync(join(here, 'full'));
    writeFileSync(join(here, 'full', 'notes.txt'), 'mine');
    const full = run(['new', 'full'], here);
    assert.equal(full.code, 2);
    assert.match(full.stderr, /full is not empty \(notes\.txt\)/);
    assert.deepEqual(readdirSync(join(here, 'full')), ['notes.txt']);
    writeFileSync(join(here, 'file'), 'x');
    assert.match(run(['new', 'file'], here).stderr, /file exists and is not a folder/);
    // An empty folder is fine.
    mkdirSync(join(here, 'empty'));
    assert.equal(run(['new', 'empty'], here).code, 0);
  });

  it('refuses a folder outside the current one, or reached through a symlink out of it, unless --allow-outside-project', () => {
    const here = cwd();
    const elsewhere = cwd();
    const outside = run(['new', join(elsewhere, 'stack')], here);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /is outside the current folder: pass --allow-outside-project/);
    assert.ok(!existsSync(join(elsewhere, 'stack')));
    symlinkSync(elsewhere, join(here, 'link'));
    assert.equal(run(['new', 'link/stack'], here).code, 2);
    assert.ok(!existsSync(join(elsewhere, 'stack')));
    const allowed = run(['new', '--allow-outside-project', join(elsewhere, 'stack')], here);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.ok(existsSync(join(elsewhere, 'stack', 'compose.yaml')));
  });

  it('bad values: exit 2 with the generator\'s message, nothing written', () => {
    const here = cwd();
    const cases: Array<[string[], RegExp]> = [
      [['--template', 'production', '--engine', 'tgi'], /production template runs vLLM workers only .*use the single template for Hugging Face TGI/],
      [['--template', 'production', '--gpus', '3', '--gpus-per-worker', '2'], /3 GPUs do not split into workers of 2/],
      [['--template', 'production', '--port', '3000'], /Port 3000 is Grafana's/],
      [['--engine', 'triton'], /Unknown engine "triton"/],
      [['--engine', 'vllm', '--gpus', '0'], /vLLM needs at least one NVIDIA GPU/],
      [['--model', 'not a model'], /no spaces/],
      [['--port', '70000'], /1 to 65535/],
      [['--gpus', 'two'], /--gpus takes a number, not "two"/],
      [['--template', 'cluster'], /--template must be single or production, not "cluster"/],
      [['--template', 'production', '--proxy'], /leave out proxy/],
      [['--frobnicate'], /unknown option --frobnicate/],
    ];
    for (const [args, message] of cases) {
      const r = run(['new', ...args, 'stack'], here);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.match(run(['new'], here).stderr, /no DIR given/);
    assert.ok(!existsSync(join(here, 'stack')));
  });

  it('--help describes the templates and the options; the main help lists the command', () => {
    const here = cwd();
    const help = run(['new', '--help'], here);
    assert.equal(help.code, 0);
    for (const text of ['Usage: inference-stack new [options] DIR', 'production', '--gpus-per-worker N', '--allow-outside-project']) assert.ok(help.stdout.includes(text), text);
    assert.ok(help.stdout.split('\n').every((line) => line.length <= 120), 'lines of at most 120 characters');
    assert.match(run(['--help'], here).stdout, /inference-stack new {5}\(writes a new stack/);
  });
});
