import { insertUnderPath } from '../compose/nestedInsert';
import { entryText, readResources, ServiceResources } from '../compose/resources';
import type { ServiceInfo } from '../compose/service';
import { formatBytes, parseByteSize, parseCpus } from '../core/byteSize';
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
    for (const info of ctx.services) {
      if (!info.isModelService) continue;
      const res = readResources(info.service.map);
      const missing: Array<'cpus' | 'memory'> = [];
      if (!res.limitCpus) missing.push('cpus');
      if (!res.limitMemory) missing.push('memory');
      if (missing.length === 0) continue;
      const lines = missing.map((key) => `${key}: ${placeholder(key, res)}`);
      const edit = insertUnderPath(ctx.file, info.service.map, ['deploy', 'resources', 'limits'], lines);
      const fixes: SpanFix[] = edit
        ? [{ title: `Add ${missing.map((k) => `limits.${k}`).join(' and ')} (placeholder values: size them to the model)`, preferred: true, edits: [edit] }]
        : [];
      ctx.report({
        span: res.limits?.keyAt ?? info.service.keyAt,
        message: message(info, missing),
        fixes,
      });
    }
  },
};

/** Placeholders, documented in the rule's page: 8 cores and 32 GiB, raised to a larger reservation. */
export const DEFAULT_CPUS = 8;
export const DEFAULT_MEMORY = '32g';

function placeholder(key: 'cpus' | 'memory', res: ServiceResources): string {
  if (key === 'cpus') {
    const reserved = parseNumber(entryText(res.reservationCpus), parseCpus);
    return `"${reserved !== undefined && reserved > DEFAULT_CPUS ? trimNumber(reserved) : DEFAULT_CPUS}"`;
  }
  const reservedText = entryText(res.reservationMemory);
  const reserved = parseNumber(reservedText, parseByteSize);
  return reserved !== undefined && reservedText !== undefined && reserved > parseByteSize(DEFAULT_MEMORY)! ? reservedText : DEFAULT_MEMORY;
}

function parseNumber(text: string | undefined, parse: (t: string) => number | undefined): number | undefined {
  return text === undefined ? undefined : parse(text);
}

function trimNumber(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function message(info: ServiceInfo, missing: ReadonlyArray<'cpus' | 'memory'>): string {
  const what = missing.length === 2 ? 'no CPU or memory limit' : missing[0] === 'cpus' ? 'no CPU limit' : 'no memory limit';
  return (
    `Model service "${info.service.name}" has ${what}: loading weights and offloading can take every core and all host ` +
    `memory, starving other services or waking the host's OOM killer. Set deploy.resources.limits ` +
    `(the fix uses ${DEFAULT_CPUS} CPUs and ${formatBytes(parseByteSize(DEFAULT_MEMORY)!)} as placeholders).`
  );
}
