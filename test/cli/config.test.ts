import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** The environment without the Compose variables of whoever runs the tests. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COMPOSE_')));

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, 'config', ...args], { encoding: 'utf8', cwd, env: { ...ENV, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:${VLLM_TAG:-v0.10.0}\n    command: --model Qwen/Qwen3-8B --port 8000\n    ports: ["8000:8000"]\n    environment:\n      HF_TOKEN:\n';
const GPU = 'services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n';
const RESERVATION = { reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] } };

describe('inference-stack config (dist/cli.js)', () => {
  it('in a folder, merges compose.override.yaml over compose.yaml and reads the .env, as docker compose config does', () => {
    const dir = folder({ 'compose.yaml': BASE, 'compose.override.yaml': GPU, '.env': 'VLLM_TAG=v0.11.0\n' });
    const r = run(['--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(r.stdout);
    assert.equal(config.name, join(dir).split('/').pop()!.toLowerCase().replace(/[^a-z0-9_-]/g, ''));
    assert.deepEqual(config.services.vllm, {
      image: 'vllm/vllm-openai:v0.11.0',
      command: ['--model', 'Qwen/Qwen3-8B', '--port', '8000'],
      ports: [{ mode: 'ingress', target: 8000, published: '8000', protocol: 'tcp' }],
      environment: { HF_TOKEN: null },
      deploy: { resources: RESERVATION },
      networks: { default: null },
    });
    assert.deepEqual(config.networks, { default: { name: `${config.name}_default` } });
  });

  it('takes COMPOSE_FILE from the .env, in order, with COMPOSE_PATH_SEPARATOR', () => {
    const dir = folder({ 'base.yaml': BASE, 'gpu.yaml': GPU, '.env': 'COMPOSE_FILE=base.yaml,gpu.yaml\nCOMPOSE_PATH_SEPARATOR=,\n' });
    const config = JSON.parse(run(['--format=json'], dir).stdout);
    assert.deepEqual(config.services.vllm.deploy.resources, RESERVATION);
  });

  it('-f named files replace the default ones, and the yaml output reads back as the json one', () => {
    const dir = folder({ 'compose.yaml': BASE, 'compose.override.yaml': GPU });
    const json = JSON.parse(run(['-f', 'compose.yaml', '--format', 'json'], dir).stdout);
    assert.equal(json.services.vllm.deploy, undefined);
    const yamlOut = run(['-f', 'compose.yaml'], dir);
    assert.equal(yamlOut.code, 0, yamlOut.stderr);
    assert.deepEqual(parse(yamlOut.stdout), json);
  });

  it('exits 1 with compose-go\'s message for an extends cycle', () => {
    const dir = folder({ 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: a\n' });
    const r = run([], dir);
    assert.equal(r.code, 1);
    const file = join(dir, 'compose.yaml');
    assert.equal(r.stderr, `Circular reference:\n  a in ${file}\n  extends b in ${file}\n  extends a in ${file}\n`);
    assert.equal(r.stdout, '');
  });

  it('exits 1 when a named file is missing or no Compose file is found', () => {
    const dir = folder({ 'notes.txt': 'x' });
    assert.deepEqual(run(['-f', 'nope.yaml'], dir), { code: 1, stdout: '', stderr: `open ${join(dir, 'nope.yaml')}: no such file or directory\n` });
    assert.equal(run([], dir).stderr, 'no configuration file provided: not found\n');
  });

  it('reads nothing outside the current folder unless --allow-outside-project', () => {
    const outside = folder({ 'base.yaml': BASE });
    const dir = folder({ 'compose.yaml': `services:\n  vllm:\n    extends:\n      file: ${join(outside, 'base.yaml')}\n      service: vllm\n` });
    const refused = run([], dir);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not read: outside the project folder \(pass --allow-outside-project to read it\)/);
    const allowed = run(['--allow-outside-project', '--format', 'json'], dir);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(JSON.parse(allowed.stdout).services.vllm.image, 'vllm/vllm-openai:v0.10.0');
  });

  it('--profile enables a service that has profiles; others are left out', () => {
    const dir = folder({ 'compose.yaml': 'services:\n  vllm:\n    image: vllm\n  bench:\n    image: bench\n    profiles: [bench]\n' });
    assert.deepEqual(Object.keys(JSON.parse(run(['--format', 'json'], dir).stdout).services), ['vllm']);
    assert.deepEqual(Object.keys(JSON.parse(run(['--format', 'json', '--profile', 'bench'], dir).stdout).services), ['bench', 'vllm']);
  });

  it('a usage error exits 2', () => {
    const r = run(['--format', 'xml'], tmpdir());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format must be json or yaml, not "xml"/);
  });
});
