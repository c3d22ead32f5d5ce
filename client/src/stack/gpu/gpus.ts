/**
 * The GPU view's data: which nvidia-smi commands to run, and how to read what they print into typed records or
 * an explicit "no NVIDIA GPU" state. Running them is the caller's job (an exec-like function); this module only
 * reads strings, so tests run it on recorded output and test/device/gpu-check.sh runs it on a real machine.
 *
 * Formats: `nvidia-smi --help-query-gpu` / `man nvidia-smi` (CSV with ", " between fields, `nounits` drops "MiB"
 * and "%", unavailable values print as "[N/A]", "[Not Supported]" and similar bracketed words) and `nvidia-smi -L`
 * ("GPU 0: <name> (UUID: GPU-...)", then one indented "  MIG <profile> Device <n>: (UUID: MIG-...)" line per MIG
 * device). Exit codes from the man page's RETURN VALUE: 6 query unsuccessful / no devices, 9 driver not loaded,
 * 12 NVML shared library not found.
 *
 * This file imports only types (erased with them) and uses only syntax that Node's type stripping can erase (no
 * enums, namespaces or parameter properties): test/device/gpu-check.sh loads it alone with
 * `node --experimental-strip-types` where esbuild is not installed.
 */

import type { Command, CommandResult } from '../process/command';

/** The fields asked for, in order. uuid ties a row to its `-L` line; mig.mode.current explains a missing utilization. */
export const GPU_QUERY_FIELDS = ['index', 'uuid', 'name', 'memory.used', 'memory.total', 'utilization.gpu', 'temperature.gpu', 'mig.mode.current'] as const;

/** One line per GPU, no header, numbers without units (memory in MiB, utilization in %, temperature in °C). */
export const GPU_QUERY_COMMAND: Command = {
  file: 'nvidia-smi',
  args: [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
};

/** Lists GPUs and, indented under each, its MIG devices (the query above has no row per MIG device). */
export const GPU_LIST_COMMAND: Command = { file: 'nvidia-smi', args: ['-L'] };

export interface MigDevice {
  /** The MIG device index under its GPU ("Device  0"). */
  readonly index: number;
  /** GPU instance profile, e.g. "1g.10gb". */
  readonly profile: string;
  readonly uuid: string;
}

export interface Gpu {
  readonly index: number;
  readonly uuid?: string;
  readonly name: string;
  readonly memoryUsedMiB?: number;
  readonly memoryTotalMiB?: number;
  /** Undefined when nvidia-smi reports [N/A] or [Not Supported], as it does for a GPU in MIG mode. */
  readonly utilizationPercent?: number;
  readonly temperatureC?: number;
  /** True/false from mig.mode.current; undefined on GPUs without MIG ([N/A]). */
  readonly migEnabled?: boolean;
  /** From `nvidia-smi -L`; empty without MIG or when -L was not run. */
  readonly migDevices: readonly MigDevice[];
}

export type NoGpuReason = 'nvidia-smi-not-found' | 'driver-not-loaded' | 'no-devices' | 'nvml-error';

export type GpuState =
  | { readonly kind: 'gpus'; readonly gpus: readonly Gpu[] }
  /** `message` is nvidia-smi's own line (or the spawn error); `NO_GPU_HINTS[reason]` says what to do. */
  | { readonly kind: 'no-gpu'; readonly reason: NoGpuReason; readonly message: string }
  /** nvidia-smi ran and failed in a way not listed above; `message` is its output, verbatim. */
  | { readonly kind: 'error'; readonly message: string };

/** What the view says under "no NVIDIA GPU found", per reason. */
export const NO_GPU_HINTS: Readonly<Record<NoGpuReason, string>> = {
  'nvidia-smi-not-found': 'nvidia-smi is not installed on this machine (no NVIDIA driver), so no NVIDIA GPU can be used here.',
  'driver-not-loaded': 'nvidia-smi is installed but the NVIDIA driver is not loaded: install or load the driver (a reboot after installing it is often needed).',
  'no-devices': 'The NVIDIA driver is loaded but sees no GPU.',
  'nvml-error': 'The NVIDIA management library failed to start; "Driver/library version mismatch" usually means the driver was upgraded and the machine needs a reboot.',
};

/** Reads the query's result (and, if run, `-L`'s) into a state. Never throws. */
export function readGpuState(query: CommandResult, list?: CommandResult): GpuState {
  if (query.error) {
    if (query.error.code === 'ENOENT') return { kind: 'no-gpu', reason: 'nvidia-smi-not-found', message: query.error.message };
    return { kind: 'error', message: query.error.message };
  }
  const output = `${query.stdout}\n${query.stderr}`;
  const known = classifyFailure(output, query.exitCode);
  if (known) return known;
  const gpus = parseGpuQuery(query.stdout);
  if (query.exitCode !== 0 || (gpus.length === 0 && query.stdout.trim() !== '')) {
    return { kind: 'error', message: output.trim() || `nvidia-smi exited with code ${query.exitCode}` };
  }
  if (gpus.length === 0) return { kind: 'no-gpu', reason: 'no-devices', message: 'nvidia-smi listed no GPU.' };
  if (!list || list.error || list.exitCode !== 0) return { kind: 'gpus', gpus };
  return { kind: 'gpus', gpus: attachMigDevices(gpus, parseGpuList(list.stdout)) };
}

/** nvidia-smi's known "cannot see a GPU" answers, printed on stdout or stderr depending on the version. */
function classifyFailure(output: string, exitCode: number | null): GpuState | undefined {
  const line = (re: RegExp) => output.split(/\r?\n/).find((l) => re.test(l))?.trim();
  const driver = line(/NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/);
  if (driver) return { kind: 'no-gpu', reason: 'driver-not-loaded', message: driver };
  const nvml = line(/Failed to initialize NVML|NVML Shared Library Not Found/i);
  if (nvml) return { kind: 'no-gpu', reason: exitCode === 12 ? 'driver-not-loaded' : 'nvml-error', message: nvml };
  const none = line(/^\s*No devices were found/);
  if (none) return { kind: 'no-gpu', reason: 'no-devices', message: none };
  if (exitCode === 9) return { kind: 'no-gpu', reason: 'driver-not-loaded', message: output.trim() };
  return undefined;
}

/** The CSV rows of GPU_QUERY_COMMAND; rows that do not fit the fields are skipped. */
export function parseGpuQuery(stdout: string): Gpu[] {
  const gpus: Gpu[] = [];
  const n = GPU_QUERY_FIELDS.length;
  const nameAt = GPU_QUERY_FIELDS.indexOf('name');
  for (const raw of stdout.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    let parts = raw.split(',').map((p) => p.trim());
    if (parts.length < n) continue;
    // A product name is the only free text: if it ever holds a comma, the extra pieces belong to it.
    const extra = parts.length - n;
    if (extra > 0) parts = [...parts.slice(0, nameAt), parts.slice(nameAt, nameAt + extra + 1).join(', '), ...parts.slice(nameAt + extra + 1)];
    const field = (name: (typeof GPU_QUERY_FIELDS)[number]) => parts[GPU_QUERY_FIELDS.indexOf(name)]!;
    const index = readNumber(field('index'));
    const name = field('name');
    if (index === undefined || !Number.isInteger(index) || name === '' || isUnavailable(name)) continue;
    const uuid = isUnavailable(field('uuid')) ? undefined : field('uuid');
    const mig = field('mig.mode.current').toLowerCase();
    gpus.push({
      index,
      ...(uuid ? { uuid } : {}),
      name,
      ...defined('memoryUsedMiB', readNumber(field('memory.used'))),
      ...defined('memoryTotalMiB', readNumber(field('memory.total'))),
      ...defined('utilizationPercent', readNumber(field('utilization.gpu'))),
      ...defined('temperatureC', readNumber(field('temperature.gpu'))),
      ...defined('migEnabled', mig === 'enabled' ? true : mig === 'disabled' ? false : undefined),
      migDevices: [],
    });
  }
  return gpus;
}

export interface ListedGpu {
  readonly index: number;
  readonly name: string;
  readonly uuid: string;
  readonly migDevices: readonly MigDevice[];
}

/** The lines of `nvidia-smi -L`; other lines are skipped. */
export function parseGpuList(stdout: string): ListedGpu[] {
  const gpus: { index: number; name: string; uuid: string; migDevices: MigDevice[] }[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const gpu = /^GPU\s+(\d+):\s+(.+?)\s+\(UUID:\s*([^)\s]+)\s*\)\s*$/.exec(line);
    if (gpu) {
      gpus.push({ index: Number(gpu[1]), name: gpu[2]!, uuid: gpu[3]!, migDevices: [] });
      continue;
    }
    const mig = /^\s+MIG\s+(\S+)\s+Device\s+(\d+):\s+\(UUID:\s*([^)\s]+)\s*\)\s*$/.exec(line);
    const parent = gpus[gpus.length - 1];
    if (mig && parent) parent.migDevices.push({ index: Number(mig[2]), profile: mig[1]!, uuid: mig[3]! });
  }
  return gpus;
}

function attachMigDevices(gpus: readonly Gpu[], listed: readonly ListedGpu[]): Gpu[] {
  return gpus.map((gpu) => {
    const match = listed.find((l) => (gpu.uuid ? l.uuid === gpu.uuid : l.index === gpu.index));
    return match && match.migDevices.length ? { ...gpu, migDevices: match.migDevices } : gpu;
  });
}

/** The tree item's text for one GPU: `{label: "0: NVIDIA H100 80GB HBM3", description: "71.7/79.6 GiB · 97% · 54°C"}`. */
export function describeGpu(gpu: Gpu): { label: string; description: string } {
  const gib = (mib: number) => (mib / 1024).toFixed(1);
  const memory =
    gpu.memoryUsedMiB !== undefined && gpu.memoryTotalMiB !== undefined ? `${gib(gpu.memoryUsedMiB)}/${gib(gpu.memoryTotalMiB)} GiB` : 'memory n/a';
  const utilization = gpu.utilizationPercent !== undefined ? `${gpu.utilizationPercent}%` : gpu.migEnabled ? 'MIG' : 'util n/a';
  const parts = [memory, utilization];
  if (gpu.temperatureC !== undefined) parts.push(`${gpu.temperatureC}°C`);
  if (gpu.migDevices.length) parts.push(`${gpu.migDevices.length} MIG device${gpu.migDevices.length === 1 ? '' : 's'}`);
  return { label: `${gpu.index}: ${gpu.name}`, description: parts.join(' · ') };
}

/** "[N/A]", "[Not Supported]", "[Unknown Error]", "[Insufficient Permissions]", "[GPU is lost]", bare "N/A". */
function isUnavailable(text: string): boolean {
  return /^\[.*\]$/.test(text) || /^n\/a$/i.test(text);
}

function readNumber(text: string): number | undefined {
  if (isUnavailable(text) || !/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
