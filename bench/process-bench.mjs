// Whole-process timings: our CLI against dclint, as a user or CI would run them (start-up included).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './stats.mjs';

/**
 * Runs a command to completion and returns its wall time in ms, or `{timeout: true}` after `timeoutMs`
 * (the process group is killed: a linter stuck on a big file must not hang the benchmark). Output is
 * drained (not kept) so a full pipe cannot stall the linter; the byte count proves it produced a report.
 */
export function timeProcess(command, args, { cwd, timeoutMs }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (d) => (bytes += d.length));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      resolve(signal === 'SIGKILL' ? { timeout: true, ms } : { ms, code, bytes, stderr });
    });
  });
}

/** The two linters, each asked for machine-readable output (what CI parses). */
export function linters(root) {
  return {
    ours: (files) => [process.execPath, [join(root, 'dist/cli.js'), 'lint', '--format', 'json', ...files]],
    dclint: (files) => [process.execPath, [join(root, 'node_modules/dclint/bin/dclint.cjs'), '--formatter', 'json', ...files]],
  };
}

/**
 * Median wall time of `runs` runs; stops at the first timeout (another run would only time out again).
 * A run that exits 2 or above (a usage or I/O error for ours, a crash for dclint) is an error, not a time.
 */
export async function timeLinter(cmd, files, { root, runs, timeoutMs }) {
  const [command, args] = cmd(files);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = await timeProcess(command, args, { cwd: root, timeoutMs });
    if (r.timeout) return { timeout: true, timeoutMs };
    if (r.code >= 2 || r.bytes === 0) return { error: `exit ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
    samples.push(r.ms);
  }
  return { ms: median(samples), samples };
}
