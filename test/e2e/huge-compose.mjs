// Issue 15, finding 5, in a real VS Code in Restricted Mode: a 9.8 MiB Compose file froze the extension host for
// 19 s as soon as the Inference Stack view opened (read and planned synchronously, with no cap). Now its size is
// checked before it is read and the plan is made on a worker: the Services view says at once why the file is not
// read, with a Retry, the status bar says so too, and the editor keeps answering (a Dockerfile opened next gets its
// findings).
//   node test/e2e/huge-compose.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
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
const work = path.join(root, `ishuge${process.pid}`);
fs.mkdirSync(work);
// 9.8 MiB of ordinary services, the size of the review's file.
const service = (i) => `  svc${i}:\n    image: nginx:1.27\n    environment:\n      PADDING: "${'x'.repeat(180)}"\n`;
let text = 'services:\n';
for (let i = 0; text.length < 9.8 * 1024 * 1024; i++) text += service(i);
fs.writeFileSync(path.join(work, 'compose.yaml'), text);
fs.writeFileSync(path.join(work, 'Dockerfile'), 'FROM vllm/vllm-openai:v0.9.0\nHEALTHCHECK --start-period=10s CMD curl -fsS http://localhost:8000/health || exit 1\n');

const step = (line) => console.log(`ok   ${line}`);
let vsc;
let ok = false;
try {
  vsc = await startVSCode({ vsix, folder: work, trust: true, width: 1480, height: 900, settings: { 'editor.minimap.enabled': false } });
  const page = vsc.page;
  await vsc.declineTrust();

  await vsc.runCommand('Inference Stack: Focus on Services View');
  const services = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) }).locator('.monaco-list-row');
  const rows = await waitFor('the unreadable-file state in the Services view', async () => {
    const texts = await services.allInnerTexts();
    return texts.some((t) => /cannot be read/.test(t)) && texts.some((t) => /^\s*Retry\s*$/.test(t)) ? texts : undefined;
  }, { timeoutMs: 30000 });
  assert.match(rows.join('\n'), /larger than 8 MiB/);
  const status = await waitFor('the status bar', () => page.locator('.statusbar-item', { hasText: /Compose file unreadable/ }).first().innerText().catch(() => undefined));
  await vsc.screenshot('huge-compose-1-view');
  step(`Services view: ${rows.map((r) => r.replace(/\s+/g, ' ').slice(0, 120)).join(' | ')}; status bar "${status.trim()}"`);

  await vsc.openFile('Dockerfile');
  await vsc.waitForProblems((ps) => ps.some((p) => p.code === 'dockerfile-healthcheck-start-period'), { timeoutMs: 20000, what: 'the Dockerfile\'s finding' });
  step('the editor keeps answering: the Dockerfile opened next gets its dockerfile-healthcheck-start-period finding');

  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} catch (err) {
  console.log(`FAIL huge-compose: ${err.stack ?? err}`);
} finally {
  if (!ok) await vsc?.screenshot('huge-compose-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
