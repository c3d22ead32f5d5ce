/**
 * GPU facts: the vendored table (facts/gpus.json: memory.total as nvidia-smi reports it, each with its source) and
 * the target GPU a setting or a CLI flag names. Never guessed: an unknown name is undefined.
 */
import table from '../facts/gpus.json';

export const GIB = 2 ** 30;
const MIB = 2 ** 20;

export interface GpuFact {
  name: string;
  aliases: string[];
  memoryMiB: number;
  source: string;
}

/** The GPU an estimate is for: its memory as nvidia-smi reports it, and how many the host has (when known). */
export interface TargetGpu {
  /** The table's name, or undefined for a memory size given by hand. */
  name?: string;
  memoryBytes: number;
  count?: number;
  /** Where the target came from, when messages should say it (this machine's nvidia-smi). */
  from?: string;
}

/** Where local GPUs come from, in messages. */
export const LOCAL_GPUS_FROM = "this machine's nvidia-smi";

const GPUS: readonly GpuFact[] = (table as { gpus: GpuFact[] }).gpus;

/**
 * What CUDA reports as total memory (what vLLM's gpu_memory_utilization multiplies) is this much less than
 * nvidia-smi's memory.total (facts/gpus.json `cudaShortfallGiB`, two measured cards).
 */
export const CUDA_SHORTFALL_BYTES = Math.round((table as { cudaShortfallGiB: { value: number } }).cudaShortfallGiB.value * GIB);

export function knownGpus(): readonly GpuFact[] {
  return GPUS;
}

/** Case, spaces, dashes and an `NVIDIA ` prefix do not matter: `nvidia h100-sxm` finds the H100. */
function key(name: string): string {
  return name.toLowerCase().replace(/^nvidia\s+/, '').replace(/[\s_-]+/g, '');
}

const BY_KEY = new Map<string, GpuFact>(GPUS.flatMap((g) => [g.name, ...g.aliases].map((n) => [key(n), g] as const)));

/** The table's GPU for a name as a person writes it, or undefined. */
export function gpuByName(name: string): GpuFact | undefined {
  return BY_KEY.get(key(name));
}

/** A target GPU from a table name. */
export function targetFromName(name: string, count?: number): TargetGpu | undefined {
  const gpu = gpuByName(name);
  return gpu && { name: gpu.name, memoryBytes: gpu.memoryMiB * MIB, ...(count !== undefined ? { count } : {}) };
}

/** A target GPU from a memory size in GiB (as nvidia-smi reports it), e.g. 80 or 23.5. */
export function targetFromGiB(gib: number, count?: number): TargetGpu | undefined {
  if (!Number.isFinite(gib) || gib <= 0) return undefined;
  return { memoryBytes: Math.round(gib * GIB), ...(count !== undefined ? { count } : {}) };
}

/**
 * The `inferenceStack.gpu` setting: a table name, or a memory size in GiB (a number, or a string such as "80" or
 * "80GiB"; "80GB" is not read as a size: GB and GiB differ by 7%). Undefined when it names nothing known.
 */
export function targetFromSetting(value: unknown, count?: number): TargetGpu | undefined {
  if (typeof value === 'number') return targetFromGiB(value, count);
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const size = /^\s*(\d+(?:\.\d+)?)\s*(GiB)?\s*$/i.exec(value);
  return size ? targetFromGiB(Number(size[1]), count) : targetFromName(value.trim(), count);
}

/**
 * The GPUs nvidia-smi listed on this machine as a target: their count, and the memory of the largest (on a host with
 * several kinds, an estimate for the smaller ones would report what may not be so). Named only when all are one kind
 * the table knows.
 */
export function targetFromLocal(gpus: ReadonlyArray<{ name: string; memoryMiB: number }>): TargetGpu | undefined {
  const sized = gpus.filter((g) => Number.isFinite(g.memoryMiB) && g.memoryMiB > 0);
  if (sized.length === 0 || sized.length !== gpus.length) return undefined;
  const largest = Math.max(...sized.map((g) => g.memoryMiB));
  const kinds = new Set(sized.map((g) => `${g.name}\n${g.memoryMiB}`));
  const known = kinds.size === 1 ? gpuByName(sized[0]!.name) : undefined;
  return { ...(known ? { name: known.name } : {}), memoryBytes: largest * MIB, count: gpus.length, from: LOCAL_GPUS_FROM };
}

/**
 * "H100 80GB HBM3 (79.65 GiB)", or "79.65 GiB GPU" for a size given by hand, with "…, this machine's nvidia-smi" for
 * local GPUs: how messages name the target.
 */
export function gpuLabel(gpu: TargetGpu): string {
  const size = `${(gpu.memoryBytes / GIB).toFixed(2)} GiB`;
  const where = gpu.from ? `, ${gpu.from}` : '';
  return gpu.name ? `${gpu.name} (${size}${where})` : `${size} GPU${gpu.from ? ` (${gpu.from})` : ''}`;
}
