// `npm run bench`: generates Compose files of 1, 50, 500 and 5,000 vLLM services and measures, in one run,
// the bare `yaml` parse (the floor), our analyze(), our language server end to end over stdio against
// yaml-language-server with the Compose schema, and our CLI against dclint. Writes bench/RESULTS.md.
// BENCH_QUICK=1 skips the 5,000-service runs of the other tools and times fewer repetitions.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateAll } from './generate.mjs';
import { benchServer, measureStartup, oursSpec, startNetworkTrap, yamlLsSpec } from './lsp-bench.mjs';
import { loadAnalyzer, measureParseVsAnalyze, measureRuleCosts } from './parse-bench.mjs';
import { linters, timeLinter } from './process-bench.mjs';
import { renderReport } from './report.mjs';
import { fmtMs } from './stats.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const CORPUS = process.env.BENCH_CORPUS ?? join(ROOT, 'test', 'corpus', 'files', 'compose');
const SIZES = [{ services: 1 }, { services: 50 }, { services: 500 }, { services: 5000 }];
const BIG = 5000;

// Keystrokes timed per file size; the seed gets many, for a meaningful p95.
const EDITS = QUICK
  ? { ours: { 1: 50, 50: 10, 500: 3, 5000: 1 }, yamlls: { 1: 15, 50: 5, 500: 3 } }
  : { ours: { 1: 200, 50: 20, 500: 5, 5000: 3 }, yamlls: { 1: 20, 50: 10, 500: 5, 5000: 3 } };
// Whole-process runs per size (a median of few: the slow ones take seconds to minutes each).
const CLI_RUNS = QUICK ? { 1: 3, 50: 3, 500: 2, 5000: 1, corpus: 2 } : { 1: 5, 50: 3, 500: 3, 5000: 2, corpus: 3 };
const DCLINT_RUNS = QUICK ? { 1: 3, 50: 2, 500: 1, corpus: 1 } : { 1: 3, 50: 3, 500: 2, 5000: 1, corpus: 2 };
const PROCESS_TIMEOUT_MS = 300_000;

const log = (msg) => process.stderr.write(`[bench ${fmtMs(performance.now())}] ${msg}\n`);

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(', '),
  };
}

async function parseSection(files) {
  log('bundling analyze() from server/src');
  const analyzer = await loadAnalyzer(ROOT);
  const parse = {};
  for (const f of files) {
    log(`parse vs analyze: ${f.services} services`);
    parse[f.services] = measureParseVsAnalyze(analyzer, f, QUICK);
  }
  // Per-rule costs at 500 services and, in a full run, at 5,000 too: a rule that grows faster than the
  // file (quadratic in services) shows up as a ratio well above 10 between the two.
  const ruleCosts = {};
  for (const f of files.filter((x) => x.services === 500 || (!QUICK && x.services === BIG))) {
    log(`per-rule cost on ${f.services} services`);
    ruleCosts[f.services] = measureRuleCosts(analyzer, f, f.services === BIG ? 1 : 3);
  }
  return { parse, ruleCosts };
}

async function lspSection(files) {
  const trap = await startNetworkTrap();
  try {
    const ours = oursSpec(ROOT);
    const yamlls = yamlLsSpec(ROOT, trap.url);
    log('server start → first diagnostics');
    const startup = { ours: await measureStartup(ours, ROOT, files[0], QUICK ? 3 : 7), yamlls: await measureStartup(yamlls, ROOT, files[0], 3) };
    log('our server, every size');
    const oursResults = await benchServer(ours, ROOT, files, EDITS.ours, { scenariosAt: BIG });
    const yamlFiles = QUICK ? files.filter((f) => f.services !== BIG) : files;
    log(`yaml-language-server, ${yamlFiles.map((f) => f.services).join('/')} services`);
    const yamlResults = await benchServer(yamlls, ROOT, yamlFiles, EDITS.yamlls, { probe: true, scenariosAt: BIG });
    return { startup, lsp: { ours: oursResults, yamlls: yamlResults }, networkAttempts: trap.connections };
  } finally {
    await trap.close();
  }
}

function corpusFiles() {
  if (!existsSync(CORPUS)) return [];
  return readdirSync(CORPUS)
    .map((name) => join(CORPUS, name))
    .filter((p) => statSync(p).isFile());
}

async function cliSection(files) {
  const { ours, dclint } = linters(ROOT);
  const cli = {};
  const targets = files.map((f) => ({ key: String(f.services), paths: [f.path] }));
  const corpus = corpusFiles();
  if (corpus.length) targets.push({ key: 'corpus', paths: corpus });
  for (const { key, paths } of targets) {
    log(`CLI vs dclint: ${key}`);
    const opts = { root: ROOT, timeoutMs: PROCESS_TIMEOUT_MS };
    const entry = { files: paths.length, ours: await timeLinter(ours, paths, { ...opts, runs: CLI_RUNS[key] }) };
    entry.dclint = DCLINT_RUNS[key] ? await timeLinter(dclint, paths, { ...opts, runs: DCLINT_RUNS[key] }) : { skipped: 'BENCH_QUICK' };
    cli[key] = entry;
  }
  return cli;
}

/**
 * The benches of single features, each in its own process (its own server), their printed tables kept as they are:
 * interaction (issue 17: open, lightbulb, keystrokes at 50/500/5,000 services, goals pass/fail), completion and
 * hover (issue 10), navigation requests (issue 10), project keystrokes (issue 9: 10 files × 50 services).
 */
function featureSections() {
  const benches = [
    ['Interaction: open, lightbulb, keystrokes (worst of three; goals of issue 17)', 'interaction.mjs', [QUICK ? '50,500' : '50,500,5000']],
    ['Completion and hover (issue 10: p95 ≤ 20 ms on the seed, ≤ 50 ms at 5,000 services)', 'completion-hover.mjs', [QUICK ? '20' : '60']],
    ['Navigation: symbols, links, inlay hints, definition (issue 10)', 'navigation-bench.mjs', []],
    ['What the compose-schema rule costs on the seed-size file (issue 10: ≤ 1 ms)', 'schema-cost.mjs', []],
    ['A project of 10 files × 50 services, all open: a keystroke in one (issue 9: ≤ 50 ms)', 'project-keystroke.mjs', []],
  ];
  return benches.map(([title, script, args]) => {
    log(`running ${script}`);
    const run = spawnSync(process.execPath, [join(ROOT, 'bench', script), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const out = run.status === 0 ? run.stdout.trim() : `failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().split('\n').slice(-5).join(' / ')}`;
    return { title, script, out };
  });
}

async function main() {
  const started = performance.now();
  const R = { quick: QUICK, machine: machine() };
  R.files = generateAll(join(ROOT, 'bench', 'generated'), SIZES);
  log(`generated ${R.files.map((f) => `${f.services} (${f.lines} lines)`).join(', ')}`);
  R.bundleBytes = statSync(join(ROOT, 'dist', 'server.js')).size;
  Object.assign(R, await parseSection(R.files));
  Object.assign(R, await lspSection(R.files));
  R.cli = await cliSection(R.files);
  R.features = featureSections();
  R.tookMs = performance.now() - started;
  const report = renderReport(R);
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), report);
  process.stdout.write(report);
  log('wrote bench/RESULTS.md');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
