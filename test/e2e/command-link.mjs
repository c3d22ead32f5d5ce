// Issue 15, finding 1: a command link hidden in what a workspace contains never becomes a link in a real VS Code.
// The workspace's Compose file lies in a folder named `[Open the fix](command:workbench.action.terminal.sendSequence?…)`
// and names its model service the same way: VS Code renders such text in a notification as a link that types a
// shell command into a terminal on one click. Two sessions:
//   - Restricted Mode ("No, I don't trust the authors"): the findings name the service in the Problems panel and the
//     hover, as text; "Choose Compose Profiles" says the file names a service Compose refuses, the folder's name
//     shown as text; "Run Accuracy Probe" is not offered (it sends requests with the workspace's settings).
//   - Trusted: "Run Accuracy Probe" (the command of the original report) answers with the same refusal, as text.
// Every <a> that appears anywhere in the workbench is recorded as it renders: none may point at the payload's command.
//   node test/e2e/command-link.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
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
const COMMAND = 'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22touch%20PWNED%5Cn%22%7D';
const PAYLOAD = `[Open the fix](${COMMAND})`;
/** How the text reads once it cannot be a link (client/src/stack/trust/untrustedText.ts notificationText). */
const AS_TEXT = `[Open the fix] (${COMMAND})`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, `iscommandlink${process.pid}`);
const stackDir = path.join(work, PAYLOAD);
fs.mkdirSync(stackDir, { recursive: true });
fs.writeFileSync(
  path.join(stackDir, 'compose.yaml'),
  `services:\n  "${PAYLOAD}":\n    image: vllm/vllm-openai:latest\n    command: ["--model", "Qwen/Qwen3-0.6B"]\n    ports: ["127.0.0.1:8000:8000"]\n`,
);

/** Records the href of every link that renders anywhere in the page from now on (toasts that go included). */
async function recordLinks(page) {
  await page.evaluate(() => {
    window.__linksSeen = [];
    const record = () => {
      for (const a of document.querySelectorAll('a[href]')) {
        const href = a.getAttribute('href');
        if (!window.__linksSeen.includes(href)) window.__linksSeen.push(href);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['href'] });
  });
}
const payloadLinks = async (page) => (await page.evaluate(() => window.__linksSeen)).filter((h) => /sendSequence/i.test(h));

/** The refusal of the Compose file, as a notification shows it: the folder's name is there, as text. */
async function expectRefusalAsText(vsc, since) {
  const text = await vsc.waitForNotification('the refusal of the service name', /not a valid service name/, { since, timeoutMs: 20000 });
  assert.ok(text.includes(`${AS_TEXT}/compose.yaml:2:3: not a valid service name`), text);
  return text;
}

const step = (text) => console.log(`ok   ${text}`);
let vsc;
let ok = false;
try {
  // --- Restricted Mode -------------------------------------------------------------------------------------------
  vsc = await startVSCode({ vsix, folder: work, trust: true, width: 1480, height: 900, settings: { 'editor.minimap.enabled': false } });
  let page = vsc.page;
  await recordLinks(page);
  await vsc.declineTrust();

  await vsc.openFile('compose.yaml');
  const problems = await vsc.waitForProblems((ps) => ps.some((p) => p.code === 'healthcheck-missing'), { timeoutMs: 30000, what: 'the findings about the service' });
  assert.ok(problems.find((p) => p.code === 'healthcheck-missing').message.includes(PAYLOAD), 'the finding names the service as written');
  await vsc.goToLine(2, 5);
  await vsc.runCommand('Show or Focus Hover');
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'has no healthcheck' }).first();
  await hover.waitFor({ state: 'visible', timeout: 10000 });
  assert.ok((await hover.innerText()).includes(PAYLOAD), 'the hover shows the name as text');
  await page.keyboard.press('Escape');
  step('Restricted Mode: the findings name the service as text, in the Problems panel and the hover');

  let mark = await vsc.notificationMark();
  await vsc.runCommand('Inference Stack: Choose Compose Profiles');
  const refusal = await expectRefusalAsText(vsc, mark);
  await vsc.screenshot('command-link-1-restricted');
  step(`Restricted Mode: "Choose Compose Profiles" answers "${refusal.split('\n')[0].slice(0, 90)}…"`);

  await vsc.openPalette('>Inference Stack: Run Accuracy Probe');
  const offered = await waitFor('the palette\'s answer', async () => {
    if (await page.locator('.quick-input-widget .quick-input-message', { hasText: /No matching commands/ }).isVisible()) return ['(no matching commands)'];
    const labels = (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
    return labels.length ? labels : undefined;
  }, { timeoutMs: 5000 });
  await page.keyboard.press('Escape');
  assert.ok(!offered.includes('Inference Stack: Run Accuracy Probe'), `"Run Accuracy Probe" is offered in Restricted Mode: ${JSON.stringify(offered)}`);
  step('Restricted Mode: "Run Accuracy Probe" is not offered');

  assert.deepEqual(await payloadLinks(page), [], 'links to a command rendered in Restricted Mode');
  assert.deepEqual(vsc.extensionErrors(), []);
  await vsc.stop();
  vsc = undefined;

  // --- Trusted -------------------------------------------------------------------------------------------------
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900 });
  page = vsc.page;
  await recordLinks(page);
  mark = await vsc.notificationMark();
  await vsc.runCommand('Inference Stack: Run Accuracy Probe');
  await expectRefusalAsText(vsc, mark);
  await vsc.screenshot('command-link-2-trusted-probe');
  step('trusted: "Run Accuracy Probe" answers with the refusal, the name as text');

  assert.deepEqual(await payloadLinks(page), [], 'links to a command rendered in the trusted session');
  assert.ok(!fs.existsSync(path.join(work, 'PWNED')));
  step('no link to a command rendered anywhere in either session');
  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} catch (err) {
  console.log(`FAIL command-link: ${err.stack ?? err}`);
} finally {
  if (!ok) await vsc?.screenshot('command-link-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
