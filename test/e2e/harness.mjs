// A real VS Code (code-server 4.100.3, i.e. VS Code 1.100.3) driven by Debian's chromium through playwright-core.
// Setup and background: test/e2e/E2E.md and test/e2e/README.md. Nothing here is part of `npm test`: it needs
// code-server and playwright-core installed into .cache/code-server (see README.md), and /usr/bin/chromium.
//
//   const vsc = await startVSCode({ vsix, folder });
//   await vsc.openFile('first-attempt/docker-compose.yml');
//   const rows = await vsc.waitForProblems((ps) => ps.some((p) => p.code === 'secret-literal'));
//   await vsc.screenshot('problems');
//   await vsc.stop();

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = process.env.E2E_CACHE ?? path.join(REPO, '.cache/code-server');
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? path.join(REPO, 'test-artifacts');
const CODE_SERVER = path.join(CACHE, 'node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
/** The title of the extension's view container in the activity bar. */
const EXTENSION_VIEW_CONTAINER = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).contributes.viewsContainers.activitybar[0].title;

const requireFromCache = createRequire(path.join(CACHE, 'package.json'));

/** Polls `fn` until it returns a truthy value (returned) or `timeoutMs` passes (throws, with the last value). */
export async function waitFor(what, fn, { timeoutMs = 15000, intervalMs = 100 } = {}) {
  const start = Date.now();
  let last;
  let lastError;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - start > timeoutMs) {
      const detail = lastError ? `; last error: ${lastError.message}` : `; last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The docker CLI's view of one Compose project (by its label): what a test asserts on and cleans up after. */
export function composeProject(project) {
  const docker = (...args) => spawnSync('docker', args, { encoding: 'utf8' });
  const lines = (...args) => (docker(...args).stdout ?? '').split('\n').filter(Boolean);
  const label = `label=com.docker.compose.project=${project}`;
  const containers = () => lines('ps', '-a', '--filter', label, '--format', '{{.Names}}');
  const volumes = () => lines('volume', 'ls', '--filter', label, '--format', '{{.Name}}');
  return {
    containers,
    volumes,
    services: () => lines('ps', '-a', '--filter', label, '--format', '{{.Label "com.docker.compose.service"}}').sort(),
    /** Removes what a test (failed or not) may leave: the containers, the default network, and the volumes if asked. */
    remove({ volumes: withVolumes = false } = {}) {
      const left = containers();
      if (left.length) docker('rm', '-f', ...left);
      docker('network', 'rm', `${project}_default`);
      if (withVolumes) for (const v of volumes()) docker('volume', 'rm', v);
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (for code-server, or a stack's published port). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function checkPrerequisites() {
  const missing = [];
  if (!fs.existsSync(CODE_SERVER)) missing.push(`code-server (expected ${CODE_SERVER})`);
  try {
    requireFromCache.resolve('playwright-core');
  } catch {
    missing.push(`playwright-core (in ${CACHE}/node_modules)`);
  }
  if (!fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  if (missing.length) {
    throw new Error(`E2E prerequisites missing: ${missing.join(', ')}. See test/e2e/README.md for the install commands.`);
  }
}

/**
 * Starts code-server with a fresh user-data and extensions dir, installs `vsix`, opens `folder` in chromium.
 * Options: vsix (path), folder (path), settings (merged into User/settings.json), trust (default false: workspace
 * trust off), width/height (viewport), log (function for progress lines; default console.log).
 */
export async function startVSCode({ vsix, folder, settings = {}, trust = false, width = 1280, height = 800, log = console.log } = {}) {
  checkPrerequisites();
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  const say = (msg) => log?.(`[e2e ${elapsed()}] ${msg}`);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
  const userData = path.join(root, 'user-data');
  const extensions = path.join(root, 'extensions');
  const browserProfile = path.join(root, 'chromium');
  const xdg = path.join(root, 'xdg');
  for (const d of [userData, extensions, browserProfile, xdg, path.join(userData, 'User')]) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'security.workspace.trust.enabled': trust,
        'chat.commandCenter.enabled': false,
        'window.commandCenter': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  // code-server writes its config.yaml and logs under XDG dirs: keep them out of the home directory.
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
  };
  const csArgs = ['--user-data-dir', userData, '--extensions-dir', extensions];

  if (vsix) {
    const inst = spawnSync(process.execPath, [CODE_SERVER, ...csArgs, '--install-extension', path.resolve(vsix)], { env, encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(`installing ${vsix} failed:\n${inst.stdout}\n${inst.stderr}`);
    say(`installed ${path.basename(vsix)}`);
  }

  const port = await freePort();
  const serverLog = fs.openSync(path.join(root, 'code-server.log'), 'a');
  // detached: the child calls setsid(), so it leads its own process group; stop() kills the whole group (the
  // extension hosts and language servers that code-server spawns included).
  const server = spawn(
    process.execPath,
    [
      CODE_SERVER,
      ...csArgs,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      folder,
    ],
    { env, detached: true, stdio: ['ignore', serverLog, serverLog] },
  );
  let serverExited = null;
  server.on('exit', (code, signal) => (serverExited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;

  let browser;
  const stop = async () => {
    try {
      await browser?.close();
    } catch {
      /* already gone */
    }
    if (serverExited === null) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      await waitFor('code-server to exit', () => serverExited !== null, { timeoutMs: 5000 }).catch(() => {
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      });
    }
    fs.closeSync(serverLog);
  };
  // Ctrl+C, or a crash in the test, must not leave code-server and its language servers behind.
  const onSignal = () => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await waitFor(
      'code-server /healthz',
      async () => {
        if (serverExited) throw new Error(`code-server exited: ${JSON.stringify(serverExited)}; see ${root}/code-server.log`);
        const res = await fetch(`${url}/healthz`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 30000 },
    );
    say(`code-server up on ${url}`);

    const { chromium } = requireFromCache('playwright-core');
    browser = await chromium.launchPersistentContext(browserProfile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width, height },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const consoleErrors = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    // Every notification toast's text as it renders, so a toast that was shown and went (hidden by an Escape, or
    // purged) still counts: waitForNotification reads this record, not only the toasts on screen at a poll.
    await page.addInitScript(() => {
      window.__toastsSeen = [];
      const record = () => {
        for (const t of document.querySelectorAll('.notification-toast')) {
          const text = t.innerText;
          if (text && !window.__toastsSeen.includes(text)) window.__toastsSeen.push(text);
        }
      };
      const start = () => new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
      if (document.body) start();
      else document.addEventListener('DOMContentLoaded', start);
    });
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 30000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 30000 });
    // The workbench renders before it has read the extension's contributions: until then the palette lists none of
    // its commands, and an open palette does not refresh. Its view container's icon in the activity bar comes with
    // them: wait for it, so a test's first command is found on the first try rather than by runCommand's retries.
    if (vsix) await page.locator(`.activitybar .action-item .action-label[aria-label^="${EXTENSION_VIEW_CONTAINER}"]`).first().waitFor({ state: 'attached', timeout: 30000 });
    say('workbench ready');

    return new VSCode({ page, browser, root, userData, url, folder, say, stopServer: stop, consoleErrors, elapsed });
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Severity words at the front of a Problems row's aria-label (VS Code's markers/browser/messages.ts). */
const SEVERITY = /^(Error|Warning|Info): /;

class VSCode {
  constructor(fields) {
    Object.assign(this, fields);
  }

  /**
   * Closes the browser, kills code-server's process group, copies its logs into test-artifacts/logs/ and removes
   * the temporary user-data dir (kept, and printed, with E2E_KEEP=1).
   */
  async stop() {
    await this.stopServer();
    const logs = this.saveLogs();
    if (process.env.E2E_KEEP) this.say(`kept ${this.root}`);
    else fs.rmSync(this.root, { recursive: true, force: true });
    return logs;
  }

  /** Palette input, visible. */
  get paletteInput() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  async openPalette(prefix) {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.paletteInput.waitFor({ state: 'visible', timeout: 5000 });
    await this.paletteInput.fill(prefix);
  }

  /**
   * Runs a command palette entry by its title ("Category: Title" as the palette shows it). Right after start-up the
   * extension's commands may not be registered yet and an open palette does not refresh: close it, reopen, wait up
   * to 3 s for the row, a bounded number of times.
   */
  async runCommand(title, { attempts = 5 } = {}) {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await this.openPalette(`>${title}`);
      // The exact title, or the title with a qualifier VS Code appends ("View: Focus Problems (Errors, ...)").
      const name = new RegExp(`^${escapeRegExp(title)}( \\(.*\\))?$`);
      const row = rows.filter({ has: this.page.locator('.label-name', { hasText: name }) }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 3000 });
        await row.click();
        // The palette closes, or (Go to Line, Quick Open...) shows the command's own input instead.
        await waitFor(`palette to run "${title}"`, async () => {
          if (!(await this.page.locator('.quick-input-widget').isVisible())) return true;
          return (await this.paletteInput.inputValue().catch(() => '')) !== `>${title}`;
        }, { timeoutMs: 5000 });
        return;
      } catch (err) {
        this.say(`command "${title}": try ${attempt} did not run (${err.message.split('\n')[0]})`);
        if (attempt === attempts) {
          const shown = await rows.allInnerTexts().catch(() => []);
          throw new Error(`command "${title}" not found after ${attempts} tries; palette shows: ${JSON.stringify(shown.slice(0, 5))}`);
        }
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /**
   * Waits for a notification whose text matches `pattern` and returns its text. It looks where a user would: the
   * toasts (including one that rendered since the last look and is gone already), then the notification centre
   * (the bell), where VS Code puts a notification it did not toast (its spam guard shows at most 3 new toasts in
   * 800 ms). `since` (from notificationMark()) skips the toasts recorded before it; the centre keeps every entry.
   */
  async waitForNotification(what, pattern, { timeoutMs = 30000, since = 0, centreAfterMs = 5000 } = {}) {
    const started = Date.now();
    let centreLooked = 0;
    const found = (texts) => texts.find((t) => pattern.test(t));
    return waitFor(what, async () => {
      const seen = (await this.page.evaluate(() => window.__toastsSeen ?? []).catch(() => [])).slice(since);
      const shown = await this.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
      const toast = found(shown) ?? found(seen);
      if (toast) return toast;
      if (Date.now() - started < centreAfterMs || Date.now() - centreLooked < centreAfterMs) return undefined;
      centreLooked = Date.now();
      const inCentre = found(await this.notificationCentre());
      if (inCentre) this.say(`"${what}": found in the notification centre, not as a toast`);
      return inCentre;
    }, { timeoutMs, intervalMs: 200 });
  }

  /** Answers the workspace-trust prompt of a folder opened with `trust: true` as a wary person does ("No, I don't
   *  trust the authors") and waits for Restricted Mode in the status bar. */
  async declineTrust() {
    const dialog = this.page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
    await dialog.waitFor({ state: 'visible', timeout: 30000 });
    await dialog.locator('.monaco-button', { hasText: "No, I don't trust the authors" }).click();
    await this.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 10000 });
  }

  /** How many toasts have rendered so far: pass as `since` to waitForNotification to skip them. */
  async notificationMark() {
    return this.page.evaluate(() => (window.__toastsSeen ?? []).length);
  }

  /** The notification centre's entries (opened, read, closed again). */
  async notificationCentre() {
    await this.runCommand('Notifications: Show Notifications');
    const centre = this.page.locator('.notifications-center');
    await centre.waitFor({ state: 'visible', timeout: 5000 });
    const texts = await centre.locator('.monaco-list-row').allInnerTexts();
    await this.runCommand('Notifications: Hide Notifications');
    return texts;
  }

  /** Opens a file of the workspace by quick open. `name` may be a relative path ("first-attempt/Dockerfile"). */
  async openFile(name) {
    const base = path.basename(name);
    const dir = path.dirname(name);
    await this.openPalette(name);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    // A row's aria-label reads "Dockerfile, first-attempt" (name, then its folder relative to the workspace).
    const row = await waitFor(
      `quick open row for ${name}`,
      async () => {
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const label = (await rows.nth(i).getAttribute('aria-label')) ?? '';
          if (label.startsWith(base) && (dir === '.' || label.includes(dir))) return rows.nth(i);
        }
        return undefined;
      },
      { timeoutMs: 10000 },
    );
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
    const full = path.join(this.folder, name);
    // The active tab's title attribute holds the file's path (with ~ for the home directory, so match the tail).
    await waitFor(`editor tab for ${name}`, async () => {
      const title = (await this.page.locator('.tabs-container .tab.active').getAttribute('title').catch(() => null)) ?? '';
      const label = (await this.page.locator('.tabs-container .tab.active').getAttribute('aria-label').catch(() => null)) ?? '';
      return title.endsWith(name) || title.endsWith(full) || (label.startsWith(base) && !title);
    });
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Closes all editors (unsaved changes are a test bug: it fails rather than prompting). */
  async closeAllEditors() {
    await this.runCommand('View: Close All Editors');
    // A dirty editor makes VS Code ask "Do you want to save…?" in a modal whose default button is Save: left open,
    // the next Enter typed into the palette would press it and write the test's edit to disk.
    const closed = await waitFor('all editors closed, or a save prompt', async () => {
      if (await this.page.locator('.monaco-dialog-box').isVisible().catch(() => false)) return 'prompt';
      return (await this.page.locator('.tabs-container .tab').count()) === 0 ? 'closed' : undefined;
    });
    if (closed === 'prompt') {
      const text = await this.page.locator('.monaco-dialog-box').innerText().catch(() => '');
      await this.page.keyboard.press('Escape');
      throw new Error(`closing all editors asked to save unsaved changes (a test left a file dirty): ${text.replace(/\s+/g, ' ')}`);
    }
  }

  /**
   * Undoes the last edit of the active editor. The editor gets the focus first: after waitForProblems the Problems
   * panel has it, and a Control+Z typed there never reaches the editor. VS Code in a browser saves after a delay
   * (files.autoSave is afterDelay on the web), so an edit that is not undone stays on disk.
   */
  async undo() {
    await this.runCommand('View: Focus Active Editor Group');
    await this.page.keyboard.press('Control+Z');
  }

  /** Moves the cursor of the active editor to a 1-based line and column (Go to Line/Column...). */
  async goToLine(line, column = 1) {
    await this.openPalette(`:${line}:${column}`);
    await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: `Go to line ${line}` }).first().waitFor({ timeout: 5000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
  }

  /**
   * Opens the quick fixes at the cursor of the active editor (Ctrl+.: the editor must have the focus, as after
   * goToLine), applies the one titled `title` and returns every title the menu offered. The row is reached with the
   * arrow keys and taken with Enter: a click is swallowed by the context view's pointer block.
   */
  async applyQuickFix(title) {
    await this.page.keyboard.press('Control+Period');
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.first().waitFor({ state: 'visible', timeout: 10000 });
    const titles = (await rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''))).map((t) => t.trim());
    if (!titles.includes(title)) {
      await this.page.keyboard.press('Escape');
      throw new Error(`no quick fix "${title}"; offered: ${JSON.stringify(titles)}`);
    }
    const focused = this.page.locator('.action-widget .monaco-list-row.action.focused');
    for (let i = 0; i <= titles.length; i++) {
      const label = (await focused.first().getAttribute('aria-label', { timeout: 5000 }).catch(() => ''))?.trim();
      if (label === title) break;
      if (i === titles.length) throw new Error(`could not focus the quick fix "${title}" (focused: "${label}")`);
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 5000 });
    return titles;
  }

  /** Shows the Problems panel (and focuses it) if it is not visible. */
  async showProblems() {
    if (!(await this.page.locator('.markers-panel').isVisible().catch(() => false))) await this.runCommand('View: Focus Problems');
    await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 5000 });
  }

  /**
   * The Problems panel's rows, as { file (relative to the workspace folder), severity, message, line, column, source, code, label }. File rows are
   * tree level 1; marker rows (level 2) belong to the file row above them. The aria-label reads
   * "Warning: MESSAGE at line L and character C. generated by SOURCE"; the rule id (the diagnostic code) is only
   * in the row's visible text (shown as "SOURCE(CODE)"). Rows are virtualised: keep the panel tall enough for what you read.
   */
  async problems() {
    await this.showProblems();
    const rows = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll((els) =>
      els.map((el) => ({
        level: el.getAttribute('aria-level'),
        label: el.getAttribute('aria-label') ?? '',
        text: el.innerText,
        index: Number(el.getAttribute('data-index')),
      })),
    );
    rows.sort((a, b) => a.index - b.index);
    const out = [];
    let file;
    for (const row of rows) {
      if (row.level === '1') {
        // "8 problems in file docker-compose.yml of folder first-attempt"; at the workspace root "of folder ." or none.
        const f = row.label.match(/in file (.+?)(?: of folder (.+))?$/);
        file = f ? (f[2] && f[2] !== '.' ? `${f[2]}/${f[1]}` : f[1]) : row.text.split('\n')[0].trim();
        continue;
      }
      const m = row.label.match(/^(?:(Error|Warning|Info): )?([\s\S]*) at line (\d+) and character (\d+)\.(?:[\s\S]*?)(?: generated by (.*))?$/);
      if (!m) continue;
      // Visible text, one part a line: message, source, code (when there is one), "[Ln 10, Col 17]".
      const parts = row.text.split('\n').map((t) => t.trim());
      const at = m[5] ? parts.lastIndexOf(m[5].trim()) : -1;
      const code = at >= 0 && parts[at + 1] && !parts[at + 1].startsWith('[Ln') ? parts[at + 1] : undefined;
      out.push({
        file,
        severity: m[1] ?? 'Hint',
        message: m[2],
        line: Number(m[3]),
        column: Number(m[4]),
        source: m[5],
        code,
        label: row.label,
      });
    }
    return out;
  }

  /** Waits until `predicate(problems)` holds; returns the problems. */
  async waitForProblems(predicate, { timeoutMs = 20000, what = 'problems' } = {}) {
    return waitFor(what, async () => {
      const ps = await this.problems();
      return predicate(ps) ? ps : undefined;
    }, { timeoutMs, intervalMs: 200 });
  }

  /** Waits (up to 2 s) for running finite CSS animations, such as a hover's fade-in, to end. */
  async settle() {
    await this.page
      .evaluate(() => {
        const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
        return Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => {}))), new Promise((r) => setTimeout(r, 2000))]);
      })
      .catch(() => {});
  }

  /** Saves a PNG of the page (or of `clip`) as test-artifacts/NAME.png; returns its path. */
  async screenshot(name, options = {}) {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.settle();
    await this.page.screenshot({ path: file, ...options });
    this.say(`screenshot ${path.relative(REPO, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
    return file;
  }

  /** The text of every log file code-server wrote (extension host, language server output channel, ...). */
  logs() {
    const out = {};
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (p !== path.join(this.root, 'chromium')) walk(p);
        }
        else if (e.name.endsWith('.log')) out[path.relative(this.root, p)] = fs.readFileSync(p, 'utf8');
      }
    };
    walk(this.root);
    return out;
  }

  /**
   * Error lines (with their stack) in the extension host and language server logs that mention `needle`
   * (default: the extension id). Read them before stop(): shutting down adds "Channel has been closed" noise.
   */
  extensionErrors(needle = 'inference-stack') {
    const out = [];
    for (const [rel, text] of Object.entries(this.logs())) {
      if (!/exthost/.test(rel)) continue;
      const entries = text.split(/\n(?=\d{4}-\d\d-\d\d )/);
      for (const e of entries) {
        if (/ \[error\] /.test(e) && (e.includes(needle) || rel.includes(needle))) out.push(`${path.basename(rel)}: ${e.trim()}`);
      }
    }
    return out;
  }

  /** Copies code-server's logs into test-artifacts/logs/. */
  saveLogs() {
    const dest = path.join(ARTIFACTS, 'logs');
    fs.rmSync(dest, { recursive: true, force: true });
    for (const [rel, text] of Object.entries(this.logs())) {
      // user-data/logs/20261127T051443/exthost1/remoteexthost.log -> exthost1__remoteexthost.log
      const short = rel.replace(/^user-data\/logs\/[^/]+\//, '').replace(/^xdg\/data\/code-server\/coder-logs\//, '');
      const p = path.join(dest, short.replaceAll(path.sep, '__'));
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, text);
    }
    return dest;
  }
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
