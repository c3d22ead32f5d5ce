// The stack plan of a Compose project (server/src/compose/projectPlan.ts): a file with an override, COMPOSE_FILE in
// `.env`, several files chosen, a project Compose refuses; and the compose commands a Start and a Stop run for it
// (`-f` each file in order, `--env-file`, `--project-directory`).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { boundedReader } from '../../server/src/compose/project';
import { planProject } from '../../server/src/compose/projectPlan';
import type { StackPlan } from '../../server/src/compose/stackPlanTypes';
import { downCommand, upCommand } from '../../client/src/stack/process/composeCommand';
import { composeCwd, composeTarget } from '../../client/src/stack/runner/stackRunner';
import { planOffThread } from '../../client/src/stack/plan/planOffThread';

const root = mkdtempSync(join(tmpdir(), 'is-project-plan-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` under a new folder of `root`; returns the folder. */
function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const plan = (files: string[], env: Record<string, string> = {}): StackPlan => planProject({ files, env, reader: boundedReader({ root }) });

const BASE = `name: Override-Demo
services:
  vllm:
    image: vllm/vllm-openai:v0.11.0
    command: ["--model", "Qwen/Qwen3-0.6B", "--served-model-name", "qwen"]
    ports: ["8000:8000"]
`;
const GPU_OVERRIDE = `services:
  vllm:
    ports: !override
      - "\${VLLM_HOST_PORT:-9000}:8000"
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
`;

describe('the plan of a Compose file with an override', () => {
  const dir = folder('override', { 'compose.yaml': BASE, 'compose.override.yaml': GPU_OVERRIDE, '.env': 'VLLM_HOST_PORT=9100\n' });
  const base = join(dir, 'compose.yaml');
  const override = join(dir, 'compose.override.yaml');

  it('plans the merged project: the GPU and the port come from the override, the name is compose-go\'s', () => {
    const p = plan([base]);
    assert.equal(p.parseError, undefined);
    assert.deepEqual(p.files, [base, override]);
    assert.equal(p.file, base);
    assert.equal(p.project, 'override-demo');
    const [vllm] = p.services;
    assert.equal(vllm!.requestsGpu, true);
    assert.deepEqual(vllm!.publishedPorts, [{ hostIp: '', hostPort: 9100, containerPort: 8000, protocol: 'tcp' }]);
    assert.equal(vllm!.servedModelName, 'qwen');
    assert.equal(p.envFiles, undefined, 'the .env beside the first file: compose finds it itself');
  });

  it('the override file chosen alone stands for the same project', () => {
    assert.deepEqual(plan([override]), plan([base]));
  });

  it('the shell environment wins over .env, as in Compose', () => {
    assert.equal(plan([base], { VLLM_HOST_PORT: '9200' }).services[0]!.publishedPorts[0]!.hostPort, 9200);
  });

  it('several files chosen are exactly those, in order: the later one wins', () => {
    const p = plan([override, base]);
    assert.deepEqual(p.files, [override, base]);
    assert.deepEqual(p.services[0]!.publishedPorts.map((x) => x.hostPort), [9100, 8000]);
  });

  it('Start and Stop run compose with -f for each file in order, from the first file\'s folder', () => {
    const p = plan([base]);
    const up = upCommand({ argv: ['docker', 'compose'], flavour: 'v2' }, composeTarget(p, []));
    assert.deepEqual(up.args, ['compose', '-f', base, '-f', override, '-p', 'override-demo', 'up', '-d']);
    const down = downCommand({ argv: ['docker-compose'], flavour: 'v1' }, composeTarget(p, ['gpu']));
    assert.deepEqual([down.file, ...down.args], ['docker-compose', '-f', base, '-f', override, '-p', 'override-demo', '--profile', 'gpu', 'down']);
    assert.equal(composeCwd(p), dir);
  });

  it('is what the planning worker gives for the chosen file', async () => {
    const { plan: offThread, notes } = await planOffThread({ file: base, roots: [root], env: {} });
    assert.deepEqual(notes, []);
    assert.deepEqual(offThread, plan([base]));
    const both = await planOffThread({ file: override, files: [override, base], roots: [root], env: {} });
    assert.deepEqual(both.plan.files, [override, base]);
  });
});

describe('COMPOSE_FILE in .env', () => {
  it('names the project\'s files: a file of that set plans the set', () => {
    const dir = folder('compose-file', {
      'base.yaml': BASE,
      'gpu.yaml': GPU_OVERRIDE,
      '.env': 'COMPOSE_FILE=base.yaml:gpu.yaml\nCOMPOSE_PATH_SEPARATOR=:\n',
    });
    const p = plan([join(dir, 'base.yaml')]);
    assert.deepEqual(p.files, [join(dir, 'base.yaml'), join(dir, 'gpu.yaml')]);
    assert.equal(p.services[0]!.requestsGpu, true);
    assert.deepEqual(plan([join(dir, 'gpu.yaml')]).files, p.files);
  });

  it('from another folder: compose is told the env files it would not find beside the first file', () => {
    const dir = folder('compose-file-elsewhere', {
      'base/compose.yaml': BASE,
      'base/.env': 'VLLM_HOST_PORT=9300\n',
      'gpu/gpu.yaml': GPU_OVERRIDE,
      'gpu/.env': 'COMPOSE_FILE=../base/compose.yaml:gpu.yaml\nCOMPOSE_PATH_SEPARATOR=:\n',
    });
    const p = plan([join(dir, 'gpu/gpu.yaml')]);
    assert.deepEqual(p.files, [join(dir, 'base/compose.yaml'), join(dir, 'gpu/gpu.yaml')]);
    assert.deepEqual(p.envFiles, [join(dir, 'gpu/.env'), join(dir, 'base/.env')]);
    assert.equal(p.services[0]!.publishedPorts[0]!.hostPort, 9300);
    const target = composeTarget(p, []);
    assert.deepEqual(upCommand({ argv: ['docker', 'compose'], flavour: 'v2' }, target).args.slice(5, 9), ['--env-file', join(dir, 'gpu/.env'), '--env-file', join(dir, 'base/.env')]);
    // Compose v1 1.29 takes --env-file once (a second one is a usage error): the last, whose values win.
    const v1 = upCommand({ argv: ['docker-compose'], flavour: 'v1' }, target).args;
    assert.deepEqual(v1.filter((a, i) => a === '--env-file' || v1[i - 1] === '--env-file'), ['--env-file', join(dir, 'base/.env')]);
    assert.equal(composeCwd(p), join(dir, 'base'));
  });
});

describe('a project Compose refuses', () => {
  it('gives compose-go\'s message as parseError, and no services', () => {
    const dir = folder('refused', { 'compose.yaml': BASE, 'compose.override.yaml': 'services:\n  vllm:\n    ports: [\n' });
    const p = plan([join(dir, 'compose.yaml')]);
    assert.equal(p.parseError, `failed to parse ${join(dir, 'compose.override.yaml')}: yaml: line 4: Flow sequence in block collection must be sufficiently indented and end with a ]`);
    assert.deepEqual(p.services, []);
    assert.deepEqual(p.files, [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
  });

  it('an extends cycle', () => {
    const dir = folder('cycle', { 'compose.yaml': 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n' });
    const file = join(dir, 'compose.yaml');
    assert.equal(plan([file]).parseError, `Circular reference:\n  a in ${file}\n  extends b in ${file}\n  extends a in ${file}`);
  });

  it('a service name Compose refuses, at the file and line that wrote it', () => {
    const dir = folder('bad-name', { 'compose.yaml': BASE, 'compose.override.yaml': 'services:\n  "llm server":\n    image: x\n' });
    assert.match(plan([join(dir, 'compose.yaml')]).parseError ?? '', new RegExp(`^${join(dir, 'compose.override.yaml')}:2:3: not a valid service name`));
  });
});

describe('a Compose file of several YAML documents (compose-go merges them in order, as files)', () => {
  it('plans the merged services: the GPU, the image and the port a later document writes', () => {
    const dir = folder('documents', { 'compose.yaml': `${BASE}---\nservices:\n  vllm:\n    image: vllm/vllm-openai:v0.11.1\n${GPU_OVERRIDE.split('\n').slice(2).join('\n')}` });
    const file = join(dir, 'compose.yaml');
    const p = plan([file]);
    assert.equal(p.parseError, undefined);
    assert.deepEqual(p.files, [file]);
    assert.equal(p.project, 'override-demo');
    const [vllm] = p.services;
    assert.equal(vllm!.image, 'vllm/vllm-openai:v0.11.1');
    assert.equal(vllm!.requestsGpu, true);
    assert.deepEqual(vllm!.publishedPorts, [{ hostIp: '', hostPort: 9000, containerPort: 8000, protocol: 'tcp' }]);
    assert.equal(vllm!.servedModelName, 'qwen');
  });

  it('`!reset` in a later document removes what the first one set', () => {
    const dir = folder('documents-reset', { 'compose.yaml': `${BASE}---\nservices:\n  vllm:\n    ports: !reset []\n` });
    assert.deepEqual(plan([join(dir, 'compose.yaml')]).services[0]!.publishedPorts, []);
  });

  it('an empty document (a trailing `---`) is refused, at its place', () => {
    const dir = folder('documents-empty', { 'compose.yaml': `${BASE}---\n` });
    const file = join(dir, 'compose.yaml');
    const p = plan([file]);
    assert.equal(p.parseError, `${file}:7:4: top-level object must be a mapping`);
    assert.deepEqual(p.services, []);
  });
});
