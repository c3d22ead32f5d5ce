/**
 * Compose profiles: what a start brings up, pre-flights and waits for, read from a real starter kit's Compose file
 * (the n8n self-hosted AI starter kit: one Ollama service per hardware profile) through the stack plan.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseProfileList, planStack } from '../../server/src/compose/stackPlan';
import { downCommand, upCommand } from '../../client/src/stack/process/composeCommand';
import { describeActiveProfiles, profileChoices, startedServices, startsWithProfiles, withActiveProfiles } from '../../client/src/stack/runner/profiles';
import { runPreflight } from '../../client/src/stack/runner/preflight';
import { serviceRows } from '../../client/src/stack/views/sidebarModel';

const ROOT = join(__dirname, '..', '..', '..');
const STARTER_KIT = join(ROOT, 'test', 'corpus', 'files', 'compose', 'n8n-io__self-hosted-ai-starter-kit__docker-compose.yml');
const starterKit = (env: Record<string, string> = {}) => planStack(readFileSync(STARTER_KIT, 'utf8'), '/kit/docker-compose.yml', { env });
const names = (services: readonly { name: string }[]) => services.map((s) => s.name).sort();

describe('Compose profiles in the stack plan', () => {
  it('reads each service\'s profiles and the file\'s declared profiles', () => {
    const plan = starterKit();
    assert.deepEqual(plan.declaredProfiles, ['cpu', 'gpu-amd', 'gpu-nvidia']);
    assert.deepEqual(plan.services.find((s) => s.name === 'ollama-gpu')?.profiles, ['gpu-nvidia']);
    assert.equal(plan.services.find((s) => s.name === 'postgres')?.profiles, undefined);
    assert.equal(plan.activeProfiles, undefined);
  });

  it('takes COMPOSE_PROFILES (shell over .env) as the active profiles, those the file declares', () => {
    assert.deepEqual(starterKit({ COMPOSE_PROFILES: 'gpu-nvidia, monitoring,,gpu-nvidia' }).activeProfiles, ['gpu-nvidia'], 'names the file does not declare are dropped');
    const text = 'services:\n  a:\n    image: x\n    profiles: [cpu]\n  b:\n    image: x\n    profiles: [gpu]\n';
    assert.deepEqual(planStack(text, '/p/compose.yaml', { dotEnv: 'COMPOSE_PROFILES=cpu\n' }).activeProfiles, ['cpu']);
    assert.deepEqual(planStack(text, '/p/compose.yaml', { dotEnv: 'COMPOSE_PROFILES=cpu\n', env: { COMPOSE_PROFILES: 'gpu' } }).activeProfiles, ['gpu']);
    assert.deepEqual(parseProfileList(undefined), []);
  });

  it('a file without profiles declares none and starts every service', () => {
    const plan = planStack('services:\n  a:\n    image: x\n  b:\n    image: y\n', '/p/compose.yaml');
    assert.equal(plan.declaredProfiles, undefined);
    assert.deepEqual(names(startedServices(plan)), ['a', 'b']);
  });
});

describe('what a start brings up', () => {
  it('without a profile: only the services that name none (no Ollama at all in the starter kit)', () => {
    const started = names(startedServices(starterKit()));
    assert.ok(started.includes('postgres') && started.includes('n8n'), started.join(', '));
    assert.ok(!started.some((n) => n.startsWith('ollama')), started.join(', '));
  });

  it('with gpu-nvidia: the NVIDIA Ollama and its model pull join, the CPU and AMD variants stay off', () => {
    const started = names(startedServices(withActiveProfiles(starterKit(), ['gpu-nvidia'])));
    assert.ok(started.includes('ollama-gpu') && started.includes('ollama-pull-llama-gpu'), started.join(', '));
    assert.ok(!started.includes('ollama-cpu') && !started.includes('ollama-gpu-amd'), started.join(', '));
  });

  it('`*` starts every service; withActiveProfiles drops names the file does not declare', () => {
    const kit = starterKit();
    assert.equal(startedServices(withActiveProfiles(kit, ['*'])).length, kit.services.length);
    assert.deepEqual(withActiveProfiles(kit, ['nope', 'cpu']).activeProfiles, ['cpu']);
    assert.equal(withActiveProfiles(withActiveProfiles(kit, ['cpu']), []).activeProfiles, undefined);
    assert.equal(startsWithProfiles({ profiles: ['a', 'b'] }, ['b']), true);
    assert.equal(startsWithProfiles({ profiles: ['a'] }, []), false);
  });

  it('the picker lists each profile with its services; titles name the active ones', () => {
    const kit = starterKit();
    const nvidia = profileChoices(kit).find((c) => c.profile === 'gpu-nvidia');
    assert.deepEqual(nvidia?.services.sort(), ['ollama-gpu', 'ollama-pull-llama-gpu']);
    assert.equal(describeActiveProfiles(kit), '');
    assert.equal(describeActiveProfiles(withActiveProfiles(kit, ['gpu-nvidia'])), 'profile gpu-nvidia');
    assert.equal(describeActiveProfiles(withActiveProfiles(kit, ['cpu', 'gpu-amd'])), 'profiles cpu, gpu-amd');
  });

  it('compose gets --profile for each active profile on up, and every declared one on down', () => {
    const kit = withActiveProfiles(starterKit(), ['gpu-nvidia']);
    const up = upCommand({ argv: ['docker', 'compose'] }, { files: [kit.file], project: kit.project, profiles: kit.activeProfiles ?? [] });
    assert.deepEqual(up.args, ['compose', '-f', '/kit/docker-compose.yml', '-p', 'kit', '--profile', 'gpu-nvidia', 'up', '-d']);
    const down = downCommand({ argv: ['docker-compose'] }, { files: [kit.file], project: kit.project, profiles: kit.declaredProfiles ?? [] });
    assert.deepEqual(down.args, ['-f', '/kit/docker-compose.yml', '-p', 'kit', '--profile', 'cpu', '--profile', 'gpu-amd', '--profile', 'gpu-nvidia', 'down']);
  });
});

describe('pre-flight and the sidebar follow the profiles', () => {
  const host = (gpuAnswer: boolean) => ({
    checkEngine: async () => ({ ok: true as const, info: { version: '28.2.2', runtimes: ['runc'], gpuCapable: false } }),
    findCompose: async () => ({ found: true as const, command: { argv: ['docker-compose'], version: '1.29.2', flavour: 'v1' as const, source: 'detected' as const }, tried: [] }),
    nvidiaSmiAvailable: async () => gpuAnswer,
    pathExists: async () => true,
    portInUse: async () => false,
  });

  it('the GPU warning comes only when a started service reserves a GPU', async () => {
    const cpu = await runPreflight(withActiveProfiles(starterKit(), ['cpu']), host(false));
    assert.deepEqual(cpu.map((i) => i.id), []);
    const gpu = await runPreflight(withActiveProfiles(starterKit(), ['gpu-nvidia']), host(false));
    assert.deepEqual(gpu.map((i) => i.id), ['gpu-runtime-missing']);
    assert.match(gpu[0]!.title, /ollama-gpu/);
  });

  it('the Services view lists the started services as not created, not the other profiles\' variants', () => {
    const plan = withActiveProfiles(starterKit(), ['cpu']);
    const input = { state: { kind: 'ready' as const }, plan, statuses: [], coldStarts: {}, probes: {}, metrics: {}, now: 0 };
    const labels = serviceRows(input).map((r) => r.label);
    assert.ok(labels.includes('ollama-cpu'), labels.join(', '));
    assert.ok(!labels.includes('ollama-gpu') && !labels.includes('ollama-gpu-amd'), labels.join(', '));
  });
});
