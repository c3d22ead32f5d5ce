// "Inference Stack: Fix All Auto-fixable Problems" from the command palette, in a real VS Code (code-server).
//   node test/e2e/fix-all.mjs        (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, 'examples');
fs.cpSync(path.join(REPO, 'examples'), work, { recursive: true });
const file = path.join(work, 'first-attempt/docker-compose.yml');
const original = fs.readFileSync(file, 'utf8');

let vsc;
let ok = false;
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 860, settings: { 'editor.minimap.enabled': false } });
  await vsc.openFile('first-attempt/docker-compose.yml');
  const before = await vsc.waitForProblems((ps) => ps.filter((p) => p.file === 'first-attempt/docker-compose.yml').length >= 8);
  await vsc.goToLine(1, 1); // no finding under the cursor: the command is about the whole file
  await vsc.runCommand('Inference Stack: Fix All Auto-fixable Problems');
  // Either the buffer changes (the fix-all applied), or VS Code says it found nothing.
  const outcome = await waitFor('fix-all to apply or to report nothing', async () => {
    // Applied: the buffer is dirty, or already saved (code-server may auto-save).
    if ((await vsc.page.locator('.tabs-container .tab.active.dirty').count()) > 0) return 'applied';
    if (fs.readFileSync(file, 'utf8') !== original) return 'applied';
    const msg = vsc.page.locator('.monaco-editor-overlaymessage', { hasText: 'No source actions' });
    if (await msg.isVisible()) return `VS Code says: ${await msg.innerText()}`;
    return undefined;
  }, { timeoutMs: 10000 });
  await vsc.screenshot('fix-all');
  assert.equal(outcome, 'applied');
  // It says what it changed, beside the file too (the secret moved to .env).
  const said = await vsc.waitForNotification('what Fix All changed', /Fix All made \d+ fix(es)? in docker-compose\.yml/, { timeoutMs: 10000 });
  console.log(`ok   fix-all says: ${said.split('\n').find((l) => /Fix All made/.test(l))}`);
  if (fs.readFileSync(file, 'utf8') === original) await vsc.runCommand('File: Save');
  await waitFor('saved', () => fs.readFileSync(file, 'utf8') !== original);
  assert.ok(fs.readFileSync(file, 'utf8').includes('"--gpu-memory-utilization", "0.85"'), 'the env value moved to the flag');
  const after = await vsc.waitForProblems((ps) => ps.filter((p) => p.file === 'first-attempt/docker-compose.yml').length < before.length);
  console.log(`ok   fix-all: ${before.length} -> ${after.filter((p) => p.file === 'first-attempt/docker-compose.yml').length} problems`);
  ok = true;
} catch (err) {
  console.log(`FAIL fix-all: ${err.message}`);
  await vsc?.screenshot('fix-all-failed').catch(() => undefined);
} finally {
  await vsc?.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
