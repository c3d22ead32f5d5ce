import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  downCommand, explainComposeError, findComposeCommand, parseComposePs, parseComposePsIds, parseComposeVersion,
  psCommand, settingArgv, upCommand, type ComposeErrorId,
} from '../../client/src/stack/process/composeCommand';
import type { Command, CommandResult, Exec } from '../../client/src/stack/process/command';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures');
const fixture = (...p: string[]) => readFileSync(join(FIXTURES, ...p), 'utf8');
const recordedCli = JSON.parse(fixture('docker-cli-endpoints.json')) as { noPlugin: Record<string, { code: number; stdout: string; stderr: string }> };

const exited = (exitCode: number, stdout: string, stderr = ''): CommandResult => ({ exitCode, stdout, stderr });
const ENOENT: CommandResult = { exitCode: null, stdout: '', stderr: '', error: { code: 'ENOENT', message: 'spawn docker-compose ENOENT' } };

/** An exec that answers from a table keyed by the command line, and remembers what it was asked. */
function fakeExec(table: Record<string, CommandResult>): Exec & { calls: string[]; timeouts: number[] } {
  const calls: string[] = [];
  const timeouts: number[] = [];
  const exec = (async (c: Command, o: { timeoutMs: number }) => {
    const line = [c.file, ...c.args].join(' ');
    calls.push(line);
    timeouts.push(o.timeoutMs);
    return table[line] ?? ENOENT;
  }) as Exec & { calls: string[]; timeouts: number[] };
  exec.calls = calls;
  exec.timeouts = timeouts;
  return exec;
}

describe('findComposeCommand', () => {
  it('prefers the docker compose plugin (v2)', async () => {
    const exec = fakeExec({ 'docker compose version --short': exited(0, '2.29.7\n') });
    const r = await findComposeCommand({ exec, timeoutMs: 5000 });
    assert.ok(r.found);
    assert.deepEqual(r.command, { argv: ['docker', 'compose'], version: '2.29.7', flavour: 'v2', source: 'detected' });
    assert.deepEqual(exec.timeouts, [5000]);
  });

  it('falls back to docker-compose v1 when the plugin is missing (recorded docker CLI 28 answer)', async () => {
    const noPlugin = recordedCli.noPlugin['docker compose version --short']!;
    const exec = fakeExec({
      'docker compose version --short': exited(noPlugin.code, noPlugin.stdout, noPlugin.stderr),
      'docker-compose version --short': exited(0, '1.29.2\n'),
    });
    const r = await findComposeCommand({ exec });
    assert.ok(r.found);
    assert.deepEqual([r.command.argv, r.command.version, r.command.flavour], [['docker-compose'], '1.29.2', 'v1']);
    assert.deepEqual(r.tried, [{ argv: ['docker', 'compose'], outcome: 'exit 125: unknown flag: --short' }]);
  });

  it('reads a standalone docker-compose that is Compose v2 (or v5) as v2', async () => {
    const exec = fakeExec({ 'docker-compose version --short': exited(0, 'v2.24.6\n') });
    const r = await findComposeCommand({ exec });
    assert.ok(r.found && r.command.flavour === 'v2' && r.command.version === '2.24.6');
    assert.deepEqual(parseComposeVersion('5.0.1-desktop.1'), { version: '5.0.1-desktop.1', flavour: 'v2' });
    assert.equal(parseComposeVersion('docker-compose version 1.29.2, build unknown')?.flavour, undefined);
  });

  it('says what was tried and how to install when nothing works', async () => {
    const exec = fakeExec({ 'docker compose version --short': { exitCode: null, stdout: '', stderr: '', error: { code: 'ENOENT', message: 'spawn docker ENOENT' } } });
    const r = await findComposeCommand({ exec });
    assert.ok(!r.found);
    assert.deepEqual(r.tried.map((t) => [t.argv.join(' '), t.outcome]), [['docker compose', 'not installed (ENOENT)'], ['docker-compose', 'not installed (ENOENT)']]);
    assert.match(r.message, /^No Docker Compose found\. Tried `docker compose version --short`: not installed \(ENOENT\); `docker-compose version --short`/);
    assert.ok(r.install.some((l) => l.includes('docker-compose-plugin')));
    assert.ok(r.install.some((l) => l.includes('inferenceStack.composeCommand')));
  });

  it('reports a timeout as such', async () => {
    const exec = fakeExec({ 'docker compose version --short': { exitCode: null, stdout: '', stderr: '', error: { code: 'ETIMEDOUT', message: 'killed after 10000 ms' } } });
    const r = await findComposeCommand({ exec });
    assert.ok(!r.found && r.tried[0]!.outcome === 'no answer in time (killed after 10000 ms)');
  });

  it('uses the setting only, and reports it when broken instead of silently using another', async () => {
    const exec = fakeExec({
      '/opt/compose/bin/docker-compose version --short': exited(0, '2.30.0'),
      'docker compose version --short': exited(0, '2.29.7'),
    });
    const r = await findComposeCommand({ exec, setting: '/opt/compose/bin/docker-compose' });
    assert.ok(r.found && r.command.source === 'setting' && r.command.argv[0] === '/opt/compose/bin/docker-compose');
    const broken = await findComposeCommand({ exec, setting: 'docker-compose' });
    assert.ok(!broken.found);
    assert.match(broken.message, /^The compose command from the setting inferenceStack\.composeCommand does not work/);
    assert.equal(exec.calls.includes('docker compose version --short'), false);
  });

  it('reads the setting as the plugin or as one program path', () => {
    assert.deepEqual(settingArgv('docker compose'), ['docker', 'compose']);
    assert.deepEqual(settingArgv('  docker   compose '), ['docker', 'compose']);
    assert.deepEqual(settingArgv('/usr/local/bin/docker compose'), ['/usr/local/bin/docker', 'compose']);
    assert.deepEqual(settingArgv('docker-compose'), ['docker-compose']);
    assert.deepEqual(settingArgv('C:\\Program Files\\Docker\\docker-compose.exe'), ['C:\\Program Files\\Docker\\docker-compose.exe']);
    assert.equal(settingArgv('   '), undefined);
  });
});

describe('compose argv', () => {
  const v2 = { argv: ['docker', 'compose'], flavour: 'v2' as const };
  const v1 = { argv: ['docker-compose'], flavour: 'v1' as const };
  const target = { files: ['compose.yaml', 'compose.gpu.yaml'], project: 'stack' };
  const line = (c: Command) => [c.file, ...c.args].join(' ');

  it('up -d with every file and the project before the subcommand', () => {
    assert.equal(line(upCommand(v2, target)), 'docker compose -f compose.yaml -f compose.gpu.yaml -p stack up -d');
    assert.equal(line(upCommand(v1, { files: ['compose.yaml'] }, ['vllm'])), 'docker-compose -f compose.yaml up -d vllm');
  });

  it('down never removes volumes unless explicitly asked', () => {
    assert.equal(line(downCommand(v2, target)), 'docker compose -f compose.yaml -f compose.gpu.yaml -p stack down');
    assert.equal(downCommand(v2, target, {}).args.includes('-v'), false);
    assert.equal(line(downCommand(v1, target, { removeVolumes: 'yes-remove-volumes' })), 'docker-compose -f compose.yaml -f compose.gpu.yaml -p stack down -v');
  });

  it('ps: JSON for v2, ids for v1 (which has no --format)', () => {
    assert.deepEqual(psCommand(v2, target), { command: { file: 'docker', args: ['compose', '-f', 'compose.yaml', '-f', 'compose.gpu.yaml', '-p', 'stack', 'ps', '--all', '--format', 'json'] }, output: 'json' });
    const p1 = psCommand(v1, target);
    assert.equal(p1.output, 'ids');
    assert.equal(line(p1.command), 'docker-compose -f compose.yaml -f compose.gpu.yaml -p stack ps --all -q');
  });
});

describe('compose ps output (fixtures/compose-ps)', () => {
  it('reads the one-object-per-line form', () => {
    const ps = parseComposePs(fixture('compose-ps', 'v2-ndjson.txt'));
    assert.deepEqual(ps.map((p) => [p.service, p.state, p.health, p.exitCode]), [['vllm', 'running', 'starting', 0], ['proxy', 'exited', '', 137]]);
    assert.deepEqual(ps[0]!.publishers, [{ url: '0.0.0.0', targetPort: 8000, publishedPort: 8000, protocol: 'tcp' }]);
    assert.equal(ps[0]!.name, 'stack-vllm-1');
    assert.equal(ps[0]!.project, 'stack');
  });

  it('reads the older JSON array form, and skips non-JSON lines', () => {
    const ps = parseComposePs(fixture('compose-ps', 'v2-array.txt'));
    assert.deepEqual(ps.map((p) => [p.service, p.health, p.publishers.length]), [['vllm', 'healthy', 2]]);
    assert.equal(parseComposePs('WARN[0000] the attribute `version` is obsolete\n' + fixture('compose-ps', 'v2-ndjson.txt')).length, 2);
    assert.deepEqual(parseComposePs(''), []);
  });

  it('reads v1 ids', () => {
    assert.equal(parseComposePsIds(fixture('compose-ps', 'v1-ids.txt')).length, 2);
    assert.deepEqual(parseComposePsIds('Name   Command   State   Ports\n'), []);
  });
});

describe('explainComposeError (fixtures/compose-errors.json)', () => {
  const { cases } = JSON.parse(fixture('compose-errors.json')) as { cases: { name: string; stderr: string; expect: [ComposeErrorId, string | null][] }[] };

  for (const c of cases) {
    it(c.name, () => {
      const r = explainComposeError(c.stderr);
      assert.equal(r.verbatim, c.stderr, 'stderr is passed through unchanged');
      assert.deepEqual(r.explanations.map((e) => [e.id, e.subject ?? null]), c.expect);
      for (const e of r.explanations) {
        assert.ok(c.stderr.includes(e.line), 'the recognised line is quoted from stderr');
        assert.ok(e.title && e.explanation && e.steps.length > 0);
      }
    });
  }

  it('gives the NVIDIA Container Toolkit steps for the GPU error', () => {
    const [e] = explainComposeError('Error response from daemon: could not select device driver "nvidia" with capabilities: [[gpu]]').explanations;
    assert.match(e!.explanation, /NVIDIA Container Toolkit is missing or not configured/);
    const steps = e!.steps.join('\n');
    assert.match(steps, /nvidia-container-toolkit/);
    assert.match(steps, /sudo nvidia-ctk runtime configure --runtime=docker/);
    assert.match(steps, /sudo systemctl restart docker/);
  });

  it('names the port and the way to find who holds it', () => {
    const [e] = explainComposeError(cases.find((c) => c.name.startsWith('published port taken by another'))!.stderr).explanations;
    assert.equal(e!.title, 'Port 8000 is already in use');
    assert.match(e!.steps[0]!, /docker ps --filter publish=8000/);
  });

  it('masks secrets in the verbatim text', () => {
    const token = `hf_${'a'.repeat(34)}`;
    const r = explainComposeError(`invalid interpolation format for services.vllm.environment.HF_TOKEN: "${token}\${"\n`);
    assert.equal(r.verbatim.includes(token), false);
    assert.deepEqual(r.explanations, []);
  });

  it('ignores colour codes when matching', () => {
    const r = explainComposeError('\u001b[31mError response from daemon: No such image: stack-standin:latest\u001b[0m\n');
    assert.deepEqual(r.explanations.map((e) => e.id), ['image-unavailable']);
  });
});
