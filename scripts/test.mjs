// Compiles the TypeScript tests with tsc (type-checking them too) and runs them with node's test runner.
// Usage: node scripts/test.mjs [folder-or-file under test/ ...]   (default: all of test/ except e2e; test/docker included)
//
// test/docker needs a running Docker engine and the stand-in image: before those tests run, the engine is checked
// the way the extension reaches it (DOCKER_HOST, else the current context) and the image is built if its inputs
// changed. An unreachable engine FAILS the run with the reason; it never skips quietly. The Docker tests run one
// file at a time (--test-concurrency=1): they share one engine and its CPU.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// OUT_DIR lets several people (or helpers) test one tree at once without sharing compiled output.
const outDir = process.env.OUT_DIR ?? 'out';
rmSync(join(root, outDir), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', join(root, outDir)], { stdio: 'inherit' });
// TEST_IGNORE_TYPE_ERRORS=1 runs the tests even when another file in the tree does not type-check yet.
if (tsc.status !== 0 && process.env.TEST_IGNORE_TYPE_ERRORS !== '1') process.exit(tsc.status ?? 1);

const DEFAULT_TARGETS = ['test/unit', 'test/security', 'test/rules', 'test/corpus', 'test/lsp', 'test/cli', 'test/stack', 'test/docker'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_TARGETS;
const isDocker = (t) => /^test\/docker(\/|$)/.test(relative(root, join(root, t)).split('\\').join('/'));
const compiled = (list) => list.map((t) => join(root, outDir, t.replace(/\.ts$/, '.js'))).filter((t) => existsSync(t));
const plain = compiled(wanted.filter((t) => !isDocker(t)));
const docker = compiled(wanted.filter(isDocker));

/** Fails (exit 1) with the reason when the engine does not answer; builds the stand-in image. */
async function prepareDocker() {
  const require = createRequire(import.meta.url);
  const { connectDockerFromProcess, checkEngine } = require(join(root, outDir, 'client/src/stack/docker/dockerApi.js'));
  const connected = connectDockerFromProcess();
  const problem = connected.ok ? (await checkEngine(connected.connection, { timeoutMs: 10_000 })).problem : connected.problem;
  if (problem) {
    console.error(`\nthe Docker tests need a running engine: ${problem.title}${problem.endpoint ? ` (${problem.endpoint})` : ''}.\n` +
      `  ${problem.steps.join('\n  ')}\n` +
      '  Here: start it with `(dockerd > /tmp/dockerd.log 2>&1 &)`; .ci/run installs and starts one.\n');
    return false;
  }
  const build = spawnSync(process.execPath, [join(root, 'scripts/build-test-images.mjs'), 'standin'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('\nthe Docker tests need the stand-in image: scripts/build-test-images.mjs failed (see above).\n');
    return false;
  }
  return true;
}

let status = 0;
if (plain.length) {
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...plain], { stdio: 'inherit', cwd: root });
  status ||= run.status ?? 1;
}
if (docker.length) {
  if (!(await prepareDocker())) status ||= 1;
  else {
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...docker], { stdio: 'inherit', cwd: root });
    status ||= run.status ?? 1;
  }
}
if (!plain.length && !docker.length) {
  console.error(`no compiled tests found for: ${wanted.join(' ')}`);
  status = 1;
}
process.exit(status);
