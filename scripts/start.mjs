// `npm start` (after `npm run build`): packages the extension, installs it into a local VS Code (code-server 4.100.3,
// installed on first use into the git-ignored .cache/), builds the demo stack's images when a Docker engine answers,
// opens examples/ and prints the URL. Ctrl+C stops it (and everything code-server started).
// Options (environment): PORT (default 8899, else a free one), START_NO_BROWSER_HINT=1, START_DRY_RUN=1 (set up,
// print the URL, check that it answers, then stop: what the README check does).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_ENTRY, installCodeServer } from './install-code-server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STATE = join(ROOT, '.cache/start');
const VSIX = join(ROOT, 'inference-stack.vsix');

function step(text) {
  console.log(`\n» ${text}`);
}

function run(file, args, options = {}) {
  const r = spawnSync(file, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function choosePort() {
  const wanted = Number(process.env.PORT ?? 8899);
  if (await portFree(wanted)) return wanted;
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function main() {
  step('Packaging the extension (inference-stack.vsix)');
  run(process.execPath, [join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', VSIX], { stdio: ['ignore', 'ignore', 'inherit'] });

  step('VS Code (code-server 4.100.3)');
  installCodeServer();

  step('Demo stack images (examples/demo)');
  const docker = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (docker.status === 0) run(process.execPath, [join(ROOT, 'scripts/build-test-images.mjs')]);
  else console.log('No Docker engine answers: the editor features work; start Docker to try "Start Inference Stack" on examples/demo.');

  const userData = join(STATE, 'user-data');
  const extensions = join(STATE, 'extensions');
  const xdg = join(STATE, 'xdg');
  for (const d of [join(userData, 'User'), extensions, xdg]) mkdirSync(d, { recursive: true });
  const settingsFile = join(userData, 'User/settings.json');
  if (!existsSync(settingsFile)) {
    writeFileSync(settingsFile, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false }, null, 2));
  }
  const env = { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache') };
  const dirs = ['--user-data-dir', userData, '--extensions-dir', extensions];
  step('Installing the extension into it');
  run(process.execPath, [CODE_SERVER_ENTRY, ...dirs, '--install-extension', VSIX, '--force'], { env, stdio: ['ignore', 'ignore', 'inherit'] });

  const port = await choosePort();
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(join(ROOT, 'examples'))}`;
  // detached: code-server leads its own process group, so stopping it stops its extension hosts and language servers.
  const server = spawn(
    process.execPath,
    [CODE_SERVER_ENTRY, ...dirs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', join(ROOT, 'examples')],
    { env, detached: true, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.once('SIGINT', () => (stop(), process.exit(0)));
  process.once('SIGTERM', () => (stop(), process.exit(0)));
  server.once('exit', (code) => {
    console.error(`code-server exited (${code})`);
    process.exit(code ?? 1);
  });
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error('code-server did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`\nInference Stack is running in VS Code at:\n\n  ${url}\n`);
  console.log('Open examples/first-attempt/docker-compose.yml for findings and quick fixes; run "Inference Stack: Start Inference Stack" on examples/demo/compose.yaml. Ctrl+C stops.');
  if (process.env.START_DRY_RUN === '1') {
    stop();
    process.exit(0);
  }
}

main().catch((err) => {
  console.error(`npm start: ${err.message}`);
  process.exit(1);
});
