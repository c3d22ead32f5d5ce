// Bundles the extension client, the language server and the CLI with esbuild.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  // The language client, required by extension.ts on the turn after activation (vscode-languageclient is slow to load).
  build({ ...common, entryPoints: ['client/src/languageClient.ts'], outfile: 'dist/languageClient.js', external: ['vscode'] }),
  // The stack feature (dockerode, yaml, the stack modules), required lazily by extension.ts on first use. ssh2 (under
  // dockerode's docker-modem) tries optional native add-ons in try/catch: leave them out, it falls back to JS.
  build({ ...common, entryPoints: ['client/src/ui/stackFeature.ts'], outfile: 'dist/stack.js', external: ['vscode', 'cpu-features', '*.node'] }),
  // The stack plan's worker thread (stack/planOffThread.ts starts it): the Compose file is read and parsed there, off
  // the extension host's main thread. Its own bundle: a worker cannot load `vscode`, which dist/stack.js needs.
  build({ ...common, entryPoints: ['client/src/stack/plan/planWorker.ts'], outfile: 'dist/planWorker.js' }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
chmodSync('dist/cli.js', 0o755);
