// "Start Inference Stack" on a Compose file with hardware profiles (a cpu and a gpu-nvidia variant of the model
// service, as AI starter kits ship them) in a real VS Code against the real Docker engine: Start asks which profiles,
// the chosen variant starts and is waited for while the GPU one stays off (so no GPU warning on this GPU-less host),
// the Services view names the profile, and Stop removes every container.
//   node test/e2e/profiles.mjs     (needs the stand-in image: node scripts/build-test-images.mjs)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeProject, freePort, REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, `isprofiles${process.pid}`);
fs.mkdirSync(work);
fs.copyFileSync(path.join(REPO, 'test/docker/stacks/profiles.yaml'), path.join(work, 'compose.yaml'));
const port = await freePort();
fs.writeFileSync(path.join(work, '.env'), `ISTEST_PORT=${port}\n`);
const project = path.basename(work);
const stack = composeProject(project);
const services = () => stack.services();

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900 });
  const page = vsc.page;

  await vsc.runCommand('Inference Stack: Start Inference Stack');
  const picker = page.locator('.quick-input-widget');
  const rows = picker.locator('.quick-input-list .monaco-list-row');
  await waitFor('the profile picker', async () => (await rows.allInnerTexts()).some((t) => /gpu-nvidia/.test(t)), { timeoutMs: 20000 });
  const offered = await rows.evaluateAll((els) => els.map((el) => [el.querySelector('.label-name')?.textContent, el.querySelector('.label-description')?.textContent].filter(Boolean).join(' — ')));
  assert.ok(offered.some((t) => /^cpu — vllm-cpu$/.test(t)), `cpu offered with its service: ${offered.join(' | ')}`);
  assert.ok(offered.some((t) => /^gpu-nvidia — vllm-gpu$/.test(t)), `gpu-nvidia offered with its service: ${offered.join(' | ')}`);
  await vsc.screenshot('profiles-picker');
  const cpuRow = rows.filter({ has: page.locator('.label-name', { hasText: /^cpu$/ }) }).first();
  await cpuRow.click(); // a row of a multi-select pick toggles its checkbox
  await waitFor('cpu checked', async () => (await cpuRow.getAttribute('aria-checked')) === 'true', { timeoutMs: 5000 });
  await page.keyboard.press('Enter');
  step(`Start asks for the profiles: ${offered.join(' | ')}; picked cpu`);

  const ready = await vsc.waitForNotification('the stack to be ready', /is ready|did not start|Cannot start|Inference Stack:|GPU/, { timeoutMs: 90000, centreAfterMs: 20000 });
  assert.match(ready, /is ready/, ready);
  assert.deepEqual(services(), ['vllm-cpu', 'web'], 'the cpu variant and the service without profiles run; the GPU variant was never created');
  step(`start: ${ready.split('\n').find((l) => /is ready/.test(l))}; containers: ${services().join(', ')}`);

  await vsc.runCommand('Inference Stack: Focus on Services View');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) });
  const serviceRows = pane.locator('.monaco-list-row');
  const texts = await waitFor('vllm-cpu healthy in the Services view', async () => {
    const t = await serviceRows.allInnerTexts();
    return t.some((r) => /vllm-cpu/.test(r) && /healthy/.test(r)) ? t : undefined;
  }, { timeoutMs: 30000 });
  assert.ok(!texts.some((r) => /vllm-gpu/.test(r)), `the GPU variant is not listed: ${texts.join(' | ')}`);
  const header = await pane.locator('.pane-header').innerText();
  assert.match(header, /profile cpu/, `the view's title names the profile: ${header}`);
  await vsc.screenshot('profiles-running');
  step(`Services view "${header.replace(/\s+/g, ' ').trim()}": ${texts.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);

  await vsc.runCommand('Inference Stack: Stop Inference Stack');
  await vsc.waitForNotification('the stop message', /Stopped /, { timeoutMs: 60000, centreAfterMs: 20000 });
  assert.deepEqual(services(), []);
  step('stop: every container removed');
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('profiles-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  stack.remove();
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
