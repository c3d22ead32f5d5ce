// Issue 12, "pre-flight that catches what Compose will refuse", in a real VS Code (code-server) against the real
// Docker engine: the demo stack with a CPU limit above this engine's CPUs. Start stops before `up` with the engine's
// CPU count in the dialog, offers no "Start anyway", creates no container, and the Services view and the status bar
// keep the failure (with a Retry) after the dialog is gone.
//   node test/e2e/limits-preflight.mjs   (needs the demo images: node scripts/build-test-images.mjs)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeProject, freePort, REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, `islimits${process.pid}`);
fs.mkdirSync(work);
fs.copyFileSync(path.join(REPO, 'examples/demo/nginx.conf'), path.join(work, 'nginx.conf'));
const demo = fs.readFileSync(path.join(REPO, 'examples/demo/compose.yaml'), 'utf8');
const askFor = 64;
assert.ok(demo.includes('cpus: "1"'), 'the demo\'s vllm limit is where this test changes it');
fs.writeFileSync(path.join(work, 'compose.yaml'), demo
  .replace('cpus: "1"', `cpus: "${askFor}"`)
  .replace('"127.0.0.1:8000:8000"', `"127.0.0.1:${await freePort()}:8000"`)
  .replace('"127.0.0.1:8080:80"', `"127.0.0.1:${await freePort()}:80"`));
const project = composeProject(path.basename(work));
const engineCpus = Number(JSON.parse(execFileSync('docker', ['info', '--format', '{{json .NCPU}}'], { encoding: 'utf8' })));

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  assert.ok(engineCpus < askFor, `this engine has ${engineCpus} CPUs: the test needs fewer than ${askFor}`);
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900 });
  const page = vsc.page;
  await vsc.runCommand('Inference Stack: Focus on Services View');
  await vsc.runCommand('Inference Stack: Start Inference Stack');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  const text = await dialog.innerText();
  assert.match(text, new RegExp(`vllm asks for ${askFor} CPUs .*the Docker engine has ${engineCpus} CPUs?`), text);
  const buttons = (await dialog.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
  assert.ok(!buttons.includes('Start anyway'), `a blocker offers no "Start anyway": ${buttons.join(' | ')}`);
  await vsc.screenshot('limits-preflight-dialog');
  step(`dialog: "${text.split('\n')[0]}"; buttons ${buttons.join(' | ')}`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 5000 });
  assert.deepEqual(project.containers(), [], 'pre-flight stopped the start before compose created anything');

  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) });
  const failed = await waitFor('the failure in the Services view', async () => {
    const rows = await pane.locator('.monaco-list-row').allInnerTexts();
    return rows.find((r) => /Start failed/.test(r) && /CPUs/.test(r));
  }, { timeoutMs: 10000 });
  const rows = await pane.locator('.monaco-list-row').allInnerTexts();
  assert.ok(rows.some((r) => /^Retry$/.test(r.trim())), `a Retry row: ${rows.join(' | ')}`);
  const status = await waitFor('the status bar', async () => (await page.locator('.statusbar-item').allInnerTexts()).find((t) => /start failed/.test(t)));
  await vsc.screenshot('limits-preflight-view');
  step(`Services view "${failed.replace(/\s+/g, ' ')}"; status bar "${status.trim()}"; no container created`);
  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('limits-preflight-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  project.remove({ volumes: true });
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
