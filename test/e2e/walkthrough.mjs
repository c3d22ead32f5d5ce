// Issue 12 items 8 and 9 in a real VS Code (code-server): getting started, and the small things a person meets first.
//   - "Welcome: Open Walkthrough..." lists "Get started with Inference Stack"; it opens on its five steps (open or
//     write a stack, see a finding and fix it, start, probe, read the metrics), the first with its buttons and its
//     page (a Markdown file shipped in the .vsix), the second with its screenshot loaded from the .vsix; showing the
//     Probe & metrics view ticks "Read the metrics".
//   - A finding's rule id is a link: clicked in the Problems panel, and in the hover, it opens the rule's page shipped
//     with the extension in the Markdown preview (no network: the page of the installed version).
//   - Diagnostic messages are plain text: a code span reads 'runtime: nvidia', no backticks.
//   - "Choose Compose Profiles" is not offered for a project without profiles, and is once the file declares some.
//   - Half a line typed (a key without its colon) gets yaml-syntax in plain words, not the YAML library's.
//   node test/e2e/walkthrough.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
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
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const walkthrough = pkg.contributes.walkthroughs[0];
const WALKTHROUGH_ID = `${pkg.publisher}.${pkg.name}#${walkthrough.id}`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, 'getting-started');
fs.cpSync(path.join(REPO, 'examples/first-attempt'), path.join(work, 'first-attempt'), { recursive: true });
const composeFile = path.join(work, 'first-attempt/docker-compose.yml');
const COMPOSE = 'first-attempt/docker-compose.yml';

const step = (text) => console.log(`ok   ${text}`);

/** The text of every frame of the page (webviews: the Markdown preview, the walkthrough's Markdown media). */
async function frameTexts(page) {
  const texts = [];
  for (const frame of page.frames()) texts.push(await frame.evaluate(() => document.body?.innerText ?? '').catch(() => ''));
  return texts;
}

/** Waits for the Markdown preview of a rule page: its tab, and its text (the page's title and severity line). */
async function expectRulePreview(vsc, rule) {
  const tab = vsc.page.locator('.tabs-container .tab', { hasText: `Preview ${rule}.md` });
  await tab.first().waitFor({ state: 'visible', timeout: 15000 });
  await waitFor(`the preview of ${rule}.md to show the page`, async () => (await frameTexts(vsc.page)).some((t) => t.startsWith(`${rule}\n`) && /Severity: \w+ · Applies to/.test(t)), { timeoutMs: 15000 });
}

/** The labels the palette lists for `query` ("(no matching commands)" when none). */
async function paletteLabels(vsc, query) {
  await vsc.openPalette(`>${query}`);
  const labels = await waitFor(`the palette's answer to ${query}`, async () => {
    if (await vsc.page.locator('.quick-input-widget .quick-input-message', { hasText: /No matching commands/ }).isVisible()) return ['(no matching commands)'];
    const shown = (await vsc.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
    return shown.length ? shown : undefined;
  }, { timeoutMs: 5000 });
  await vsc.page.keyboard.press('Escape');
  return labels;
}

let vsc;
let ok = false;
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900, settings: { 'editor.minimap.enabled': false } });
  const page = vsc.page;

  // --- the walkthrough ------------------------------------------------------------------------------------------
  await vsc.runCommand('Welcome: Open Walkthrough...');
  const entry = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: walkthrough.title }).first();
  await entry.waitFor({ state: 'visible', timeout: 10000 });
  await entry.click();
  const steps = page.locator(`.getting-started-step[x-dispatch^="selectTask:${WALKTHROUGH_ID}#"]`);
  const titles = await waitFor('the walkthrough\'s steps', async () => {
    const shown = (await steps.locator('.step-title').allInnerTexts()).map((t) => t.trim());
    return shown.length === walkthrough.steps.length ? shown : undefined;
  });
  assert.deepEqual(titles, ['Open or write a stack', 'See a finding and fix it', 'Start it', 'Probe it', 'Read the metrics']);
  const first = await steps.first().innerText();
  assert.ok(first.includes('New Inference Stack…') && first.includes('Choose Compose File'), `the first step's buttons: ${first}`);
  await waitFor('the first step\'s page (walkthrough/open-stack.md) in its webview', async () => (await frameTexts(page)).some((t) => t.includes('Your stack, or a new one')));
  await vsc.screenshot('walkthrough-1-open');
  step(`"${walkthrough.title}": ${titles.join(' · ')}; the first step's buttons and page`);

  await steps.filter({ hasText: 'See a finding and fix it' }).click();
  const image = page.locator('.getting-started-media img[alt^="A Compose file with findings"]');
  await waitFor('the second step\'s screenshot, loaded from the .vsix', async () => (await image.evaluate((img) => img.complete && img.naturalWidth)) > 0);
  await vsc.screenshot('walkthrough-2-finding');
  step('"See a finding and fix it" shows its screenshot, loaded from the package');

  // The view container's icon in the activity bar: its views show, Probe & metrics among them. (The palette, right
  // after a click in the walkthrough, closes again as the walkthrough moves the focus.)
  await page.locator(`.activitybar .action-item .action-label[aria-label^="${pkg.contributes.viewsContainers.activitybar[0].title}"]`).first().click();
  await page.locator('.pane-header', { hasText: /Probe & metrics/i }).first().waitFor({ state: 'visible', timeout: 10000 });
  const metricsDone = steps.filter({ hasText: 'Read the metrics' }).locator('.codicon.complete');
  await metricsDone.waitFor({ state: 'attached', timeout: 10000 });
  await vsc.screenshot('walkthrough-3-metrics-ticked');
  step('showing the Probe & metrics view ticks "Read the metrics"');

  // --- a finding's rule link opens the shipped page -------------------------------------------------------------
  await vsc.openFile(COMPOSE);
  const problems = await vsc.waitForProblems((ps) => ps.some((p) => p.code === 'gpu-legacy-runtime') && ps.some((p) => p.code === 'image-unpinned'), { timeoutMs: 30000, what: 'the first-attempt findings' });
  const legacy = problems.find((p) => p.code === 'gpu-legacy-runtime');
  assert.match(legacy.message, /only through 'runtime: nvidia'/);
  assert.deepEqual(problems.filter((p) => p.message.includes('`')).map((p) => p.message), [], 'a Problems row shows Markdown backticks');
  step(`messages read as plain text: "${legacy.message.slice(0, 70)}…"`);

  const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'gpu-legacy-runtime' }).first();
  await row.locator('a.monaco-link', { hasText: 'gpu-legacy-runtime' }).click();
  await expectRulePreview(vsc, 'gpu-legacy-runtime');
  await vsc.screenshot('walkthrough-4-rule-page');
  step('the rule id in the Problems panel opens docs/rules/gpu-legacy-runtime.md from the package in the Markdown preview');

  // The preview opened beside the editor: one group again, for openFile's look at the active tab.
  await vsc.closeAllEditors();
  await vsc.openFile(COMPOSE);
  await vsc.goToLine(5, 30);
  await vsc.runCommand('Show or Focus Hover');
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'image-unpinned' }).first();
  await hover.waitFor({ state: 'visible', timeout: 10000 });
  await hover.locator('a.code-link', { hasText: 'image-unpinned' }).click();
  await expectRulePreview(vsc, 'image-unpinned');
  step('the rule id in the hover opens docs/rules/image-unpinned.md the same way');
  await vsc.closeAllEditors();

  // --- Choose Compose Profiles only where there are profiles ----------------------------------------------------
  // The stack bundle loaded with the Probe & metrics view; the workspace's only Compose file is the stack.
  const PROFILES = 'Inference Stack: Choose Compose Profiles';
  await waitFor('"Choose Compose Profiles" to leave the palette (the project declares no profiles)', async () => !(await paletteLabels(vsc, PROFILES)).includes(PROFILES), { timeoutMs: 20000, intervalMs: 500 });
  fs.writeFileSync(composeFile, fs.readFileSync(composeFile, 'utf8').replace(/^ {2}webui:\n/m, '  webui:\n    profiles: ["ui"]\n'));
  await vsc.runCommand('Inference Stack: Refresh');
  await waitFor('"Choose Compose Profiles" in the palette once a service names a profile', async () => (await paletteLabels(vsc, PROFILES)).includes(PROFILES), { timeoutMs: 20000, intervalMs: 500 });
  step('"Choose Compose Profiles" is offered only once the file declares a profile');

  // --- a half-typed line: yaml-syntax in plain words ------------------------------------------------------------
  await vsc.openFile(COMPOSE);
  await waitFor('the editor to show the profile line', async () => (await page.locator('.editor-group-container.active .view-lines').innerText()).includes('profiles'));
  await vsc.goToLine(16, 1);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('shm');
  const typed = await vsc.waitForProblems((ps) => ps.some((p) => p.code === 'yaml-syntax'), { timeoutMs: 20000, what: 'the yaml-syntax finding of the half-typed key' });
  const syntax = typed.find((p) => p.code === 'yaml-syntax');
  assert.match(syntax.message, /^This line has no ":" after its key/);
  assert.doesNotMatch(syntax.message, /Implicit map keys/);
  assert.equal(syntax.line, 17);
  await vsc.screenshot('walkthrough-5-yaml-syntax');
  step(`a key typed without its colon: "${syntax.message}"`);

  const errors = vsc.extensionErrors();
  assert.deepEqual(errors, [], 'errors of ours in the extension host log');
  ok = true;
} catch (err) {
  console.log(`FAIL walkthrough: ${err.stack ?? err}`);
} finally {
  if (!ok) await vsc?.screenshot('walkthrough-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
