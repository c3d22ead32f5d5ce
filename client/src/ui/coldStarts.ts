/**
 * Measured cold starts (container start to first healthy), kept per Compose file in workspace state and sent to the
 * language server (MEASURED_COLD_STARTS_NOTIFICATION, server/src/protocol.ts) so healthcheck-start-period-short uses
 * them. Small on purpose: extension.ts imports it to send the stored values when the server starts, without loading
 * the stack bundle.
 */
import type * as vscode from 'vscode';
import type { MeasuredColdStartsParams } from '../../../server/src/protocol';
import { chosenFiles, COMPOSE_FILE_KEY } from './chosenComposeFile';

const COLD_STARTS_KEY = 'inferenceStack.measuredColdStarts';

type Stored = Record<string, Record<string, number>>;

export class ColdStartStore {
  constructor(
    private readonly state: vscode.Memento,
    private readonly send: (params: MeasuredColdStartsParams) => void,
  ) {}

  /** Service -> seconds for one Compose file. */
  get(file: string | undefined): Record<string, number> {
    if (!file) return {};
    return { ...(this.state.get<Stored>(COLD_STARTS_KEY, {})[file] ?? {}) };
  }

  /** Keeps the new measurements (a service not measured this time keeps its older value) and tells the server. */
  async record(file: string, measured: Readonly<Record<string, number>>): Promise<void> {
    const all = { ...this.state.get<Stored>(COLD_STARTS_KEY, {}) };
    all[file] = { ...(all[file] ?? {}), ...measured };
    await this.state.update(COLD_STARTS_KEY, all);
    this.sendFor(file);
  }

  /** Sends the values of the chosen Compose file; the server applies them to that file only. */
  sendFor(file: string | undefined = chosenFiles(this.state.get(COMPOSE_FILE_KEY))?.[0]): void {
    const services = this.get(file);
    if (file && Object.keys(services).length) this.send({ file, services });
  }
}
