/**
 * "Open Shell in Container" against the real engine: the check it runs first (`docker exec <id> sh -c 'exit 0'`, read
 * by readShellCheck) on an image with a shell and on one without, and the terminal's own program (`docker exec -it
 * <id> sh`, shellArgs) given a pseudo-terminal by util-linux `script`, as VS Code's terminal gives it one: a command
 * typed into it runs in the container.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { readShellCheck, shellArgs, shellCheckArgs } from '../../client/src/stack/actions/serviceActions';
import { execCommand } from '../../client/src/stack/process/processRunner';
import { dockerCli, removeContainers, requireEngine, STANDIN_IMAGE, uniqueProject } from './engine';

const STANDIN_PYTHON_IMAGE = 'inference-stack/vllm-standin-python:test';

describe('Open Shell in Container, on the real engine', () => {
  const started: string[] = [];
  let withShell: string;
  let withoutShell: string;

  before(async () => {
    await requireEngine({ images: ['standin', 'standin-python'] });
    // Both images serve the stand-in (entrypoint `vllm serve`), so the containers keep running.
    withShell = dockerCli(['run', '-d', '--name', uniqueProject('shell-yes'), STANDIN_PYTHON_IMAGE, '--model', 'm']).trim();
    withoutShell = dockerCli(['run', '-d', '--name', uniqueProject('shell-no'), STANDIN_IMAGE, '--model', 'm']).trim();
    started.push(withShell, withoutShell);
  });
  after(async () => {
    const { docker } = await requireEngine();
    await removeContainers(docker, started);
  });

  const check = async (id: string) => readShellCheck(await execCommand({ file: 'docker', args: shellCheckArgs(id) }, { timeoutMs: 30_000 }));

  it('the check: an image with sh is ok; the stand-in, whose image holds only node, has no shell; a stopped container is not running', async () => {
    assert.deepEqual(await check(withShell), { ok: true });
    const none = await check(withoutShell);
    assert.equal(none.ok, false);
    if (!none.ok) assert.equal(none.reason, 'no-shell', none.detail);
    const stopped = dockerCli(['create', '--name', uniqueProject('shell-stopped'), STANDIN_PYTHON_IMAGE]).trim();
    started.push(stopped);
    const answer = await check(stopped);
    assert.equal(answer.ok, false);
    if (!answer.ok) assert.equal(answer.reason, 'not-running', answer.detail);
  });

  it('the terminal\'s program is an interactive shell in the container: what is typed runs there', async () => {
    // `script` gives docker a terminal (-it refuses without one), as the integrated terminal does.
    const command = ['docker', ...shellArgs(withShell)].join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The container's hostname is its short id: the answer comes from inside it, not from this host.
    child.stdin.write('read h < /etc/hostname; echo "in $h: $((6*7))"\n');
    child.stdin.write('exit\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`in ${withShell.slice(0, 12)}: 42`), out);
  });
});
