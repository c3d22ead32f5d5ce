// Compiles the TypeScript tests with tsc (type-checking them too) and runs them with node's test runner.
// Usage: node scripts/test.mjs [folder-or-file under test/ ...]   (default: all of test/ except docker and e2e)
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// OUT_DIR lets several people (or helpers) test one tree at once without sharing compiled output.
const outDir = process.env.OUT_DIR ?? 'out';
rmSync(join(root, outDir), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', join(root, outDir)], { stdio: 'inherit' });
// TEST_IGNORE_TYPE_ERRORS=1 runs the tests even when another file in the tree does not type-check yet.
if (tsc.status !== 0 && process.env.TEST_IGNORE_TYPE_ERRORS !== '1') process.exit(tsc.status ?? 1);

const targets = (process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit', 'test/rules', 'test/corpus', 'test/lsp', 'test/cli', 'test/stack'])
        .map((t) => join(root, outDir, t.replace(/\.ts$/, '.js')))
  .filter((t) => existsSync(t));
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...targets], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
