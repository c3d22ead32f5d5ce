// A stopped Docker daemon, in a real VS Code (code-server), on a workspace with one Compose file (taken without asking):
// the extension host runs with DOCKER_HOST pointing at a
// socket nobody serves. The Services view shows the reason, naming the endpoint, with what to do and a Retry item
// (a state, not a popup loop); the status bar says "Docker not running"; Retry keeps the state and adds no popup;
// "Start Inference Stack" answers with the pre-flight message naming the endpoint, not a stack trace.
//   node test/e2e/docker-down.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, 'demo');
fs.cpSync(path.join(REPO, 'examples/demo'), work, { recursive: true });
const socket = path.join(root, 'no-docker-here.sock');
// code-server, its extension host and the extension inherit this environment.
process.env.DOCKER_HOST = `unix://${socket}`;

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900 });
  const page = vsc.page;
  // The workspace holds one Compose file: the view takes it without asking.
  await vsc.runCommand('Inference Stack: Focus on Services View');
  const services = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) }).locator('.monaco-list-row');
  const rows = await waitFor('the Docker-down state in the Services view', async () => {
    const texts = await services.allInnerTexts();
    return texts.some((t) => t.includes(socket)) && texts.some((t) => /^\s*Retry\s*$/.test(t)) ? texts : undefined;
  }, { timeoutMs: 30000 });
  assert.match(rows.join('\n'), /Docker is not running/i);
  const status = await waitFor('the status bar', () => page.locator('.statusbar-item', { hasText: /Docker/ }).first().innerText().catch(() => undefined));
  assert.match(status, /Docker not running/);
  await vsc.screenshot('docker-down');
  step(`Services view: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}; status bar "${status.trim()}"`);

  const toasts = page.locator('.notifications-toasts .notification-toast');
  const before = await toasts.count();
  await services.filter({ hasText: /^\s*Retry\s*$/ }).first().click();
  await waitFor('the state after Retry', async () => (await services.allInnerTexts()).some((t) => t.includes(socket)));
  assert.equal(await toasts.count(), before, 'Retry adds no popup');
  step('Retry: the same state, no popup');

  await vsc.runCommand('Inference Stack: Start Inference Stack');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  const text = await dialog.innerText();
  assert.match(text, /Cannot start demo: Docker is not running/);
  assert.ok(text.includes(socket), text);
  assert.doesNotMatch(text, /at \S+ \(|Error: connect/, 'no stack trace or raw error as the message');
  assert.ok(dialog.locator('.monaco-button', { hasText: 'Retry' }));
  await vsc.screenshot('docker-down-start');
  step(`Start: "${text.split('\n').find((l) => /Cannot start/.test(l))}"`);
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('docker-down-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
