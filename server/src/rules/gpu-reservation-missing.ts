import { countForReservation, hasDeviceReservation, reservationEdit, wantsNvidiaGpu } from '../compose/gpuReservation';
import type { Rule } from './rule';

/**
 * A GPU engine with no device reservation starts without a GPU (Compose hands a container no GPU unless asked:
 * compose.json `device_request`, `gpus_shorthand`, `devices_key`) and then fails or falls back to CPU.
 * `runtime: nvidia` alone is left to gpu-legacy-runtime.
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-reservation-missing',
    defaultSeverity: 'warning',
    title: 'A GPU engine service reserves no GPU',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      if (!wantsNvidiaGpu(info, ctx.file.dotEnv) || hasDeviceReservation(info) || info.gpu.runtime) continue;
      // `extends:` may bring the reservation from another file or service we do not read here.
      if (info.service.map.has('extends')) continue;
      const count = countForReservation(info, ctx.file.dotEnv);
      const edit = reservationEdit(ctx.file, info.service.map, count);
      const countText = count === 'all' ? 'all GPUs (the parallel size is only known at `up`)' : `${count} GPU${count === 1 ? '' : 's'}`;
      ctx.report({
        span: info.service.keyAt,
        message:
          `Service "${info.service.name}" runs ${info.engine!.name}, which needs a GPU, but reserves none: Compose gives a ` +
          `container no GPU unless asked, so the engine fails to start or runs on CPU. Reserve ${countText} under ` +
          '`deploy.resources.reservations.devices`.',
        fixes: edit ? [{ title: `Reserve ${count === 'all' ? 'all' : count} NVIDIA GPU${count === 1 ? '' : 's'}`, preferred: true, edits: [edit] }] : [],
      });
    }
  },
};
