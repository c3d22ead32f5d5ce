/**
 * "Tail vLLM Logs": a Pseudoterminal per service fed by followServiceLogs (containerLogs.ts: dockerode, demux,
 * masking, batching, reattach on restart). Here only: colour by level (colourLine, which lets only SGR sequences
 * through to the terminal), the minimum level the person picked, one terminal write per animation-frame-ish tick,
 * and a bounded backlog (LogRing) so a level change can redraw what was already received.
 */
import * as vscode from 'vscode';
import type { ProjectObserver } from '../stack/docker/projectObserver';
import { followServiceLogs, type FollowedLine, type LogFollow } from '../stack/docker/containerLogs';
import { LogRing } from '../stack/logs/logBuffer';
import { atLeast, colourLine, LOG_LEVELS, type LogLevel } from '../stack/logs/logLines';
import { maskSecrets } from '../stack/logs/mask';

const LEVEL_KEY = 'inferenceStack.logLevel';
/** Lines kept for a redraw after a level change. */
const BACKLOG_LINES = 5000;
/** One write per tick: the terminal renderer is the expensive part of a flood. */
const WRITE_INTERVAL_MS = 50;
/** Pending output above this is cut (the oldest part) and the cut is said: the window must stay responsive. */
const MAX_PENDING_CHARS = 512 * 1024;

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';

export class LogTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.written.event;
  private readonly closed = new vscode.EventEmitter<number | void>();
  readonly onDidClose = this.closed.event;
  private readonly backlog = new LogRing<FollowedLine>({ maxLines: BACKLOG_LINES, maxBytes: 4 * 1024 * 1024 });
  private follow: LogFollow | undefined;
  private pending = '';
  private cut = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly observer: ProjectObserver,
    readonly service: string,
    private level: LogLevel,
  ) {}

  open(): void {
    this.status(`following ${this.service} (project ${this.observer.project}), level ${this.level} and above`);
    this.follow = followServiceLogs({
      docker: this.observer.connection.docker,
      project: this.observer.project,
      service: this.service,
      connection: this.observer.connection,
      events: this.observer,
      tail: 500,
      onLines: (lines) => {
        this.backlog.pushAll(lines);
        let text = '';
        for (const l of lines) if (atLeast(l.level, this.level)) text += colourLine(l) + '\r\n';
        this.queue(text);
      },
      onStatus: (status, detail) => {
        const words = { attached: 'attached', waiting: 'waiting for the container', reattached: 'reattached (the container restarted)', ended: 'log stream ended' } as const;
        this.status(`${words[status]}${detail ? `: ${detail}` : ''}`);
      },
    });
  }

  setLevel(level: LogLevel): void {
    this.level = level;
    // Redraw the backlog at the new level, then carry on.
    this.pending = '';
    let text = CLEAR;
    for (const l of this.backlog.toArray()) if (atLeast(l.level, level)) text += colourLine(l) + '\r\n';
    this.queue(text);
    this.status(`level ${level} and above`);
  }

  handleInput(data: string): void {
    // Ctrl+C closes the terminal, as a `docker logs -f` would end.
    if (data === '\x03') this.close();
  }

  close(): void {
    this.follow?.dispose();
    this.follow = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed.fire();
  }

  private status(text: string): void {
    // The detail can be Docker's error text: plain text only, secrets masked, like the lines.
    this.queue(`${DIM}── ${maskSecrets(text)} ──${RESET}\r\n`);
  }

  private queue(text: string): void {
    if (!text) return;
    this.pending += text;
    if (this.pending.length > MAX_PENDING_CHARS) {
      const drop = this.pending.length - MAX_PENDING_CHARS;
      const at = this.pending.indexOf('\r\n', drop);
      this.cut += at < 0 ? 1 : 1 + countLines(this.pending.slice(0, at));
      this.pending = at < 0 ? '' : this.pending.slice(at + 2);
    }
    this.timer ??= setTimeout(() => this.flush(), WRITE_INTERVAL_MS);
  }

  private flush(): void {
    this.timer = undefined;
    let text = this.pending;
    this.pending = '';
    if (this.cut) {
      text = `${DIM}── ${this.cut} line(s) skipped to keep up ──${RESET}\r\n${text}`;
      this.cut = 0;
    }
    if (text) this.written.fire(text);
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', i + 2)) n++;
  return n;
}

/** The open log terminals of this window, one per service, and the minimum level they share. */
export class LogTerminals implements vscode.Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; pty: LogTerminal }>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly state: vscode.Memento) {
    this.sub = vscode.window.onDidCloseTerminal((t) => {
      for (const [key, v] of this.open) if (v.terminal === t) {
        v.pty.close();
        this.open.delete(key);
      }
    });
  }

  get level(): LogLevel {
    const l = this.state.get<string>(LEVEL_KEY);
    return (LOG_LEVELS as readonly string[]).includes(l ?? '') ? (l as LogLevel) : 'info';
  }

  async setLevel(level: LogLevel): Promise<void> {
    await this.state.update(LEVEL_KEY, level);
    for (const { pty } of this.open.values()) pty.setLevel(level);
  }

  /** The service's terminal, following its logs through the project's observer (it re-attaches on a restart). */
  show(observer: ProjectObserver, service: string): void {
    const key = `${observer.project}/${service}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.terminal.show();
      return;
    }
    const pty = new LogTerminal(observer, service, this.level);
    const terminal = vscode.window.createTerminal({ name: `${service} logs`, pty, iconPath: new vscode.ThemeIcon('output') });
    this.open.set(key, { terminal, pty });
    terminal.show();
  }

  dispose(): void {
    this.sub.dispose();
    for (const { terminal, pty } of this.open.values()) {
      pty.close();
      terminal.dispose();
    }
    this.open.clear();
  }
}
