// npm run test:mutation [-- <file|folder|glob> ...] [-- --force] [--concurrency N]
// Runs Stryker (stryker.config.mjs) in incremental mode: reports/mutation/stryker-incremental.json keeps the last
// results, so a rerun tests only the mutants whose code or covering tests changed. Files or folders given narrow
// the run to them (results of the other files are kept); --force retests everything in scope.
// Then writes bench/MUTATION.md from reports/mutation/mutation.json.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const args = process.argv.slice(2);
const files = [];
const passThrough = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    passThrough.push(args[i]);
    if (['--concurrency', '--logLevel', '--timeoutMS'].includes(args[i]) && args[i + 1] !== undefined) passThrough.push(args[++i]);
  } else files.push(args[i]);
}
const env = { ...process.env };
if (files.length) env.MUTATE = [env.MUTATE, ...files].filter(Boolean).join(',');
const started = Date.now();
const stryker = spawnSync(process.execPath, [join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', 'stryker.config.mjs', ...passThrough], { stdio: 'inherit', cwd: root, env });
console.log(`\nmutation run: ${Math.round((Date.now() - started) / 1000)} s`);
if (stryker.status !== 0) process.exit(stryker.status ?? 1);
const summary = spawnSync(process.execPath, [join(root, 'scripts/mutation/summary.mjs')], { stdio: 'inherit', cwd: root });
process.exit(summary.status ?? 1);
