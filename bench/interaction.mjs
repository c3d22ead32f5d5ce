// What a user does between two value keystrokes, timed over stdio against dist/server.js (issue 17): opening a
// big file, the lightbulb (a codeAction request on a flagged line, sent each time the cursor lands on a
// squiggle), a keystroke in a value, a keystroke that changes a line's indentation (one space before a key in
// the middle service: the YAML is broken until the next keystroke takes it away), and a value keystroke right
// after that. Worst of three tries each; the goals are printed as pass/fail.
//   npm run build && node bench/interaction.mjs [50,500,5000]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { oursSpec } from './lsp-bench.mjs';
import { LspClient } from './lsp-driver.mjs';
import { composeText, editTarget, serviceName } from './generate.mjs';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const sizes = (process.argv[2] ?? '50,500,5000').split(',').map(Number);
const TRIES = 3;

// Issue 17's goals (ms), worst of three.
const GOALS = {
  50: { open: 300, lightbulb: 50, value: 30, indentation: 50, valueAfterIndentation: 30 },
  500: { open: 600, lightbulb: 50, value: 50, indentation: 150, valueAfterIndentation: 50 },
  5000: { open: 3000, lightbulb: 100, value: 150, indentation: 1000, valueAfterIndentation: 150 },
};

/** A Compose file of `services` services, and the places its keystrokes go. */
function subject(dir, services) {
  const text = composeText(services);
  const path = join(dir, `compose-${services}.yaml`);
  writeFileSync(path, text);
  const lines = text.split('\n');
  const middle = lines.indexOf(`  ${serviceName(Math.floor(services / 2))}:`);
  const indentLine = lines.findIndex((l, i) => i > middle && /^ {4}environment:/.test(l));
  return { uri: pathToFileURL(path).href, text, value: editTarget(text, services), indentLine };
}

async function measure(services) {
  const dir = mkdtempSync(join(tmpdir(), 'is-bench-interaction-'));
  const file = subject(dir, services);
  const client = new LspClient(oursSpec(root)).start();
  await client.initialize(pathToFileURL(dir).href);
  const timeoutMs = 120_000;
  let version = 0;
  const worst = { open: 0, lightbulb: 0, value: 0, indentation: 0, valueAfterIndentation: 0 };
  const keep = (key, ms) => (worst[key] = Math.max(worst[key], ms));

  /** Sends one edit and resolves with the time to the diagnostics of its version. */
  const keystroke = async (line, start, end, text) => {
    const v = ++version;
    const got = client.waitForDiagnostics(file.uri, (p) => p.version === v, timeoutMs);
    const sent = performance.now();
    client.changeRange(file.uri, v, line, start, end, text);
    const { at, timeout } = await got;
    if (timeout) throw new Error(`no diagnostics for version ${v} within ${timeoutMs} ms`);
    return at - sent;
  };

  let valueChar = file.value.chars[0];
  const valueKeystroke = () => {
    valueChar = valueChar === file.value.chars[0] ? file.value.chars[1] : file.value.chars[0];
    return keystroke(file.value.line, file.value.character, file.value.character + 1, valueChar);
  };

  for (let t = 0; t < TRIES; t++) {
    // Open (a reopen forgets what the worker kept, so it is a full analysis each time).
    if (t > 0) client.close(file.uri);
    const v = ++version;
    const opened = client.waitForDiagnostics(file.uri, (p) => p.version === v, timeoutMs);
    const sent = performance.now();
    client.open(file.uri, 'dockercompose', currentText(), v);
    const { at, params, timeout } = await opened;
    if (timeout) throw new Error('no diagnostics after open');
    keep('open', at - sent);
    // Warm up: the first keystrokes compile the incremental path.
    for (let i = 0; i < 3; i++) await valueKeystroke();

    // The lightbulb on the first flagged line.
    const flagged = params.diagnostics.find((d) => d.source === 'inference-stack');
    if (flagged) {
      const asked = performance.now();
      await client.request('textDocument/codeAction', { textDocument: { uri: file.uri }, range: flagged.range, context: { diagnostics: [flagged], triggerKind: 2 } });
      keep('lightbulb', performance.now() - asked);
    }

    keep('value', await valueKeystroke());
    // One space before `environment:` breaks the YAML; the next keystroke takes it away.
    keep('indentation', await keystroke(file.indentLine, 0, 0, ' '));
    keep('indentation', await keystroke(file.indentLine, 0, 1, ''));
    keep('valueAfterIndentation', await valueKeystroke());
  }
  await client.stop();
  return worst;

  function currentText() {
    const lines = file.text.split('\n');
    const l = lines[file.value.line];
    lines[file.value.line] = l.slice(0, file.value.character) + valueChar + l.slice(file.value.character + 1);
    return lines.join('\n');
  }
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
console.log('| services | open | lightbulb | keystroke in a value | indentation keystroke | value keystroke after it |');
console.log('|---|---|---|---|---|---|');
for (const n of sizes) {
  const worst = await measure(n);
  const goal = GOALS[n];
  const cell = (key) => `${fmt(worst[key])}${goal ? ` ${worst[key] <= goal[key] ? '✅' : '❌'} (≤ ${fmt(goal[key])})` : ''}`;
  console.log(`| ${n} | ${cell('open')} | ${cell('lightbulb')} | ${cell('value')} | ${cell('indentation')} | ${cell('valueAfterIndentation')} |`);
}
