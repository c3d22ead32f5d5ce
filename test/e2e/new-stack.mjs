// Issue 4, browser test 6: "Inference Stack: New Inference Stack…" in a real VS Code (code-server), in a folder with no
// stack in it. The wizard is answered as a person would (vLLM, the default model, 1 GPU, port 8000, proxy yes,
// Prometheus yes, the workspace folder); the files are on disk, compose.yaml is open, and the Problems panel shows
// nothing at warning or error for it. An empty panel proves nothing by itself (the language server may not have
// answered yet), so a finding is made to appear by an edit and to go by undo: then the list is the server's answer.
// Running the wizard again into the same folder asks before overwriting: Cancel keeps the files, Overwrite replaces them.
//   node test/e2e/new-stack.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
import assert from 'node:assert/strict';
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
const work = path.join(root, 'newstack');
// No stack files; only the editor settings a project folder often has (the harness waits for an Explorer row).
fs.mkdirSync(path.join(work, '.vscode'), { recursive: true });
fs.writeFileSync(path.join(work, '.vscode/settings.json'), '{}\n');
const EXPECTED = ['compose.yaml', '.env.example', 'probe.py', 'nginx/nginx.conf', 'prometheus/prometheus.yml'];
const TITLE = 'Inference Stack: New Inference Stack…';
// The Problems panel names a file at the workspace root "./compose.yaml" (its folder part is ".").
const fileOf = (p) => p.file?.replace(/^\.\//, '');

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900, settings: { 'editor.minimap.enabled': false, 'files.autoSave': 'off' } });
  const page = vsc.page;
  const widget = page.locator('.quick-input-widget');
  const rows = widget.locator('.quick-input-list .monaco-list-row');

  /** Waits for the wizard step whose title contains `name` (and, for an InputBox, its initial value). */
  const at = (name, value) =>
    waitFor(`wizard step "${name}"`, async () => {
      if (!(await widget.isVisible())) return false;
      const title = await widget.locator('.quick-input-title').innerText().catch(() => '');
      if (!title.includes(`New Inference Stack: ${name}`)) return false;
      return value === undefined || (await vsc.paletteInput.inputValue()) === value;
    }, { timeoutMs: 10000 });
  const pick = async (name, row, shot) => {
    await at(name);
    const r = rows.filter({ hasText: row }).first();
    await r.waitFor({ state: 'visible', timeout: 5000 });
    if (shot) await vsc.screenshot(shot);
    await r.click();
  };
  const accept = async (name, value) => {
    await at(name, value);
    await page.keyboard.press('Enter');
  };
  /** The whole wizard, answered as the test asks: single, vLLM, default model, 1 GPU, 8000, proxy, Prometheus, this folder. */
  const wizard = async (shots = false) => {
    await vsc.runCommand(TITLE);
    await pick('template', /^Single model server/);
    await pick('engine', /^vLLM/, shots && 'new-stack-1-engine');
    await accept('model', 'Qwen/Qwen2.5-1.5B-Instruct');
    if (shots) {
      // Each step has its number, and Back goes to the step before with its answer kept.
      await at('GPU count', '1');
      const counter = await widget.locator('.quick-input-title').innerText();
      assert.match(counter, /\(4\/9\)/, counter);
      await widget.locator('.quick-input-titlebar .action-label[aria-label^="Back"]').click();
      await at('model', 'Qwen/Qwen2.5-1.5B-Instruct');
      await page.keyboard.press('Enter');
    }
    await accept('GPU count', '1');
    await accept('port', '8000');
    await pick('proxy', /^Yes/);
    await pick('Prometheus', /^Yes/);
    await pick('where to write', 'the workspace folder itself');
  };

  await wizard(true);
  await waitFor('compose.yaml open in the editor', async () => ((await page.locator('.tabs-container .tab.active').getAttribute('aria-label').catch(() => '')) ?? '').startsWith('compose.yaml'), { timeoutMs: 15000 });
  const wrote = await vsc.waitForNotification('the "Wrote" message', /Wrote compose\.yaml/, { timeoutMs: 10000 });
  for (const f of EXPECTED) assert.ok(fs.existsSync(path.join(work, f)), `${f} written`);
  const compose = fs.readFileSync(path.join(work, 'compose.yaml'), 'utf8');
  assert.match(compose, /image: vllm\/vllm-openai:v\d/);
  assert.match(compose, /- Qwen\/Qwen2\.5-1\.5B-Instruct/);
  assert.match(compose, /count: 1\n/);
  assert.match(compose, /^ {2}proxy:\n[\s\S]*"8000:80"/m);
  assert.match(compose, /^ {2}prometheus:/m);
  assert.match(compose, new RegExp(`cpus: "${Math.min(8, os.cpus().length)}"`));
  assert.match(fs.readFileSync(path.join(work, '.env.example'), 'utf8'), /^HF_TOKEN=$/m);
  step(`wizard wrote ${EXPECTED.join(', ')}; compose.yaml is open ("${wrote.split('\n').find((l) => /Wrote/.test(l)).trim()}")`);

  // Diagnostics for compose.yaml are flowing: an unpinned image makes a finding, undo takes it away.
  const lines = compose.split('\n');
  const imageLine = lines.findIndex((l) => /^\s+image: vllm\/vllm-openai:/.test(l));
  await vsc.goToLine(imageLine + 1, lines[imageLine].lastIndexOf(':') + 2); // at the tag
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('latest');
  await vsc.waitForProblems((ps) => ps.some((p) => fileOf(p) === 'compose.yaml' && p.code === 'image-unpinned' && p.line === imageLine + 1), { timeoutMs: 30000, what: 'image-unpinned after the edit' });
  await vsc.undo();
  const ps = await vsc.waitForProblems((ps) => !ps.some((p) => p.code === 'image-unpinned'), { what: 'image-unpinned to go after undo' });
  await waitFor('compose.yaml not dirty after undo', async () => (await page.locator('.tabs-container .tab.active.dirty').count()) === 0, { timeoutMs: 5000 });
  const serious = ps.filter((p) => p.severity === 'Error' || p.severity === 'Warning');
  assert.deepEqual(serious, [], serious.map((p) => `${fileOf(p)}:${p.line} ${p.severity} ${p.code} ${p.message}`).join('\n'));
  assert.equal(fs.readFileSync(path.join(work, 'compose.yaml'), 'utf8'), compose);
  await vsc.screenshot('new-stack-2-compose-clean');
  step(`compose.yaml: no problem at warning or error (${ps.length ? ps.map((p) => `${p.severity} ${p.code}`).join(', ') : 'none at all'}), after a finding came and went with an edit`);

  // Again into the same folder: a modal asks before anything is overwritten.
  const envFile = path.join(work, '.env.example');
  const edited = `${fs.readFileSync(envFile, 'utf8')}MY_SETTING=keep\n`;
  fs.writeFileSync(envFile, edited);
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'Overwrite?' });
  await wizard();
  await dialog.waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await dialog.innerText(), /5 files exist in newstack/);
  await vsc.screenshot('new-stack-3-overwrite');
  await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 5000 });
  await wizard();
  await dialog.waitFor({ state: 'visible', timeout: 10000 });
  // By now the cancelled run has long returned: it wrote nothing.
  assert.equal(fs.readFileSync(envFile, 'utf8'), edited, 'Cancel keeps the files');
  const beforeOverwrite = await vsc.notificationMark();
  await dialog.locator('.monaco-button', { hasText: 'Overwrite' }).click();
  await waitFor('.env.example rewritten', () => !fs.readFileSync(envFile, 'utf8').includes('MY_SETTING'), { timeoutMs: 10000 });
  // The run ends by opening compose.yaml, then its message: a palette opened before that would be closed by the editor.
  await vsc.waitForNotification('the "Wrote" message of the overwrite', /Wrote compose\.yaml/, { since: beforeOverwrite, timeoutMs: 10000 });
  step('a second run asks before overwriting ("5 files exist in newstack. Overwrite?"): Cancel keeps the files, Overwrite replaces them');

  // The production template into a subfolder: 2 GPUs, one worker each, behind the gateway; the whole stack lints clean.
  const typeInto = async (name, value) => {
    await at(name);
    await vsc.paletteInput.fill(value);
    await page.keyboard.press('Enter');
  };
  await vsc.runCommand(TITLE);
  await pick('template', /^Production stack/);
  await accept('model', 'Qwen/Qwen2.5-1.5B-Instruct');
  await typeInto('GPU count', '2');
  await accept('GPUs per worker', '1');
  await accept('port', '8000');
  await pick('where to write', /A subfolder of newstack/);
  await accept('subfolder of newstack', 'vllm-production');
  const prod = path.join(work, 'vllm-production');
  await waitFor('the production compose.yaml open', async () => (((await page.locator('.tabs-container .tab.active').getAttribute('aria-label').catch(() => '')) ?? '').startsWith('compose.yaml')) && fs.existsSync(path.join(prod, 'compose.yaml')), { timeoutMs: 15000 });
  const prodCompose = fs.readFileSync(path.join(prod, 'compose.yaml'), 'utf8');
  for (const service of ['gateway', 'vllm-1', 'vllm-2', 'redis', 'weaviate', 'prometheus', 'grafana', 'jaeger', 'dcgm-exporter']) {
    assert.match(prodCompose, new RegExp(`^ {2}${service}:`, 'm'), `service ${service}`);
  }
  assert.match(prodCompose, /device_ids: \["0"\]/);
  assert.match(prodCompose, /device_ids: \["1"\]/);
  for (const f of ['README.md', 'nginx/nginx.conf', 'prometheus/prometheus.yml', 'grafana/dashboards/vllm.json', 'worker/Dockerfile']) assert.ok(fs.existsSync(path.join(prod, f)), `${f} written`);
  // Its findings as the server answers them: an edit brings one, undo takes it away, then nothing at warning or error.
  const prodLines = prodCompose.split('\n');
  // A worker's GPU memory share raised past what vLLM can hold: the rule reads the worker's image from worker/Dockerfile.
  const share = prodLines.findIndex((l, i) => i > 0 && /--gpu-memory-utilization/.test(prodLines[i - 1]) && /^\s+- "0\.90"$/.test(l));
  assert.ok(share > 0, 'a worker\'s --gpu-memory-utilization value');
  await vsc.goToLine(share + 1, prodLines[share].indexOf('"') + 2);
  await page.keyboard.press('Shift+End');
  await page.keyboard.type('0.99"');
  await vsc.waitForProblems((ps) => ps.some((p) => p.code === 'gpu-memory-utilization-high' && p.line === share + 1), { timeoutMs: 30000, what: 'gpu-memory-utilization-high on the worker after the edit' });
  await vsc.undo();
  const prodProblems = await vsc.waitForProblems((ps) => !ps.some((p) => p.code === 'gpu-memory-utilization-high'), { what: 'gpu-memory-utilization-high to go after undo' });
  const prodSerious = prodProblems.filter((p) => p.severity === 'Error' || p.severity === 'Warning');
  assert.deepEqual(prodSerious, [], prodSerious.map((p) => `${fileOf(p)}:${p.line} ${p.severity} ${p.code} ${p.message}`).join('\n'));
  await vsc.screenshot('new-stack-4-production');
  step(`production template: gateway, vllm-1 and vllm-2 on GPUs 0 and 1, Redis, Weaviate, Prometheus, Grafana, Jaeger, DCGM exporter in vllm-production/; no problem at warning or error in the workspace (${prodProblems.length} at info or hint)`);

  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} catch (err) {
  console.log(`FAIL new-stack: ${err.stack ?? err}`);
} finally {
  if (!ok) await vsc?.screenshot('new-stack-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
