/**
 * The GPU view end to end on a machine with a real GPU: the pre-flight's PATH lookup of nvidia-smi, the process runner
 * running GPU_QUERY_COMMAND and GPU_LIST_COMMAND, readGpuState, and the rows the GPUs view shows. Bundled and run by
 * test/device/gpu-check.sh when node is there (the device machine has none: the lead carries one, see the README).
 * Prints one JSON object.
 */
import { performance } from 'node:perf_hooks';
import { GPU_LIST_COMMAND, GPU_QUERY_COMMAND, readGpuState } from '../../client/src/stack/gpu/gpus';
import { findOnPath } from '../../client/src/stack/runner/preflight';
import { execCommand } from '../../client/src/stack/process/processRunner';
import { gpuRows, type Row } from '../../client/src/stack/views/sidebarModel';

async function main(): Promise<void> {
  const nvidiaSmi = await findOnPath('nvidia-smi');
  const times: number[] = [];
  let state;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const [query, list] = await Promise.all([execCommand(GPU_QUERY_COMMAND, { timeoutMs: 10_000 }), execCommand(GPU_LIST_COMMAND, { timeoutMs: 10_000 })]);
    state = readGpuState(query, list);
    times.push(performance.now() - t0);
  }
  const flat = (rows: Row[]): string[] => rows.flatMap((r) => [`${r.label}${r.description ? `  ${r.description}` : ''}`, ...flat(r.children ?? []).map((c) => `  ${c}`)]);
  const rows = flat(gpuRows(state));
  console.log(JSON.stringify({ nvidiaSmiOnPath: nvidiaSmi ?? null, refreshMs: times.map((t) => Math.round(t)), state, rows }, null, 2));
}

void main();
