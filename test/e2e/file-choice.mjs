// Issue 12, "the file you mean", in a real VS Code (code-server) against the real Docker engine. A workspace holds
// two stacks (the demo stand-in twice, in two folders, so two Compose projects):
//   1. "other/compose.yaml" is opened and started from the "Start inference stack" code lens above `services:`;
//   2. "demo/compose.yaml" is opened, and "Start Inference Stack" from the palette starts *that* project, not the one
//      started (and remembered) before; the Services view's title and the status bar name it;
//   3. "New Inference Stack…" writes a third stack, and the next Start is about the new one.
//   node test/e2e/file-choice.mjs   (needs the demo images: node scripts/build-test-images.mjs; setup in README.md)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeProject, freePort, REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, 'stacks');
// Folder names are the Compose project names: unique per run, so they cannot clash with a stack already running.
const names = { demo: `fcdemo${process.pid}`, other: `fcother${process.pid}`, fresh: `fcnew${process.pid}` };
const demoText = fs.readFileSync(path.join(REPO, 'examples/demo/compose.yaml'), 'utf8');
for (const name of [names.demo, names.other]) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(REPO, 'examples/demo/nginx.conf'), path.join(dir, 'nginx.conf'));
  const text = demoText
    .replace('"127.0.0.1:8000:8000"', `"127.0.0.1:${await freePort()}:8000"`)
    .replace('"127.0.0.1:8080:80"', `"127.0.0.1:${await freePort()}:80"`)
    .replace('STANDIN_LOAD_SECONDS: "8"', 'STANDIN_LOAD_SECONDS: "2"');
  fs.writeFileSync(path.join(dir, 'compose.yaml'), text);
}
const projects = Object.fromEntries(Object.entries(names).map(([k, v]) => [k, composeProject(v)]));

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900 });
  const page = vsc.page;
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) });
  const viewTitle = (pattern) =>
    waitFor(`the Services view title matching ${pattern}`, async () => {
      const text = (await pane.locator('.pane-header').innerText().catch(() => '')).replace(/\s+/g, ' ');
      return pattern.test(text) ? text : undefined;
    }, { timeoutMs: 20000 });
  const ready = async (project, since) => {
    const text = await vsc.waitForNotification(`${project} ready`, new RegExp(`${project} is ready|did not start|Cannot start`), { timeoutMs: 120000, since, centreAfterMs: 20000 });
    assert.match(text, new RegExp(`${project} is ready`), text);
    return text;
  };
  await vsc.runCommand('Inference Stack: Focus on Services View');

  // (1) The code lens above `services:` starts the file's project.
  await vsc.openFile(`${names.other}/compose.yaml`);
  const lens = page.locator('.codelens-decoration a', { hasText: 'Start inference stack' }).first();
  await lens.waitFor({ state: 'visible', timeout: 30000 });
  await vsc.screenshot('file-choice-1-code-lens');
  let mark = await vsc.notificationMark();
  await lens.click();
  await ready(names.other, mark);
  assert.ok(projects.other.containers().length > 0, `${names.other} has containers`);
  const otherTitle = await viewTitle(new RegExp(`${names.other} · ${names.other}/compose\\.yaml`));
  step(`code lens started ${names.other}; Services view: "${otherTitle}"`);

  // (2) Another Compose file in the editor: the palette's Start starts that one, though the other is remembered.
  await vsc.closeAllEditors();
  await vsc.openFile(`${names.demo}/compose.yaml`);
  mark = await vsc.notificationMark();
  await vsc.runCommand('Inference Stack: Start Inference Stack');
  const started = await ready(names.demo, mark);
  assert.ok(projects.demo.containers().length > 0, `${names.demo} has containers`);
  const demoTitle = await viewTitle(new RegExp(`${names.demo} · ${names.demo}/compose\\.yaml`));
  const status = await waitFor('the status bar naming the demo project', async () => {
    const texts = await page.locator('.statusbar-item').allInnerTexts();
    return texts.find((t) => t.includes(`${names.demo}:`));
  });
  assert.match(status, /healthy/);
  await vsc.screenshot('file-choice-2-active-editor');
  step(`palette Start with ${names.demo}/compose.yaml open: "${started.split('\n').find((l) => /is ready/.test(l))}"; view "${demoTitle}"; status bar "${status}"`);

  // Stop acts on the project the Services view shows.
  await vsc.runCommand('Inference Stack: Stop Inference Stack');
  await waitFor(`${names.demo} stopped`, () => projects.demo.containers().length === 0, { timeoutMs: 60000 });
  assert.ok(projects.other.containers().length > 0, `${names.other} still runs: Stop was about ${names.demo}`);
  step(`Stop removed ${names.demo} and left ${names.other} running`);
  await vsc.closeAllEditors();

  // (3) After "New Inference Stack…" the new stack is the chosen one: the next Start is about it.
  const widget = page.locator('.quick-input-widget');
  const stepTitle = (name) =>
    waitFor(`wizard step "${name}"`, async () => (await widget.isVisible()) && (await widget.locator('.quick-input-title').innerText().catch(() => '')).includes(name), { timeoutMs: 10000 });
  const pick = async (name, row) => {
    await stepTitle(name);
    await widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: row }).first().click();
  };
  const enter = async (name, value) => {
    await stepTitle(name);
    if (value !== undefined) await vsc.paletteInput.fill(value);
    await page.keyboard.press('Enter');
  };
  await vsc.runCommand('Inference Stack: New Inference Stack…');
  await pick('template', /^Single model server/);
  await pick('engine', /^vLLM/);
  await enter('model');
  await enter('GPU count');
  await enter('port', String(await freePort()));
  await pick('proxy', /^No/);
  await pick('Prometheus', /^No/);
  await pick('where to write', /A subfolder of/);
  await enter('subfolder', names.fresh);
  await waitFor('the new compose.yaml written', () => fs.existsSync(path.join(work, names.fresh, 'compose.yaml')), { timeoutMs: 15000 });
  const freshTitle = await viewTitle(new RegExp(`${names.fresh} · ${names.fresh}/compose\\.yaml`));
  await vsc.closeAllEditors();
  mark = await vsc.notificationMark();
  await vsc.runCommand('Inference Stack: Start Inference Stack');
  // The scaffold reserves a GPU and its image is not on this engine: what matters here is which stack Start is about.
  const about = await vsc.waitForNotification('the Start of the new stack', /Starting \S+/, { since: mark, timeoutMs: 30000 });
  assert.match(about, new RegExp(`Starting ${names.fresh}`), about);
  await vsc.screenshot('file-choice-3-new-stack');
  await page.keyboard.press('Escape');
  step(`after New Inference Stack…: view "${freshTitle}", Start: "${about.split('\n').find((l) => /Starting/.test(l))}"`);

  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('file-choice-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  for (const p of Object.values(projects)) p.remove({ volumes: true });
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
