/**
 * Lines out of a container's byte stream, and what each line says: its level, time, source file and text.
 *
 * Formats read from server/src/engines/facts/vllm-server.json (`log_format`, vLLM 52a31cce and uvicorn e6c7ce79):
 * - vLLM (since 2025-02-24, PR #13011): `%(levelname)s %(asctime)s [%(fileinfo)s:%(lineno)d] %(message)s`,
 *   date `%m-%d %H:%M:%S`, e.g. `INFO 05-27 03:37:01 [gpu_model_runner.py:5133] Model loading took ...`; at DEBUG the
 *   file info is a relative path (PR #23846). Before 2025-02-24: `INFO 11-27 07:19:27 api_server.py:194] ...`
 *   (no opening bracket).
 * - vLLM puts `(<Name> pid=<pid>) ` in front of every stdout/stderr line of its processes (VLLM_CONFIGURE_LOGGING=1,
 *   the default), e.g. `(APIServer pid=1) `, `(EngineCore_DP0 pid=312) `, `(Worker_TP1 pid=...) `; and
 *   VLLM_LOGGING_PREFIX, if set, goes between that and the level.
 * - uvicorn: `%(levelprefix)s %(message)s`, e.g. `INFO:     Started server process [1]`.
 * - On a TTY (`tty: true`) vLLM colours level names (PR #29017): ANSI escapes are removed before parsing.
 * Docker itself can put an RFC 3339 timestamp first (logs with `timestamps: true`).
 */

import { stripControls } from './terminalControls';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

const LF = 0x0a;
const CR = 0x0d;

/** Lines longer than this are cut (see LineSplitter): 64 KiB holds vLLM's longest line, the engine config dump. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Appended to a line that was cut at the maximum length; the rest of that line is skipped. */
export const TRUNCATION_MARK = ' … [line cut]';

export interface LineSplitterOptions {
  /** The longest line kept, in bytes (default DEFAULT_MAX_LINE_BYTES). */
  maxLineBytes?: number;
}

/**
 * Splits one stream's bytes into lines, whatever the chunk boundaries. Use one splitter per stream (stdout and
 * stderr interleave, and a partial stdout line must not absorb stderr bytes).
 *
 * - Line ends: `\n`, `\r\n`, and a lone `\r` (tqdm progress bars, e.g. "Loading safetensors checkpoint shards",
 *   redraw with `\r`; each redraw becomes a line, and empty ones are dropped). A `\r` at the end of a chunk is
 *   held until the next byte shows whether a `\n` follows.
 * - The unfinished last line is held (copied, so the chunk it came from can be freed) until its end arrives or
 *   `end()` is called.
 * - A line longer than `maxLineBytes` is emitted cut at that length (at a UTF-8 character boundary) with
 *   TRUNCATION_MARK, and the rest of it is skipped up to its line end: memory stays bounded by the maximum
 *   whatever the container prints.
 * - Bytes are decoded as UTF-8 once per line, so characters split across chunks decode correctly.
 */
export class LineSplitter {
  private readonly max: number;
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** The held line ended with `\r` at the end of a chunk: a `\n` first in the next chunk belongs to it. */
  private pendingCR = false;
  /** Skipping the rest of a line that was already emitted cut. */
  private discarding = false;
  /** Lines cut at the maximum length so far. */
  truncatedLines = 0;

  constructor(options: LineSplitterOptions = {}) {
    this.max = Math.max(1, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  push(input: Buffer | string): string[] {
    const chunk = typeof input === 'string' ? Buffer.from(input) : input;
    const out: string[] = [];
    const end = chunk.length;
    let pos = 0;
    if (this.pendingCR && end > 0) {
      this.pendingCR = false;
      if (chunk[0] === LF) {
        this.finishLine(chunk, 0, 0, true, out);
        pos = 1;
      } else {
        this.finishLine(chunk, 0, 0, false, out);
      }
    }
    let nextLF = chunk.indexOf(LF, pos);
    let nextCR = chunk.indexOf(CR, pos);
    while (pos < end) {
      // Both searches are native and each is redone only once passed: linear in the chunk length.
      if (nextLF !== -1 && nextLF < pos) nextLF = chunk.indexOf(LF, pos);
      if (nextCR !== -1 && nextCR < pos) nextCR = chunk.indexOf(CR, pos);
      const brk = nextCR === -1 ? nextLF : nextLF === -1 ? nextCR : Math.min(nextLF, nextCR);
      if (brk === -1) break;
      if (chunk[brk] === LF) {
        this.finishLine(chunk, pos, brk, true, out);
        pos = brk + 1;
      } else if (brk + 1 === end) {
        // `\r` last in the chunk: hold the line until the next byte is known.
        this.hold(chunk, pos, brk, out);
        this.pendingCR = true;
        return out;
      } else if (chunk[brk + 1] === LF) {
        this.finishLine(chunk, pos, brk, true, out);
        pos = brk + 2;
      } else {
        this.finishLine(chunk, pos, brk, false, out);
        pos = brk + 1;
      }
    }
    if (pos < end) this.hold(chunk, pos, end, out);
    return out;
  }

  /** The held last line, if any (the stream ended without a final line end). */
  end(): string[] {
    const out: string[] = [];
    const wasCR = this.pendingCR;
    this.pendingCR = false;
    if (this.partsLength > 0 || wasCR) this.finishLine(Buffer.alloc(0), 0, 0, !wasCR, out, true);
    this.discarding = false;
    return out;
  }

  /** Bytes of an unfinished line currently held. */
  get heldBytes(): number {
    return this.partsLength;
  }

  private hold(chunk: Buffer, start: number, stop: number, out: string[]): void {
    if (this.discarding || stop <= start) return;
    if (this.partsLength + (stop - start) > this.max) {
      out.push(this.cut(chunk, start, stop));
      this.discarding = true;
      return;
    }
    // Copied: a subarray would keep the whole chunk alive for the sake of a few bytes.
    this.parts.push(Buffer.from(chunk.subarray(start, stop)));
    this.partsLength += stop - start;
  }

  private finishLine(chunk: Buffer, start: number, stop: number, lineFeed: boolean, out: string[], atEnd = false): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    const total = this.partsLength + (stop - start);
    // An empty line ended by a lone `\r` is a redraw, not a line; an empty line before `\n` is a line.
    if (total === 0 && (!lineFeed || atEnd)) return;
    if (total > this.max) {
      out.push(this.cut(chunk, start, stop));
      return;
    }
    if (this.partsLength === 0) {
      out.push(chunk.toString('utf8', start, stop));
      return;
    }
    this.parts.push(chunk.subarray(start, stop));
    const text = Buffer.concat(this.parts, total).toString('utf8');
    this.parts = [];
    this.partsLength = 0;
    out.push(text);
  }

  /** The held bytes plus chunk[start, stop), cut at the maximum at a UTF-8 boundary; clears the held bytes. */
  private cut(chunk: Buffer, start: number, stop: number): string {
    this.parts.push(chunk.subarray(start, Math.min(stop, start + this.max)));
    const joined = Buffer.concat(this.parts);
    this.parts = [];
    this.partsLength = 0;
    const cutAt = utf8Boundary(joined, Math.min(this.max, joined.length));
    this.truncatedLines++;
    return joined.toString('utf8', 0, cutAt) + TRUNCATION_MARK;
  }
}

/** The largest offset <= `end` that does not split a UTF-8 character of `buf`. */
function utf8Boundary(buf: Buffer, end: number): number {
  let start = end - 1;
  // Back over continuation bytes (10xxxxxx) to the lead byte of the last character (at most 3 of them).
  while (start > 0 && end - start < 4 && (buf[start]! & 0xc0) === 0x80) start--;
  if (start < 0) return end;
  const lead = buf[start]!;
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + length > end ? start : end;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

export interface LogLine {
  level: LogLevel;
  /** The line's own time stamp: vLLM's `MM-DD HH:MM:SS` (no year), as written. */
  time?: string;
  /** Docker's RFC 3339 time stamp, when the logs were requested with timestamps. */
  dockerTime?: string;
  /** `file.py:123` (vLLM), `uvicorn`, or undefined. */
  source?: string;
  /** vLLM's process name from `(<Name> pid=<pid>)`, e.g. `APIServer`, `EngineCore_DP0`. */
  process?: string;
  /** The message, without level, time, source or process prefix. */
  text: string;
  /** The whole line with ANSI escapes removed (what to show). */
  line: string;
  /** How the level was found: from the line itself, or inherited from the line before (tracebacks, banners). */
  levelFrom: 'line' | 'previous' | 'default';
}

/**
 * Removes ANSI colour and cursor sequences (vLLM and uvicorn colour their output on a TTY), and every other terminal
 * control sequence and control character (terminalControls.ts).
 */
export function stripAnsi(text: string): string {
  return stripControls(text);
}

const DOCKER_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;
const PROCESS = /^\(([^()\s]+) pid=\d+\) /;
/** vLLM: optional VLLM_LOGGING_PREFIX (up to 64 characters), level, date, `[file:line]` (or `file:line]` before 2025-02-24). */
const VLLM = /^.{0,64}?(DEBUG|INFO|WARNING|ERROR|CRITICAL) (\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d+)? \[?([^\s\]]+:\d+)\] ?(.*)$/s;
/** uvicorn's default formatter: level, colon, padding to 9 characters, one space. */
const UVICORN = /^(TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+(.*)$/s;
/** Python tracebacks and exception lines are errors whatever came before. */
const PY_ERROR = /^(?:Traceback \(most recent call last\):|(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit)(?::|$))/;
/** `file.py:12: UserWarning: ...` (Python's warnings module, on stderr). */
const PY_WARNING = /^\S+:\d+: [A-Z]\w*Warning: /;
/** Other engines (TGI, TEI, SGLang...): a level word near the start; a heuristic, not a documented format. */
const GENERIC = /^.{0,40}?\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\b/;

/** A level name as engines write it (`WARN`, `CRITICAL`, `fatal`, `trace`...) to one of the four levels. */
export function levelFromName(name: string): LogLevel | undefined {
  switch (name.toUpperCase()) {
    case 'TRACE':
    case 'DEBUG':
      return 'debug';
    case 'INFO':
      return 'info';
    case 'WARN':
    case 'WARNING':
      return 'warning';
    case 'ERROR':
    case 'CRITICAL':
    case 'FATAL':
      return 'error';
    default:
      return undefined;
  }
}

/**
 * Parses one line. `previous` is the level of the line before on the same stream: lines with no level of their
 * own (traceback frames, the ASCII banner, progress bars) take it, so a level filter keeps a traceback together.
 */
export function parseLogLine(rawLine: string, previous?: LogLevel): LogLine {
  const line = stripAnsi(rawLine);
  let rest = line;
  let dockerTime: string | undefined;
  let process: string | undefined;
  // Cheap first-character checks before each expression: most lines have neither prefix.
  const c0 = rest.charCodeAt(0);
  if (c0 >= 0x30 && c0 <= 0x39) {
    const dt = DOCKER_TIME.exec(rest);
    if (dt) {
      dockerTime = dt[1];
      rest = rest.slice(dt[0].length);
    }
  }
  if (rest.charCodeAt(0) === 0x28 /* ( */) {
    const pr = PROCESS.exec(rest);
    if (pr) {
      process = pr[1];
      rest = rest.slice(pr[0].length);
    }
  }
  // One object shape for every line (absent fields are undefined): keeps property access fast in V8.
  const result: LogLine = { level: 'info', time: undefined, dockerTime, source: undefined, process, text: rest, line, levelFrom: 'line' };
  const v = VLLM.exec(rest);
  if (v) {
    result.level = levelFromName(v[1]!)!;
    result.time = v[2]!;
    result.source = v[3]!;
    result.text = v[4]!;
    return result;
  }
  const u = UVICORN.exec(rest);
  if (u) {
    result.level = levelFromName(u[1]!)!;
    result.source = 'uvicorn';
    result.text = u[2]!;
    return result;
  }
  if (PY_ERROR.test(rest)) result.level = 'error';
  else if (PY_WARNING.test(rest)) result.level = 'warning';
  else {
    const g = GENERIC.exec(rest);
    if (g) result.level = levelFromName(g[1]!)!;
    else {
      result.level = previous ?? 'info';
      result.levelFrom = previous ? 'previous' : 'default';
    }
  }
  return result;
}

/** Parses the lines of one stream in order, carrying the level over to continuation lines. */
export class LogLineParser {
  private previous: LogLevel | undefined;

  parse(line: string): LogLine {
    const parsed = parseLogLine(line, this.previous);
    this.previous = parsed.level;
    return parsed;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Filtering and colour

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warning: 2, error: 3 };

/** True when `level` is at least `minimum` (debug < info < warning < error). */
export function atLeast(level: LogLevel, minimum: LogLevel): boolean {
  return RANK[level] >= RANK[minimum];
}

/** Keeps the lines at or above the minimum level. */
export function filterByLevel<T extends { level: LogLevel }>(lines: readonly T[], minimum: LogLevel): T[] {
  if (minimum === 'debug') return lines.slice();
  return lines.filter((l) => RANK[l.level] >= RANK[minimum]);
}

const COLOUR: Readonly<Record<LogLevel, string | undefined>> = {
  debug: '\x1b[90m', // bright black (grey)
  info: undefined,
  warning: '\x1b[33m', // yellow
  error: '\x1b[31m', // red
};
const RESET = '\x1b[0m';

/**
 * The line coloured by its level, for a pseudoterminal (an output channel gets `line.line` as it is). A terminal
 * gets SGR sequences only: whatever else the line holds (an OSC 8 link, a title, cursor movement) is removed here,
 * at the last step before the terminal, even though the log pipeline already removed it.
 */
export function colourLine(line: Pick<LogLine, 'level' | 'line'>): string {
  const c = COLOUR[line.level];
  const text = stripControls(line.line, { keepSgr: true });
  return c ? c + text + RESET : text;
}

/** Lines as one write to a pseudoterminal: `\r\n` ends each (a terminal does not return the carriage on `\n`). */
export function terminalText(lines: readonly Pick<LogLine, 'level' | 'line'>[], colour: boolean): string {
  let out = '';
  for (const l of lines) out += (colour ? colourLine(l) : stripControls(l.line, { keepSgr: true })) + '\r\n';
  return out;
}
