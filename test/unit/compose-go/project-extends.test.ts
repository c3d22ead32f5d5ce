// Ported from compose-spec/compose-go loader/extends_test.go, loader/include_test.go and the extends, include and
// multi-document cases of loader/loader_test.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 (Apache-2.0; see
// SOURCES.md), with their testdata under fixtures/loader/testdata. Go tests that count listener events have no
// counterpart (no listeners here): their loads are kept, the counts left out. compose-go keeps paths relative when
// a test gives a relative working directory or turns path resolution off; here every path is made absolute, so
// those tests compare with the absolute form of what compose-go expects (docs/compose-compatibility.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configOf, LOADER_DIR, loadError, loadInline, tempProject } from './projectLoad';

const testdata = (...parts: string[]) => join(LOADER_DIR, 'testdata', ...parts);
const inline = (yaml: string, options = {}) => configOf(loadInline([['(inline)', yaml]], options));

describe('compose-go loader/extends_test.go', () => {
  it('TestExtends', () => {
    const s = inline(`
name: test-extends
services:
  test1:
    extends:
      file: testdata/extends/base.yaml
      service: base
    hostname: test1

  test2:
    extends:
      file: testdata/extends/base.yaml
      service: base
    hostname: test2

  test3:
    extends:
      file: testdata/extends/base.yaml
      service: another
    hostname: test3
`).services;
    assert.deepEqual([s.test1!.hostname, s.test2!.hostname, s.test3!.hostname], ['test1', 'test2', 'test3']);
    assert.equal(s.test3!.image, 'base');
  });

  it('TestExtendsPort', () => {
    const s = inline('\nname: test-extends-port\nservices:\n  test:\n    image: test\n    extends: \n      file: testdata/extends/base.yaml\n      service: with-port\n').services;
    assert.equal((s.test!.ports as Array<{ target: number }>)[0]!.target, 8000);
  });

  it('TestExtendsUlimits', () => {
    const s = inline('\nname: test-extends\nservices:\n  test:\n    extends:\n      file: testdata/extends/base.yaml\n      service: withUlimits\n', { skipConsistencyCheck: true }).services;
    assert.equal((s.test!.ulimits as Record<string, unknown>).nproc, 65535);
  });

  it('TestExtendsRelativePath: the build context is the extended file\'s folder', () => {
    const s = inline('\nname: test-extends-port\nservices:\n  test:\n    extends: \n      file: testdata/extends/base.yaml\n      service: with-build\n').services;
    assert.equal((s.test!.build as { context: string }).context, testdata('extends'));
  });

  it('TestExtendsNil', () => {
    assert.doesNotThrow(() => inline('\nname: test-extends-port\nservices:\n  test:\n    image: test\n    extends:\n      file: testdata/extends/base.yaml\n      service: nil\n'));
  });

  it('TestExtendsWihtMissingService', () => {
    assert.equal(loadError(() => inline('\nname: test-extends-port\nservices:\n  test:\n    image: test\n    extends:\n      file: testdata/extends/base.yaml\n')), 'extends.test.service is required');
  });

  it('TestIncludeWithExtends', () => {
    const s = inline('\nname: test-include-with-extends\ninclude: \n  - testdata/extends/nested.yaml\n').services;
    assert.ok(s['with-build']!.build);
  });

  it('TestExtendsPortOverride', () => {
    const p = loadInline([['testdata/extends/ports.yaml'], ['(override)', '\nname: test-extends-port\nservices:\n  test:\n    extends:\n      file: testdata/extends/ports.yaml\n      service: test\n']]);
    assert.equal((configOf(p).services.test!.ports as unknown[]).length, 1);
  });

  it('TestLoadExtendsSameFile', () => {
    const dir = tempProject({
      'sub/compose.yaml': '\nservices:\n  base:\n    build:\n      context: ..\n  service:\n    extends: base\n    build:\n      target: target\n',
      'compose.yaml': '\nservices:\n  out-base:\n    extends:\n      file: sub/compose.yaml\n      service: base\n  out-service:\n    extends:\n      file: sub/compose.yaml\n      service: service\n',
    });
    const s = configOf(loadInline([[join(dir, 'compose.yaml')]], { cwd: dir, projectName: 'project', skipNormalization: true, skipConsistencyCheck: true })).services;
    assert.equal(Object.keys(s).length, 2);
    assert.equal((s['out-base']!.build as { context: string }).context, dir);
    assert.equal((s['out-service']!.build as { context: string }).context, dir);
  });

  for (const name of ['with_volumes_from', 'with_depends_on', 'with_ipc', 'with_network_mode']) {
    it(`TestExtendsWithServiceRef/${name}`, () => {
      const yaml = `\nname: test-extends_${name}\nservices:\n  bar: \n    extends:\n      file: ./testdata/extends/depends_on.yaml\n      service: ${name}\n`;
      assert.match(loadError(() => inline(yaml)), /service "bar" depends on undefined service "zot"/);
      assert.doesNotThrow(() => inline(yaml + '\n  zot:\n    image: zot\n'));
    });
  }

  it('TestLoadExtendsDependsOn', () => {
    const s = inline('\nname: extends-depends_on\nservices:\n  service_a:\n    image: a\n    depends_on:\n      - service_c\n  \n  service_b:\n    extends: service_a\n    depends_on: !override\n      - service_a\n\n  service_c:\n    image: c').services;
    assert.deepEqual(s.service_b!.depends_on, { service_a: { condition: 'service_started', required: true } });
  });

  it('TestLoadExtendsListener (the chain loads)', () => {
    const s = inline('\n  name: listener-extends\n  services:\n    foo:\n      image: busybox\n      extends: bar\n    bar:\n      image: alpine\n      command: echo\n      extends: wee\n    wee:\n      extends: last\n      command: echo\n    last:\n      image: python', { skipConsistencyCheck: true, skipNormalization: true }).services;
    assert.deepEqual(s.foo, { image: 'busybox', command: ['echo'] });
    assert.deepEqual(s.wee, { image: 'python', command: ['echo'] });
  });

  it('TestLoadExtendsListenerMultipleFiles (the chain loads)', () => {
    const dir = tempProject({
      'sub/compose.yaml': '\nservices:\n  b:\n    extends: c\n    build:\n      target: fake\n  c:\n    command: echo\n',
      'compose.yaml': '\nservices:\n  a:\n    extends:\n      file: ./sub/compose.yaml\n      service: b\n',
    });
    const s = configOf(loadInline([[join(dir, 'compose.yaml')]], { cwd: dir, projectName: 'project', skipNormalization: true, skipConsistencyCheck: true })).services;
    assert.deepEqual(s.a, { command: ['echo'], build: { target: 'fake', context: dir } });
  });

  it('TestExtendsReset', () => {
    const s = inline('\nname: test-extends-reset\nservices:\n  test:\n    extends:\n      file: testdata/extends/reset.yaml\n      service: base\n').services;
    assert.equal(s.test!.command, undefined);
    assert.equal(s.test!.image, 'alpine:latest');
  });

  it('TestExtendsWithInterpolation', () => {
    const s = inline('\nname: test-extends-with-interpolation\nservices:\n  test:\n    extends: { file: testdata/extends/interpolated.yaml, service: foo }\n').services;
    assert.equal((s.test!.volumes as Array<{ source: string }>)[0]!.source, '/dev/null');
  });
});

describe('compose-go loader/loader_test.go: extends, include, documents', () => {
  it('TestLoadExtends', () => {
    const s = inline('\nname: load-extends\nservices:\n  foo:\n    image: busybox\n    extends: bar\n  bar:\n    image: alpine\n    command: echo').services;
    assert.equal(s.foo!.image, 'busybox');
    assert.deepEqual(s.foo!.command, ['echo']);
  });

  it('TestLoadExtendsOverrideCommand', () => {
    const s = inline('\nname: override-command\nservices:\n  foo:\n    image: busybox\n    extends:\n      service: bar\n    command: "/bin/ash -c \\"rm -rf /tmp/might-not-exist\\""\n  bar:\n    image: alpine\n    command: "/bin/ash -c \\"echo Oh no...\\""').services;
    assert.deepEqual(s.foo!.command, ['/bin/ash', '-c', 'rm -rf /tmp/might-not-exist']);
  });

  it('TestLoadExtendsMultipleFiles', () => {
    const dir = tempProject({
      'a/compose.yaml': '\nservices:\n  a:\n    build: .\n',
      'b/compose.yaml': '\nservices:\n  b:\n    build:\n      target: fake\n',
      'compose.yaml': '\nservices:\n  a:\n    extends:\n      file: ./a/compose.yaml\n      service: a\n  b:\n    extends:\n      file: ./b/compose.yaml\n      service: b\n',
    });
    const s = configOf(loadInline([[join(dir, 'compose.yaml')]], { cwd: dir, projectName: 'project', skipNormalization: true, skipConsistencyCheck: true })).services;
    assert.equal((s.a!.build as { context: string }).context, join(dir, 'a'));
    assert.equal((s.b!.build as { context: string }).context, dir);
  });

  it('TestLoadExtendsWihReset', () => {
    const s = inline('\nname: load-extends\nservices:\n  foo:\n    extends:\n      service: bar\n    volumes: !reset []\n  bar:\n    image: alpine\n    command: echo\n    volumes:\n       - .:/src\n').services;
    assert.equal(s.foo!.volumes, undefined);
  });

  it('TestLoadMulmtiDocumentYaml', () => {
    const s = inline('\nname: load-multi-docs\nservices:\n  test:\n    image: nginx:latest\n---\nservices:\n  test:\n    image: nginx:override\n\n').services;
    assert.equal(s.test!.image, 'nginx:override');
  });

  it('TestLoadWithExtends', () => {
    const p = loadInline([['compose-test-extends.yaml']], { cwd: testdata(), projectName: 'test' });
    assert.deepEqual(configOf(p).services, {
      importer: {
        image: 'nginx',
        container_name: 'imported',
        env_file: [{ path: testdata('subdir', 'extra.env'), required: true }],
        volumes: [{ type: 'bind', source: '/opt/data', target: '/var/lib/mysql', bind: { create_host_path: true } }],
        networks: { default: null },
        environment: { SOURCE: 'extends' },
      },
    });
  });

  it('TestLoadWithIncludeCycle', () => {
    const message = loadError(() => loadInline([['compose-include-cycle.yaml']], { cwd: testdata() }));
    const file = testdata('compose-include-cycle.yaml');
    assert.equal(message, `include cycle detected:\n${file}\n include ${file}`);
  });

  it('an extends cycle is refused with the chain (TestLoadWithResourcesCycle, local files)', () => {
    const message = loadError(() => inline('name: t\nservices:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: c\n  c:\n    extends: a\n'));
    assert.match(message, /^Circular reference:\n {2}\w in .*\(inline\)\n {2}extends \w in .*\(inline\)\n {2}extends \w in .*\(inline\)\n {2}extends \w in .*\(inline\)$/);
  });
});

describe('compose-go loader/include_test.go', () => {
  it('TestLoadIncludeExtendsCombined', () => {
    assert.doesNotThrow(() => loadInline([['testdata/combined/compose.yaml']], { projectDirectory: testdata('combined'), projectName: 'test-load-combined' }));
  });

  it('TestLoadWithMultipleInclude', () => {
    const p = loadInline(
      [['(inline)', "\nname: 'test-multi-include'\n\ninclude:\n  - path: ./testdata/subdir/compose-test-extends-imported.yaml\n    env_file: ./testdata/subdir/extra.env\n  - path: ./testdata/compose-include.yaml\n\nservices:\n  foo:\n    image: busybox\n    depends_on:\n      - imported\n"]],
      { env: { SOURCE: 'override' }, skipNormalization: true },
    );
    assert.equal(configOf(p).services.imported!.container_name, 'override');
  });

  it('TestLoadWithMultipleIncludeConflict', () => {
    const p = loadInline(
      [['(inline)', "\nname: 'test-multi-include'\n\ninclude:\n  - path: ./testdata/subdir/compose-test-extends-imported.yaml\n    env_file: ./testdata/subdir/extra.env\n  - path: ./testdata/compose-include.yaml\n    env_file: ./testdata/subdir/extra.env\n\n\nservices:\n  bar:\n    image: busybox\n    environment: !override\n      - ZOT=QIX\n"]],
      { env: { SOURCE: 'override' }, skipNormalization: true },
    );
    assert.deepEqual(configOf(p).services.bar, { image: 'busybox', environment: { ZOT: 'QIX' } });
  });

  it('TestIncludeRelative (paths made absolute here)', () => {
    const p = loadInline([['testdata/include/compose.yaml']], { projectDirectory: testdata('include'), projectName: 'test-include-relative' });
    const included = configOf(p).services.included!;
    assert.equal((included.build as { context: string }).context, testdata('include'));
    assert.equal((included.volumes as Array<{ source: string }>)[0]!.source, testdata('include'));
  });

  it('TestLoadWithIncludeEnv', () => {
    const dir = tempProject({
      'custom.env': 'VAR_NAME=value',
      'compose.yml': '\ninclude:\n  - path:\n    - ./module/compose.yml\n    env_file:\n      - ./custom.env\nservices:\n  a:\n    image: alpine\n    environment:\n      - VAR_NAME',
      'module/compose.yml': '\nservices:\n  b:\n    image: alpine\n    environment:\n      - VAR_NAME\n  c:\n    image: alpine\n    environment:\n      - VAR_NAME',
    });
    const s = configOf(loadInline([[join(dir, 'compose.yml')]], { cwd: dir, projectName: 'project', skipNormalization: true })).services;
    assert.deepEqual(s.a!.environment, { VAR_NAME: null });
    assert.deepEqual(s.b!.environment, { VAR_NAME: 'value' });
    assert.deepEqual(s.c!.environment, { VAR_NAME: 'value' });
  });

  it('TestIncludeWithProjectDirectory (paths made absolute here)', () => {
    const p = loadInline([['testdata/include/project-directory.yaml']], { projectDirectory: testdata('include'), projectName: 'test-load-project-directory' });
    const service = configOf(p).services.service!;
    assert.equal((service.build as { context: string }).context, testdata('subdir'));
    assert.equal((service.volumes as Array<{ source: string }>)[0]!.source, testdata('subdir', 'compose-test-extends-imported.yaml'));
    assert.equal((service.env_file as Array<{ path: string }>)[0]!.path, testdata('subdir', 'extra.env'));
  });

  it('TestNestedIncludeAndExtends', () => {
    const dir = tempProject({
      'compose.yml': '\ninclude:\n  - project_directory: .\n    path: dir/included.yaml\n',
      'dir/included.yaml': '\nservices:\n  included:\n    extends:\n      file: dir/extended.yaml\n      service: extended\n',
      'dir/extended.yaml': '\nservices:\n  extended:\n    image: alpine\n',
    });
    const s = configOf(loadInline([[join(dir, 'compose.yml')]], { cwd: dir, projectName: 'project', skipNormalization: true })).services;
    assert.equal(s.included!.image, 'alpine');
  });
});
