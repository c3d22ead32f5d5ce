/**
 * `${VAR}` nothing sets (compose/unsetVariables.ts → the plan → variableCheck.ts), and "Create .env from .env.example"
 * (envFileCopy.ts). Projects are planned from real folders as the extension plans them (readStackPlan).
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readStackPlan } from '../../client/src/stack/plan/readPlan';
import { createEnvFromExample } from '../../client/src/stack/runner/envFileCopy';
import { runPreflight, type PreflightDeps } from '../../client/src/stack/runner/preflight';
import { requiredVariableOf, variableIssues, type VariableDeps } from '../../client/src/stack/runner/variableCheck';
import { unsetVariables } from '../../server/src/compose/unsetVariables';

const tmp = mkdtempSync(join(tmpdir(), 'is-vars-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function project(files: Record<string, string>): string {
  const dir = join(tmp, `p${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const planIn = (dir: string, env: Record<string, string> = {}) => readStackPlan({ file: join(dir, 'compose.yaml'), roots: [tmp], env }).plan;

const fsDeps: VariableDeps = {
  pathExists: async (p) => existsSync(p),
  readText: async (p) => readFileSync(p, 'utf8'),
};

function preflightDeps(): PreflightDeps {
  return {
    checkEngine: async () => ({ ok: true, info: { version: '20.10.24', runtimes: ['runc'], gpuCapable: false } }),
    findCompose: async () => ({ found: true, command: { argv: ['docker-compose'], version: '1.29.2', flavour: 'v1', source: 'detected' }, tried: [] }),
    nvidiaSmiAvailable: async () => false,
    pathExists: fsDeps.pathExists,
    readText: fsDeps.readText!,
    portInUse: async () => false,
  };
}

const COMPOSE = [
  'services:',
  '  vllm:',
  '    image: vllm/vllm-openai:${VLLM_TAG:-v0.11.0}',
  '    command: --model ${MODEL:?set MODEL in .env}',
  '    environment:',
  '      HF_TOKEN: ${HF_TOKEN}',
  '      OTHER: ${A:-${B}}',
  '      ESCAPED: $$NOT_A_VARIABLE',
  'x-notes: ${IN_EXTENSION}',
  '',
].join('\n');

describe('unsetVariables (compose-go\'s substitution)', () => {
  it('plain and required references nothing sets, each once, following defaults only where Compose uses them', () => {
    const vars = unsetVariables([{ file: '/p/compose.yaml', text: COMPOSE }], new Map([['A', 'set']]));
    assert.deepEqual(vars, [
      { name: 'MODEL', required: true, at: '/p/compose.yaml:4:14' },
      { name: 'HF_TOKEN', required: false, at: '/p/compose.yaml:6:17' },
      { name: 'IN_EXTENSION', required: false, at: '/p/compose.yaml:9:10' },
    ]);
    const noA = unsetVariables([{ file: '/p/compose.yaml', text: COMPOSE }], new Map([['MODEL', 'm'], ['HF_TOKEN', 't'], ['IN_EXTENSION', 'x']]));
    assert.deepEqual(noA.map((v) => v.name), ['B'], 'A unset: its default ${B} is used');
  });
});

describe('variableIssues', () => {
  it('a required variable, no .env, and a .env.example that sets it: a blocker offering to create .env from it', async () => {
    const dir = project({ 'compose.yaml': COMPOSE, '.env.example': 'MODEL=Qwen/Qwen3-0.6B\nHF_TOKEN=\n' });
    const plan = planIn(dir);
    assert.match(plan.parseError ?? '', /required variable MODEL is missing a value: set MODEL in \.env/);
    assert.equal(requiredVariableOf(plan.parseError), 'MODEL');
    const issues = await variableIssues(plan, fsDeps);
    assert.deepEqual(issues.map((i) => [i.id, i.severity]), [['variable-unset', 'blocker']]);
    const [blocker] = issues;
    assert.equal(blocker!.title, 'MODEL is not set, and Compose refuses the project without it');
    assert.match(blocker!.steps[0]!, new RegExp(`at ${join(dir, 'compose.yaml')}:4:14`));
    assert.match(blocker!.steps[1]!, /There is no \.env beside the Compose file, but \.env\.example sets MODEL: "Create \.env from \.env\.example" copies it/);
    assert.deepEqual(blocker!.actions, ['create-env-file', 'open-file', 'retry']);
    assert.deepEqual(blocker!.envFile, { from: join(dir, '.env.example'), to: join(dir, '.env') });
    assert.match(blocker!.steps[3]!, /^HF_TOKEN, B and IN_EXTENSION are not set either: Compose would use empty values \(/);

    // Through runPreflight, the variable's blocker stands in for compose-go's one-line refusal.
    const all = await runPreflight(plan, preflightDeps());
    assert.deepEqual(all.map((i) => i.id), ['variable-unset']);
  });

  it('plain ones alone, no .env, and an example that sets them: a warning offering the copy, and Start anyway', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    environment:\n      HF_TOKEN: ${HF_TOKEN}\n', '.env.example': 'HF_TOKEN=\n' });
    const issues = await variableIssues(planIn(dir), fsDeps);
    assert.deepEqual(issues.map((i) => [i.severity, i.title]), [['warning', 'HF_TOKEN is not set, so Compose will use an empty value: there is no .env, but .env.example sets it']]);
    assert.deepEqual(issues[0]!.actions, ['create-env-file', 'open-file', 'start-anyway']);
    assert.deepEqual(issues[0]!.envFile, { from: join(dir, '.env.example'), to: join(dir, '.env') });
  });

  it('with .env present, or no example, or an example that does not set them: no offer; plain ones alone say nothing', async () => {
    const withEnv = project({ 'compose.yaml': COMPOSE, '.env': 'MODEL=m\n', '.env.example': 'MODEL=\nHF_TOKEN=\n' });
    assert.deepEqual(await variableIssues(planIn(withEnv), fsDeps), [], '.env sets MODEL; HF_TOKEN unset with a .env is Compose\'s warning only');
    const noExample = project({ 'compose.yaml': COMPOSE });
    const issues = await variableIssues(planIn(noExample), fsDeps);
    assert.deepEqual(issues.map((i) => [i.severity, i.actions]), [['blocker', ['open-file', 'retry']]]);
    assert.equal(issues[0]!.envFile, undefined);
    const unrelated = project({ 'compose.yaml': COMPOSE, 'example.env': 'SOMETHING=1\n' });
    assert.deepEqual((await variableIssues(planIn(unrelated), fsDeps)).map((i) => i.actions[0]), ['open-file']);
    const fromShell = project({ 'compose.yaml': COMPOSE, '.env.sample': 'MODEL=\n' });
    assert.deepEqual(await variableIssues(planIn(fromShell, { MODEL: 'm', HF_TOKEN: 't', IN_EXTENSION: 'x' }), fsDeps), [], 'the shell sets them');
  });

  it('another refusal keeps compose-file-invalid', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: x\n    environment: [${HF_TOKEN}\n' });
    const issues = await runPreflight(planIn(dir), preflightDeps());
    assert.deepEqual(issues.map((i) => i.id), ['compose-file-invalid']);
  });
});

describe('unset variables in the files a project includes and extends', () => {
  /** A project whose files may sit in sub-folders ("models/compose.yaml"). */
  function nested(files: Record<string, string>): string {
    const dir = join(tmp, `p${n++}`);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }
  const MODELS = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: --model ${MODEL:?set MODEL}\n    environment:\n      HF_TOKEN: ${HF_TOKEN}\n';

  it('a required variable of an included file: the blocker names it where it is written, not a bare refusal', async () => {
    const dir = nested({ 'compose.yaml': 'include:\n  - models/compose.yaml\n', 'models/compose.yaml': MODELS });
    const plan = planIn(dir);
    assert.equal(requiredVariableOf(plan.parseError), 'MODEL');
    const issues = await runPreflight(plan, preflightDeps());
    assert.deepEqual(issues.map((i) => [i.id, i.severity, i.title]), [['variable-unset', 'blocker', 'MODEL is not set, and Compose refuses the project without it']]);
    assert.match(issues[0]!.steps[0]!, new RegExp(`at ${join(dir, 'models', 'compose.yaml')}:4:14;`));
    assert.match(issues[0]!.steps.at(-1)!, /^HF_TOKEN is not set either/);
  });

  it("an included file reads its own folder's .env (the including project's variables first): what it sets is not called unset", async () => {
    const dir = nested({ 'compose.yaml': 'include:\n  - models/compose.yaml\n', 'models/compose.yaml': MODELS, 'models/.env': 'MODEL=Qwen/Qwen3-0.6B\nHF_TOKEN=t\n' });
    assert.deepEqual(planIn(dir).unsetVariables, undefined);
    // The shell wins over the included .env: still set.
    assert.deepEqual(planIn(dir, { MODEL: 'other' }).unsetVariables, undefined);
  });

  it("an include entry's env_file (relative to the including project) and project_directory decide what is set", async () => {
    const envFile = nested({
      'compose.yaml': 'include:\n  - path: models/compose.yaml\n    env_file: config/model.env\n',
      'models/compose.yaml': MODELS,
      'models/.env': 'MODEL=not-read\n',
      'config/model.env': 'HF_TOKEN=t\n',
    });
    assert.deepEqual(planIn(envFile).unsetVariables?.map((v) => [v.name, v.required]), [['MODEL', true]], 'env_file replaces the .env of the included folder');
    const projectDirectory = nested({
      'compose.yaml': 'include:\n  - path: models/compose.yaml\n    project_directory: runtime\n',
      'models/compose.yaml': MODELS,
      'runtime/.env': 'MODEL=m\nHF_TOKEN=t\n',
    });
    assert.deepEqual(planIn(projectDirectory).unsetVariables, undefined, 'the .env of its project_directory');
  });

  it('a file named by extends.file is read with the variables of the file that names it', async () => {
    const dir = nested({
      'compose.yaml': 'services:\n  vllm:\n    extends:\n      file: base/vllm.yaml\n      service: vllm\n',
      'base/vllm.yaml': 'services:\n  vllm:\n    image: vllm/vllm-openai:${VLLM_TAG:?pin the image}\n',
      'base/.env': 'VLLM_TAG=v0.11.0\n',
    });
    const plan = planIn(dir);
    assert.deepEqual(plan.unsetVariables, [{ name: 'VLLM_TAG', required: true, at: `${join(dir, 'base', 'vllm.yaml')}:3:12` }]);
    assert.deepEqual(planIn(dir, { VLLM_TAG: 'v0.11.0' }).unsetVariables, undefined);
  });
});

describe('createEnvFromExample', () => {
  it('copies the example beside it, owner-only, never over an existing .env', () => {
    const dir = project({ '.env.example': 'MODEL=Qwen/Qwen3-0.6B\n' });
    const created = createEnvFromExample(join(dir, '.env.example'), join(dir, '.env'), [tmp]);
    assert.deepEqual(created, { ok: true, path: join(dir, '.env') });
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'MODEL=Qwen/Qwen3-0.6B\n');
    assert.equal(lstatSync(join(dir, '.env')).mode & 0o777, 0o600);
    writeFileSync(join(dir, '.env'), 'MODEL=mine\n');
    const again = createEnvFromExample(join(dir, '.env.example'), join(dir, '.env'), [tmp]);
    assert.equal(again.ok, false);
    assert.match(again.ok ? '' : again.reason, /already exists: it was left as it is/);
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'MODEL=mine\n');
  });

  it('refuses outside the workspace folders, a .env that is a symlink, an example elsewhere than beside it', () => {
    const dir = project({ '.env.example': 'A=1\n' });
    const outside = createEnvFromExample(join(dir, '.env.example'), join(dir, '.env'), [join(tmp, 'elsewhere')]);
    assert.match(outside.ok ? '' : outside.reason, /outside the workspace folders/);
    symlinkSync('/tmp/not-there-target', join(dir, '.env'));
    const link = createEnvFromExample(join(dir, '.env.example'), join(dir, '.env'), [tmp]);
    assert.match(link.ok ? '' : link.reason, /symbolic link/);
    const apart = createEnvFromExample(join(dir, '.env.example'), join(tmp, '.env'), [tmp]);
    assert.match(apart.ok ? '' : apart.reason, /is not beside/);
    // A folder inside the workspace that is a symlink out of it: nothing is read or written there.
    const out = mkdtempSync(join(tmpdir(), 'is-vars-out-'));
    try {
      writeFileSync(join(out, '.env.example'), 'A=1\n');
      const ws = project({});
      symlinkSync(out, join(ws, 'linked'));
      const linked = createEnvFromExample(join(ws, 'linked', '.env.example'), join(ws, 'linked', '.env'), [ws]);
      assert.match(linked.ok ? '' : linked.reason, /outside the workspace folders/);
      assert.equal(existsSync(join(out, '.env')), false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
