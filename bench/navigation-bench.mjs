// Navigation requests over stdio against dist/server.js, on a seed-size file and on the 5,000-service file:
// documentSymbol and documentLink (whole document), inlayHint (one screen), definition. On the big file: the first
// whole-document answer (every service parsed once, in slices), the same after a one-character edit (one service
// parsed again), and how long a small request waits while the first whole-document answer is being computed.
// Usage: npm run build && node bench/navigation-bench.mjs
import { performance } from 'node:perf_hooks';
import { composeText, editTarget, serviceName } from './generate.mjs';
import { oursSpec } from './lsp-bench.mjs';
import { LspClient } from './lsp-driver.mjs';
import { percentile } from './stats.mjs';

const root = new URL('..', import.meta.url).pathname;

async function timed(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

const screen = (line) => ({ start: { line, character: 0 }, end: { line: line + 50, character: 0 } });

async function seedFile(client) {
  const text = composeText(2);
  const uri = 'file:///bench/seed/compose.yaml';
  await client.open(uri, 'dockercompose', text);
  const runs = { documentSymbol: [], documentLink: [], inlayHint: [], definition: [] };
  const depends = text.split('\n').findIndex((l) => l.includes('depends_on'));
  for (let i = 0; i < 50; i++) {
    // A new version each time, so nothing is answered from a previous version's result.
    await client.changeRange(uri, i + 2, 0, 0, 0, i % 2 ? '#' : '');
    runs.documentSymbol.push((await timed(() => client.request('textDocument/documentSymbol', { textDocument: { uri } }))).ms);
    runs.documentLink.push((await timed(() => client.request('textDocument/documentLink', { textDocument: { uri } }))).ms);
    runs.inlayHint.push((await timed(() => client.request('textDocument/inlayHint', { textDocument: { uri }, range: screen(0) }))).ms);
    runs.definition.push((await timed(() => client.request('textDocument/definition', { textDocument: { uri }, position: { line: depends, character: 20 } }))).ms);
  }
  for (const [name, ms] of Object.entries(runs)) console.log(`seed (2 services)  ${name.padEnd(15)} p50 ${percentile(ms, 50).toFixed(2)} ms  p95 ${percentile(ms, 95).toFixed(2)} ms`);
}

async function bigFile(client) {
  const services = 5000;
  const text = composeText(services);
  const lines = text.split('\n');
  const uri = 'file:///bench/big/compose.yaml';
  await client.open(uri, 'dockercompose', text);
  const middle = lines.findIndex((l) => l === `  ${serviceName(services / 2)}:`);

  // A small request every 20 ms while the first outline is computed: how long does it wait?
  const waits = [];
  let done = false;
  const prober = (async () => {
    while (!done) {
      waits.push((await timed(() => client.request('textDocument/inlayHint', { textDocument: { uri }, range: screen(middle) }))).ms);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const first = await timed(() => client.request('textDocument/documentSymbol', { textDocument: { uri } }));
  done = true;
  await prober;
  console.log(`5,000 services  documentSymbol, first      ${first.ms.toFixed(0)} ms (${first.result[0].children.length} services)`);
  console.log(`5,000 services  inlayHint while it ran     p50 ${percentile(waits, 50).toFixed(1)} ms  max ${Math.max(...waits).toFixed(1)} ms (n=${waits.length})`);
  const links = await timed(() => client.request('textDocument/documentLink', { textDocument: { uri } }));
  console.log(`5,000 services  documentLink, same version ${links.ms.toFixed(0)} ms (${links.result.length} links)`);

  const edit = editTarget(text, services);
  const after = { documentSymbol: [], documentLink: [], inlayHint: [], definition: [] };
  const depends = middle + lines.slice(middle).findIndex((l) => l.includes('depends_on'));
  for (let i = 0; i < 10; i++) {
    await client.changeRange(uri, i + 2, edit.line, edit.character, edit.character + 1, edit.chars[(i + 1) % 2]);
    after.documentSymbol.push((await timed(() => client.request('textDocument/documentSymbol', { textDocument: { uri } }))).ms);
    after.documentLink.push((await timed(() => client.request('textDocument/documentLink', { textDocument: { uri } }))).ms);
    after.inlayHint.push((await timed(() => client.request('textDocument/inlayHint', { textDocument: { uri }, range: screen(middle) }))).ms);
    after.definition.push((await timed(() => client.request('textDocument/definition', { textDocument: { uri }, position: { line: depends, character: 20 } }))).ms);
  }
  for (const [name, ms] of Object.entries(after)) console.log(`5,000 services  ${name.padEnd(15)} after an edit  p50 ${percentile(ms, 50).toFixed(1)} ms  p95 ${percentile(ms, 95).toFixed(1)} ms`);
}

const client = new LspClient(oursSpec(root)).start();
await client.initialize(null);
await seedFile(client);
await bigFile(client);
await client.stop();
