import { deviceIndexes } from '../compose/gpuPlacement';
import { deviceRequests, reservedBy } from '../compose/gpuReservation';
import { interpolate } from '../compose/interpolation';
import type { ServiceInfo } from '../compose/service';
import type { Rule } from './rule';

/**
 * CUDA_VISIBLE_DEVICES indexes the GPUs the process can see, and a container sees only the GPUs it was given,
 * numbered from 0 whichever host GPUs they are (the NVIDIA container runtime exposes exactly the requested
 * devices; CUDA enumerates what it finds). So with `count: 1`, `CUDA_VISIBLE_DEVICES=1` names a device that is
 * not there and CUDA reports no GPU: "If one of the indices is invalid, only the devices whose index precedes the
 * invalid index are visible to CUDA applications" (CUDA C++ Programming Guide, "CUDA Environment Variables"). Host GPUs are chosen with `device_ids`, not with this variable.
 * Silent when the count is unknown (`all`, `runtime: nvidia`, `${VAR}`), when a value is not a plain index list
 * (UUIDs, MIG names), and when NVIDIA_VISIBLE_DEVICES is set too (which of it and the reservation wins is up to
 * the runtime's configuration).
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-selected-by-env',
    defaultSeverity: 'warning',
    title: '`CUDA_VISIBLE_DEVICES` names a GPU the container was not given',
    appliesTo: ['compose'],
    fixable: false,
  },
  compose(ctx) {
    const dotEnv = ctx.file.dotEnv;
    for (const info of ctx.services) {
      const env = info.env.find((e) => e.name === 'CUDA_VISIBLE_DEVICES');
      if (!env?.value || info.env.some((e) => e.name === 'NVIDIA_VISIBLE_DEVICES')) continue;
      const given = gpusGiven(info, dotEnv);
      const indexes = deviceIndexes(interpolate(env.value, dotEnv));
      if (!given || !indexes) continue;
      const missing = indexes.filter((i) => i >= given);
      if (missing.length === 0) continue;
      // CUDA stops at the first index it does not have: only those before it are visible.
      const visible = indexes.slice(0, indexes.findIndex((i) => i >= given));
      const seen = given === 1 ? 'device 0' : given === 2 ? 'devices 0 and 1' : `devices 0 to ${given - 1}`;
      ctx.report({
        span: env.valueSpan ?? env.nameSpan,
        message:
          `Service "${info.service.name}" is given ${given} GPU${given === 1 ? '' : 's'}, which it sees as ${seen} whichever host GPUs ` +
          `they are, so CUDA_VISIBLE_DEVICES names ${missing.length === 1 ? 'a device' : 'devices'} it does not have (${missing.join(', ')}) ` +
          `and CUDA ${visible.length === 0 ? 'finds no GPU' : `stops there, using only ${visible.join(', ')}`}. To run on particular host GPUs, list them in ` +
          '`device_ids` and drop CUDA_VISIBLE_DEVICES.',
      });
    }
  },
};

/** How many GPUs the service's requests give it, when every one of them is a known number above 0. */
function gpusGiven(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): number | undefined {
  if (info.gpu.runtime && !info.gpu.devices.length && !info.gpu.gpus && !info.gpu.cdi.length) return undefined;
  const requests = deviceRequests(info);
  if (requests.length === 0) return undefined;
  let total = 0;
  for (const request of requests) {
    const n = reservedBy(request, dotEnv);
    if (typeof n !== 'number') return undefined;
    total += n;
  }
  return total > 0 ? total : undefined;
}
