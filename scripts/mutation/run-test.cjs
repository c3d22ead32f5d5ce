// Runs one compiled test file for Stryker's tap runner: `node -r <stryker hook> --test-reporter=tap
// scripts/mutation/run-test.cjs test/rules/x.test.ts`. The test is named by its TypeScript source, so Stryker's
// incremental mode sees when a test file changed; the code that runs is the compiled one in MUTATION_OUT_DIR.
const { resolve } = require('node:path');
const file = process.argv[2];
require(resolve(process.env.MUTATION_OUT_DIR || 'out-mutation', file.replace(/\.ts$/, '.js')));
