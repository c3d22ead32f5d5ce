// "Run it" (STYLE.md principle 12): the one module that starts external commands for the stack layer (compose
// up / down / ps / version, nvidia-smi) and always cleans up after them. What to run and how to read the output
// live elsewhere (composeCommand.ts, gpus.ts); they take an exec-like function, and `ProcessRunner.exec` is one.
//
// Process lifetimes, the reason this file exists:
// - `docker compose ...` is the docker CLI running the compose plugin as its own child; `docker compose logs -f`
//   and a hung nvidia-smi can outlive whoever started them. So on POSIX each command runs in its own process
//   group (detached: setsid) and a timeout, an abort or dispose() signals the whole group: SIGTERM, then SIGKILL
//   after a grace period. Killing only the direct child would orphan the plugin (the vscode-containers lesson:
//   log streams that always end their process). On Windows there are no groups: `taskkill /T /F` ends the tree.
// - stdin is /dev/null, so a prompt (compose's "Recreate? (y/N)") reads end-of-file instead of waiting forever.
// - Output is kept up to a byte cap per stream, the tail (where errors are), so a chatty `up` cannot grow memory
//   without bound; line callbacks see every line as it arrives, for the progress notification.
// - The returned promise never rejects and resolves only once every timer of the run is cleared.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Command, CommandResult } from './command';
import { resolveExecutable } from './executablePath';
import { LineSplitter } from '../logs/logLines';

export interface RunOptions {
  /** Then the process group is killed and the result has error.code 'ETIMEDOUT'. */
  readonly timeoutMs: number;
  /** The complete environment (e.g. applyEnv(process.env, composeEnv(endpoint))); default process.env. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Folders no program is taken from when a bare name is looked up on PATH (the workspace folders); the working
   *  folder never is either (executablePath.ts). */
  readonly excludeFolders?: readonly string[];
  /** Aborting kills the process group like a timeout does; the result has cancelled: true, error.code 'ABORT_ERR'. */
  readonly signal?: AbortSignal;
  /** Bytes kept per stream (the last ones); default 1 MiB. */
  readonly maxBytes?: number;
  /** Each line (without its "\n" or "\r\n") as it arrives; a line longer than maxLineChars comes in pieces. */
  readonly onStdoutLine?: (line: string) => void;
  readonly onStderrLine?: (line: string) => void;
  /** Between SIGTERM and SIGKILL; default 2000 ms. */
  readonly killGraceMs?: number;
}

export interface RunResult extends CommandResult {
  readonly exitCode: number | null;
  /** The signal that ended the direct child, e.g. 'SIGTERM' after a timeout it obeyed. */
  readonly signal: NodeJS.Signals | null;
  /** Bytes dropped from the start of stdout / stderr to stay under maxBytes; 0 when nothing was dropped. */
  readonly stdoutDroppedBytes: number;
  readonly stderrDroppedBytes: number;
  readonly timedOut: boolean;
  /** Ended by the caller's AbortSignal or by dispose(); distinct from timedOut. */
  readonly cancelled: boolean;
  readonly durationMs: number;
}

export type RunCommand = (command: Command, options: RunOptions) => Promise<RunResult>;

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_GRACE_MS = 2000;
/** After SIGKILL: how long to wait for the group to be reaped and the pipes to close before giving up on them. */
const AFTER_KILL_MS = 1000;
const POLL_MS = 10;

/** The last `max` bytes of a stream, in chunks; what is dropped is counted. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;
  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.max) {
      const first = this.chunks[0]!;
      const over = this.size - this.max;
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.size -= over;
        this.dropped += over;
      }
    }
  }

  /** The text kept; after a cut it starts at the next whole line (or, with no newline, the next whole character),
   *  and `dropped` counts the bytes skipped for that too. */
  read(): { text: string; dropped: number } {
    const buf = Buffer.concat(this.chunks);
    let start = 0;
    if (this.dropped > 0) {
      const nl = buf.indexOf(0x0a);
      if (nl >= 0 && nl < buf.length - 1) start = nl + 1;
      while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++; // UTF-8 continuation bytes
    }
    return { text: buf.subarray(start).toString('utf8'), dropped: this.dropped + start };
  }
}

/** Feeds a byte stream to a line callback through the log pipeline's splitter, so process output and container
 *  logs are cut into lines by one policy (CRLF, lone CR redraws, characters split across chunks, long lines cut). */
export class LineCallback {
  private readonly splitter = new LineSplitter();
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.emit(this.splitter.push(chunk));
  }

  end(): void {
    this.emit(this.splitter.end());
  }

  private emit(lines: readonly string[]): void {
    for (const line of lines) {
      try {
        this.onLine(line);
      } catch {
        // A failing progress callback must not take down the run (or the extension host, from a stream event).
      }
    }
  }
}

/** True while any process of the group still runs. A zombie does not count: it is dead and only waits for its new
 *  parent to reap it, which PID 1 of a container may do late or never (a shell as PID 1 never does; this test
 *  sandbox's reaps about once a second), so waiting for ESRCH there would wait out every deadline. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform === 'linux' ? linuxGroupHasLiveMember(pgid) : true;
}

/** /proc/<pid>/stat is "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so read after the last ')'. */
function linuxGroupHasLiveMember(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return true;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

function signalTree(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    // No process groups, and console programs ignore taskkill's polite WM_CLOSE: end the tree at once, for both.
    const taskkill = resolveExecutable('taskkill');
    try {
      if (taskkill) {
        spawn(taskkill, ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
        return;
      }
    } catch {
      // fall through
    }
    // taskkill missing: the direct child at least.
    child.kill();
    return;
  }
  try {
    // The group id is the child's pid (detached => setsid). It cannot be reused as a pid while any member lives.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function spawnError(e: unknown, command: Command, cwd: string | undefined): { code?: string; message: string } {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  let message = err?.message ?? String(e);
  // Node reports a missing working folder as "spawn <file> ENOENT", the same as a missing program.
  if (code === 'ENOENT' && cwd !== undefined && !isDirectory(cwd)) message = `the working folder ${cwd} does not exist (${message})`;
  else if (code === 'ENOENT') message = `${command.file} was not found on PATH (${message})`;
  else if (code === 'EACCES') message = `${command.file} is not executable or not accessible (${message})`;
  return { ...(code ? { code } : {}), message };
}

/** A program that resolveExecutable did not find: the same ENOENT a failed spawn gives, so callers say "not installed". */
function notFound(command: Command): { code: string; message: string } {
  const relative = /[\\/]/.test(command.file);
  return {
    code: 'ENOENT',
    message: relative
      ? `${command.file} is a relative path, which would be looked up from the working folder: give an absolute path or a program on PATH`
      : `${command.file} was not found on PATH (only absolute PATH folders outside the workspace are searched)`,
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Runs one command; never throws. Untracked: a caller that must be able to end it later passes `signal`, or uses
 *  createProcessRunner() so dispose() can end it. */
export function runCommand(command: Command, options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const graceMs = Math.max(0, options.killGraceMs ?? DEFAULT_GRACE_MS);
  const out = new TailBuffer(maxBytes);
  const err = new TailBuffer(maxBytes);
  const outLines = options.onStdoutLine ? new LineCallback(options.onStdoutLine) : undefined;
  const errLines = options.onStderrLine ? new LineCallback(options.onStderrLine) : undefined;

  const result = (fields: Partial<RunResult>): RunResult => {
    const o = out.read();
    const e = err.read();
    return {
      stdout: o.text, stderr: e.text, exitCode: null, signal: null, timedOut: false, cancelled: false,
      stdoutDroppedBytes: o.dropped, stderrDroppedBytes: e.dropped, durationMs: Date.now() - started, ...fields,
    };
  };

  if (options.signal?.aborted) {
    return Promise.resolve(result({ cancelled: true, error: { code: 'ABORT_ERR', message: `${command.file} was not started: cancelled` } }));
  }

  // An absolute path, so neither Windows nor an empty PATH entry looks in the working folder (a repository's docker.exe).
  const program = resolveExecutable(command.file, { env: options.env ?? process.env, exclude: [options.cwd, ...(options.excludeFolders ?? [])] });
  if (!program) return Promise.resolve(result({ error: notFound(command) }));

  return new Promise<RunResult>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(program, [...command.args], {
        shell: false,
        detached: process.platform !== 'win32',
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: options.env ?? process.env,
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      });
    } catch (e) {
      // Synchronous refusals: a NUL byte in an argument, an invalid option.
      resolve(result({ error: spawnError(e, command, options.cwd) }));
      return;
    }

    let ending: 'timeout' | 'cancel' | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let closed = false;
    let done = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };

    const finish = (error?: { code?: string; message: string }) => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      options.signal?.removeEventListener('abort', onAbort);
      outLines?.end();
      errLines?.end();
      const code = exit?.code ?? null;
      const signal = exit?.signal ?? null;
      const ended = ending === 'timeout'
        ? { timedOut: true, error: { code: 'ETIMEDOUT', message: `${command.file} did not finish in ${options.timeoutMs} ms and was killed` } }
        : ending === 'cancel'
          ? { cancelled: true, error: { code: 'ABORT_ERR', message: `${command.file} was cancelled and killed` } }
          : error ? { error } : {};
      resolve(result({ exitCode: code, signal, ...ended }));
    };

    /** After our kill: resolve once the group is gone and the pipes closed, or give up on them after AFTER_KILL_MS. */
    const settleAfterKill = () => {
      const deadline = Date.now() + AFTER_KILL_MS;
      const poll = () => {
        const pid = child.pid;
        const groupGone = process.platform === 'win32' || pid === undefined || !groupAlive(pid);
        if (closed && groupGone) return finish();
        if (Date.now() >= deadline) {
          // A descendant that left the group (its own setsid) may hold our pipes open forever: stop reading them.
          child.stdout?.destroy();
          child.stderr?.destroy();
          return finish();
        }
        later(POLL_MS, poll);
      };
      poll();
    };

    const terminate = (why: 'timeout' | 'cancel') => {
      if (done || ending) return;
      ending = why;
      signalTree(child, 'SIGTERM');
      later(graceMs, () => {
        signalTree(child, 'SIGKILL');
        settleAfterKill();
      });
    };

    const onAbort = () => terminate('cancel');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    later(Math.max(0, options.timeoutMs), () => terminate('timeout'));

    child.stdout!.on('data', (chunk: Buffer) => {
      out.push(chunk);
      outLines?.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err.push(chunk);
      errLines?.push(chunk);
    });
    // Stream errors after destroy() are expected; the result is built from what was read.
    child.stdout!.on('error', () => undefined);
    child.stderr!.on('error', () => undefined);

    child.on('error', (e) => {
      // Before 'spawn' this is the spawn failure (ENOENT, EACCES) and no 'close' follows; after it, a failed
      // kill(), which the group kill above already covers.
      if (child.pid === undefined) finish(spawnError(e, command, options.cwd));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
    });
    child.on('close', (code, signal) => {
      closed = true;
      exit ??= { code, signal };
      if (!ending) return finish();
      // We signalled the group: the direct child is gone, but a grandchild ignoring SIGTERM may not be. Finish
      // now if the whole group is gone; else the grace timer's SIGKILL (or its poll, if it already ran) finishes.
      // (After SIGKILL, settleAfterKill is polling and sees `closed`.)
      const pid = child.pid;
      if (process.platform === 'win32' || pid === undefined || !groupAlive(pid)) finish();
    });
  });
}

/** An Exec (command.ts) over runCommand, untracked: the default where no ProcessRunner is passed. Its commands
 *  are short and bounded by their timeout; pass `runner.exec` to have dispose() cover them too. */
export function execCommand(command: Command, options: { timeoutMs: number; env?: Record<string, string> }): Promise<RunResult> {
  return runCommand(command, { timeoutMs: options.timeoutMs, ...(options.env ? { env: options.env } : {}) });
}

export interface ProcessRunner {
  /** runCommand, tracked so dispose() can end it. */
  run: RunCommand;
  /** An Exec (command.ts), for composeCommand.ts and gpus.ts's commands: `run` with default options. */
  exec(command: Command, options: { timeoutMs: number; env?: Record<string, string> }): Promise<RunResult>;
  /** Commands started and not yet finished. */
  readonly running: number;
  /** Kills every command still running (group SIGTERM, then SIGKILL after the grace period) and resolves when all
   *  have finished; later runs are refused with a cancelled result. For the extension's deactivate(). */
  dispose(): Promise<void>;
}

export interface RunnerDefaults {
  killGraceMs?: number;
  maxBytes?: number;
  /** Folders no program is taken from (RunOptions.excludeFolders), asked at each run: the workspace folders. */
  excludeFolders?: () => readonly string[];
}

export function createProcessRunner(defaults: RunnerDefaults = {}): ProcessRunner {
  const live = new Map<Promise<RunResult>, AbortController>();
  let disposed = false;

  const run: RunCommand = (command, options) => {
    if (disposed) {
      return Promise.resolve<RunResult>({
        stdout: '', stderr: '', exitCode: null, signal: null, stdoutDroppedBytes: 0, stderrDroppedBytes: 0,
        timedOut: false, cancelled: true, durationMs: 0,
        error: { code: 'ABORT_ERR', message: `${command.file} was not started: the runner was disposed` },
      });
    }
    const controller = new AbortController();
    const outer = options.signal;
    const forward = () => controller.abort();
    if (outer?.aborted) controller.abort();
    else outer?.addEventListener('abort', forward, { once: true });
    const p = runCommand(command, {
      ...(defaults.killGraceMs !== undefined ? { killGraceMs: defaults.killGraceMs } : {}),
      ...(defaults.maxBytes !== undefined ? { maxBytes: defaults.maxBytes } : {}),
      ...(defaults.excludeFolders ? { excludeFolders: defaults.excludeFolders() } : {}),
      ...options,
      signal: controller.signal,
    }).finally(() => {
      live.delete(p);
      outer?.removeEventListener('abort', forward);
    });
    live.set(p, controller);
    return p;
  };

  return {
    run,
    exec: (command, options) => run(command, { timeoutMs: options.timeoutMs, ...(options.env ? { env: options.env } : {}) }),
    get running() {
      return live.size;
    },
    async dispose() {
      disposed = true;
      const all = [...live];
      for (const [, controller] of all) controller.abort();
      await Promise.all(all.map(([p]) => p));
    },
  };
}
