/**
 * This machine's GPUs, as the GPUs view last read them from nvidia-smi, kept and sent to the language server
 * (LOCAL_GPUS_NOTIFICATION, server/src/protocol.ts; keptReading.ts): the memory and GPU rules take them as the target
 * when `inferenceStack.gpu` is not set.
 */
import type * as vscode from 'vscode';
import type { LocalGpusParams } from '../../../server/src/protocol';
import type { GpuState } from '../stack/gpu/gpus';
import { KeptReading } from './keptReading';

const LOCAL_GPUS_KEY = 'inferenceStack.localGpus';

export class LocalGpuReporter {
  private readonly kept: KeptReading<LocalGpusParams>;

  constructor(state: vscode.Memento, send: (params: LocalGpusParams) => void) {
    this.kept = new KeptReading(state, LOCAL_GPUS_KEY, send, (stored): stored is LocalGpusParams => !!stored && Array.isArray((stored as LocalGpusParams).gpus));
  }

  /** A new reading: kept and sent when it differs from the last. An nvidia-smi error says nothing about the GPUs. */
  async update(reading: GpuState): Promise<void> {
    if (reading.kind === 'error') return;
    const gpus = reading.kind === 'gpus' ? reading.gpus.flatMap((g) => (g.memoryTotalMiB ? [{ name: g.name, memoryMiB: g.memoryTotalMiB }] : [])) : [];
    // A GPU whose memory nvidia-smi did not report would make the count wrong: keep the last good reading.
    if (reading.kind === 'gpus' && gpus.length !== reading.gpus.length) return;
    await this.kept.update({ gpus });
  }

  /** Sends the stored reading, if there is one (the server just started). */
  resend(): void {
    this.kept.resend();
  }
}
