import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectDocker, engineInfoFromDockerInfo, EngineTimeoutError, explainDockerError } from '../../client/src/stack/docker/dockerApi';
import type { DockerEndpoint, ResolveEndpointInput } from '../../client/src/stack/docker/dockerEndpoint';

const dir = join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'docker');

function input(env: Record<string, string>, files: Record<string, string> = {}): ResolveEndpointInput {
  return { env, homedir: '/home/u', platform: 'linux', fs: { readFile: (p) => files[p] } };
}
const local = (host = 'unix:///var/run/docker.sock'): { endpoint: DockerEndpoint; description: string } => ({
  endpoint: { host, source: 'default', context: 'default', configDir: '/home/u/.docker', warnings: [] },
  description: `${host} via the default local engine`,
});
const err = (code: string, message = `connect ${code}`) => Object.assign(new Error(message), { code });

describe('connectDocker', () => {
  it('one endpoint for dockerode and compose', () => {
    const r = connectDocker(input({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock', DOCKER_CONTEXT: 'remote' }));
    assert.ok(r.ok);
    assert.equal((r.connection.docker as unknown as { modem: { socketPath: string } }).modem.socketPath, '/run/user/1000/docker.sock');
    assert.equal(r.connection.composeEnv.DOCKER_HOST, 'unix:///run/user/1000/docker.sock');
    assert.ok('DOCKER_CONTEXT' in r.connection.composeEnv && r.connection.composeEnv.DOCKER_CONTEXT === undefined);
    assert.match(r.connection.description, /DOCKER_HOST/);
    assert.ok(r.warnings.some((w) => w.includes('DOCKER_HOST wins')));
  });

  it('tcp endpoint', () => {
    const r = connectDocker(input({ DOCKER_HOST: 'tcp://10.0.0.5' }));
    assert.ok(r.ok);
    const modem = (r.connection.docker as unknown as { modem: { host: string; port: number } }).modem;
    assert.equal(modem.host, '10.0.0.5');
    assert.equal(Number(modem.port), 2375);
  });

  it('a missing context or an ssh host is endpoint-invalid with the way out', () => {
    const missing = connectDocker(input({ DOCKER_CONTEXT: 'gone' }));
    assert.ok(!missing.ok);
    assert.equal(missing.problem.id, 'endpoint-invalid');
    assert.match(missing.problem.title, /context "gone"/);
    assert.ok(missing.problem.steps.some((s) => s.includes('docker context')));
    const ssh = connectDocker(input({ DOCKER_HOST: 'ssh://me@gpu-box' }));
    assert.ok(!ssh.ok);
    assert.equal(ssh.problem.id, 'endpoint-invalid');
    assert.ok(ssh.problem.steps.join(' ').includes('ssh -nNT -L'));
  });
});

describe('explainDockerError', () => {
  it('nothing listening on the socket: daemon-down, naming the endpoint, with start steps', () => {
    for (const code of ['ENOENT', 'ECONNREFUSED']) {
      const p = explainDockerError(err(code), local());
      assert.equal(p.id, 'daemon-down');
      assert.equal(p.title, 'Docker is not running at unix:///var/run/docker.sock');
      assert.ok(p.steps.some((s) => s.includes('systemctl start docker')));
      assert.ok(p.steps.some((s) => s.includes('Docker Desktop')));
      assert.ok(p.steps.some((s) => s.includes('docker context ls')));
      assert.equal(p.endpoint, 'unix:///var/run/docker.sock via the default local engine');
    }
  });

  it('EACCES: permission-denied with the docker group steps', () => {
    const p = explainDockerError(err('EACCES'), local());
    assert.equal(p.id, 'permission-denied');
    assert.match(p.title, /\/var\/run\/docker\.sock/);
    assert.ok(p.steps.some((s) => s.includes('usermod -aG docker')));
    assert.ok(p.steps.some((s) => /log out/i.test(s)));
  });

  it('a remote host that does not answer', () => {
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND']) {
      const p = explainDockerError(err(code), local('tcp://10.0.0.5:2376'));
      assert.equal(p.id, 'remote-unreachable', code);
      assert.match(p.title, /tcp:\/\/10\.0\.0\.5:2376/);
    }
  });

  it('our timeout, and HTTP errors from the engine (masked)', () => {
    assert.equal(explainDockerError(new EngineTimeoutError(5000), local()).id, 'timeout');
    const http = Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500, json: { message: 'bad auth header Bearer abc.def' } });
    const p = explainDockerError(http, local());
    assert.equal(p.id, 'engine-error');
    assert.match(p.title, /HTTP 500/);
    assert.equal(p.detail, 'bad auth header Bearer ****');
  });
});

describe('engineInfoFromDockerInfo', () => {
  it('the recorded engine (runc only): not GPU capable', () => {
    const rec = JSON.parse(readFileSync(join(dir, 'engine.json'), 'utf8'));
    const info = engineInfoFromDockerInfo(rec.info);
    assert.equal(info.version, rec.info.ServerVersion);
    assert.ok(info.runtimes.includes('runc'));
    assert.equal(info.gpuCapable, false);
  });
  it('an nvidia runtime or CDI spec dirs: GPU capable', () => {
    assert.equal(engineInfoFromDockerInfo({ ServerVersion: '27.0', Runtimes: { runc: {}, nvidia: {} } }).gpuCapable, true);
    assert.equal(engineInfoFromDockerInfo({ ServerVersion: '28.0', Runtimes: { runc: {} }, CDISpecDirs: ['/etc/cdi'] }).gpuCapable, true);
  });
});
