// Issue 4, browser test 5: an untrusted workspace in a real VS Code (code-server) with workspace trust on. The folder
// is opened and not trusted ("No, I don't trust the authors": restricted mode). The diagnostics still work (the
// first attempt's findings in the Problems panel); the commands that run containers are not offered: "Start / Stop
// Inference Stack" and "Restart Service" are absent from the palette while the other commands are there, the Start
// button of the Services view is disabled, its welcome link says why instead of starting, and no container of the
// project exists afterwards.
//   node test/e2e/untrusted.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
if (!fs.existsSync(vsix)) {
  console.error(`no ${vsix}: run \`npm run package\` first (or set E2E_VSIX)`);
  process.exit(2);
}
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
// The demo stack (which would start on this machine) at the root, in a folder of its own so its Compose project name
// is this test's; the first attempt beside it for the findings.
const work = path.join(root, `isuntrusted${process.pid}`);
fs.cpSync(path.join(REPO, 'examples/demo'), work, { recursive: true });
fs.cpSync(path.join(REPO, 'examples/first-attempt'), path.join(work, 'first-attempt'), { recursive: true });
const projects = [path.basename(work), 'first-attempt'];
const docker = (...args) => spawnSync('docker', args, { encoding: 'utf8' });
const dockerUp = docker('info', '--format', '{{.ServerVersion}}').status === 0;
/** Containers of the test's Compose projects, any state. */
const containers = () =>
  projects.flatMap((p) => docker('ps', '-a', '--filter', `label=com.docker.compose.project=${p}`, '--format', '{{.Names}}').stdout.split('\n').filter(Boolean));

const TRUST_ONLY = ['Inference Stack: Start Inference Stack', 'Inference Stack: Stop Inference Stack', 'Inference Stack: Restart Service', 'Inference Stack: Run Accuracy Probe'];
const ALWAYS = ['Inference Stack: New Inference Stack…', 'Inference Stack: Fix All Auto-fixable Problems', 'Inference Stack: Choose Compose File'];

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  const before = dockerUp ? containers() : [];
  vsc = await startVSCode({ vsix, folder: work, trust: true, width: 1480, height: 900, settings: { 'editor.minimap.enabled': false } });
  const page = vsc.page;

  // The workspace trust prompt, as a person sees it on opening a folder they have not trusted before.
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  await vsc.screenshot('untrusted-1-trust-prompt');
  await dialog.locator('.monaco-button', { hasText: "No, I don't trust the authors" }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 5000 });
  // Restricted mode: the status bar says so.
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 10000 });
  step('trust prompt answered "No, I don\'t trust the authors": restricted mode');

  // Diagnostics work: the first attempt's findings, with rule ids, on the right lines.
  await vsc.openFile('first-attempt/docker-compose.yml');
  const ps = await vsc.waitForProblems(
    (ps) => ['gpu-legacy-runtime', 'env-ignored-by-engine', 'secret-literal'].every((c) => ps.some((p) => p.file === 'first-attempt/docker-compose.yml' && p.code === c)),
    { timeoutMs: 30000, what: 'the first attempt\'s findings' },
  );
  const mine = ps.filter((p) => p.file === 'first-attempt/docker-compose.yml');
  assert.equal(mine.find((p) => p.code === 'secret-literal').line, 10);
  assert.equal(mine.find((p) => p.code === 'secret-literal').severity, 'Error');
  assert.equal(mine.find((p) => p.code === 'env-ignored-by-engine').line, 9);
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: 5000 });
  await vsc.screenshot('untrusted-2-problems');
  step(`diagnostics in restricted mode: ${mine.length} findings in first-attempt/docker-compose.yml (${[...new Set(mine.map((p) => p.code))].join(', ')})`);

  // The palette offers the commands that do not run containers, and not those that do. The first lookups prove the
  // palette knows the extension's commands, so an absent row means "not offered", not "not loaded yet".
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const labels = async () => (await rows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
  for (const title of ALWAYS) {
    await waitFor(`"${title}" in the palette`, async () => {
      await vsc.openPalette(`>${title}`);
      return waitFor('rows', async () => (await labels()).includes(title), { timeoutMs: 3000 }).catch(() => false);
    }, { timeoutMs: 20000 });
  }
  for (const title of TRUST_ONLY) {
    await vsc.openPalette(`>${title}`);
    // The list is computed for this input: either other commands' rows or "No matching commands".
    const shown = await waitFor(`the palette's answer to "${title}"`, async () => {
      if (await page.locator('.quick-input-widget .quick-input-message', { hasText: /No matching commands/ }).isVisible()) return ['(no matching commands)'];
      const l = await labels();
      return l.length ? l : undefined;
    }, { timeoutMs: 5000 });
    assert.ok(!shown.includes(title), `"${title}" is offered in an untrusted workspace: ${JSON.stringify(shown)}`);
    if (title === TRUST_ONLY[0]) await vsc.screenshot('untrusted-3-palette');
  }
  await page.keyboard.press('Escape');
  step(`palette: ${ALWAYS.length} commands offered, ${TRUST_ONLY.map((t) => `"${t.replace('Inference Stack: ', '')}"`).join(', ')} not offered`);

  // The Services view: its Start button is disabled; the welcome text's "Start inference stack" link explains
  // instead of starting.
  await vsc.runCommand('Inference Stack: Focus on Services View');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) });
  const startButton = pane.locator('.pane-header .action-item .action-label[aria-label^="Start Inference Stack"]');
  await startButton.waitFor({ state: 'attached', timeout: 10000 });
  const disabled = await startButton.evaluate((el) => el.classList.contains('disabled') || el.getAttribute('aria-disabled') === 'true');
  assert.ok(disabled, 'the Start button of the Services view is disabled');
  const link = pane.locator('.welcome-view-content a', { hasText: 'Start inference stack' });
  await link.waitFor({ state: 'visible', timeout: 10000 });
  await link.click();
  const warning = await vsc.waitForNotification('the untrusted-workspace warning', /untrusted workspace/, { timeoutMs: 15000 });
  assert.match(warning, /Start Inference Stack runs containers and is not available in an untrusted workspace/);
  await vsc.screenshot('untrusted-4-start-refused');
  step(`Services view: Start button disabled; its welcome link answers "${warning.split('\n').find((l) => /untrusted workspace/.test(l)).trim()}"`);

  if (dockerUp) {
    assert.deepEqual(containers(), before, `containers of ${projects.join(', ')}`);
    step(`no container of ${projects.join(' or ')} exists`);
  } else {
    step('no Docker engine here: nothing could have started (container check skipped)');
  }
  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} catch (err) {
  console.log(`FAIL untrusted: ${err.stack ?? err}`);
} finally {
  if (!ok) await vsc?.screenshot('untrusted-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  if (dockerUp) {
    const left = containers();
    if (left.length) docker('rm', '-f', ...left);
  }
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
