// Issue 12, "fixes that keep your secrets", in a real VS Code (code-server): a Compose file with a Hugging Face token
// written in it. The quick fix "Replace with ${HF_TOKEN} and move the value to .env (git-ignored)" leaves
// `${HF_TOKEN}` in the Compose file, writes the token to a new .env (exactly, so Compose reads it back) and adds .env
// to .gitignore; the token is no longer in the Compose file, and the finding is gone.
//   node test/e2e/secret-fix.mjs
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, startVSCode, waitFor } from './harness.mjs';

const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(REPO, 'inference-stack.vsix'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, 'secretfix');
fs.mkdirSync(work);
const token = `hf_${[...randomBytes(34)].map((b) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 62]).join('')}`;
const compose = `services:
  vllm:
    image: vllm/vllm-openai:v0.11.0
    command: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
    environment:
      HF_TOKEN: ${token}
`;
fs.writeFileSync(path.join(work, 'compose.yaml'), compose);
fs.writeFileSync(path.join(work, '.gitignore'), 'node_modules/\n');
const FIX = 'Replace with ${HF_TOKEN} and move the value to .env (git-ignored)';
const read = (name) => (fs.existsSync(path.join(work, name)) ? fs.readFileSync(path.join(work, name), 'utf8') : undefined);

let vsc;
let ok = false;
const step = (text) => console.log(`ok   ${text}`);
try {
  vsc = await startVSCode({ vsix, folder: work, width: 1480, height: 900 });
  await vsc.openFile('compose.yaml');
  await vsc.waitForProblems((ps) => ps.some((p) => p.code === 'secret-literal' && p.line === 6), { timeoutMs: 30000, what: 'secret-literal on the token' });
  await vsc.goToLine(6, 17);
  const offered = await vsc.applyQuickFix(FIX);
  const env = await waitFor('.env written with the token', () => read('.env')?.includes(token) && read('.env'), { timeoutMs: 15000 });
  assert.equal(env.trim(), `HF_TOKEN=${token}`);
  await waitFor('compose.yaml saved with ${HF_TOKEN}', () => read('compose.yaml')?.includes('HF_TOKEN: ${HF_TOKEN}'), { timeoutMs: 15000 });
  assert.ok(!read('compose.yaml').includes(token), 'the token is no longer in the Compose file');
  assert.equal(read('.gitignore'), 'node_modules/\n.env\n');
  const after = await vsc.waitForProblems((ps) => !ps.some((p) => p.code === 'secret-literal'), { what: 'secret-literal to go' });
  assert.ok(!JSON.stringify(after).includes(token), 'no finding shows the token');
  await vsc.screenshot('secret-fix');
  step(`quick fix "${FIX}" (offered: ${offered.length}); .env "HF_TOKEN=hf_…" (${env.trim().length} chars), .gitignore gained ".env", compose.yaml reads \${HF_TOKEN}`);
  assert.deepEqual(vsc.extensionErrors(), []);
  ok = true;
} finally {
  if (!ok) await vsc?.screenshot('secret-fix-failure').catch(() => undefined);
  await vsc?.stop().catch((e) => console.error(e));
  fs.rmSync(root, { recursive: true, force: true });
}
if (!ok) process.exit(1);
