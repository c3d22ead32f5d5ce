// Mutation testing: `npm run test:mutation` (scripts/mutation/run.mjs) runs Stryker with this file.
// What is mutated: server/src (generated tables left out) and the pure modules of client/src/stack — those that do
// not load vscode or dockerode, directly or through another module. MUTATE=<file or glob, comma-separated> narrows
// it (run.mjs sets it from its arguments).
// Which tests run: the unit-level tests that load a mutated module (the import graph of the TypeScript sources);
// then Stryker's per-test coverage (each test file is one "test" for the tap runner) runs each mutant only against
// the test files that executed it. The CLI and LSP tests that drive dist/ (the esbuild bundle, not rebuilt from the
// mutants) cannot see a mutant, so they are left out.
import { closure, listFiles, loadsPackage } from './scripts/mutation/importGraph.mjs';

const serverFiles = listFiles('server/src').filter((f) => !/\.generated\.ts$/.test(f) && !f.endsWith('.d.ts'));
const clientFiles = listFiles('client/src/stack').filter((f) => !loadsPackage(f, ['vscode', 'dockerode']));
const allMutable = [...serverFiles, ...clientFiles];

const globToRegExp = (glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*')}$`);
const wanted = (process.env.MUTATE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
// An entry may carry Stryker's line range: server/src/rules/secret-literal.ts:40-90 mutates those lines only.
const matches = (f, w) => f === w || f.startsWith(`${w.replace(/\/$/, '')}/`) || globToRegExp(w).test(f);
const mutate = wanted.length
  ? allMutable.flatMap((f) => wanted.flatMap((w) => {
    const [, path, range] = /^(.*?)(?::(\d+(?::\d+)?-\d+(?::\d+)?))?$/.exec(w);
    return matches(f, path) ? [range ? `${f}:${range}` : f] : [];
  }))
  : allMutable;
if (wanted.length && !mutate.length) throw new Error(`MUTATE=${process.env.MUTATE}: no mutable file matches (server/src/**, pure client/src/stack/**)`);

// Never run here: the tests driving dist/ in a child process, the wall-clock budget tests (instrumented code is
// several times slower, so they fail on the unmutated code), and the Docker/e2e/device tests.
const NOT_HERE = new Set(['test/cli/cli.test.ts', 'test/lsp/server.test.ts', 'test/security/analysisBudget.test.ts', 'test/security/masking.test.ts']);
const mutateSet = new Set(mutate.map((m) => m.replace(/:[\d:-]+$/, '')));
const testFiles = ['unit', 'security', 'rules', 'corpus', 'lsp', 'cli', 'stack']
  .flatMap((d) => listFiles(`test/${d}`, /\.test\.ts$/))
  .filter((t) => !NOT_HERE.has(t))
  .filter((t) => [...closure(t)].some((f) => mutateSet.has(f)));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles,
    nodeArgs: ['--test-reporter=tap', 'scripts/mutation/run-test.cjs', '{{testFile}}'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  buildCommand: 'node scripts/mutation/build.mjs',
  mutate,
  // The instrumented files are compiled by tsc: they get `// @ts-nocheck` (the default covers only src/, lib/, test/).
  disableTypeChecks: '{server,client}/src/**/*.ts',
  ignorePatterns: ['/out', '/out-*', '/dist/*.map', '/test-artifacts', '/bench/generated', '/*.vsix', '/images', '/.cache', '/reports'],
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['progress', 'clear-text', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { reportTests: false, reportScoreTable: true, allowEmojis: false },
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
