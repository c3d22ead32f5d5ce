// The language server's editor features in a real VS Code (code-server), used as a person writing a Compose file
// would: Go to Symbol lists the services; hovering `--max-model-len` explains it from the vendored vLLM facts; a
// misspelt service key (`restarx:`) is a compose-schema problem whose quick fix renames it to `restart`; typing
// `--gpu-mem` in the vLLM service's command list offers `--gpu-memory-utilization`, and Enter writes it into the file.
// The hover and the completion list are saved as test-artifacts/hover.png and completion.png (the README's
// docs/images/hover.png and completion.png are copies of them).
//   node test/e2e/editor-intelligence.mjs      (E2E_VSIX=... to test another build; setup in test/e2e/README.md)
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

// What the hover must say about --max-model-len: the first sentence of its meaning in the facts the server reads.
const cliFacts = JSON.parse(fs.readFileSync(path.join(REPO, 'server/src/engines/facts/vllm-cli-flags.json'), 'utf8'));
const factOf = (flag) => ['serve_only_options', 'frontend_options', 'engine_options'].flatMap((s) => cliFacts[s]).find((o) => o.flag === flag);
const MAX_MODEL_LEN_DOC = factOf('--max-model-len').meaning.split('. ')[0];
const GPU_MEMORY_DOC = factOf('--gpu-memory-utilization').meaning.split('; ')[0];

// The production example's model service, without --gpu-memory-utilization (completion does not offer a flag that
// is already there) and with `restart` misspelt. Otherwise clean, so the only squiggle is the misspelling.
const COMPOSE = `services:
  vllm:
    image: vllm/vllm-openai:v0.11.0
    command:
      - --model
      - meta-llama/Llama-3.1-8B-Instruct
      - --max-model-len
      - "8192"
    restarx: always
    environment:
      HF_TOKEN: \${HF_TOKEN}
    ports:
      - "8000:8000"
    volumes:
      - hf-cache:/root/.cache/huggingface
    deploy:
      resources:
        limits:
          cpus: "8"
          memory: 32g
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
    healthcheck:
      test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
      interval: 30s
      timeout: 10s
      retries: 3
      start_period: 5m
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: "3"

  proxy:
    image: nginx:1.27
    ports:
      - "8080:80"
    depends_on:
      vllm:
        condition: service_healthy

volumes:
  hf-cache:
`;
/** 1-based line of the first line that reads `text` (trimmed). */
const lineOf = (text, src = COMPOSE) => src.split('\n').findIndex((l) => l.trim() === text) + 1;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'is-e2e-'));
const work = path.join(root, 'stack');
fs.mkdirSync(work, { recursive: true });
const composePath = path.join(work, 'compose.yaml');
fs.writeFileSync(composePath, COMPOSE);
const FILE = 'compose.yaml';
// The Problems panel names a file at the workspace root "./compose.yaml" (its folder part is ".").
const ours = (ps) => ps.filter((p) => p.file?.replace(/^\.\//, '') === FILE && p.source === 'inference-stack');

const results = [];
let vsc;
async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${err.stack ?? err}`);
    await vsc?.screenshot(`FAIL-editor-${name.replace(/\W+/g, '-')}`).catch(() => {});
    await vsc?.page.keyboard.press('Escape').catch(() => {});
  }
}

try {
  // Autosave off: the file on disk changes only when the test saves, so what it reads back is what it asked for.
  vsc = await startVSCode({
    vsix,
    folder: work,
    width: 1280,
    height: 800,
    settings: { 'editor.minimap.enabled': false, 'files.autoSave': 'off', 'workbench.editor.enablePreview': false },
  });
  const page = vsc.page;
  const editor = page.locator('.editor-group-container.active');
  /**
   * The README's screenshots show the editor, not the window: the active editor group's box, cut below the lowest
   * of `widgets` (the hover, the suggest list and its details) but at least `minHeight` tall.
   */
  const editorClip = async (minHeight, ...widgets) => {
    const box = await editor.boundingBox();
    let bottom = 0;
    for (const w of widgets) {
      const b = await w.boundingBox().catch(() => null);
      if (b) bottom = Math.max(bottom, b.y + b.height);
    }
    const height = bottom ? Math.min(box.height, Math.max(minHeight, bottom + 24 - box.y)) : box.height;
    return { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(height) };
  };
  const save = async () => {
    await vsc.runCommand('File: Save');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 5000 });
    return fs.readFileSync(composePath, 'utf8');
  };

  await vsc.openFile(FILE);

  // (1) The misspelt key: an error from compose-schema on its line naming the right key; the quick fix renames it.
  await step('restarx: compose-schema problem, quick fix renames it to restart', async () => {
    const line = lineOf('restarx: always');
    const ps = await vsc.waitForProblems((ps) => ours(ps).some((p) => p.code === 'compose-schema'), { timeoutMs: 30000, what: 'the compose-schema problem' });
    const mine = ours(ps);
    console.log(`  ${mine.map((p) => `${p.line}:${p.column} ${p.severity} ${p.code}: ${p.message}`).join('\n  ')}`);
    // The misspelling is the file's only problem: the squiggle counted below can only be its own.
    assert.equal(mine.length, 1, 'one problem in compose.yaml');
    const [schema] = mine;
    assert.deepEqual([schema.line, schema.column, schema.severity], [line, 5, 'Error'], 'an error on the `restarx` key');
    assert.match(schema.message, /'restarx' is not a service attribute\. Did you mean 'restart'\?/);
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: 5000 });

    await vsc.goToLine(line, 6);
    const titles = await vsc.applyQuickFix('Rename to restart');
    console.log(`  quick fixes: ${JSON.stringify(titles)}`);
    const saved = await save();
    assert.equal(saved, COMPOSE.replace('restarx: always', 'restart: always'), 'only the key changed');
    await vsc.waitForProblems((ps) => ours(ps).length === 0, { what: 'the compose-schema problem to go' });
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 5000 });
  });

  // (2) The outline: "Go to Symbol in Editor" (Ctrl+Shift+O, i.e. "@" in quick open) names the sections and the
  // services in file order; the Outline view adds a service's detail (its engine and model).
  await step('Go to Symbol and the Outline view list the services', async () => {
    await vsc.openPalette('@');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    // A name carries a leading space (the symbol icon's place).
    const names = await waitFor('the symbols of compose.yaml', async () => {
      const texts = (await rows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
      return texts.includes('proxy') ? texts : undefined;
    });
    console.log(`  symbols: ${JSON.stringify(names)}`);
    assert.deepEqual(names, ['services', 'vllm', 'proxy', 'volumes', 'hf-cache']);
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });

    await vsc.runCommand('Explorer: Focus on Outline View');
    const outline = page.locator('.outline-pane .monaco-list-row');
    const entries = await waitFor('the services in the Outline view', async () => {
      const rows = await outline.evaluateAll((els) =>
        els.map((el) => [el.querySelector('.label-name')?.textContent ?? '', el.querySelector('.label-description')?.textContent ?? ''].map((t) => t.trim()).join(' | ')),
      );
      return rows.some((t) => t.startsWith('proxy')) ? rows : undefined;
    });
    console.log(`  outline: ${JSON.stringify(entries)}`);
    assert.deepEqual(entries, ['services | ', 'vllm | vLLM · meta-llama/Llama-3.1-8B-Instruct', 'proxy | nginx:1.27', 'volumes | ', 'hf-cache | ']);
  });

  // (3) Hover on a flag: its meaning from the facts, its type and where the text comes from.
  await step('hover on --max-model-len shows its doc', async () => {
    // The editor alone, full width and height, for the screenshots (and room for the suggest list's details).
    await vsc.runCommand('View: Close Primary Side Bar');
    await vsc.runCommand('View: Hide Panel');
    await vsc.goToLine(lineOf('- --max-model-len'), 12);
    await vsc.runCommand('Show or Focus Hover');
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: '--max-model-len' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10000 });
    const text = await hover.innerText();
    console.log(`  hover: ${JSON.stringify(text.slice(0, 160))}…`);
    assert.ok(text.includes(MAX_MODEL_LEN_DOC), `the hover says "${MAX_MODEL_LEN_DOC}"`);
    assert.match(text, /· vLLM/);
    assert.match(text, /Source: vllm\/engine\/arg_utils\.py/);
    await vsc.screenshot('hover', { clip: await editorClip(340, hover) });
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden', timeout: 5000 });
  });

  // (4) Completion in the command list: typed as a person types, accepted with Enter, read back from the file.
  await step('typing --gpu-mem offers --gpu-memory-utilization; Enter inserts it', async () => {
    const before = fs.readFileSync(composePath, 'utf8');
    const after = lineOf('- "8192"', before);
    await vsc.goToLine(after, 1);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    // The new line keeps the list's indentation; `-` is a trigger character, the rest filters the open list.
    await page.keyboard.type('- --gpu-mem', { delay: 60 });
    const widget = page.locator('.editor-widget.suggest-widget.visible');
    await widget.waitFor({ state: 'visible', timeout: 10000 });
    const labels = await waitFor('--gpu-memory-utilization in the suggest widget', async () => {
      const ls = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
      return ls.includes('--gpu-memory-utilization') ? ls : undefined;
    });
    console.log(`  suggestions: ${JSON.stringify(labels)}`);
    // The best match is the focused row: Enter takes it. (The list may still be refiltering the last keystroke.)
    const focused = widget.locator('.monaco-list-row.focused .label-name');
    await waitFor('--gpu-memory-utilization focused', async () => (await focused.innerText()).trim() === '--gpu-memory-utilization', { timeoutMs: 5000 });
    // The documentation beside the list (completionItem/resolve). A fresh profile has it folded (VS Code's
    // expandSuggestionDocs is false by default): Ctrl+Space unfolds it.
    const details = page.locator('.suggest-details-container .suggest-details');
    if (!(await details.isVisible())) await page.keyboard.press('Control+Space');
    const doc = await waitFor('the flag\'s doc beside the list', async () => {
      const text = await details.innerText().catch(() => '');
      return text.includes(GPU_MEMORY_DOC) ? text : undefined;
    });
    console.log(`  details: ${JSON.stringify(doc)}`);
    await vsc.screenshot('completion', { clip: await editorClip(340, widget, details) });
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 5000 });
    const saved = await save();
    const lines = before.split('\n');
    lines.splice(after, 0, '      - --gpu-memory-utilization');
    assert.equal(saved, lines.join('\n'), 'the flag is inserted once, on its own list item, nothing else changed');
  });

  await step('no inference-stack errors in the extension host logs', async () => {
    assert.deepEqual(vsc.extensionErrors(), []);
  });
} catch (err) {
  results.push({ name: 'start VS Code', ok: false });
  console.log(`FAIL start: ${err.stack ?? err}`);
} finally {
  await vsc?.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok);
console.log(`${results.length - failed.length}/${results.length} passed`);
process.exit(failed.length ? 1 : 0);
