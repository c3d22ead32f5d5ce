/**
 * This machine's GPUs, as the GPUs view last read them from nvidia-smi, kept in global state (they belong to the
 * machine, not the workspace) and sent to the language server (LOCAL_GPUS_NOTIFICATION, server/src/protocol.ts): the
 * memory and GPU rules take them as the target when `inferenceStack.gpu` is not set. Small on purpose, like
 * coldStarts.ts: extension.ts sends the stored list when the server starts, without loading the stack bundle or
 * running anything.
 */
import type * as vscode from 'vscode';
import type { EngineResourcesParams, LocalGpusParams } from '../../../server/src/protocol';
import type { GpuState } from '../stack/gpu/gpus';
import type { EngineInfo } from '../stack/stackTypes';

const LOCAL_GPUS_KEY = 'inferenceStack.localGpus';
const ENGINE_RESOURCES_KEY = 'inferenceStack.engineResources';

/** Also the Docker engine's CPUs and memory (ENGINE_RESOURCES_NOTIFICATION), kept and sent the same way: what the
 *  stacks start on, for resource-limits-missing's fix. */
export class LocalGpuReporter {
  constructor(
    private readonly state: vscode.Memento,
    private readonly send: (params: LocalGpusParams) => void,
    private readonly sendEngine?: (params: EngineResourcesParams) => void,
  ) {}

  /** The engine answered `docker info`: its CPUs and memory, kept and sent when they differ from the last. */
  async updateEngine(info: Pick<EngineInfo, 'cpus' | 'memoryBytes'>): Promise<void> {
    const params: EngineResourcesParams = { ...(info.cpus ? { cpus: info.cpus } : {}), ...(info.memoryBytes ? { memoryBytes: info.memoryBytes } : {}) };
    // An engine that did not say keeps the last reading.
    if (params.cpus === undefined && params.memoryBytes === undefined) return;
    if (JSON.stringify(this.state.get(ENGINE_RESOURCES_KEY)) === JSON.stringify(params)) return;
    await this.state.update(ENGINE_RESOURCES_KEY, params);
    this.sendEngine?.(params);
  }

  /** A new reading: kept and sent when it differs from the last. An nvidia-smi error says nothing about the GPUs. */
  async update(reading: GpuState): Promise<void> {
    if (reading.kind === 'error') return;
    const gpus = reading.kind === 'gpus' ? reading.gpus.flatMap((g) => (g.memoryTotalMiB ? [{ name: g.name, memoryMiB: g.memoryTotalMiB }] : [])) : [];
    // A GPU whose memory nvidia-smi did not report would make the count wrong: keep the last good reading.
    if (reading.kind === 'gpus' && gpus.length !== reading.gpus.length) return;
    const params: LocalGpusParams = { gpus };
    if (JSON.stringify(this.state.get(LOCAL_GPUS_KEY)) === JSON.stringify(params)) return;
    await this.state.update(LOCAL_GPUS_KEY, params);
    this.send(params);
  }

  /** Sends the stored readings, if there are any (the server just started). */
  resend(): void {
    const stored = this.state.get<LocalGpusParams>(LOCAL_GPUS_KEY);
    if (stored && Array.isArray(stored.gpus)) this.send(stored);
    const engine = this.state.get<EngineResourcesParams>(ENGINE_RESOURCES_KEY);
    if (engine && typeof engine === 'object') this.sendEngine?.(engine);
  }
}
