// Stryker's buildCommand: compiles the sandbox (whose mutated files Stryker has instrumented) into out-mutation.
// A type error elsewhere in the tree (another change in progress) is reported but does not stop the run, as long
// as tsc emitted the tests: the instrumented files carry `// @ts-nocheck`. The sandbox gets its node_modules link
// after the build, so typescript is found the way node finds it (the project's node_modules, above the sandbox).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const outDir = process.env.MUTATION_OUT_DIR || 'out-mutation';
const tsc = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', outDir], { stdio: 'inherit' });
if (tsc.status !== 0) {
  if (!existsSync(join(outDir, 'test'))) process.exit(tsc.status ?? 1);
  console.error(`mutation build: tsc reported errors (exit ${tsc.status}); the emitted JavaScript is used anyway.`);
}
