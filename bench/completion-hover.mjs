// Completion and hover over stdio against dist/server.js, on the seed-size file (1 service) and on the 5,000-service
// file of bench/generate.mjs: p50/p95/max per request kind, each request on a new document version (a one-character
// edit first, so nothing is answered from the previous version's work), and on the big file also right after a
// keystroke whose analysis is still running. Goal (issue 10): p95 ≤ 20 ms on the seed, ≤ 50 ms on 5,000 services.
// Usage: npm run build && node bench/completion-hover.mjs [runs per kind, default 60]
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { composeText, editTarget, serviceName } from './generate.mjs';
import { oursSpec } from './lsp-bench.mjs';
import { LspClient } from './lsp-driver.mjs';
import { percentile } from './stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.argv[2] ?? 60);

/** The generated file with one empty key line in the target service, where service keys are completed. */
function benchText(services) {
  const text = composeText(services);
  const target = serviceName(Math.floor(services / 2));
  const header = text.indexOf(`\n  ${target}:\n`);
  const imageLineEnd = text.indexOf('\n', text.indexOf('    image:', header)) + 1;
  return { text: `${text.slice(0, imageLineEnd)}    \n${text.slice(imageLineEnd)}`, header };
}

function positionOf(text, offset) {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
}

/** Where each request kind asks, in the target service. */
function requestsFor(text, header) {
  const inService = (needle, into) => positionOf(text, text.indexOf(needle, header) + into);
  const blankKeyLine = text.indexOf('    \n', header) + 4;
  return [
    { name: 'completion: flag (--gpu-mem…)', method: 'textDocument/completion', position: inService('--gpu-memory-utilization', 9), expect: (r) => r?.items?.length > 200 },
    { name: 'completion: flag value (--dtype)', method: 'textDocument/completion', position: inService('--max-model-len', 15), expect: () => true },
    { name: 'completion: env var', method: 'textDocument/completion', position: inService('HF_TOKEN', 3), expect: (r) => r?.items?.length > 100 },
    { name: 'completion: service keys', method: 'textDocument/completion', position: positionOf(text, blankKeyLine), expect: (r) => r?.items?.length > 0 },
    { name: 'hover: flag', method: 'textDocument/hover', position: inService('--gpu-memory-utilization', 5), expect: (r) => /gpu-memory-utilization/.test(r?.contents?.value) },
    { name: 'hover: model id', method: 'textDocument/hover', position: inService('--model, ', 12), expect: (r) => /· model/.test(r?.contents?.value) },
    { name: 'hover: env var', method: 'textDocument/hover', position: inService('HF_TOKEN', 3), expect: (r) => /HF_TOKEN/.test(r?.contents?.value) },
    { name: 'hover: healthcheck', method: 'textDocument/hover', position: inService('retries', 3), expect: (r) => /Unhealthy after/.test(r?.contents?.value) },
  ];
}

const versions = new Map();
const stats = (ms) => `p50 ${percentile(ms, 50).toFixed(2)} ms  p95 ${percentile(ms, 95).toFixed(2)} ms  max ${Math.max(...ms).toFixed(2)} ms  (n=${ms.length})`;

async function timeRequests(client, uri, text, header, label, { runs, afterEdit, services }) {
  const kinds = requestsFor(text, header);
  const edit = editTarget(text, services);
  const samples = new Map(kinds.map((k) => [k.name, []]));
  // Each request follows a keystroke in the service it asks about (bench/generate.mjs editTarget: a digit of its
  // --max-model-len toggled): a new text with the same positions, re-analysed incrementally on a worker.
  for (let i = 0; i < runs; i++) {
    for (const kind of kinds) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      const published = client.waitForDiagnostics(uri, (p) => p.version === version, 120_000);
      await client.changeRange(uri, version, edit.line, edit.character, edit.character + 1, edit.chars[version % 2]);
      if (!afterEdit) await published;
      const start = performance.now();
      const result = await client.request(kind.method, { textDocument: { uri }, position: kind.position });
      samples.get(kind.name).push(performance.now() - start);
      if (!kind.expect(result)) throw new Error(`${label} ${kind.name}: unexpected answer ${JSON.stringify(result)?.slice(0, 300)}`);
    }
  }
  for (const [name, ms] of samples) console.log(`${label.padEnd(38)} ${name.padEnd(34)} ${stats(ms)}`);
  return samples;
}

async function main() {
  console.log(`completion/hover over stdio; ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  const client = new LspClient(oursSpec(root)).start();
  await client.initialize(null);
  try {
    const seed = benchText(1);
    const seedUri = 'file:///bench/assist-seed/compose.yaml';
    await client.open(seedUri, 'dockercompose', seed.text);
    await client.waitForDiagnostics(seedUri, () => true, 10_000);
    await timeRequests(client, seedUri, seed.text, seed.header, `seed (${seed.text.split('\n').length} lines)`, { runs: RUNS, afterEdit: false, services: 1 });

    const big = benchText(5000);
    const bigUri = 'file:///bench/assist-5000/compose.yaml';
    const opened = performance.now();
    await client.open(bigUri, 'dockercompose', big.text);
    // The first answer while the whole file is being analysed for the first time (seconds, on a worker).
    const first = requestsFor(big.text, big.header)[0];
    const start = performance.now();
    await client.request(first.method, { textDocument: { uri: bigUri }, position: first.position });
    console.log(`5,000 services: first completion ${(performance.now() - start).toFixed(2)} ms, sent ${(start - opened).toFixed(0)} ms after didOpen, during the first analysis`);
    await client.waitForDiagnostics(bigUri, () => true, 120_000);
    const label = `5,000 services (${big.text.split('\n').length.toLocaleString('en')} lines)`;
    await timeRequests(client, bigUri, big.text, big.header, label, { runs: Math.max(10, Math.round(RUNS / 3)), afterEdit: false, services: 5000 });
    await timeRequests(client, bigUri, big.text, big.header, `${label}, right after the keystroke`, { runs: Math.max(10, Math.round(RUNS / 3)), afterEdit: true, services: 5000 });
  } finally {
    await client.stop();
  }
}

await main();
