import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  applyEnv, composeEnv, contextDigest, describeEndpoint, nodeEndpointFs, resolveDockerEndpoint, toDockerodeOptions,
  type DockerEndpoint, type EndpointFs, type ResolveEndpointInput,
} from '../../client/src/stack/docker/dockerEndpoint';

const HOME = '/home/ada';
const DOCKER_DIR = join(HOME, '.docker');

function memFs(files: Record<string, string>, failing: string[] = []): EndpointFs {
  return {
    readFile(path) {
      if (failing.includes(path)) throw new Error('EACCES: permission denied');
      return files[path];
    },
  };
}

// Context store layout as `docker context create` writes it (docker/cli cli/context/store).
function metaPath(dir: string, name: string): string {
  return join(dir, 'contexts', 'meta', contextDigest(name), 'meta.json');
}
function meta(name: string, host: string, skipTls = false): string {
  return JSON.stringify({ Name: name, Metadata: { Description: '' }, Endpoints: { docker: { Host: host, SkipTLSVerify: skipTls } } });
}
function input(env: Record<string, string>, files: Record<string, string> = {}, platform = 'linux', failing: string[] = []): ResolveEndpointInput {
  return { env, homedir: HOME, platform, fs: memFs(files, failing) };
}
function ok(r: ReturnType<typeof resolveDockerEndpoint>): DockerEndpoint {
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.endpoint;
}

describe('resolveDockerEndpoint: the docker CLI order', () => {
  it('digests context names with sha256 hex, as the context store does', () => {
    assert.equal(contextDigest('remote'), createHash('sha256').update('remote').digest('hex'));
    assert.match(contextDigest('desktop-linux'), /^[0-9a-f]{64}$/);
  });

  it('falls back to the local socket (npipe on Windows) with nothing configured', () => {
    const linux = ok(resolveDockerEndpoint(input({})));
    assert.deepEqual([linux.host, linux.source, linux.context, linux.tls], ['unix:///var/run/docker.sock', 'default', 'default', undefined]);
    assert.equal(ok(resolveDockerEndpoint(input({}, {}, 'win32'))).host, 'npipe:////./pipe/docker_engine');
  });

  it('uses currentContext from config.json (Docker Desktop style)', () => {
    const files = {
      [join(DOCKER_DIR, 'config.json')]: JSON.stringify({ auths: {}, currentContext: 'desktop-linux' }),
      [metaPath(DOCKER_DIR, 'desktop-linux')]: meta('desktop-linux', 'unix:///home/ada/.docker/desktop/docker.sock'),
    };
    const e = ok(resolveDockerEndpoint(input({}, files)));
    assert.deepEqual([e.host, e.source, e.context], ['unix:///home/ada/.docker/desktop/docker.sock', 'config', 'desktop-linux']);
    assert.equal(describeEndpoint(e), 'unix:///home/ada/.docker/desktop/docker.sock via context "desktop-linux" (docker context use)');
  });

  it('reads config and contexts under DOCKER_CONFIG when it is set', () => {
    const dir = '/etc/ci-docker';
    const files = {
      [join(dir, 'config.json')]: JSON.stringify({ currentContext: 'ci' }),
      [metaPath(dir, 'ci')]: meta('ci', 'tcp://10.0.0.5:2375'),
      [join(DOCKER_DIR, 'config.json')]: JSON.stringify({ currentContext: 'not-this-one' }),
    };
    const e = ok(resolveDockerEndpoint(input({ DOCKER_CONFIG: dir }, files)));
    assert.deepEqual([e.host, e.context, e.configDir], ['tcp://10.0.0.5:2375', 'ci', dir]);
  });

  it('DOCKER_CONTEXT beats currentContext', () => {
    const files = {
      [join(DOCKER_DIR, 'config.json')]: JSON.stringify({ currentContext: 'desktop-linux' }),
      [metaPath(DOCKER_DIR, 'remote')]: meta('remote', 'ssh://ada@gpu-box'),
    };
    const e = ok(resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'remote' }, files)));
    assert.deepEqual([e.host, e.source, e.context], ['ssh://ada@gpu-box', 'DOCKER_CONTEXT', 'remote']);
    const def = ok(resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'default' }, files)));
    assert.deepEqual([def.host, def.source], ['unix:///var/run/docker.sock', 'DOCKER_CONTEXT']);
  });

  it('DOCKER_HOST beats everything, and says so when DOCKER_CONTEXT is ignored', () => {
    const files = { [join(DOCKER_DIR, 'config.json')]: JSON.stringify({ currentContext: 'remote' }) };
    const e = ok(resolveDockerEndpoint(input({ DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' }, files)));
    assert.deepEqual([e.host, e.source, e.context, e.tls], ['tcp://127.0.0.1:2375', 'DOCKER_HOST', 'default', undefined]);
    assert.match(e.warnings[0]!, /DOCKER_HOST wins/);
  });

  it('takes TLS for DOCKER_HOST from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, keeping only files that exist', () => {
    const files = { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' };
    const e = ok(resolveDockerEndpoint(input({ DOCKER_HOST: 'tcp://gpu:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, files)));
    assert.deepEqual(e.tls, { verify: true, certDir: '/certs', caFile: '/certs/ca.pem', certFile: '/certs/cert.pem', keyFile: '/certs/key.pem' });
    // any non-empty DOCKER_TLS_VERIFY turns verification on in the docker CLI, even "0"
    assert.equal(ok(resolveDockerEndpoint(input({ DOCKER_HOST: 'tcp://gpu:2376', DOCKER_TLS_VERIFY: '0' }))).tls?.verify, true);
    const noVerify = ok(resolveDockerEndpoint(input({ DOCKER_HOST: 'tcp://gpu:2376', DOCKER_TLS: '1' }, { [join(DOCKER_DIR, 'ca.pem')]: 'CA' })));
    assert.deepEqual(noVerify.tls, { verify: false, certDir: DOCKER_DIR, caFile: join(DOCKER_DIR, 'ca.pem') });
  });

  it('finds a context\'s TLS material and SkipTLSVerify', () => {
    const tlsDir = join(DOCKER_DIR, 'contexts', 'tls', contextDigest('secure'), 'docker');
    const files = {
      [metaPath(DOCKER_DIR, 'secure')]: meta('secure', 'tcp://gpu:2376'),
      [join(tlsDir, 'ca.pem')]: 'CA', [join(tlsDir, 'cert.pem')]: 'CERT', [join(tlsDir, 'key.pem')]: 'KEY',
      [metaPath(DOCKER_DIR, 'lax')]: meta('lax', 'tcp://gpu:2376', true),
    };
    const secure = ok(resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'secure' }, files)));
    assert.equal(secure.tls?.verify, true);
    assert.equal(secure.tls?.certDir, tlsDir);
    assert.equal(secure.tls?.keyFile, join(tlsDir, 'key.pem'));
    const lax = ok(resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'lax' }, files)));
    assert.deepEqual([lax.tls?.verify, lax.tls?.caFile], [false, undefined]);
  });
});

describe('resolveDockerEndpoint: broken configuration gives a reason, never a throw', () => {
  it('a named context that does not exist', () => {
    const r = resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'gone' }));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.context === 'gone' && r.source === 'DOCKER_CONTEXT');
    assert.match(!r.ok ? r.reason : '', /context "gone" \(from DOCKER_CONTEXT\) not found: .*meta\.json does not exist\. `docker context ls`/);
  });

  it('currentContext naming a missing context says where it came from', () => {
    const r = resolveDockerEndpoint(input({}, { [join(DOCKER_DIR, 'config.json')]: JSON.stringify({ currentContext: 'old-vm' }) }));
    assert.ok(!r.ok);
    assert.match(r.reason, /context "old-vm" \(from "currentContext" in \/home\/ada\/\.docker\/config\.json\) not found/);
    assert.match(r.reason, /docker context use default/);
  });

  it('a corrupt meta.json, a meta.json without a docker endpoint, an unreadable one', () => {
    const bad = resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'x' }, { [metaPath(DOCKER_DIR, 'x')]: '{"Name": "x", ' }));
    assert.ok(!bad.ok && /is corrupt: .* is not JSON/.test(bad.reason));
    const noDocker = resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'k8s' }, { [metaPath(DOCKER_DIR, 'k8s')]: JSON.stringify({ Name: 'k8s', Endpoints: { kubernetes: {} } }) }));
    assert.ok(!noDocker.ok && /has no docker endpoint/.test(noDocker.reason));
    const unreadable = resolveDockerEndpoint(input({ DOCKER_CONTEXT: 'x' }, {}, 'linux', [metaPath(DOCKER_DIR, 'x')]));
    assert.ok(!unreadable.ok && /cannot be read: .*EACCES/.test(unreadable.reason));
  });

  it('a config.json that is not JSON warns and uses the default context, as the docker CLI does', () => {
    const r = resolveDockerEndpoint(input({}, { [join(DOCKER_DIR, 'config.json')]: '{ "currentContext": ' }));
    const e = ok(r);
    assert.equal(e.host, 'unix:///var/run/docker.sock');
    assert.match(e.warnings[0]!, /Error loading config file \/home\/ada\/\.docker\/config\.json/);
    const unreadable = ok(resolveDockerEndpoint(input({}, {}, 'linux', [join(DOCKER_DIR, 'config.json')])));
    assert.match(unreadable.warnings[0]!, /EACCES/);
  });
});

describe('toDockerodeOptions', () => {
  const ep = (host: string, extra: Partial<DockerEndpoint> = {}): DockerEndpoint => ({ host, source: 'DOCKER_HOST', context: 'default', configDir: DOCKER_DIR, warnings: [], ...extra });
  const none = memFs({});

  it('maps unix and npipe to socketPath', () => {
    assert.deepEqual(toDockerodeOptions(ep('unix:///var/run/docker.sock'), none), { ok: true, options: { socketPath: '/var/run/docker.sock' }, warnings: [] });
    assert.deepEqual(toDockerodeOptions(ep('npipe:////./pipe/docker_engine'), none), { ok: true, options: { socketPath: '//./pipe/docker_engine' }, warnings: [] });
  });

  it('maps tcp to host/port/protocol with docker\'s default ports, and reads TLS files', () => {
    assert.deepEqual(toDockerodeOptions(ep('tcp://10.0.0.5:2375'), none), { ok: true, options: { host: '10.0.0.5', port: 2375, protocol: 'http' }, warnings: [] });
    assert.deepEqual(toDockerodeOptions(ep('tcp://10.0.0.5'), none), { ok: true, options: { host: '10.0.0.5', port: 2375, protocol: 'http' }, warnings: [] });
    const tls = { verify: true, certDir: '/c', caFile: '/c/ca.pem', certFile: '/c/cert.pem', keyFile: '/c/key.pem' };
    const files = memFs({ '/c/ca.pem': 'CA', '/c/cert.pem': 'CERT', '/c/key.pem': 'KEY' });
    assert.deepEqual(toDockerodeOptions(ep('tcp://gpu', { tls }), files),
      { ok: true, options: { host: 'gpu', port: 2376, protocol: 'https', ca: 'CA', cert: 'CERT', key: 'KEY' }, warnings: [] });
    const lax = toDockerodeOptions(ep('tcp://gpu:2376', { tls: { verify: false, certDir: '/c' } }), files);
    assert.ok(lax.ok && /TLS verification is off/.test(lax.warnings[0]!));
    const missing = toDockerodeOptions(ep('tcp://gpu', { tls }), none);
    assert.ok(!missing.ok && /cannot read the TLS file \/c\/ca\.pem/.test(missing.reason));
  });

  it('marks ssh:// unsupported with the way forward', () => {
    const r = toDockerodeOptions(ep('ssh://ada@gpu-box', { source: 'DOCKER_CONTEXT', context: 'remote' }), none);
    assert.ok(!r.ok);
    assert.match(r.reason, /ssh:\/\/ endpoint \(context "remote"\)/);
    assert.match(r.reason, /ssh -nNT -L \/tmp\/docker\.sock:\/var\/run\/docker\.sock/);
  });
});

describe('composeEnv: compose reaches the engine dockerode reaches', () => {
  it('sets DOCKER_HOST, drops DOCKER_CONTEXT and stale TLS variables', () => {
    const e: DockerEndpoint = { host: 'unix:///home/ada/.docker/desktop/docker.sock', source: 'config', context: 'desktop-linux', configDir: DOCKER_DIR, warnings: [] };
    const env = applyEnv({ PATH: '/usr/bin', DOCKER_CONTEXT: 'other', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/old' }, composeEnv(e));
    assert.deepEqual(env, { PATH: '/usr/bin', DOCKER_HOST: 'unix:///home/ada/.docker/desktop/docker.sock' });
  });

  it('passes a context\'s TLS as DOCKER_TLS_VERIFY / DOCKER_TLS and DOCKER_CERT_PATH', () => {
    const base: DockerEndpoint = { host: 'tcp://gpu:2376', source: 'DOCKER_CONTEXT', context: 'secure', configDir: DOCKER_DIR, warnings: [] };
    assert.deepEqual(applyEnv({}, composeEnv({ ...base, tls: { verify: true, certDir: '/tls/x/docker' } })),
      { DOCKER_HOST: 'tcp://gpu:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/tls/x/docker' });
    assert.deepEqual(applyEnv({}, composeEnv({ ...base, tls: { verify: false, certDir: '/tls/x/docker' } })),
      { DOCKER_HOST: 'tcp://gpu:2376', DOCKER_TLS: '1', DOCKER_CERT_PATH: '/tls/x/docker' });
  });
});

describe('nodeEndpointFs on a real folder', () => {
  it('resolves a context written to disk and treats missing files as absent', () => {
    const home = mkdtempSync(join(tmpdir(), 'docker-home-'));
    try {
      const dir = join(home, '.docker');
      mkdirSync(join(dir, 'contexts', 'meta', contextDigest('lab')), { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'lab' }));
      writeFileSync(metaPath(dir, 'lab'), meta('lab', 'tcp://lab:2375'));
      const fs = nodeEndpointFs(readFileSync);
      const e = ok(resolveDockerEndpoint({ env: {}, homedir: home, platform: 'linux', fs }));
      assert.deepEqual([e.host, e.context, e.tls], ['tcp://lab:2375', 'lab', undefined]);
      assert.equal(fs.readFile(join(dir, 'nope.json')), undefined);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

// Replays what the real docker CLI answered (fixtures/docker-cli-endpoints.json, written by
// fixtures/record-docker-cli.mjs with `docker context inspect` and no daemon): same env, same files, same engine.
describe('resolveDockerEndpoint agrees with the recorded docker CLI', () => {
  interface Recorded {
    recordedWith: string;
    configDir: string;
    contextFiles: Record<string, string>;
    scenarios: { name: string; env: Record<string, string>; config?: string;
      cli: { ok: true; context: string; host: string; skipTLSVerify: boolean; tlsFiles: string[]; stderr: string } | { ok: false; code: number; stderr: string } }[];
  }
  const recorded = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'docker-cli-endpoints.json'), 'utf8')) as Recorded;
  const dir = recorded.configDir;

  for (const s of recorded.scenarios) {
    it(`${s.name} (${recorded.recordedWith})`, () => {
      const files: Record<string, string> = {};
      for (const [rel, text] of Object.entries(recorded.contextFiles)) files[join(dir, rel)] = text;
      if (s.config !== undefined) files[join(dir, 'config.json')] = s.config;
      const r = resolveDockerEndpoint({ env: { ...s.env, DOCKER_CONFIG: dir }, homedir: '/nowhere', platform: 'linux', fs: memFs(files) });
      if (!s.cli.ok) {
        assert.ok(!r.ok, 'the CLI failed, so must we');
        const name = /context "([^"]+)"/.exec(s.cli.stderr)![1]!;
        assert.equal(r.context, name);
        // the same meta.json path the CLI looked for
        const path = /open (\S+meta\.json)/.exec(s.cli.stderr)![1]!;
        assert.ok(r.reason.includes(path), `${r.reason} mentions ${path}`);
        return;
      }
      const e = ok(r);
      assert.equal(e.host, s.cli.host);
      assert.equal(e.context, s.cli.context);
      assert.equal(e.tls !== undefined, s.cli.skipTLSVerify || s.cli.tlsFiles.length > 0);
      if (e.tls) assert.equal(e.tls.verify, !s.cli.skipTLSVerify);
      assert.deepEqual([e.tls?.caFile, e.tls?.certFile, e.tls?.keyFile].filter(Boolean).map((p) => p!.split('/').pop()), s.cli.tlsFiles);
      assert.equal(e.warnings.some((w) => /Error loading config file/.test(w)), /Error parsing config file/.test(s.cli.stderr));
    });
  }
});
