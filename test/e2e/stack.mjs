// "Start Inference Stack" on examples/demo in a real VS Code (code-server) against the real Docker engine: the
// sidebar shows the services healthy, "Run Accuracy Probe" passes, "Tail vLLM Logs" shows the startup milestones,
// "Stop Inference Stack" removes the containers and keeps the volume. Then a stack that reserves a GPU on this
// GPU-less host gives the explained error.
//   node test/e2e/stack.mjs     (needs the demo images: node scripts/build-test-images.mjs; setup in README.md)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeProject, REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
// A folder of its own, so the Compose project (named after the folder) cannot clash with a stack already running.
const work = path.join(root, `isdemo${process.pid}`);
fs.cpSync(path.join(REPO, 'examples/demo'), work, { recursive: true });
fs.mkdirSync(path.join(work, 'gpu'));
fs.copyFileSync(path.join(REPO, 'test/docker/stacks/gpu.yaml'), path.join(work, 'gpu/compose.yaml'));
const project = path.basename(work);
const demo = composeProject(project);

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900, settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
  const page = vsc.page;

  const pickComposeFile = async (name) => {
    await vsc.runCommand('Inference Stack: Choose Compose File');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 10000 });
    const label = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[./]/g, '\\$&')}$`) }) });
    // The pick is a multi-select (several files, in order): the click checks the file, Enter takes it.
    await label.first().click();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
  };
  await pickComposeFile('compose.yaml');
  // The sidebar: its own view container with the Services view, open while the stack starts.
  await vsc.runCommand('Inference Stack: Focus on Services View');
  const services = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Services/i }) }).locator('.monaco-list-row');
  await vsc.runCommand('Inference Stack: Start Inference Stack');
  // The progress notification shows each service's phase.
  await waitFor('the start progress notification', () => page.locator('.notifications-toasts .notification-toast', { hasText: /Starting/ }).isVisible(), { timeoutMs: 20000 });
  // One vocabulary: while the engine loads its weights, the Services view and the status bar say so too.
  const loadingRow = await waitFor('vllm "loading weights" in the Services view', async () => {
    const texts = await services.allInnerTexts();
    return texts.find((t) => /vllm/.test(t) && /loading weights \d+:\d\d/.test(t));
  }, { timeoutMs: 60000, intervalMs: 100 });
  const loadingStatus = await page.locator('.statusbar-item', { hasText: /loading weights/ }).first().innerText({ timeout: 5000 }).catch(() => '(gone by then)');
  await vsc.screenshot('stack-starting');
  step(`starting: Services view "${loadingRow.replace(/\s+/g, ' ')}", status bar "${loadingStatus}"`);
  const ready = await vsc.waitForNotification('the stack to be ready', /is ready|did not start|Cannot start|Inference Stack:/, { timeoutMs: 120000, centreAfterMs: 20000 });
  assert.match(ready, /is ready \(vllm healthy in \d+ s\)/, ready);
  step(`start: ${ready.split('\n').find((l) => /is ready/.test(l))}`);

  const rows = await waitFor('vllm healthy and proxy running in the Services view', async () => {
    const texts = await services.allInnerTexts();
    return texts.some((t) => /vllm/.test(t) && /healthy/.test(t)) && texts.some((t) => /proxy/.test(t) && /running/.test(t)) ? texts : undefined;
  }, { timeoutMs: 30000 });
  const status = await page.locator('.statusbar-item', { hasText: /healthy/ }).first().innerText();
  assert.match(status, /1\/1 healthy|2\/2|healthy/);
  await vsc.screenshot('stack-healthy');
  step(`sidebar: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}; status bar "${status}"`);

  await vsc.runCommand('Inference Stack: Run Accuracy Probe');
  const probe = await vsc.waitForNotification('the probe result', /Probe (passed|failed)/);
  assert.match(probe, /Probe passed on vllm/, probe);
  // The Probe & metrics view: the pass with its answer, and TTFT percentiles read from /metrics.
  const probePane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Probe & metrics/i }) });
  const metricsRows = await waitFor('TTFT percentiles in the Probe & metrics view', async () => {
    const texts = await probePane.locator('.monaco-list-row').allInnerTexts();
    return texts.some((t) => /pass/.test(t)) && texts.some((t) => /TTFT\s*p50/.test(t)) ? texts : undefined;
  }, { timeoutMs: 20000 });
  // Metrics about now: a burst of requests shows up as a count and a rate over the last minute, not as percentiles
  // diluted since the server started.
  const BURST = 12;
  await Promise.all(Array.from({ length: BURST }, (_, i) => fetch('http://127.0.0.1:8000/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'qwen3-0.6b', messages: [{ role: 'user', content: `burst ${i}` }], max_tokens: 8 }),
  }).then((r) => assert.equal(r.status, 200))));
  const windowed = await waitFor(`the burst of ${BURST} requests in the Probe & metrics view`, async () => {
    const texts = (await probePane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    const ttft = texts.find((t) => /TTFT/.test(t));
    const count = Number(/\((\d+) req\)/.exec(ttft ?? '')?.[1] ?? 0);
    const requests = texts.find((t) => /^Requests/.test(t));
    return count >= BURST && /[\d.]+ req\/s/.test(requests ?? '') ? [ttft, requests] : undefined;
  }, { timeoutMs: 30000, intervalMs: 500 });
  step(`after a burst of ${BURST}: ${windowed.join(' | ')}`);
  await vsc.runCommand('Notifications: Clear All Notifications');
  await services.first().click();
  await page.keyboard.press('ArrowRight'); // expand vllm: state, health output, uptime, ports, cold start
  await vsc.screenshot('stack-probed');
  step(`probe: ${probe.split('\n').find((l) => /Probe passed/.test(l))}; view: ${metricsRows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);

  await vsc.runCommand('Inference Stack: Tail vLLM Logs');
  // xterm renders only the rows in view, and the health checks keep adding lines: by the time the logs are tailed
  // (later under load) the milestones may have scrolled out of view. Read the log from its start, a page at a time.
  const terminalRows = () => page.locator('.xterm-rows').last().innerText().catch(() => '');
  await waitFor('the log in the terminal', async () => /APIServer/.test(await terminalRows()), { timeoutMs: 30000 });
  await vsc.runCommand('Terminal: Scroll to Top');
  const top = await waitFor('the first lines of the log', async () => {
    const text = await terminalRows();
    return /vLLM server version/.test(text) ? text : undefined;
  }, { timeoutMs: 10000 });
  assert.match(top, /Starting to load model/);
  await vsc.screenshot('stack-logs-top');
  const pages = [top];
  await waitFor('the last startup milestone in the log terminal', async () => {
    const text = await terminalRows();
    pages.push(text);
    if (/Application startup complete/.test(text)) return true;
    await vsc.runCommand('Terminal: Scroll Down (Page)');
    return false;
  }, { timeoutMs: 30000 });
  await vsc.screenshot('stack-logs');
  step('logs: the terminal shows the banner, "Starting to load model" … "Application startup complete"');
  // The healthcheck (every 2 s) and the metrics view's reads (every 5 s) are hidden; the probe's request is not.
  await vsc.runCommand('Terminal: Scroll to Bottom');
  const bottom = await waitFor('the probe\'s request in the log', async () => {
    const text = await terminalRows();
    return /POST \/v1\/chat\/completions/.test(text) ? text : undefined;
  }, { timeoutMs: 15000 });
  for (const text of [...pages, bottom]) assert.doesNotMatch(text, /"GET \/(health|metrics) HTTP/, 'health and metrics requests are hidden by default');
  await vsc.runCommand('Inference Stack: Show or Hide Health and Metrics Requests in Logs');
  await vsc.runCommand('Terminal: Scroll to Bottom');
  await waitFor('the health requests once switched on', async () => /"GET \/health HTTP/.test(await terminalRows()), { timeoutMs: 15000 });
  step('logs: health and metrics requests hidden by default, shown after the switch; the probe\'s request always');

  const volumesBefore = demo.volumes();
  assert.ok(volumesBefore.length >= 1, `the demo's volume exists: ${volumesBefore}`);
  await vsc.runCommand('Inference Stack: Stop Inference Stack');
  const stopped = await vsc.waitForNotification('the stop message', /Stopped /, { timeoutMs: 60000, centreAfterMs: 20000 });
  assert.match(stopped, /volumes \(model caches\) were kept/);
  assert.deepEqual(demo.containers(), []);
  assert.deepEqual(demo.volumes(), volumesBefore);
  step(`stop: containers gone, volume kept (${volumesBefore.join(', ')})`);

  // A stack that reserves a GPU, on this GPU-less host: pre-flight warns first, then compose's own error comes
  // with its explanation, not a stack trace.
  await pickComposeFile('gpu/compose.yaml');
  await vsc.runCommand('Inference Stack: Start Inference Stack');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  const warning = await dialog.innerText();
  assert.match(warning, /GPU/);
  assert.match(warning, /NVIDIA Container Toolkit/);
  await vsc.screenshot('stack-gpu-preflight');
  await dialog.locator('.monaco-button', { hasText: 'Start anyway' }).click();
  const explained = await vsc.waitForNotification('the explained GPU error', /cannot give this container a GPU/, { timeoutMs: 60000, centreAfterMs: 20000 });
  assert.match(explained, /NVIDIA Container Toolkit is missing or not configured/);
  assert.doesNotMatch(explained, /at \S+ \(/, 'no stack trace');
  // The sidebar says the container failed to start, with the engine's reason; not "starting" forever.
  const failedRow = await waitFor('vllm failed to start in the Services view', async () => {
    const texts = await services.allInnerTexts();
    return texts.find((t) => /vllm/.test(t) && /failed to start/.test(t));
  }, { timeoutMs: 15000 });
  assert.ok(failedRow);
  await vsc.screenshot('stack-gpu-error');
  step(`gpu: ${explained.split('\n').find((l) => /GPU/.test(l))}`);
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('stack-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  composeProject('gpu').remove();
  demo.remove({ volumes: true });
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
