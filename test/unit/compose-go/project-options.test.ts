// Ported from compose-spec/compose-go cli/options_test.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 (Apache-2.0;
// see SOURCES.md), with its testdata under fixtures/cli/testdata: which files, which variables and which name a
// project gets. Left out: TestProjectComposefilesFromStdin (`-f -` is not read here), TestEnvMap (a Go helper);
// TestProjectWithDiscardEnvFile and TestProjectWithMultipleEnvFile keep their checks but the one on `env_file`
// being dropped (WithDiscardEnvFile is a Go API `docker compose config` does not use).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { boundedReader, defaultConfigFiles, loadProject, projectForFile, resolveProjectOptions, type ProjectInput } from '../../../server/src/compose/project';
import { configOf, loadError, tempProject } from './projectLoad';

const CLI_DIR = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'compose-go', 'fixtures', 'cli');
const reader = boundedReader({ root: undefined });

function load(input: Partial<ProjectInput> & { env?: Record<string, string> }) {
  const { env, ...rest } = input;
  return loadProject({ cwd: CLI_DIR, environment: new Map(Object.entries(env ?? {})), ...rest }, reader);
}
const simple = ['testdata/simple/compose.yaml'];

describe('compose-go cli/options_test.go', () => {
  it('TestProjectName/by name', () => assert.equal(load({ files: simple, projectName: 'my_project' }).name, 'my_project'));

  it('TestProjectName/by name start with number', () => {
    assert.equal(load({ files: simple, projectName: '42my_project_num' }).name, '42my_project_num');
    assert.equal(load({ files: simple, env: { COMPOSE_PROJECT_NAME: '42my_project_env' } }).name, '42my_project_env');
  });

  it('TestProjectName/by name empty', () => assert.equal(load({ files: simple, projectName: '' }).name, 'simple'));

  it('TestProjectName/by name empty working dir', () => {
    assert.equal(load({ files: simple, projectName: '', projectDirectory: '/path/to/proj' }).name, 'proj');
  });

  it('TestProjectName/by name must not come from root directory', () => {
    assert.match(loadError(() => load({ files: simple, projectDirectory: '/' })), /project name must not be empty/);
  });

  for (const bad of ['-my_project', '_my_project', 'www.my.project', 'MY_PROJECT']) {
    it(`TestProjectName/invalid ${bad}`, () => {
      const message = `invalid project name ${JSON.stringify(bad)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`;
      assert.equal(loadError(() => load({ files: simple, projectName: bad })), message);
      assert.equal(loadError(() => load({ files: simple, env: { COMPOSE_PROJECT_NAME: bad } })), message);
    });
  }

  it('TestProjectName/by working dir', () => assert.equal(load({ files: simple, projectDirectory: '.' }).name, 'cli'));
  it('TestProjectName/by compose file parent dir', () => assert.equal(load({ files: simple }).name, 'simple'));
  it('TestProjectName/by compose file parent dir special', () => assert.equal(load({ files: ['testdata/UNNORMALIZED PATH/compose.yaml'] }).name, 'unnormalizedpath'));
  it('TestProjectName/by COMPOSE_PROJECT_NAME', () => assert.equal(load({ files: simple, env: { COMPOSE_PROJECT_NAME: 'my_project_from_env' } }).name, 'my_project_from_env'));
  it('TestProjectName/by .env (COMPOSE_FILE and COMPOSE_PROJECT_NAME from it)', () => {
    assert.equal(load({ cwd: join(CLI_DIR, 'testdata', 'env-file') }).name, 'my_project_from_dot_env');
  });
  it('TestProjectName/by name in compose.yaml with variable', () => {
    assert.equal(load({ files: ['testdata/simple/compose-name.yaml'], env: { TEST: 'expected' } }).name, 'test-expected-test');
  });

  it('TestProjectFromSetOfFiles', () => {
    const p = load({ files: [...simple, 'testdata/simple/compose-with-overrides.yaml'], projectName: 'my_project' });
    assert.equal(configOf(p).services.simple!.image, 'haproxy');
  });

  it('TestProjectComposefilesFromSetOfFiles', () => {
    const options = resolveProjectOptions({ cwd: CLI_DIR, environment: new Map(), projectDirectory: 'testdata/simple/' }, reader);
    assert.deepEqual(options.configFiles, [join(CLI_DIR, 'testdata', 'simple', 'compose.yaml')]);
  });

  it('TestProjectComposefilesFromWorkingDir', () => {
    const options = resolveProjectOptions({ cwd: CLI_DIR, environment: new Map(), files: [...simple, 'testdata/simple/compose-with-overrides.yaml'] }, reader);
    assert.deepEqual(options.configFiles, [join(CLI_DIR, 'testdata', 'simple', 'compose.yaml'), join(CLI_DIR, 'testdata', 'simple', 'compose-with-overrides.yaml')]);
  });

  it('TestProjectWithDotEnv', () => {
    const p = load({ cwd: join(CLI_DIR, 'testdata', 'simple'), files: ['compose-with-variables.yaml'], projectName: 'my_project' });
    assert.equal((configOf(p).services.simple!.ports as Array<{ published: string }>)[0]!.published, '8000');
  });

  it('TestProjectWithDiscardEnvFile (but env_file)', () => {
    const p = load({ files: ['testdata/env-file/compose-with-env-file.yaml'] });
    const simpleService = configOf(p).services.simple!;
    assert.deepEqual(simpleService.environment, { DEFAULT_PORT: '8080' });
    assert.equal((simpleService.ports as Array<{ published: string }>)[0]!.published, '8000');
    assert.match(p.warnings.join('\n'), /the attribute `version` is obsolete/);
  });

  it('TestProjectWithMultipleEnvFile (but env_file)', () => {
    const p = load({ files: ['testdata/env-file/compose-with-env-files.yaml'], envFiles: ['testdata/env-file/.env', 'testdata/env-file/override.env'] });
    const simpleService = configOf(p).services.simple!;
    assert.deepEqual(simpleService.environment, { DEFAULT_PORT: '9090' });
    assert.equal((simpleService.ports as Array<{ published: string }>)[0]!.published, '9000');
  });

  it('TestProjectNameFromWorkingDir (the Go test reads no .env: COMPOSE_DISABLE_ENV_FILE here)', () => {
    const files = ['testdata/env-file/compose-with-env-file.yaml'];
    assert.equal(load({ files, env: { COMPOSE_DISABLE_ENV_FILE: 'true' } }).name, 'env-file');
    // docker compose reads that folder's .env, whose COMPOSE_PROJECT_NAME then names the project.
    assert.equal(load({ files }).name, 'my_project_from_dot_env');
  });

  for (const [name, osEnv, expected] of [
    ['no value set in environment', {}, { FOO: 'foo', BAR: 'foo' }],
    ['conflict with value set in environment', { FOO: 'zot' }, { FOO: 'zot', BAR: 'zot' }],
  ] as const) {
    it(`TestEnvVariablePrecedence/${name}`, () => {
      const dir = tempProject({ '.env': 'FOO=foo\nBAR=${FOO}' });
      const options = resolveProjectOptions({ cwd: dir, environment: new Map(Object.entries(osEnv)) }, reader);
      assert.deepEqual(Object.fromEntries(options.environment), expected);
    });
  }
});

describe('which files form a project (cli/options.go)', () => {
  it('compose.yaml wins over docker-compose.yml (with a warning), and its override file comes after it', () => {
    const dir = tempProject({ 'docker-compose.yml': 'services: {}\n', 'compose.yaml': 'services: {}\n', 'docker-compose.override.yaml': 'services: {}\n' });
    const warnings: string[] = [];
    assert.deepEqual(defaultConfigFiles(dir, reader, warnings), [join(dir, 'compose.yaml'), join(dir, 'docker-compose.override.yaml')]);
    assert.match(warnings[0]!, /^Found multiple config files with supported names: .*compose\.yaml, .*docker-compose\.yml$/);
  });

  it('is found in the nearest parent folder that has one', () => {
    const dir = tempProject({ 'compose.yaml': 'services: {}\n', 'compose.override.yml': 'services: {}\n', 'sub/deeper/notes.txt': '' });
    assert.deepEqual(defaultConfigFiles(join(dir, 'sub', 'deeper'), reader), [join(dir, 'compose.yaml'), join(dir, 'compose.override.yml')]);
  });

  it('COMPOSE_FILE from the environment wins over the .env, relative to the current folder; a missing one is an error', () => {
    const dir = tempProject({ 'a.yaml': 'services: {}\n', 'b.yaml': 'services: {}\n', '.env': 'COMPOSE_FILE=b.yaml\n' });
    const files = (env: Record<string, string>) => resolveProjectOptions({ cwd: dir, environment: new Map(Object.entries(env)) }, reader).configFiles;
    assert.deepEqual(files({}), [join(dir, 'b.yaml')]);
    assert.deepEqual(files({ COMPOSE_FILE: 'a.yaml:b.yaml' }), [join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
    assert.equal(loadError(() => files({ COMPOSE_FILE: 'a.yaml:c.yaml' })), `stat ${join(dir, 'c.yaml')}: no such file or directory`);
  });

  it('COMPOSE_PROFILES is used when no --profile is given', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  a:\n    image: a\n  b:\n    image: b\n    profiles: [gpu]\n' });
    const services = (profiles: string[] | undefined, env: Record<string, string>) => Object.keys(configOf(loadProject({ cwd: dir, environment: new Map(Object.entries(env)), profiles }, reader)).services);
    assert.deepEqual(services(undefined, {}), ['a']);
    assert.deepEqual(services(undefined, { COMPOSE_PROFILES: 'cpu, gpu' }), ['a', 'b']);
    assert.deepEqual(services(['cpu'], { COMPOSE_PROFILES: 'gpu' }), ['a']);
  });

  it('${COMPOSE_PROJECT_NAME} can be used in the files', () => {
    const dir = tempProject({ 'compose.yaml': 'name: demo\nservices:\n  a:\n    image: a\n    container_name: ${COMPOSE_PROJECT_NAME}-a\n' });
    assert.equal(configOf(loadProject({ cwd: dir, environment: new Map() }, reader)).services.a!.container_name, 'demo-a');
  });

  it('an interpolation error names the path, a failed type cast too', () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  a:\n    image: ${TAG:?set TAG}\n', 'cast.yaml': 'services:\n  a:\n    image: a\n    privileged: ${PRIV:-maybe}\n' });
    assert.equal(loadError(() => loadProject({ cwd: dir, environment: new Map() }, reader)), 'error while interpolating services.a.image: required variable TAG is missing a value: set TAG');
    assert.equal(loadError(() => loadProject({ cwd: dir, environment: new Map(), files: ['cast.yaml'] }, reader)), 'error while interpolating services.a.privileged: failed to cast to expected type: invalid boolean: maybe');
  });

  it('a file belongs to its folder\'s project when that project names it, else stands alone', () => {
    const dir = tempProject({ 'compose.yaml': 'services: {}\n', 'compose.override.yaml': 'services: {}\n', 'other.yaml': 'services: {}\n', '.env': 'A=1\n' });
    const files = (name: string) => projectForFile(join(dir, name), new Map(), reader).configFiles;
    assert.deepEqual(files('compose.override.yaml'), [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
    assert.deepEqual(files('other.yaml'), [join(dir, 'other.yaml')]);
    assert.equal(projectForFile(join(dir, 'other.yaml'), new Map(), reader).environment.get('A'), '1');
  });
});
