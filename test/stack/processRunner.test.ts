// Runs real processes (this Node binary with -e scripts): the runner's guarantees are about process lifetimes,
// which a fake cannot show.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findComposeCommand } from '../../client/src/stack/process/composeCommand';
import { TRUNCATION_MARK } from '../../client/src/stack/logs/logLines';
import { createProcessRunner, execCommand, LineCallback, runCommand, type RunResult } from '../../client/src/stack/process/processRunner';

const node = (script: string, ...args: string[]) => ({ file: process.execPath, args: ['-e', script, ...args] });
const posix = process.platform !== 'win32';

/** Polls `cond` every 10 ms; fails after `ms`. For conditions another process brings about, instead of a sleep. */
async function waitFor(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Not running any more: kill(pid, 0) gives ESRCH, or (Linux) the process is a zombie, dead and waiting for PID 1 to
 *  reap it (this sandbox's PID 1 reaps about once a second). */
function notRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true; // reaped between the two checks
  }
}

/** Checked right after the runner resolved: the grandchild runs no more; then, bounded, that it is reaped (ESRCH). */
async function assertKilled(pid: number): Promise<void> {
  assert.ok(notRunning(pid), `grandchild ${pid} is still running`);
  await waitFor(`grandchild ${pid} to be reaped (ESRCH)`, () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }, 5000);
}

/** A child that ignores SIGTERM and starts a grandchild (also ignoring SIGTERM) whose pid goes to argv[1], then
 *  prints "ready". Both would live forever unless the whole process group is killed. */
const STUBBORN = `
  const { spawn } = require('node:child_process');
  const { writeFileSync } = require('node:fs');
  process.on('SIGTERM', () => {});
  const g = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  writeFileSync(process.argv[1], String(g.pid));
  console.log('ready');
  setInterval(() => {}, 1000);
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'process-runner-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('runCommand: output and exit', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const r = await runCommand(node(`process.stdout.write('out line\\n'); process.stderr.write('err line\\n'); process.exitCode = 3;`), { timeoutMs: 10000 });
    assert.equal(r.stdout, 'out line\n');
    assert.equal(r.stderr, 'err line\n');
    assert.equal(r.exitCode, 3);
    assert.equal(r.signal, null);
    assert.equal(r.error, undefined);
    assert.equal(r.timedOut, false);
    assert.equal(r.cancelled, false);
  });

  it('passes argv without a shell, and the given env and cwd', async () => {
    const r = await runCommand(node(`console.log(JSON.stringify({ arg: process.argv[1], x: process.env.RUNNER_X ?? null, home: process.env.RUNNER_NOT_SET ?? null, cwd: process.cwd() }))`, '$HOME; echo "hi" | cat'), {
      timeoutMs: 10000,
      env: { RUNNER_X: 'from-env' },
      cwd: dir,
    });
    assert.equal(r.exitCode, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as Record<string, string | null>;
    assert.equal(seen.arg, '$HOME; echo "hi" | cat');
    assert.equal(seen.x, 'from-env');
    assert.equal(seen.home, null);
    assert.equal(seen.cwd, dir);
  });

  it('keeps only the tail under the byte cap and says how much was dropped', async () => {
    const lines = 5000;
    const total = Array.from({ length: lines }, (_, i) => `line ${i}\n`).join('').length;
    const r = await runCommand(node(`let s = ''; for (let i = 0; i < ${lines}; i++) s += 'line ' + i + '\\n'; process.stdout.write(s); process.stderr.write('small\\n');`), {
      timeoutMs: 10000,
      maxBytes: 1000,
    });
    assert.equal(r.exitCode, 0);
    assert.ok(r.stdout.length <= 1000 && r.stdout.length > 900, `kept ${r.stdout.length} bytes`);
    assert.ok(r.stdout.endsWith(`line ${lines - 1}\n`));
    assert.match(r.stdout, /^line \d+\n/, 'starts at a whole line');
    assert.equal(r.stdoutDroppedBytes + r.stdout.length, total);
    assert.equal(r.stderr, 'small\n');
    assert.equal(r.stderrDroppedBytes, 0);
  });

  it('gives each line to the callbacks, whole, when lines and characters are split across chunks', async () => {
    // Separate writes a tick apart, so the reader usually sees them as separate chunks; the lines must come out
    // the same whichever way the pipe groups them.
    const script = `
      const parts = [Buffer.from('hel'), Buffer.from('lo\\r\\nwor'), Buffer.from('ld\\ncaf'), Buffer.from([0xc3]), Buffer.from([0xa9]), Buffer.from('\\n\\nno newline at end')];
      let i = 0;
      const next = () => { if (i < parts.length) process.stdout.write(parts[i++], () => setImmediate(next)); else process.stderr.write('e1\\ne2'); };
      next();`;
    const out: string[] = [];
    const err: string[] = [];
    const r = await runCommand(node(script), { timeoutMs: 10000, onStdoutLine: (l) => out.push(l), onStderrLine: (l) => err.push(l) });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(out, ['hello', 'world', 'café', '', 'no newline at end']);
    assert.deepEqual(err, ['e1', 'e2']);
    assert.equal(r.stdout, 'hello\r\nworld\ncafé\n\nno newline at end');
  });

  it('splits lines the same at every chunk boundary, including inside a UTF-8 character and a \\r\\n', () => {
    const bytes = Buffer.from('hello\r\nworld\ncafé ✓\n\nlast', 'utf8');
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        const lines: string[] = [];
        const split = new LineCallback((l) => lines.push(l));
        for (const chunk of [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]) split.push(chunk);
        split.end();
        assert.deepEqual(lines, ['hello', 'world', 'café ✓', '', 'last'], `cut at ${a} and ${b}`);
      }
    }
  });

  it('cuts a line that never ends at the log pipeline\'s maximum, so memory stays bounded', () => {
    const pieces: string[] = [];
    const split = new LineCallback((l) => pieces.push(l));
    for (let i = 0; i < 100; i++) split.push(Buffer.from('x'.repeat(10000)));
    split.push(Buffer.from('\nnext\n'));
    split.end();
    // One line, cut at 64 KiB and marked; the rest of it skipped; the next line intact.
    assert.equal(pieces.length, 2);
    assert.ok(pieces[0]!.endsWith(TRUNCATION_MARK));
    assert.ok(pieces[0]!.length <= 64 * 1024 + TRUNCATION_MARK.length);
    assert.equal(pieces[1], 'next');
  });

  it('survives a callback that throws', async () => {
    const r = await runCommand(node(`console.log('a'); console.log('b')`), { timeoutMs: 10000, onStdoutLine: () => { throw new Error('boom'); } });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, 'a\nb\n');
  });

  it('leaves no timer running once it resolves', async () => {
    const timeouts = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
    const before = timeouts();
    const r = await runCommand(node(`console.log('quick')`), { timeoutMs: 60000, killGraceMs: 60000 });
    assert.equal(r.exitCode, 0);
    // At most as many as before: a timer of an earlier test may end meanwhile, but none of ours may stay.
    assert.ok(timeouts() <= before, `${timeouts()} timers now, ${before} before`);
  });
});

describe('runCommand: commands that cannot start', () => {
  it('reports a missing program as ENOENT, not a throw', async () => {
    const r = await runCommand({ file: 'inference-stack-no-such-command', args: ['version'] }, { timeoutMs: 10000 });
    assert.equal(r.error?.code, 'ENOENT');
    assert.match(r.error!.message, /inference-stack-no-such-command was not found/);
    assert.equal(r.exitCode, null);
  });

  it('reports a missing working folder as such, not as a missing program', async () => {
    const r = await runCommand(node('0'), { timeoutMs: 10000, cwd: join(dir, 'no-such-folder') });
    assert.equal(r.error?.code, 'ENOENT');
    assert.match(r.error!.message, /working folder .*no-such-folder does not exist/);
  });

  it('reports a file that is not executable as EACCES', { skip: !posix }, async () => {
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    chmodSync(file, 0o644);
    const r = await runCommand({ file, args: [] }, { timeoutMs: 10000 });
    assert.equal(r.error?.code, 'EACCES');
    assert.equal(r.exitCode, null);
  });

  it('does not start a command whose signal is already aborted', async () => {
    const pidFile = join(dir, 'never.pid');
    const r = await runCommand(node(STUBBORN, pidFile), { timeoutMs: 10000, signal: AbortSignal.abort() });
    assert.equal(r.cancelled, true);
    assert.equal(r.error?.code, 'ABORT_ERR');
    assert.equal(existsSync(pidFile), false);
  });
});

describe('runCommand: ending a command', () => {
  it('on timeout kills the whole process group, even a child and grandchild that ignore SIGTERM', { skip: !posix }, async () => {
    const pidFile = join(dir, 'timeout.pid');
    const r = await runCommand(node(STUBBORN, pidFile), { timeoutMs: 1500, killGraceMs: 200 });
    assert.equal(r.timedOut, true);
    assert.equal(r.cancelled, false);
    assert.equal(r.error?.code, 'ETIMEDOUT');
    assert.equal(r.signal, 'SIGKILL', 'SIGTERM was ignored, SIGKILL ended it');
    assert.ok(r.durationMs < 2600, `resolved ${r.durationMs} ms after start: it waited for more than the group's death`);
    assert.equal(r.stdout, 'ready\n');
    assert.ok(existsSync(pidFile), 'the child started its grandchild before the timeout');
    await assertKilled(Number(readFileSync(pidFile, 'utf8')));
  });

  it('on abort ends the command and says cancelled, not timed out', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const r = await runCommand(node(`console.log('ready'); setInterval(() => {}, 1000)`), {
      timeoutMs: 30000,
      signal: controller.signal,
      onStdoutLine: (l) => {
        lines.push(l);
        if (l === 'ready') controller.abort();
      },
    });
    assert.equal(r.cancelled, true);
    assert.equal(r.timedOut, false);
    assert.equal(r.error?.code, 'ABORT_ERR');
    assert.equal(r.signal, posix ? 'SIGTERM' : r.signal);
    assert.ok(r.durationMs < 10000, `took ${r.durationMs} ms`);
    assert.deepEqual(lines, ['ready']);
  });
});

describe('createProcessRunner', () => {
  it('dispose() kills every running command with its descendants, then refuses new ones', { skip: !posix }, async () => {
    const runner = createProcessRunner({ killGraceMs: 200 });
    const pidFiles = [join(dir, 'dispose-1.pid'), join(dir, 'dispose-2.pid')];
    const ready: string[] = [];
    const runs = pidFiles.map((f) => runner.run(node(STUBBORN, f), { timeoutMs: 60000, onStdoutLine: (l) => ready.push(l) }));
    assert.equal(runner.running, 2);
    await waitFor('both children to start their grandchildren', () => ready.length === 2 && pidFiles.every(existsSync));
    await runner.dispose();
    const results: RunResult[] = await Promise.all(runs);
    for (const r of results) {
      assert.equal(r.cancelled, true);
      assert.equal(r.error?.code, 'ABORT_ERR');
    }
    assert.equal(runner.running, 0);
    await Promise.all(pidFiles.map((f) => assertKilled(Number(readFileSync(f, 'utf8')))));
    const refused = await runner.run(node(`console.log('x')`), { timeoutMs: 10000 });
    assert.equal(refused.cancelled, true);
    assert.equal(refused.stdout, '');
  });

  it('exec serves findComposeCommand; the default exec runs real commands too', { skip: !posix }, async () => {
    const compose = join(dir, 'fake-compose');
    writeFileSync(compose, '#!/bin/sh\n[ "$1 $2" = "version --short" ] && echo 2.29.7\n');
    chmodSync(compose, 0o755);
    const runner = createProcessRunner();
    const viaRunner = await findComposeCommand({ exec: runner.exec, setting: compose });
    assert.ok(viaRunner.found);
    assert.deepEqual(viaRunner.command, { argv: [compose], version: '2.29.7', flavour: 'v2', source: 'setting' });
    const viaDefault = await findComposeCommand({ setting: join(dir, 'no-such-compose') });
    assert.equal(viaDefault.found, false);
    assert.match(viaDefault.tried[0]!.outcome, /not installed \(ENOENT\)/);
    const r = await execCommand(node(`console.log(process.env.ONLY)`), { timeoutMs: 10000, env: { ONLY: 'this' } });
    assert.equal(r.stdout, 'this\n');
    await runner.dispose();
  });
});
