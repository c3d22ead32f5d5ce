// In-process timings: the bare `yaml` parse (the floor) against our analyze(), and what is inside it.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { performance } from 'node:perf_hooks';
import { median, timeRuns } from './stats.mjs';

/**
 * Bundles the analyzer from source (as the server bundle does, but exposing its parts) into a temp
 * file and loads it: analyze() itself plus parseCompose() and describeService(), to split the cost.
 */
export async function loadAnalyzer(root) {
  const dir = mkdtempSync(join(tmpdir(), 'inference-stack-bench-'));
  const outfile = join(dir, 'analyzer.cjs');
  await build({
    stdin: {
      contents: [
        "export { analyze } from './server/src/analysis/analyze';",
        "export { parseCompose } from './server/src/compose/composeFile';",
        "export { describeService } from './server/src/compose/service';",
        "export { RULES } from './server/src/rules/registry';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'error',
    define: { PACKAGE_VERSION: '"bench"' },
  });
  const mod = createRequire(import.meta.url)(outfile);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

/** Timed runs per size: enough for a stable median, few enough to finish in minutes. The largest size
 * skips the warm-up: the smaller sizes, timed first, have already warmed the JIT. */
export function runsFor(services, quick = false) {
  if (services <= 1) return { runs: 200, warmup: 50 };
  if (services <= 50) return { runs: 20, warmup: 5 };
  if (services <= 500) return { runs: 5, warmup: 1 };
  return { runs: quick ? 1 : 2, warmup: 0 };
}

/**
 * Medians (ms) for one file: the bare parse (default options, as the floor), our whole analyze(),
 * and its parts: parseCompose (parse with our options + the Compose view), describeService over every
 * service; rules = analyze − parseCompose − describe.
 */
export function measureParseVsAnalyze(analyzer, file, quick = false) {
  const runs = runsFor(file.services, quick);
  const parse = median(timeRuns(() => parseDocument(file.text), runs));
  const analyze = median(timeRuns(() => analyzer.analyze(file.text, 'compose', {}), runs));
  const composeParse = median(timeRuns(() => analyzer.parseCompose(file.text), runs));
  const parsed = analyzer.parseCompose(file.text);
  const describe = median(timeRuns(() => parsed.services.map(analyzer.describeService), runs));
  return { parse, analyze, composeParse, describe, rules: Math.max(0, analyze - composeParse - describe) };
}

/**
 * What each rule costs inside a real analyze(): every rule's `compose` check is wrapped with a timer
 * for the duration of `runs` analyses (the bundle's RULES are the objects analyze() runs), then restored.
 * Returns ms per analysis, most expensive first.
 */
export function measureRuleCosts(analyzer, file, runs) {
  const spent = new Map();
  const originals = [];
  for (const rule of analyzer.RULES) {
    if (!rule.compose) continue;
    const check = rule.compose;
    originals.push([rule, check]);
    spent.set(rule.meta.id, 0);
    rule.compose = (ctx) => {
      const start = performance.now();
      try {
        return check.call(rule, ctx);
      } finally {
        spent.set(rule.meta.id, spent.get(rule.meta.id) + performance.now() - start);
      }
    };
  }
  try {
    for (let i = 0; i < runs; i++) analyzer.analyze(file.text, 'compose', {});
  } finally {
    for (const [rule, check] of originals) rule.compose = check;
  }
  return [...spent].map(([id, ms]) => ({ id, ms: ms / runs })).sort((a, b) => b.ms - a.ms);
}
