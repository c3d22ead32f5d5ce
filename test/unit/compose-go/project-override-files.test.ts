// Ported from compose-spec/compose-go loader/override_test.go, loader/merge_reset_test.go and
// loader/loader_yaml_test.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 (Apache-2.0; see SOURCES.md).
// Each Go test loads inline files with LoadWithContext; here loadInline does the same through loadProject.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CycleTracker } from '../../../server/src/compose/project/extends';
import { loadYamlModel } from '../../../server/src/compose/project/loader';
import { toPlain } from '../../../server/src/compose/project/tree';
import { configOf, inlineReader, LOADER_DIR, loadError, loadInline, tempProject } from './projectLoad';

describe('compose-go loader/override_test.go', () => {
  it('TestOverrideNetworks', () => {
    const p = loadInline([
      ['base', 'name: test-override-networks\nservices:\n  test:\n    image: test\n    networks:\n      - test_network\n\nnetworks:\n  test_network: {}\n'],
      ['override', 'services:\n  test:\n    image: test\n    networks:\n      test_network: \n        aliases:\n          - alias1\n          - alias2\n'],
    ]);
    assert.deepEqual((configOf(p).services.test!.networks as Record<string, { aliases: string[] }>).test_network!.aliases, ['alias1', 'alias2']);
  });

  it('TestOverrideBuildContext', () => {
    const p = loadInline([
      ['base', 'name: test-override-networks\nservices:\n  test:\n    build: .\n'],
      ['override', 'services:\n  test:\n    build:\n      context: src\n'],
    ]);
    // compose-go resolves paths against the working directory (its test compares before resolution: "src").
    assert.equal((configOf(p).services.test!.build as { context: string }).context, join(LOADER_DIR, 'src'));
  });

  it('TestOverrideDepends_on', () => {
    const p = loadInline([
      ['base', 'name: test-override-networks\nservices:\n  test:\n    image: test\n    depends_on:\n      - foo\n  foo:\n    image: foo\n'],
      ['override', 'services:\n  test:\n    depends_on:\n      foo:\n        condition: service_healthy\n        required: false\n'],
    ]);
    assert.equal((configOf(p).services.test!.depends_on as Record<string, { required: boolean }>).foo!.required, false);
  });

  it('TestOverridePartial', () => {
    const p = loadInline([
      ['base', 'name: test-override-networks\nservices:\n  test:\n    image: test\n    depends_on:\n      foo:\n        condition: service_healthy\n\n  foo: \n    image: foo\n'],
      ['override', 'services:\n  test:\n    depends_on:\n      foo:\n        # This is invalid according to json schema as condition is required\n        required: false\n'],
    ]);
    assert.deepEqual(configOf(p).services.test!.depends_on, { foo: { condition: 'service_healthy', required: false } });
  });

  it('TestOverrideVolume', () => {
    const p = loadInline([
      ['base', 'name: test-override-volume\nservices:\n  test:\n    image: test\n    volumes:\n      - ./src:/src\n'],
      ['override', 'services:\n  test:\n    volumes:\n      - ./src:/src\n'],
    ]);
    assert.equal((configOf(p).services.test!.volumes as unknown[]).length, 1);
  });

  it('TestOverrideMiddle', () => {
    const dir = tempProject({
      'base.yaml': '\nservices:\n  base:\n    volumes:\n      - /foo:/foo\n    networks:\n      - foo\n',
      'override.yaml': '\nservices:\n  override:\n    extends:\n      file: ./base.yaml\n      service: base\n    volumes: !override\n      -  /bar:/bar\n    networks: !override\n      - bar\n',
      'compose.yaml': '\nname: test\nservices:\n  test:\n    image: test\n    extends:\n      file: ./override.yaml\n      service: override\n    volumes:\n      - /zot:/zot\n    networks: !override\n      - zot\n\nnetworks:\n  zot: {}\n',
    });
    const test = configOf(loadInline([[join(dir, 'compose.yaml')]], { cwd: dir })).services.test!;
    assert.deepEqual(test.volumes, [
      { type: 'bind', source: '/bar', target: '/bar', bind: { create_host_path: true } },
      { type: 'bind', source: '/zot', target: '/zot', bind: { create_host_path: true } },
    ]);
    assert.deepEqual(test.networks, { zot: null });
  });

  it('TestOverrideSelfExtends', () => {
    const yaml = `
name: test-override-extends
services:
  depend_base:
    image: nginx
    ports:
      - "8092:80"
  depend_one:
    image: nginx
    ports:
      - "8091:80"
  depend_two:
    extends:
      service: depend_one
  main_one:
    image: nginx
    depends_on:
      - depend_one
    ports:
      - "8090:80"
  main_two:
    extends: main_one
    depends_on: !override
      - depend_two
  main:
    extends:
      service: main_two
    depends_on:
      - depend_base
`;
    assert.deepEqual(configOf(loadInline([['-inline', yaml]])).services.main!.depends_on, {
      depend_base: { condition: 'service_started', required: true },
      depend_two: { condition: 'service_started', required: true },
    });
  });
});

describe('compose-go loader/merge_reset_test.go', () => {
  it('Test_LoadWithReset', () => {
    const p = loadInline(
      [
        ['base.yml', '\n name: test\n services:\n   foo:\n     build:\n       context: .\n       dockerfile: foo.Dockerfile\n     environment:\n       FOO: BAR'],
        ['override.yml', '\n services:\n   foo:\n     image: foo\n     build: !reset  \n     environment:\n       FOO: !reset\n'],
      ],
      { skipNormalization: true },
    );
    // compose-go prints an empty environment as nothing: the service is its name and image.
    assert.deepEqual(configOf(p).services.foo, { image: 'foo' });
  });

  it('Test_DuplicateReset', () => {
    const message = loadError(() => loadInline([['duplicate.yml', '\n name: test\n services:\n   foo:\n     command: hello\n     command: !reset hello world\n']], { skipNormalization: true }));
    assert.match(message, /line 6: mapping key "command" already defined at line 5/);
  });
});

describe('compose-go loader/loader_yaml_test.go', () => {
  const model = (files: Record<string, string>) => {
    const inline = Object.fromEntries(Object.entries(files).map(([k, v]) => [join(LOADER_DIR, k), v]));
    const scope = { reader: inlineReader(inline), options: { resolvePaths: false }, loaderDir: LOADER_DIR, env: new Map<string, string>() };
    return toPlain(loadYamlModel(Object.keys(inline), LOADER_DIR, scope, new CycleTracker(), [], { files: new Map(), warnings: [] }));
  };

  it('TestParseYAMLFiles', () => {
    const got = model({
      'test.yaml': '\nx-extension:\n    test1: first\n\nservices:\n  test:\n    image: foo\n    command: echo hello\n    init: true\n',
      'override.yaml': '\nx-extension:\n    test2: second\n\nservices:\n  test:\n    image: bar\n    command: echo world\n    init: false\n',
    });
    assert.deepEqual(got, { services: { test: { image: 'bar', command: 'echo world', init: false } }, 'x-extension': { test1: 'first', test2: 'second' } });
  });

  it('TestParseYAMLFilesMergeOverride', () => {
    const got = model({
      'override.yaml': `
services:
  base:
    configs:
      - source: credentials
        target: /credentials/file1
  x: &x
    extends:
      base
    configs: !override
      - source: credentials
        target: /literally-anywhere-else

  y:
    <<: *x

configs:
  credentials:
    content: |
      dummy value
`,
    });
    const other = [{ source: 'credentials', target: '/literally-anywhere-else' }];
    assert.deepEqual(got, {
      configs: { credentials: { content: 'dummy value\n' } },
      services: { base: { configs: [{ source: 'credentials', target: '/credentials/file1' }] }, x: { configs: other }, y: { configs: other } },
    });
  });
});
