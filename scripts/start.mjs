// `npm start`: the main job until the first-run issue brings a VS Code of its own. Lints the example stacks
// with the bundled CLI (built by `npm run build` first), explaining what the reader is looking at.
import { spawnSync } from 'node:child_process';

const lint = (folder) => spawnSync(process.execPath, ['dist/cli.js', 'lint', folder], { stdio: 'inherit' }).status;

console.log('\n== examples/first-attempt: a stack that starts, then fails quietly (findings expected) ==\n');
const first = lint('examples/first-attempt');
console.log('\n== examples/production: the same stack done right (no findings expected) ==\n');
const production = lint('examples/production');
console.log('\nTry the fixes on a copy: cp -r examples/first-attempt /tmp/x && node dist/cli.js lint --fix /tmp/x');
// first-attempt is meant to fail the lint (exit 1); anything else (a crash, a finding in production) is not.
process.exit(first === 1 && production === 0 ? 0 : 1);
