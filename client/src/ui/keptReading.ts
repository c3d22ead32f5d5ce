/**
 * A reading of the machine kept in global state (it belongs to the machine, not the workspace) and sent to the
 * language server: sent when it differs from the one kept, and again when the server starts. Small on purpose, like
 * coldStarts.ts: extension.ts sends the stored readings when the server starts, without loading the stack bundle.
 */
import type * as vscode from 'vscode';

export class KeptReading<T> {
  constructor(
    private readonly state: vscode.Memento,
    private readonly key: string,
    private readonly send: (params: T) => void,
    /** Whether a stored value is one this version reads (global state outlives versions of the extension). */
    private readonly isReading: (stored: unknown) => stored is T,
  ) {}

  /** Kept and sent when it differs from the last one kept. */
  async update(params: T): Promise<void> {
    if (JSON.stringify(this.state.get(this.key)) === JSON.stringify(params)) return;
    await this.state.update(this.key, params);
    this.send(params);
  }

  /** Sends the stored reading, if there is one (the server just started). */
  resend(): void {
    const stored = this.state.get<unknown>(this.key);
    if (this.isReading(stored)) this.send(stored);
  }
}
