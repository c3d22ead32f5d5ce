import { insertUnderPath } from '../compose/nestedInsert';
import { entryText, readResources, ServiceResources } from '../compose/resources';
import type { ServiceInfo } from '../compose/service';
import { formatBytes, formatCpus, formatCpuValue, parseByteSize, parseCpus } from '../core/byteSize';
import type { Rule } from './rule';
import type { SpanFix } from '../core/types';

/**
 * A model server without limits can take every core and all host memory (model loading, CPU offload, a
 * tokenizer pool), starving its neighbours or getting the host's OOM killer involved. docker compose applies
 * `limits.cpus` and `limits.memory` (compose.json `deploy.resources.docker_compose_mapping`); the legacy keys
 * `cpus` and `mem_limit` do the same.
 */
export const rule: Rule = {
  meta: {
    id: 'resource-limits-missing',
    defaultSeverity: 'warning',
    title: 'A model service without CPU and memory limits',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    const sizing = sizingFor(ctx.options.engineResources);
    for (const info of ctx.services) {
      if (!info.isModelService) continue;
      const res = readResources(info.service.map);
      const missing: Array<'cpus' | 'memory'> = [];
      if (!res.limitCpus) missing.push('cpus');
      if (!res.limitMemory) missing.push('memory');
      if (missing.length === 0) continue;
      const values = missing.map((key) => limitValue(key, res, sizing));
      const edit = insertUnderPath(ctx.file, info.service.map, ['deploy', 'resources', 'limits'], values.map((v) => `${v.key}: ${v.text}`));
      const fromEngine = values.some((v) => v.basis !== 'placeholder' && v.basis !== 'reservation');
      const fixes: SpanFix[] = edit
        ? [{ title: `Add ${missing.map((k) => `limits.${k}`).join(' and ')} (${fromEngine ? 'sized to the Docker engine: adjust them to the model' : 'placeholder values: size them to the model'})`, preferred: true, edits: [edit] }]
        : [];
      ctx.report({
        span: res.limits?.keyAt ?? info.service.keyAt,
        message: message(info, missing, values, sizing),
        fixes,
      });
    }
  },
};

/** Placeholders, documented in the rule's page: 8 cores and 32 GiB, raised to a larger reservation. */
export const DEFAULT_CPUS = 8;
export const DEFAULT_MEMORY = '32g';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/**
 * What the fix writes for each limit. With the engine's CPUs (`docker info` NCPU) and memory (MemTotal) known: half of
 * each, so the service cannot starve the engine's other containers; in whole CPUs and whole GiB, rounded down, while
 * half is at least one; below that, exactly half (0.5 CPU of one; MiB of an engine under 2 GiB), so what the message
 * calls half is half. Never a CPU count above the engine's: the engine refuses a container whose CPU limit is above
 * its CPUs ("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"). Unknown: the placeholders.
 * Either way raised to a larger reservation (a memory limit below it is refused too), the CPU limit still within the
 * engine's CPUs.
 */
export interface Sizing {
  cpus: number;
  /** The engine's CPUs, when known (also the most the fix may write). */
  engineCpus?: number;
  memoryBytes: number;
  engineMemoryBytes?: number;
  /** Whether half of the engine's was rounded down to a whole CPU, a whole GiB (the message says so). */
  cpusRounded?: boolean;
  memoryRounded?: boolean;
}

export function sizingFor(engine: { cpus?: number; memoryBytes?: number } | undefined): Sizing {
  const sizing: Sizing = { cpus: DEFAULT_CPUS, memoryBytes: parseByteSize(DEFAULT_MEMORY)! };
  if (engine?.cpus && engine.cpus > 0) {
    sizing.engineCpus = engine.cpus;
    const half = engine.cpus / 2;
    // Compose takes up to three decimals: 0.5 of one CPU is written as it is.
    sizing.cpus = half >= 1 ? Math.floor(half) : Math.floor(half * 1000) / 1000;
    sizing.cpusRounded = sizing.cpus !== half;
  }
  if (engine?.memoryBytes && engine.memoryBytes > 0) {
    sizing.engineMemoryBytes = engine.memoryBytes;
    const half = engine.memoryBytes / 2;
    sizing.memoryBytes = half >= GIB ? Math.floor(half / GIB) * GIB : Math.max(1, Math.floor(half / MIB)) * MIB;
    sizing.memoryRounded = sizing.memoryBytes !== half;
  }
  return sizing;
}

/** A memory size as Compose reads it: whole GiB as `11g`, else MiB (`768m`). */
function memoryText(bytes: number): string {
  return bytes % GIB === 0 ? `${bytes / GIB}g` : `${Math.round(bytes / MIB)}m`;
}

interface LimitValue {
  key: 'cpus' | 'memory';
  /** As written into the file: `"1"`, `11g`. */
  text: string;
  /** As a message says it: "1 CPU", "11 GiB". */
  shown: string;
  /** half: of the engine's; all-cpus: the engine's CPUs (a larger reservation capped); reservation: raised to it. */
  basis: 'half' | 'all-cpus' | 'reservation' | 'placeholder';
}

function limitValue(key: 'cpus' | 'memory', res: ServiceResources, sizing: Sizing): LimitValue {
  if (key === 'cpus') {
    const reserved = parseNumber(entryText(res.reservationCpus), parseCpus);
    const base: LimitValue['basis'] = sizing.engineCpus !== undefined ? 'half' : 'placeholder';
    let cpus = sizing.cpus;
    let basis: LimitValue['basis'] = base;
    if (reserved !== undefined && reserved > cpus) {
      cpus = reserved;
      basis = 'reservation';
    }
    // Never above what the engine has: it would refuse the container.
    if (sizing.engineCpus !== undefined && cpus > sizing.engineCpus) {
      cpus = sizing.engineCpus;
      basis = 'all-cpus';
    }
    return { key, text: `"${formatCpuValue(cpus)}"`, shown: formatCpus(cpus), basis };
  }
  const reservedText = entryText(res.reservationMemory);
  const reserved = parseNumber(reservedText, parseByteSize);
  // A limit below the reservation is refused ("Minimum memory limit can not be less than memory reservation limit").
  if (reserved !== undefined && reservedText !== undefined && reserved > sizing.memoryBytes) return { key, text: reservedText, shown: formatBytes(reserved), basis: 'reservation' };
  return { key, text: memoryText(sizing.memoryBytes), shown: formatBytes(sizing.memoryBytes), basis: sizing.engineMemoryBytes !== undefined ? 'half' : 'placeholder' };
}

function parseNumber(text: string | undefined, parse: (t: string) => number | undefined): number | undefined {
  return text === undefined ? undefined : parse(text);
}

/**
 * What the values are based on: "the fix uses 1 CPU and 11 GiB, half of what the Docker engine has (2 CPUs,
 * 23.54 GiB), rounded down", "8 CPUs and 32 GiB as placeholders", "64 GiB, the reservation", "2 CPUs, all the engine
 * has".
 */
function basis(values: readonly LimitValue[], sizing: Sizing): string {
  const group = (b: LimitValue['basis']) => values.filter((v) => v.basis === b);
  const said: string[] = [];
  const half = group('half');
  if (half.length) {
    const engine = half.map((v) => (v.key === 'cpus' ? formatCpus(sizing.engineCpus!) : formatBytes(sizing.engineMemoryBytes!)));
    const rounded = half.some((v) => (v.key === 'cpus' ? sizing.cpusRounded : sizing.memoryRounded));
    said.push(`${half.map((v) => v.shown).join(' and ')}, half of what the Docker engine has (${engine.join(', ')})${rounded ? ', rounded down' : ''}`);
  }
  for (const v of group('all-cpus')) said.push(`${v.shown}, all the Docker engine has (the CPU reservation asks for more)`);
  for (const v of group('reservation')) said.push(`${v.shown}, the reservation`);
  const placeholders = group('placeholder');
  if (placeholders.length) said.push(`${placeholders.map((v) => v.shown).join(' and ')} as ${placeholders.length > 1 ? 'placeholders' : 'a placeholder'}`);
  return `the fix uses ${said.join('; and ')}`;
}

function message(info: ServiceInfo, missing: ReadonlyArray<'cpus' | 'memory'>, values: readonly LimitValue[], sizing: Sizing): string {
  const what = missing.length === 2 ? 'no CPU or memory limit' : missing[0] === 'cpus' ? 'no CPU limit' : 'no memory limit';
  return (
    `Model service "${info.service.name}" has ${what}: loading weights and offloading can take every core and all host ` +
    `memory, starving other services or waking the host's OOM killer. Set deploy.resources.limits ` +
    `(${basis(values, sizing)}).`
  );
}
