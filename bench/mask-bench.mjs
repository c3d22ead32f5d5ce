#!/usr/bin/env node
// Secret masking benchmark (issue 15, finding 4): the time maskSecrets takes on lines built to make it slow
// (test/security/maskShapes.ts), at 1, 4, 16 and 64 KiB. Linear means the 64 KiB time is about 4 times the
// 16 KiB time (16 times the 4 KiB time); the target is under 1 ms for a 64 KiB line of any shape.
// Usage: node bench/mask-bench.mjs [--runs N]      Writes bench/MASK.md.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fmtMs, median, timeRuns } from './stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const argIndex = process.argv.indexOf('--runs');
const RUNS = argIndex === -1 ? 41 : Number(process.argv[argIndex + 1]);
const SIZES = [1, 4, 16, 64];
const TARGET_MS = 1;

// The masker and the shapes, bundled from source for Node.
const cacheDir = join(root, 'node_modules', '.cache', 'mask-bench');
mkdirSync(cacheDir, { recursive: true });
const bundle = join(cacheDir, 'mask.cjs');
await build({
  stdin: {
    contents: "export * from './client/src/stack/logs/mask'; export * from './test/security/maskShapes';",
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning',
});
const { maskSecrets, ADVERSARIAL_SHAPES, ORDINARY_SHAPE } = createRequire(import.meta.url)(bundle);

/** Median ms of maskSecrets on one line; several calls per sample when one is too short to time. */
function measure(line) {
  const once = median(timeRuns(() => maskSecrets(line), { runs: 5, warmup: 3 }));
  const repeat = Math.max(1, Math.min(200, Math.ceil(0.5 / Math.max(once, 0.001))));
  const samples = timeRuns(() => {
    for (let i = 0; i < repeat; i++) maskSecrets(line);
  }, { runs: RUNS, warmup: 2 });
  return median(samples) / repeat;
}

const rows = [];
for (const shape of [...ADVERSARIAL_SHAPES, ORDINARY_SHAPE]) {
  const times = SIZES.map((kib) => measure(shape.make(kib * 1024)));
  const ratio = times[3] / times[2];
  rows.push({ name: shape.name, times, ratio });
  process.stderr.write(`${shape.name}: ${times.map(fmtMs).join(' / ')} (64/16 KiB: ${ratio.toFixed(1)}x)\n`);
}

const worst64 = Math.max(...rows.map((r) => r.times[3]));
const worstRatio = Math.max(...rows.map((r) => r.ratio));
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const table = rows
  .map((r) => `| ${r.name} | ${r.times.map(fmtMs).join(' | ')} | ${r.ratio.toFixed(1)}× | ${r.times[3] < TARGET_MS ? 'yes' : '**no**'} |`)
  .join('\n');
const md = `# Secret masking benchmark

\`node bench/mask-bench.mjs\` (this file is written by it). ${new Date().toISOString().slice(0, 10)}, Node ${process.version},
${cpu}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}.

\`maskSecrets\` (client/src/stack/logs/mask.ts) on one line of each shape in test/security/maskShapes.ts: pieces that start
a match attempt and fail it late, repeated to the length. Median of ${RUNS} samples per cell. Linear time shows as a
64 KiB / 16 KiB ratio near 4 (quadratic would be 16); the target is under ${TARGET_MS} ms for a 64 KiB line.
(Before issue 15, the first shape took seconds at 64 KiB: the URL pattern restarted at every word boundary.)

| shape | 1 KiB | 4 KiB | 16 KiB | 64 KiB | 64 / 16 KiB | 64 KiB < ${TARGET_MS} ms |
|---|---|---|---|---|---|---|
${table}

Slowest 64 KiB line: ${fmtMs(worst64)} (target < ${TARGET_MS} ms: ${worst64 < TARGET_MS ? 'met' : '**not met**'}). Largest 64/16 KiB ratio: ${worstRatio.toFixed(1)}×.
`;
writeFileSync(join(root, 'bench', 'MASK.md'), md);
process.stderr.write(`wrote bench/MASK.md (slowest 64 KiB: ${fmtMs(worst64)}, largest ratio ${worstRatio.toFixed(1)}x)\n`);
