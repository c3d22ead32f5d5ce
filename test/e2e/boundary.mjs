// Issue 15, findings 2 and 6, in a real VS Code in Restricted Mode: the workspace is the boundary.
// A folder beside the workspace ("outside") holds a planted token, a vLLM Dockerfile and a file to protect. The
// workspace points at them the ways the review found: `.env` is a symlink to the outside secret (its GMU feeds
// `--gpu-memory-utilization ${GMU}`, which the old rule echoed, token and all), one service is built from
// `../outside` (whose Dockerfile made it a vLLM service), and `probe.py` is a symlink to the outside file.
//   - The Problems panel never shows the token, and the service built from outside gets no finding that needed its
//     Dockerfile, while the one built from a Dockerfile inside does (so the reads themselves work).
//   - "Write Accuracy Probe Healthcheck Script", offered in Restricted Mode, refuses to write through probe.py and
//     says why; the outside file is unchanged.
//   node test/e2e/boundary.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, startVSCode } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
if (!fs.existsSync(vsix)) {
  console.error(`no ${vsix}: run \`npm run package\` first (or set E2E_VSIX)`);
  process.exit(2);
}
const TOKEN = 'hf_PlantedOutsideTokenQwErTy0123456789';
const VICTIM_TEXT = 'a file outside the workspace: never written\n';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const outside = path.join(root, 'outside');
const work = path.join(root, `isboundary${process.pid}`);
fs.mkdirSync(outside);
fs.mkdirSync(path.join(work, 'inside'), { recursive: true });
fs.writeFileSync(path.join(outside, 'secret.env'), `GMU=${TOKEN}\n`);
fs.writeFileSync(path.join(outside, 'Dockerfile'), 'FROM vllm/vllm-openai:v0.9.0\n');
fs.writeFileSync(path.join(outside, 'victim.txt'), VICTIM_TEXT);
fs.writeFileSync(path.join(work, 'inside', 'Dockerfile'), 'FROM vllm/vllm-openai:v0.9.0\n');
fs.symlinkSync('../outside/secret.env', path.join(work, '.env'));
fs.symlinkSync('../outside/victim.txt', path.join(work, 'probe.py'));
fs.writeFileSync(
  path.join(work, 'compose.yaml'),
  [
    'services:',
    '  builtinside:',
    '    build: ./inside',
    '  builtoutside:',
    '    build: ../outside',
    '  vllm:',
    '    image: vllm/vllm-openai:v0.9.0',
    '    command: ["--model", "Qwen/Qwen3-0.6B", "--gpu-memory-utilization", "${GMU}"]',
    '',
  ].join('\n'),
);

const step = (text) => console.log(`ok   ${text}`);
let vsc;
let ok = false;
try {
  vsc = await startVSCode({ vsix, folder: work, trust: true, width: 1480, height: 900, settings: { 'editor.minimap.enabled': false } });
  const page = vsc.page;
  await vsc.declineTrust();

  // Reads: the service built from a Dockerfile inside is a vLLM service (its GPU finding shows the read works);
  // the one built from outside is not read, so nothing is said of it; the token never shows.
  await vsc.openFile('compose.yaml');
  const problems = await vsc.waitForProblems(
    (ps) => ps.some((p) => p.code === 'gpu-reservation-missing' && p.message.includes('"builtinside"')) && ps.some((p) => p.code === 'healthcheck-missing' && p.message.includes('"vllm"')),
    { timeoutMs: 30000, what: 'the findings of builtinside and vllm' },
  );
  const shown = JSON.stringify(problems);
  assert.ok(!shown.includes(TOKEN), `the outside token reached the Problems panel: ${shown}`);
  assert.ok(!problems.some((p) => p.message.includes('"builtoutside"')), `a finding about the service built from outside: ${shown}`);
  await vsc.screenshot('boundary-1-problems');
  step(`Restricted Mode: ${problems.length} findings, builtinside read as vLLM, builtoutside and the .env symlink not read, no token shown`);

  // Writes: the probe script is not written through the probe.py symlink.
  const mark = await vsc.notificationMark();
  await vsc.runCommand('Inference Stack: Write Accuracy Probe Healthcheck Script');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 15000 });
  await rows.filter({ has: page.locator('.label-name', { hasText: /^Only write the script$/ }) }).first().click();
  const replace = page.locator('.monaco-dialog-box', { hasText: 'probe.py exists. Replace it?' });
  await replace.waitFor({ state: 'visible', timeout: 15000 });
  await replace.locator('.monaco-button', { hasText: 'Replace' }).click();
  const refusal = await vsc.waitForNotification('the refusal to write through probe.py', /probe\.py was not written/, { since: mark, timeoutMs: 20000 });
  assert.match(refusal, /symbolic link/);
  assert.equal(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8'), VICTIM_TEXT, 'the file outside the workspace was written');
  assert.ok(fs.lstatSync(path.join(work, 'probe.py')).isSymbolicLink(), 'probe.py is still the symlink');
  await vsc.screenshot('boundary-2-probe-refused');
  step(`Restricted Mode: "Write Accuracy Probe Healthcheck Script" answers "${refusal.split('\n')[0]}"; the outside file is unchanged`);

  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} catch (err) {
  console.log(`FAIL boundary: ${err.stack ?? err}`);
} finally {
  if (!ok) await vsc?.screenshot('boundary-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
