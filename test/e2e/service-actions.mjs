// Issue 12 item 7, "per service actions", in a real VS Code (code-server) against the real Docker engine, on a copy
// of examples/demo whose vLLM stand-in demands an API key (`--api-key` in its command) and carries an HF_TOKEN:
//   1. "Copy curl for Chat" from the vllm row's context menu: the clipboard holds a curl that names $VLLM_API_KEY and
//      never the key; run by a shell with the variable set it gets an answer, without it a 401;
//   2. "Try the Model…" from the palette: the streamed answer and the time to first token in the service's output
//      channel, the token in the answer masked, the key never shown;
//   3. "Show Container Inspect" from the context menu: a JSON editor where HF_TOKEN reads hf_****, and neither the
//      token nor the key can be found;
//   4. "Open Shell in Container" on vllm (its image has no sh): said, no dead terminal;
//   5. "Open in Browser" on the proxy row: the proxy's published port is opened.
//   node test/e2e/service-actions.mjs   (needs the demo images: node scripts/build-test-images.mjs; setup in README.md)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeProject, freePort, REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
// The folder's name is the Compose project's: unique per run, so it cannot clash with a stack already running.
const project = `isactions${process.pid}`;
const work = path.join(root, project);
fs.mkdirSync(work);
fs.copyFileSync(path.join(REPO, 'examples/demo/nginx.conf'), path.join(work, 'nginx.conf'));
const alnum = (n) => [...randomBytes(n)].map((b) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 62]).join('');
const hfToken = `hf_${alnum(34)}`;
const apiKey = `e2e-key-${alnum(16)}`;
const vllmPort = await freePort();
const proxyPort = await freePort();
const demoText = fs.readFileSync(path.join(REPO, 'examples/demo/compose.yaml'), 'utf8');
const text = demoText
  .replace('"127.0.0.1:8000:8000"', `"127.0.0.1:${vllmPort}:8000"`)
  .replace('"127.0.0.1:8080:80"', `"127.0.0.1:${proxyPort}:80"`)
  .replace('"--max-model-len", "8192"]', `"--max-model-len", "8192", "--api-key", "${apiKey}"]`)
  .replace(
    'STANDIN_LOAD_SECONDS: "8" # a real 0.6B model loads in about a minute on one GPU',
    `STANDIN_LOAD_SECONDS: "2"\n      STANDIN_ITL_MS: "30"\n      STANDIN_REPLY: "Hello from the stand-in. A token: ${hfToken} end."\n      HF_TOKEN: ${hfToken}`,
  );
assert.ok(text.includes(apiKey) && text.includes(`HF_TOKEN: ${hfToken}`), 'the demo copy has its key and token');
fs.writeFileSync(path.join(work, 'compose.yaml'), text);
const demo = composeProject(project);

let vsc;
let ok = false;
const step = (line) => console.log(`ok   ${line}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900, settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
  const page = vsc.page;
  await vsc.browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: vsc.url });
  const services = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) }).locator('.monaco-list-row');
  const serviceRow = (name) => services.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) }).first();
  /** Right-click a service's row and choose `title` in its context menu. */
  const fromMenu = async (service, title) => {
    await serviceRow(service).click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: title }).first();
    await item.waitFor({ state: 'visible', timeout: 5000 });
    // A click right after the menu opens may only focus the item (VS Code ignores a mouse-up that soon): then Enter.
    await item.hover();
    await page.waitForTimeout(200);
    await item.click();
    const closed = await item.waitFor({ state: 'hidden', timeout: 1000 }).then(() => true, () => false);
    if (!closed) await page.keyboard.press('Enter');
    await item.waitFor({ state: 'hidden', timeout: 5000 });
  };

  await vsc.runCommand('Inference Stack: Focus on Services View');
  await vsc.openFile('compose.yaml');
  await vsc.runCommand('Inference Stack: Start Inference Stack');
  const ready = await vsc.waitForNotification('the stack to be ready', /is ready|did not start|Cannot start/, { timeoutMs: 120000, centreAfterMs: 20000 });
  assert.match(ready, /is ready/, ready);
  await waitFor('vllm healthy and proxy running in the Services view', async () => {
    const texts = await services.allInnerTexts();
    return texts.some((t) => /vllm/.test(t) && /healthy/.test(t)) && texts.some((t) => /proxy/.test(t) && /running/.test(t));
  }, { timeoutMs: 30000 });
  await vsc.closeAllEditors();
  await vsc.runCommand('Notifications: Clear All Notifications');
  step(`started: ${ready.split('\n').find((l) => /is ready/.test(l))}`);

  // (1) Copy curl for Chat, from the context menu.
  let mark = await vsc.notificationMark();
  await fromMenu('vllm', 'Copy curl for Chat');
  const copied = await vsc.waitForNotification('the copied notice', /copied a curl/, { since: mark });
  assert.match(copied, /VLLM_API_KEY/);
  const curl = await waitFor('the curl in the clipboard', async () => {
    const clip = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
    return clip.startsWith('curl ') ? clip : undefined;
  }, { timeoutMs: 10000 });
  assert.ok(!curl.includes(apiKey), 'the key is not in the copied text');
  assert.match(curl, /-H "Authorization: Bearer \$VLLM_API_KEY"/);
  assert.match(curl, new RegExp(`'http://127\\.0\\.0\\.1:${vllmPort}/v1/chat/completions'`));
  assert.match(curl, /"model":"qwen3-0\.6b"/);
  const withKey = spawnSync('sh', ['-c', curl], { encoding: 'utf8', env: { ...process.env, VLLM_API_KEY: apiKey }, timeout: 30000 });
  assert.equal(withKey.status, 0, withKey.stderr);
  const answer = JSON.parse(withKey.stdout);
  assert.match(answer.choices[0].message.content, /Hello from the stand-in/);
  const withoutKey = spawnSync('sh', ['-c', curl], { encoding: 'utf8', env: { ...process.env, VLLM_API_KEY: '' }, timeout: 30000 });
  assert.match(withoutKey.stdout, /Unauthorized/);
  step(`copy curl: ${curl.split('\n')[0]} … (${curl.split('\n').length} lines); run with $VLLM_API_KEY it answers, without it 401`);

  // (2) Try the Model, from the palette (vllm is the only model service: no pick).
  await vsc.runCommand('Inference Stack: Try the Model…');
  const widget = page.locator('.quick-input-widget');
  await waitFor('the prompt input', async () => (await widget.isVisible()) && /Try the Model: vllm/.test(await widget.innerText().catch(() => '')), { timeoutMs: 15000 });
  await vsc.paletteInput.fill('Who are you?');
  await page.keyboard.press('Enter');
  // Every editor in the panel (the output's, and the debug console's input if it was ever made).
  // (Monaco renders a space as U+00A0: read as a space.)
  const panelText = async () => (await page.locator('.part.panel .monaco-editor .view-lines').allInnerTexts().catch(() => [])).join('\n').replace(/\u00a0/g, ' ');
  const streamed = await waitFor('the answer and its timing in the output', async () => {
    const t = await panelText();
    return /time to first token \d+ ms/.test(t) ? t : undefined;
  }, { timeoutMs: 30000 });
  await vsc.screenshot('service-actions-try');
  assert.match(streamed, /> Who are you\?/);
  assert.match(streamed, /Hello from the stand-in\. A token: hf_\*\*\*\* end\./);
  assert.match(streamed, /\d+ tokens in \d/);
  assert.ok(!streamed.includes(hfToken) && !streamed.includes(apiKey), 'no secret in the output');
  step(`try the model: "${streamed.split('\n').find((l) => /time to first token/.test(l))}"`);

  // (3) Show Container Inspect, from the context menu: a JSON editor, secrets masked.
  await fromMenu('vllm', 'Show Container Inspect');
  await waitFor('the inspect editor', async () => /vllm-1\.inspect\.json/.test((await page.locator('.tabs-container .tab.active').innerText().catch(() => '')) ?? ''), { timeoutMs: 15000 });
  const editorLines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await editorLines.waitFor({ state: 'visible' });
  const mode = await page.locator('.statusbar-item', { hasText: /^JSON/ }).first().innerText({ timeout: 5000 }).catch(() => '');
  assert.match(mode, /JSON/, 'the document is JSON');
  await editorLines.click();
  /** Finds `needle` in the inspect document with the editor's find widget; the count it shows. */
  const find = async (needle) => {
    await page.keyboard.press('Control+f');
    const input = page.locator('.editor-widget.find-widget .monaco-findInput textarea, .editor-widget.find-widget .monaco-findInput input').first();
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(needle);
    return waitFor(`the find count of ${needle}`, async () => {
      const count = (await page.locator('.editor-widget.find-widget .matchesCount').innerText().catch(() => '')).trim();
      return count && count !== '?' ? count : undefined;
    }, { timeoutMs: 5000 });
  };
  assert.match(await find('HF_TOKEN=hf_****'), /of|1/);
  const tokenLine = (await editorLines.innerText()).replace(/\u00a0/g, ' ');
  assert.match(tokenLine, /"HF_TOKEN=hf_\*\*\*\*"/);
  assert.equal(await find(hfToken), 'No results', 'the HF token is not in clear');
  assert.equal(await find(apiKey), 'No results', 'the API key is not in clear');
  assert.match(await find('"--api-key",'), /of/);
  await vsc.screenshot('service-actions-inspect');
  await page.keyboard.press('Escape');
  step('inspect: a JSON editor, "HF_TOKEN=hf_****", neither the token nor the key found in it');
  await vsc.closeAllEditors();

  // (4) Open Shell in Container: the stand-in's image has no sh.
  mark = await vsc.notificationMark();
  await fromMenu('vllm', 'Open Shell in Container');
  const noShell = await vsc.waitForNotification('the no-shell notice', /has no shell|docker exec/, { since: mark, timeoutMs: 30000 });
  assert.match(noShell, /vllm has no shell/);
  const terminals = await page.locator('.terminal-tabs-entry, .single-terminal-tab').count().catch(() => 0);
  step(`open shell: "${noShell.split('\n')[0]}" (terminals open: ${terminals})`);

  // (5) Open in Browser on the proxy: its published port, opened in a new page (or behind the link protection's prompt).
  const popup = vsc.browser.waitForEvent('page', { timeout: 15000 }).catch(() => undefined);
  await fromMenu('proxy', 'Open in Browser');
  const dialog = page.locator('.monaco-dialog-box');
  const opened = await Promise.race([
    popup.then((p) => (p ? `page ${p.url()}` : undefined)),
    dialog.waitFor({ state: 'visible', timeout: 15000 }).then(async () => `dialog ${await dialog.innerText()}`, () => undefined),
  ]);
  assert.ok(opened, 'Open in Browser opened something');
  // code-server serves a localhost port through its own proxy (asExternalUri): either form names the proxy's port.
  assert.match(opened, new RegExp(`127\\.0\\.0\\.1:${proxyPort}\\b|/proxy/${proxyPort}\\b`), opened);
  if (opened.startsWith('dialog')) await page.keyboard.press('Escape');
  step(`open in browser: ${opened.split('\n')[0]}`);

  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('service-actions-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  demo.remove({ volumes: true });
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
