/**
 * "Tail Logs" and "Tail All Logs": a Pseudoterminal per service, or one for every service of the project (each line
 * prefixed with its service, a colour per service, as `docker compose logs` does), fed by followServiceLogs
 * (containerLogs.ts: dockerode, demux, masking, batching, reattach on restart, through the project's observer).
 * Here only: what to show (logFilter.ts: level, text filter, health and metrics requests hidden unless asked for),
 * colour by level (colourLine, which lets only SGR sequences through to the terminal), one terminal write per
 * animation-frame-ish tick, and a bounded backlog (LogRing) so a change of the view redraws what was received.
 */
import * as vscode from 'vscode';
import type { ProjectObserver } from '../stack/docker/projectObserver';
import { followServiceLogs, type FollowedLine, type LogFollow } from '../stack/docker/containerLogs';
import { LogRing } from '../stack/logs/logBuffer';
import { shows, type LogView } from '../stack/logs/logFilter';
import { colourLine, LOG_LEVELS, type LogLevel } from '../stack/logs/logLines';
import { maskSecrets } from '../stack/logs/mask';

const LEVEL_KEY = 'inferenceStack.logLevel';
const PROBES_KEY = 'inferenceStack.logShowProbeRequests';
/** Lines kept for a redraw after a change of the view. */
const BACKLOG_LINES = 5000;
/** One write per tick: the terminal renderer is the expensive part of a flood. */
const WRITE_INTERVAL_MS = 50;
/** Pending output above this is cut (the oldest part) and the cut is said: the window must stay responsive. */
const MAX_PENDING_CHARS = 512 * 1024;

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';
/** Service prefixes in the combined view: cyan, yellow, green, magenta, blue, bright cyan… (compose's order). */
const SERVICE_COLOURS = ['\x1b[36m', '\x1b[33m', '\x1b[32m', '\x1b[35m', '\x1b[34m', '\x1b[96m', '\x1b[93m', '\x1b[92m'];

type ShownLine = FollowedLine & { service: string };

export class LogTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.written.event;
  private readonly closed = new vscode.EventEmitter<number | void>();
  readonly onDidClose = this.closed.event;
  private readonly backlog = new LogRing<ShownLine>({ maxLines: BACKLOG_LINES, maxBytes: 4 * 1024 * 1024 });
  private readonly follows: LogFollow[] = [];
  private readonly prefixes: Map<string, string>;
  private pending = '';
  private cut = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly observer: ProjectObserver,
    readonly services: readonly string[],
    private view: LogView,
  ) {
    const width = Math.max(...services.map((s) => s.length));
    this.prefixes = new Map(services.map((s, i) => [s, services.length > 1 ? `${SERVICE_COLOURS[i % SERVICE_COLOURS.length]}${s.padEnd(width)} |${RESET} ` : '']));
  }

  open(): void {
    const who = this.services.length > 1 ? `${this.services.join(', ')}` : this.services[0]!;
    this.status(`following ${who} (project ${this.observer.project}), ${describeView(this.view)}`);
    for (const service of this.services) {
      this.follows.push(followServiceLogs({
        docker: this.observer.connection.docker,
        project: this.observer.project,
        service,
        connection: this.observer.connection,
        events: this.observer,
        tail: 500,
        onLines: (lines) => {
          let text = '';
          for (const l of lines) {
            const line = { ...l, service };
            this.backlog.push(line);
            if (shows(line, this.view)) text += this.render(line);
          }
          this.queue(text);
        },
        onStatus: (status, detail) => {
          const words = { attached: 'attached', waiting: 'waiting for the container', reattached: 'reattached (the container restarted)', ended: 'log stream ended' } as const;
          this.status(`${this.services.length > 1 ? `${service}: ` : ''}${words[status]}${detail ? `: ${detail}` : ''}`);
        },
      }));
    }
  }

  /** Shows the backlog again under the new view, then carries on. */
  setView(view: LogView): void {
    this.view = view;
    this.pending = '';
    let text = CLEAR;
    for (const l of this.backlog.toArray()) if (shows(l, view)) text += this.render(l);
    this.queue(text);
    this.status(describeView(view));
  }

  handleInput(data: string): void {
    // Ctrl+C closes the terminal, as a `docker logs -f` would end.
    if (data === '\x03') this.close();
  }

  close(): void {
    for (const f of this.follows.splice(0)) f.dispose();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed.fire();
  }

  private render(l: ShownLine): string {
    return `${this.prefixes.get(l.service) ?? ''}${colourLine(l)}\r\n`;
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

/** "level info and above, health and metrics requests hidden, lines with "error"". */
export function describeView(view: LogView): string {
  const parts = [`level ${view.level} and above`, view.showProbeRequests ? 'health and metrics requests shown' : 'health and metrics requests hidden'];
  if (view.text) parts.push(`lines with "${view.text}"`);
  return parts.join(', ');
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', i + 2)) n++;
  return n;
}

/** All services of the project in one terminal. */
const ALL = '*';

/**
 * The open log terminals of this window, one per service (and one combined), and the view they share. A service's
 * terminal is reused; one left from another project (the same service name) is closed, not kept beside the new one.
 */
export class LogTerminals implements vscode.Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; pty: LogTerminal }>();
  private readonly sub: vscode.Disposable;
  /** The text filter lasts the session; the level and the probe-request switch are remembered. */
  private text = '';

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

  get view(): LogView {
    return { level: this.level, text: this.text, showProbeRequests: this.state.get<boolean>(PROBES_KEY, false) };
  }

  async setLevel(level: LogLevel): Promise<void> {
    await this.state.update(LEVEL_KEY, level);
    this.redraw();
  }

  async setText(text: string): Promise<void> {
    this.text = text.trim();
    this.redraw();
  }

  /** Flips the health and metrics requests switch; true when they are now shown. */
  async toggleProbeRequests(): Promise<boolean> {
    const next = !this.view.showProbeRequests;
    await this.state.update(PROBES_KEY, next);
    this.redraw();
    return next;
  }

  /** The service's terminal, following its logs through the project's observer (it re-attaches on a restart). */
  show(observer: ProjectObserver, service: string): void {
    this.showFor(service, observer, [service], `${service} logs`);
  }

  /** Every service of the project in one terminal, each line prefixed with its service. */
  showAll(observer: ProjectObserver, services: readonly string[]): void {
    this.showFor(ALL, observer, services, `${observer.project} logs`);
  }

  private showFor(key: string, observer: ProjectObserver, services: readonly string[], name: string): void {
    const existing = this.open.get(key);
    if (existing && existing.pty.observer.project === observer.project && existing.pty.services.join() === services.join()) {
      existing.terminal.show();
      return;
    }
    if (existing) {
      // Another project's (or another set's): closed, so two terminals of one name never follow different stacks.
      existing.terminal.dispose();
      this.open.delete(key);
    }
    const pty = new LogTerminal(observer, services, this.view);
    const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('output') });
    this.open.set(key, { terminal, pty });
    terminal.show();
  }

  private redraw(): void {
    const view = this.view;
    for (const { pty } of this.open.values()) pty.setView(view);
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
