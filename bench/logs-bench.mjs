#!/usr/bin/env node
// Log pipeline benchmark (issue 3, Performance): lines per second from a container that floods its output, through
// followServiceLogs (dockerode, demux, timestamps, masking, parsing, batching), against the docker CLI reading the
// same container in the same run; and memory (RSS, heapUsed) while a container floods for a minute.
// Usage: node bench/logs-bench.mjs [--lines N] [--seconds S]     (needs the Docker engine and the stand-in image)
// Writes bench/LOGS.md.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const LINES = arg('--lines', 1_000_000);
const SECONDS = arg('--seconds', 60);
const RUNS = arg('--runs', 3);
const IMAGE = 'inference-stack/vllm-standin:test';
const PROJECT = `istest-bench-logs-${Date.now().toString(36)}`;

// Our modules, bundled for Node (dockerode stays external: resolved from node_modules next to the bundle).
const cacheDir = join(root, 'node_modules', '.cache', 'logs-bench');
mkdirSync(cacheDir, { recursive: true });
const bundle = join(cacheDir, 'logs.cjs');
await build({
  stdin: {
    contents: "export * from './client/src/stack/docker/containerLogs'; export * from './client/src/stack/docker/dockerApi';",
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, external: ['dockerode'], logLevel: 'warning',
});
const require = createRequire(import.meta.url);
const { followServiceLogs, connectDockerFromProcess, checkEngine } = require(bundle);

const connected = connectDockerFromProcess();
if (!connected.ok) throw new Error(connected.problem.title);
const engine = await checkEngine(connected.connection);
if (!engine.ok) throw new Error(`${engine.problem.title}: ${engine.problem.steps.join(' ')}`);
const docker = connected.connection.docker;
if (spawnSync(process.execPath, [join(root, 'scripts/build-test-images.mjs'), 'standin'], { stdio: 'inherit' }).status !== 0) process.exit(1);

// The flood: numbered lines in vLLM's format, DEBUG and INFO, an HF token every 1000th line (masked on the way).
// `total` lines then idle (throughput phase), or forever (memory phase). Written in 64 KiB blocks to keep up.
const FLOOD = `
const total = Number(process.env.TOTAL || 0);
const token = 'hf_' + 'x7Y2'.repeat(9);
let i = 0;
function line(n) {
  const lvl = n % 10 === 0 ? 'INFO' : 'DEBUG';
  return n % 1000 === 0
    ? '(APIServer pid=1) ' + lvl + ' 11-27 06:00:00 [api_server.py:' + (n % 997) + '] request ' + n + ' auth with ' + token + '\\n'
    : '(EngineCore_DP0 pid=312) ' + lvl + ' 11-27 06:00:00 [core.py:' + (n % 997) + '] scheduled step ' + n + ' tokens=' + (n * 7 % 4096) + '\\n';
}
function pump() {
  let block = '';
  while (block.length < 65536 && (total === 0 || i < total)) block += line(i++);
  if (block) {
    if (process.stdout.write(block)) setImmediate(pump); else process.stdout.once('drain', pump);
  } else {
    process.stdout.write('FLOOD-DONE\\n');
    setInterval(() => {}, 1 << 30);
  }
}
pump();
`;

async function flooder(name, env, logMax) {
  const c = await docker.createContainer({
    name: `${PROJECT}-${name}`, Image: IMAGE, Entrypoint: ['/node', '-e', FLOOD], Env: env,
    Labels: { 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': name, 'com.docker.compose.container-number': '1', 'com.docker.compose.oneoff': 'False' },
    HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': logMax, 'max-file': '2' } } },
  });
  await c.start();
  return c;
}

async function cleanup() {
  const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${PROJECT}`] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * `docker logs -f <id> > /dev/null`, stopped once it has written every line: its stdout is counted (newlines, with
 * Buffer.indexOf) and thrown away. (`| head -n N` cannot end it: a follow on an idle container never writes again,
 * so it never gets the SIGPIPE.)
 */
function cliRun(id, lines) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn('docker', ['logs', '-f', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let count = 0;
    let done = false;
    const onData = (chunk) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
      if (!done && count >= lines) {
        done = true;
        resolve(Number(process.hrtime.bigint() - t0) / 1e9);
        p.kill();
      }
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    p.on('error', reject);
    p.on('exit', () => {
      if (!done) reject(new Error(`docker logs ended after ${count} lines`));
    });
  });
}

/** followServiceLogs from the first line until it has handled every line (delivered, or dropped by the bound). */
function ourRun(service, lines) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let delivered = 0;
    let masked = 0;
    let done = false;
    const f = followServiceLogs({
      docker, project: PROJECT, service, tail: lines + 10,
      onLines(batch) {
        delivered += batch.length;
        for (const l of batch) if (l.line.includes('hf_****')) masked++;
        check();
      },
      onDropped() { check(); },
    });
    function check() {
      if (done || delivered + f.droppedLines < lines) return;
      done = true;
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      const dropped = f.droppedLines;
      f.dispose();
      resolve({ s, delivered, dropped, masked });
    }
  });
}

const results = { lines: LINES, runs: [], memory: [] };
try {
  // 1. Throughput: the same container, already written, read by the CLI and by us, alternating.
  const c = await flooder('flood', [`TOTAL=${LINES}`], '500m');
  for (;;) {
    const last = (await c.logs({ stdout: true, tail: 1 })).toString();
    if (last.includes('FLOOD-DONE')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (let r = 0; r < RUNS; r++) {
    const cli = await cliRun(c.id, LINES);
    const ours = await ourRun('flood', LINES);
    results.runs.push({ cliS: cli, cliRate: LINES / cli, ourS: ours.s, ourRate: LINES / ours.s, delivered: ours.delivered, dropped: ours.dropped, masked: ours.masked });
    console.log(`run ${r + 1}: CLI ${Math.round(LINES / cli)} lines/s, ours ${Math.round(LINES / ours.s)} lines/s (delivered ${ours.delivered}, dropped ${ours.dropped}, masked tokens ${ours.masked})`);
  }
  await c.remove({ force: true });

  // 2. Memory: a container flooding for SECONDS, followed live; RSS and heap sampled every second.
  const live = await flooder('live', ['TOTAL=0'], '100m');
  let delivered = 0;
  const f = followServiceLogs({ docker, project: PROJECT, service: 'live', tail: 0, onLines(batch) { delivered += batch.length; } });
  const t0 = Date.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      const t = (Date.now() - t0) / 1000;
      results.memory.push({ t, rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20, handled: delivered + f.droppedLines });
      if (t >= SECONDS) {
        clearInterval(timer);
        resolve();
      }
    }, 1000);
  });
  f.dispose();
} finally {
  await cleanup();
}

const med = (k) => median(results.runs.map((r) => r[k]));
const cliRate = med('cliRate');
const ourRate = med('ourRate');
const mem = results.memory;
const after10 = mem.filter((m) => m.t >= 10);
const range = (k) => [Math.min(...after10.map((m) => m[k])), Math.max(...after10.map((m) => m[k]))];
const [rssLo, rssHi] = range('rssMB');
const [heapLo, heapHi] = range('heapMB');
const liveRate = (mem.at(-1).handled - after10[0].handled) / (mem.at(-1).t - after10[0].t);
const pass = {
  half: ourRate >= cliRate / 2,
  fifty: ourRate >= 50_000,
  flat: rssHi - rssLo < 64 && heapHi - heapLo < 64,
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const table = [
  '| measure | value | target | met |',
  '|---|---|---|---|',
  `| docker logs -f, output discarded (median of ${RUNS}) | ${fmt(cliRate)} lines/s | | |`,
  `| followServiceLogs (median of ${RUNS}) | ${fmt(ourRate)} lines/s | ≥ half the CLI (${fmt(cliRate / 2)}) | ${pass.half ? 'yes' : 'NO'} |`,
  `| followServiceLogs | ${fmt(ourRate)} lines/s | ≥ 50,000 lines/s | ${pass.fifty ? 'yes' : 'NO'} |`,
  `| live flood, ${SECONDS} s: lines handled | ${fmt(liveRate)} lines/s | | |`,
  `| RSS from 10 s to ${SECONDS} s | ${rssLo.toFixed(0)}–${rssHi.toFixed(0)} MiB | flat (< 64 MiB spread) | ${pass.flat ? 'yes' : 'NO'} |`,
  `| heapUsed from 10 s to ${SECONDS} s | ${heapLo.toFixed(0)}–${heapHi.toFixed(0)} MiB | flat (< 64 MiB spread) | ${pass.flat ? 'yes' : 'NO'} |`,
].join('\n');
console.log('\n' + table);
const runs = results.runs.map((r, i) => `| ${i + 1} | ${r.cliS.toFixed(2)} s (${fmt(r.cliRate)}/s) | ${r.ourS.toFixed(2)} s (${fmt(r.ourRate)}/s) | ${fmt(r.delivered)} | ${fmt(r.dropped)} | ${r.masked} |`).join('\n');
const samples = mem.filter((m) => Math.round(m.t) % 5 === 0).map((m) => `| ${m.t.toFixed(0)} | ${m.rssMB.toFixed(0)} | ${m.heapMB.toFixed(1)} | ${fmt(m.handled)} |`).join('\n');
writeFileSync(join(root, 'bench', 'LOGS.md'), `# Log pipeline benchmark

\`node bench/logs-bench.mjs\` (this file is written by it). ${new Date().toISOString().slice(0, 10)}, engine ${engine.info.version},
Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs (shared by the engine, the flooding container, the CLI and us).

A stand-in container writes ${fmt(LINES)} lines in vLLM's format (90 % DEBUG, an HF token every 1000th line), then idles.
The same container's log is read, alternately, by \`docker logs -f <id>\` (the CLI; its output only counted, then thrown away) and by
\`followServiceLogs\` from its first line (dockerode \`logs?follow&timestamps\`, DockerDemuxer, LineSplitter, time stamp
de-duplication, maskSecrets, LogLineParser, LineBatcher) until every line was handled. A consumer that keeps up gets
every line; lines beyond the batcher's bound (20,000 waiting) are dropped and counted instead of growing memory.

${table}

Per run:

| run | CLI | followServiceLogs | delivered | dropped | tokens masked |
|---|---|---|---|---|---|
${runs}

Memory while a container floods without end for ${SECONDS} s, followed live (samples every 5 s):

| s | RSS MiB | heapUsed MiB | lines handled |
|---|---|---|---|
${samples}
`);
console.log('\nwrote bench/LOGS.md');
process.exit(0);
