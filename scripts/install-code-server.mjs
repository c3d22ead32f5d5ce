#!/usr/bin/env node
// Installs code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) and playwright-core into the
// git-ignored .cache/code-server, on first use, offline but for the npm registry. Nothing goes into package.json
// or the home directory. Recipe and reasons: test/e2e/E2E.md and test/e2e/README.md.
// Needs Debian's libkrb5-dev (headers for a native module) and ripgrep; chromium only for the browser tests.
// Usage: node scripts/install-code-server.mjs [--with-playwright]   (idempotent; prints where it is)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
// The version the browser tests were written against (it drives Debian's chromium over CDP; no browser download).
export const PLAYWRIGHT_VERSION = '1.65.1';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = process.env.E2E_CACHE ?? join(ROOT, '.cache/code-server');
export const CODE_SERVER_ENTRY = join(CACHE, 'node_modules/code-server/out/node/entry.js');
const RG_VERSION = '1.15.11'; // @vscode/ripgrep's version in code-server 4.100.3

function which(name) {
  return (process.env.PATH ?? '').split(':').map((d) => join(d, name)).find((p) => existsSync(p));
}

export function codeServerInstalled(withPlaywright = false) {
  return existsSync(CODE_SERVER_ENTRY) && (!withPlaywright || existsSync(join(CACHE, 'node_modules/playwright-core')));
}

export function installCodeServer({ withPlaywright = false, log = console.log } = {}) {
  if (codeServerInstalled(withPlaywright)) return;
  const missing = [];
  if (!which('rg')) missing.push('ripgrep');
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h')) missing.push('libkrb5-dev');
  if (missing.length) {
    throw new Error(`code-server needs Debian packages first: apt-get install -y ${missing.join(' ')}`);
  }
  const tmp = join(ROOT, '.cache/tmp');
  const xdg = join(ROOT, '.cache/xdg');
  for (const d of [CACHE, tmp, join(xdg, 'config'), join(xdg, 'data'), join(xdg, 'cache')]) mkdirSync(d, { recursive: true });
  // @vscode/ripgrep downloads rg from GitHub in its postinstall unless its cache already holds the archive: give it
  // Debian's rg, packed the way it expects.
  const rgCache = join(tmp, `vscode-ripgrep-cache-${RG_VERSION}`);
  const rgArchive = join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (!existsSync(rgArchive)) {
    const pack = join(tmp, 'rgpack');
    mkdirSync(rgCache, { recursive: true });
    mkdirSync(pack, { recursive: true });
    copyFileSync(which('rg'), join(pack, 'rg'));
    const tar = spawnSync('tar', ['-czf', rgArchive, '-C', pack, 'rg'], { stdio: 'inherit' });
    rmSync(pack, { recursive: true, force: true });
    if (tar.status !== 0) throw new Error('could not pack ripgrep for @vscode/ripgrep');
  }
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${CACHE} (once, about 2 minutes)…`);
  const packages = [`code-server@${CODE_SERVER_VERSION}`, ...(withPlaywright ? [`playwright-core@${PLAYWRIGHT_VERSION}`] : [])];
  const env = {
    ...process.env,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
    npm_config_nodedir: process.env.npm_config_nodedir ?? dirname(dirname(process.execPath)), // headers of this Node, no download
    npm_config_unsafe_perm: 'true', // its postinstall refuses to run as root otherwise
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`, which would ask
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  const npm = spawnSync('npm', ['install', '--prefix', CACHE, '--foreground-scripts', '--no-save', ...packages], { env, stdio: 'inherit' });
  if (npm.status !== 0 || !codeServerInstalled(withPlaywright)) throw new Error(`npm install of ${packages.join(' ')} failed (exit ${npm.status})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    installCodeServer({ withPlaywright: process.argv.includes('--with-playwright') });
    console.log(`code-server ${CODE_SERVER_VERSION}: ${CODE_SERVER_ENTRY}`);
  } catch (err) {
    console.error(`install-code-server: ${err.message}`);
    process.exit(1);
  }
}
