/**
 * The Docker engine's CPUs and memory (`docker info` NCPU and MemTotal: what the stacks start on, which may be another
 * machine than this one), kept and sent to the language server (ENGINE_RESOURCES_NOTIFICATION,
 * server/src/protocol.ts; keptReading.ts): resource-limits-missing sizes its fix from them.
 */
import type * as vscode from 'vscode';
import type { EngineResourcesParams } from '../../../server/src/protocol';
import type { EngineInfo } from '../stack/stackTypes';
import { KeptReading } from './keptReading';

const ENGINE_RESOURCES_KEY = 'inferenceStack.engineResources';

export class EngineResourcesReporter {
  private readonly kept: KeptReading<EngineResourcesParams>;

  constructor(state: vscode.Memento, send: (params: EngineResourcesParams) => void) {
    this.kept = new KeptReading(state, ENGINE_RESOURCES_KEY, send, (stored): stored is EngineResourcesParams => !!stored && typeof stored === 'object');
  }

  /** The engine answered `docker info`: its CPUs and memory, kept and sent when they differ from the last. */
  async update(info: Pick<EngineInfo, 'cpus' | 'memoryBytes'>): Promise<void> {
    const params: EngineResourcesParams = { ...(info.cpus ? { cpus: info.cpus } : {}), ...(info.memoryBytes ? { memoryBytes: info.memoryBytes } : {}) };
    // An engine that did not say keeps the last reading.
    if (params.cpus === undefined && params.memoryBytes === undefined) return;
    await this.kept.update(params);
  }

  /** Sends the stored reading, if there is one (the server just started). */
  resend(): void {
    this.kept.resend();
  }
}
