// checkEngine against real sockets: one that does not exist, one that exists with nobody listening, and the real
// engine's socket opened by a user outside the docker group (permission denied).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkEngine, connectDocker } from '../../client/src/stack/docker/dockerApi';
import { nodeEndpointFs } from '../../client/src/stack/docker/dockerEndpoint';
import { readFileSync } from 'node:fs';
import { requireEngine } from './engine';

const fs = nodeEndpointFs((p, e) => readFileSync(p, e));
function connect(host: string) {
  const r = connectDocker({ env: { DOCKER_HOST: host }, homedir: tmpdir(), platform: 'linux', fs });
  assert.ok(r.ok, 'a unix:// host is a valid endpoint');
  return r.connection;
}

describe('checkEngine (real sockets)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'istest-d1-sock-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the engine this machine runs answers, with its version', async () => {
    const { connection } = await requireEngine({ images: [] });
    const r = await checkEngine(connection, { timeoutMs: 10_000 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.info.version, /^\d+\.\d+/);
    assert.ok(r.info.runtimes.includes('runc'));
  });

  it('no socket file: daemon-down, naming the endpoint', async () => {
    const r = await checkEngine(connect('unix:///tmp/nothing-here.sock'), { timeoutMs: 5000 });
    assert.ok(!r.ok);
    assert.equal(r.problem.id, 'daemon-down');
    assert.equal(r.problem.title, 'Docker is not running at unix:///tmp/nothing-here.sock');
    assert.match(r.problem.endpoint!, /nothing-here\.sock via DOCKER_HOST/);
    assert.ok(r.problem.steps.some((s) => s.includes('systemctl start docker')));
  });

  it('a socket file nobody listens on: daemon-down', async () => {
    const path = join(dir, 'stale.sock');
    // A socket left behind by a daemon that died: bind it, then close the listener without removing the file.
    const py = spawnSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(path)})`]);
    if (py.status !== 0 || !existsSync(path)) {
      const server = createServer();
      await new Promise<void>((r) => server.listen(path, r));
      await new Promise<void>((r) => server.close(() => r()));
    }
    assert.ok(existsSync(path), 'the stale socket file exists');
    const r = await checkEngine(connect(`unix://${path}`), { timeoutMs: 5000 });
    assert.ok(!r.ok);
    assert.equal(r.problem.id, 'daemon-down');
    assert.equal(r.problem.title, `Docker is not running at unix://${path}`);
  });

  it('a listener that never answers: timeout', async () => {
    const path = join(dir, 'silent.sock');
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(path, r));
    try {
      const r = await checkEngine(connect(`unix://${path}`), { timeoutMs: 300 });
      assert.ok(!r.ok);
      assert.equal(r.problem.id, 'timeout');
    } finally {
      server.close();
    }
  });

  it('the engine socket opened by a user outside the docker group: permission-denied', async (t) => {
    await requireEngine({ images: [] });
    if (process.getuid?.() !== 0) {
      // Without root we cannot become another user; the test would prove nothing.
      t.skip('needs root to run a child as nobody (setpriv)');
      return;
    }
    const sock = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
    const script = `const {connectDocker,checkEngine}=require(${JSON.stringify(join(__dirname, '..', '..', 'client', 'src', 'stack', 'docker', 'dockerApi.js'))});` +
      `const r=connectDocker({env:{DOCKER_HOST:${JSON.stringify('unix://' + sock)}},homedir:'/nonexistent',platform:'linux',fs:{readFile:()=>undefined}});` +
      `checkEngine(r.connection,{timeoutMs:5000}).then(x=>{process.stdout.write(JSON.stringify(x));});`;
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { encoding: 'utf8', timeout: 20_000, cwd: '/' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ok: boolean; problem?: { id: string; title: string; steps: string[] } };
    assert.equal(out.ok, false);
    assert.equal(out.problem!.id, 'permission-denied');
    assert.equal(out.problem!.title, `Permission denied on the Docker socket ${sock}`);
    assert.ok(out.problem!.steps.some((s) => s.includes('usermod -aG docker')));
  });
});
