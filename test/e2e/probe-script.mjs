// "Inference Stack: Write Accuracy Probe Healthcheck Script" in a real VS Code (code-server), on a copy of
// examples/production whose HEALTHCHECK was given a 10 s start period (so dockerfile-healthcheck-start-period warns:
// that also proves the language server answers for this file): the person picks the Dockerfile, the standard-library
// Python probe is written beside it, and "Add HEALTHCHECK" appends a COPY and a HEALTHCHECK that runs it with a long
// start period in place of the short one (Docker keeps only the last HEALTHCHECK: the file keeps one), and the
// warning goes. Then the same command with "vllm in compose.yaml" (the stock vLLM image has python3): probe.py is
// mounted read-only and the service's healthcheck runs it, in place of its curl check, comments kept.
//   node test/e2e/probe-script.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, 'production');
fs.cpSync(path.join(REPO, 'examples/production'), work, { recursive: true });
const dockerfile = path.join(work, 'Dockerfile');
fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace('--start-period=5m', '--start-period=10s'));
const SHORT = 'dockerfile-healthcheck-start-period';

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900, settings: { 'files.autoSave': 'off' } });
  const page = vsc.page;
  await vsc.openFile('Dockerfile');
  await vsc.waitForProblems((ps) => ps.some((p) => p.code === SHORT));
  step(`${SHORT} warns about the 10 s start period`);
  await vsc.runCommand('Inference Stack: Write Accuracy Probe Healthcheck Script');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 10000 });
  const choices = await rows.allInnerTexts();
  assert.ok(choices.some((c) => /Only write the script/.test(c)), JSON.stringify(choices));
  await rows.filter({ has: page.locator('.label-name', { hasText: /^Dockerfile$/ }) }).first().click();

  const offer = page.locator('.notifications-toasts .notification-toast', { hasText: 'Add it to Dockerfile as the HEALTHCHECK?' });
  await offer.waitFor({ state: 'visible', timeout: 15000 });
  const script = fs.readFileSync(path.join(work, 'probe.py'), 'utf8');
  assert.match(script, /^#!\/usr\/bin\/env python3/m);
  assert.match(script, /\/v1\/chat\/completions/);
  assert.doesNotMatch(script, /^(import|from) (requests|httpx)\b/m, 'standard library only');
  step('probe.py written beside the Dockerfile (standard library only)');

  await offer.locator('.monaco-button', { hasText: 'Add HEALTHCHECK' }).click();
  await page.locator('.notifications-toasts .notification-toast', { hasText: 'Replaced the HEALTHCHECK of Dockerfile with the accuracy probe' }).waitFor({ state: 'visible', timeout: 10000 });
  await vsc.screenshot('probe-script');
  await vsc.runCommand('File: Save');
  const saved = await waitFor('the Dockerfile saved with the probe', () => {
    const text = fs.readFileSync(dockerfile, 'utf8');
    return /HEALTHCHECK [^\n]*\\\n\s+CMD python3 \/probe\.py \|\| exit 1/.test(text) ? text : undefined;
  });
  assert.match(saved, /^COPY probe\.py \/probe\.py$/m);
  assert.match(saved, /--start-period=600s/);
  assert.equal(saved.match(/^\s*HEALTHCHECK\b/gm)?.length, 1, 'one HEALTHCHECK: the short one was replaced');
  assert.doesNotMatch(saved, /curl -fsS/);
  step('Dockerfile: the curl HEALTHCHECK replaced by COPY probe.py and a HEALTHCHECK running it, saved');

  const after = await vsc.waitForProblems((ps) => !ps.some((p) => p.code === SHORT), { what: `${SHORT} to go` });
  assert.deepEqual(after.filter((p) => p.file?.endsWith('Dockerfile') && (p.severity === 'Error' || p.severity === 'Warning')), []);
  step(`${SHORT} is gone, nothing at warning or error`);

  // The Compose service runs the stock vLLM image (python3 inside): the probe can go into compose.yaml instead.
  await vsc.runCommand('Inference Stack: Write Accuracy Probe Healthcheck Script');
  await rows.first().waitFor({ state: 'visible', timeout: 10000 });
  await rows.filter({ has: page.locator('.label-name', { hasText: /^vllm in compose\.yaml$/ }) }).first().click();
  const replace = page.locator('.monaco-dialog-box');
  await replace.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await replace.innerText(), /probe\.py exists\. Replace it\?/);
  await replace.locator('.monaco-button', { hasText: 'Replace' }).click();
  const composeOffer = page.locator('.notifications-toasts .notification-toast', { hasText: 'Add it to vllm in compose.yaml as the healthcheck?' });
  await composeOffer.waitFor({ state: 'visible', timeout: 15000 });
  await composeOffer.locator('.monaco-button', { hasText: 'Add healthcheck' }).click();
  await vsc.waitForNotification('the Compose healthcheck message', /Replaced the healthcheck of vllm in compose\.yaml with the accuracy probe/, { timeoutMs: 10000 });
  await vsc.screenshot('probe-script-compose');
  await vsc.runCommand('File: Save');
  const compose = path.join(work, 'compose.yaml');
  const composeText = await waitFor('compose.yaml saved with the probe', () => {
    const text = fs.readFileSync(compose, 'utf8');
    return /test: \["CMD", "python3", "\/probe\.py"\]/.test(text) ? text : undefined;
  });
  assert.match(composeText, /^ {6}- \.\/probe\.py:\/probe\.py:ro$/m);
  assert.equal(composeText.match(/^\s*healthcheck:/gm)?.length, 1, 'one healthcheck: curl replaced');
  assert.doesNotMatch(composeText, /curl -fsS/);
  assert.match(composeText, /^# The same stack, done right/m, 'comments kept');
  const composeProblems = await vsc.waitForProblems((ps) => !ps.some((p) => p.file?.endsWith('compose.yaml') && /^healthcheck/.test(p.code ?? '')), { what: 'no healthcheck finding on compose.yaml' });
  assert.deepEqual(composeProblems.filter((p) => p.file?.endsWith('compose.yaml') && p.severity === 'Error'), []);
  step('compose.yaml: vllm mounts probe.py and its healthcheck runs it (curl replaced, comments kept), saved, no healthcheck finding');
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('probe-script-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
