// Quick keystroke latency check of our server alone: node bench/keystroke.mjs 1,50,500,5000 (after npm run bench generated the files).
import { readFileSync } from 'node:fs';
import { benchServer, oursSpec } from './lsp-bench.mjs';
import { editTarget } from './generate.mjs';
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const sizes = (process.argv[2] ?? '1,50').split(',').map(Number);
const files = sizes.map((n) => { const path = `${root}/bench/generated/compose-${n}.yaml`; const text = readFileSync(path, 'utf8'); return { services: n, path, text, edit: editTarget(text, n) }; });
const plan = Object.fromEntries(sizes.map((n) => [n, n <= 1 ? 200 : n <= 50 ? 20 : n <= 500 ? 5 : 3]));
const r = await benchServer(oursSpec(root), root, files, plan, {});
for (const n of sizes) { const e = [...r[n].edits].sort((a, b) => a - b); console.log(n, 'p50', e[e.length >> 1].toFixed(2), 'p95', e[Math.floor(e.length * 0.95)].toFixed(2)); }
