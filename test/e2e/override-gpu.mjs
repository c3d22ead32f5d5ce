// examples/override-gpu in a real VS Code (code-server) against the real Docker engine: a base compose.yaml without a
// GPU and compose.override.yaml beside it that reserves one. The base is analysed within its project (no
// gpu-reservation-missing on it, while the same text alone gets one); "Choose Compose File" says which files
// Compose loads; the Services view names the file set; Start runs with the override: pre-flight sees the GPU, and on
// this GPU-less host the engine's refusal comes back explained, which only the override's reservation can cause.
//   node test/e2e/override-gpu.mjs     (needs the demo images: node scripts/build-test-images.mjs; setup in README.md)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeProject, freePort, REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
// A folder of its own, so the Compose project (named after the folder) cannot clash with a stack already running.
const work = path.join(root, `isoverride${process.pid}`);
fs.cpSync(path.join(REPO, 'examples/override-gpu'), work, { recursive: true });
fs.writeFileSync(path.join(work, '.env'), `VLLM_PORT=${await freePort()}\n`);
// The same base text with no override beside it: the control that the rule does speak about this service.
fs.mkdirSync(path.join(work, 'alone'));
fs.copyFileSync(path.join(work, 'compose.yaml'), path.join(work, 'alone/compose.yaml'));
const project = path.basename(work);
const stack = composeProject(project);

const SOURCE = 'inference-stack';
const ours = (ps, file) => ps.filter((p) => p.source === SOURCE && p.file === file);
const has = (ps, code) => ps.some((p) => p.code === code);
const describe = (ps) => ps.map((p) => `${p.file}:${p.line}:${p.column} ${p.severity} ${p.code}`).join('\n  ');

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 1000 });
  const page = vsc.page;

  // (1) The Problems panel. An empty list proves nothing by itself (the server may not have answered yet), so make a
  // finding appear on the base: the list beside it is then the server's answer for the base.
  await vsc.openFile('compose.yaml');
  await vsc.goToLine(8, 41); // `image: inference-stack/vllm-standin:demo`, at the tag
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('latest');
  const edited = await vsc.waitForProblems((ps) => has(ours(ps, 'compose.yaml'), 'image-unpinned'), { what: 'image-unpinned on the edited base' });
  const base = ours(edited, 'compose.yaml');
  // The edit is on disk by now (autosave): undone, and the file back as it was, or Start would run the edited file.
  await vsc.undo();
  await vsc.waitForProblems((ps) => !has(ours(ps, 'compose.yaml'), 'image-unpinned'), { what: 'image-unpinned to go after the undo' });
  const original = fs.readFileSync(path.join(REPO, 'examples/override-gpu/compose.yaml'), 'utf8');
  const onDisk = () => fs.readFileSync(path.join(work, 'compose.yaml'), 'utf8');
  // Autosave writes the undone text a second later; but when the undo lands while the edit's autosave is still
  // writing, VS Code takes the undone text for the saved one and never writes it (seen once in CI under load: the
  // editor clean and showing the original, the disk still edited). The editor shows the original either way: put it
  // on disk, where a clean editor takes it as it is.
  await waitFor('compose.yaml back on disk as it was', async () => onDisk() === original, { timeoutMs: 5000 }).catch(() => fs.writeFileSync(path.join(work, 'compose.yaml'), original));
  await waitFor('compose.yaml back on disk as it was', async () => onDisk() === original, { timeoutMs: 10000 });
  await vsc.openFile('alone/compose.yaml');
  const control = await vsc.waitForProblems((ps) => has(ours(ps, 'alone/compose.yaml'), 'gpu-reservation-missing'), { what: 'gpu-reservation-missing on the base without its override' });
  await vsc.screenshot('override-gpu-problems');
  assert.ok(!has(base, 'gpu-reservation-missing'), `no gpu-reservation-missing on the base, whose override reserves the GPU:\n  ${describe(base)}`);
  step(`Problems: compose.yaml (with its override) ${describe(base) || 'none'}; alone/compose.yaml: ${describe(ours(control, 'alone/compose.yaml').filter((p) => p.code === 'gpu-reservation-missing'))}`);
  await vsc.closeAllEditors();

  // (2) "Choose Compose File": each file says what choosing it loads; the title says what Enter loads while nothing
  // is checked, and the order once files are checked.
  await vsc.runCommand('Inference Stack: Choose Compose File');
  const picker = page.locator('.quick-input-widget');
  const rows = picker.locator('.quick-input-list .monaco-list-row');
  const title = () => picker.locator('.quick-input-title').innerText().catch(() => '');
  await rows.first().waitFor({ state: 'visible', timeout: 10000 });
  const offered = await waitFor('the Compose files with what each loads', async () => {
    const texts = await rows.evaluateAll((els) => els.map((el) => [el.querySelector('.label-name')?.textContent, el.querySelector('.label-description')?.textContent].filter(Boolean).join(' — ')));
    return texts.some((t) => /^compose\.yaml — loads compose\.yaml \+ compose\.override\.yaml$/.test(t)) ? texts : undefined;
  }, { timeoutMs: 10000 });
  assert.ok(offered.some((t) => /^compose\.override\.yaml — loads compose\.yaml \+ compose\.override\.yaml$/.test(t)), offered.join(' | '));
  // Filtered to the override (its name; compose.yaml matches by its description): the override's row is active.
  await picker.locator('.quick-input-box input').fill('override');
  await page.keyboard.press('ArrowDown'); // into the list: its first row is highlighted
  const nothingChecked = await waitFor('the title naming what Enter loads', async () => {
    const t = await title();
    return /Nothing checked: Enter loads compose\.yaml \+ compose\.override\.yaml/.test(t) ? t : undefined;
  }, { timeoutMs: 5000 });
  await vsc.screenshot('override-gpu-picker');
  const baseRow = rows.filter({ has: page.locator('.label-name', { hasText: /^compose\.yaml$/ }) }).first();
  await baseRow.click(); // a row of a multi-select pick toggles its checkbox
  await waitFor('compose.yaml checked, first', async () => /1\. compose\.yaml/.test(await title()), { timeoutMs: 5000 });
  await page.keyboard.press('Enter');
  await picker.waitFor({ state: 'hidden', timeout: 5000 });
  step(`picker: ${offered.join(' | ')}; "${nothingChecked}"`);

  // (3) The Services view names the project's files.
  await vsc.runCommand('Inference Stack: Focus on Services View');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) });
  const header = await waitFor('the file set in the Services view title', async () => {
    const text = await pane.locator('.pane-header').innerText();
    return /compose\.yaml \+ compose\.override\.yaml/.test(text) ? text : undefined;
  }, { timeoutMs: 20000 });
  step(`Services view: "${header.replace(/\s+/g, ' ').trim()}"`);

  // (4) Start runs with the override: pre-flight sees its GPU reservation, and compose's refusal comes back explained.
  await vsc.runCommand('Inference Stack: Start Inference Stack');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  const warning = await dialog.innerText();
  assert.match(warning, /GPU/);
  assert.match(warning, /NVIDIA Container Toolkit/);
  await dialog.locator('.monaco-button', { hasText: 'Start anyway' }).click();
  const explained = await vsc.waitForNotification('the explained GPU error', /cannot give this container a GPU|is ready|Inference Stack:/, { timeoutMs: 60000, centreAfterMs: 20000 });
  assert.match(explained, /The Docker engine cannot give this container a GPU/, explained);
  assert.match(explained, /NVIDIA Container Toolkit is missing or not configured/);
  await vsc.screenshot('override-gpu-error');
  step(`start: ${explained.split('\n').find((l) => /GPU/.test(l))}`);
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('override-gpu-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  stack.remove({ volumes: true });
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
