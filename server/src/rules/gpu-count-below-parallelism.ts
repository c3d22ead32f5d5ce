import {
  describeParallelism,
  deviceRequests,
  GpuRequestEntry,
  involvedFactors,
  isMultiNode,
  parallelismOf,
  reservedBy,
} from '../compose/gpuReservation';
import { hasInterpolation } from '../compose/interpolation';
import type { Rule } from './rule';
import type { Span, SpanFix } from '../core/types';

/**
 * An engine sharded over N = tensor × pipeline parallel GPUs stops at start-up when the container sees fewer
 * (vLLM: world size larger than the GPUs available; TGI: not enough shards' devices). Counts follow compose-go:
 * `count: all` (any case)/-1, `gpus: all` and a request with neither count nor device_ids reserve every GPU
 * (compose.json `device_request`); each NVIDIA CDI name under `devices:` is one GPU, `=all` every one. Multi-node setups (Ray, `--nnodes`, `--headless`) hold part of the group per container
 * and are left alone, as are values only known at `up`.
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-count-below-parallelism',
    defaultSeverity: 'error',
    title: 'Fewer GPUs reserved than tensor × pipeline parallel size',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    const dotEnv = ctx.file.dotEnv;
    for (const info of ctx.services) {
      const needed = parallelismOf(info, dotEnv);
      if (!needed || needed.total <= 1 || isMultiNode(info, dotEnv)) continue;
      // `count` with `device_ids` is gpu-count-and-device-ids' finding; Compose rejects it before counting.
      const requests = deviceRequests(info).filter((r) => !(r.count && r.deviceIds));
      if (requests.length === 0) continue;
      let reserved = 0;
      let unknown = false;
      for (const r of requests) {
        const n = reservedBy(r, dotEnv);
        // Every GPU, or a number only known at `up`: nothing to compare.
        if (n === 'all' || n === undefined) unknown = true;
        else reserved += n;
      }
      if (unknown || reserved >= needed.total) continue;
      const target = requests[requests.length - 1]!;
      const plural = reserved === 1 ? '' : 's';
      ctx.report({
        span: spanOfRequest(target),
        message:
          `Service "${info.service.name}" reserves ${reserved} GPU${plural} but ${describeParallelism(needed)} needs ` +
          `${needed.total}: ${info.engine!.name} stops at start-up when it sees fewer GPUs than its parallel size. ` +
          `Reserve ${needed.total} GPUs or lower the parallel size.`,
        fixes: requests.length === 1 ? raiseCount(target, needed.total) : [],
        involves: involvedFactors(needed),
      });
    }
  },
};

/** The count value, the device_ids key, or the CDI name: where the number of GPUs is written. */
function spanOfRequest(r: GpuRequestEntry): Span {
  if (r.count) return r.count.at;
  return r.view?.get('device_ids')?.keyAt ?? r.at;
}

/** Raises a literal count; device_ids name real GPUs, which only the user can pick, and `${VAR}` is theirs. */
function raiseCount(r: GpuRequestEntry, needed: number): SpanFix[] {
  const span = r.count?.editableSpan;
  const text = r.count?.text;
  if (!span || text === undefined || hasInterpolation(text)) return [];
  return [{ title: `Reserve ${needed} GPUs (count: ${needed})`, preferred: true, edits: [{ span, newText: String(needed) }] }];
}
