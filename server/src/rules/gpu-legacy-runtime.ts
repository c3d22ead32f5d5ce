import { countForReservation, hasDeviceReservation, reservationEdit } from '../compose/gpuReservation';
import type { Rule } from './rule';

/**
 * `runtime: nvidia` only works where the NVIDIA runtime is registered with Docker, and then exposes whatever
 * NVIDIA_VISIBLE_DEVICES says; Compose's documented way to get GPUs is a device reservation
 * (compose.json `runtime`, `device_request`). Old engine images still need the runtime line, so the fix keeps it.
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-legacy-runtime',
    defaultSeverity: 'info',
    title: 'GPU requested only through `runtime: nvidia`',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const runtime = info.gpu.runtime;
      if (!runtime || hasDeviceReservation(info)) continue;
      const count = countForReservation(info, ctx.file.dotEnv);
      const edit = reservationEdit(ctx.file, info.service.map, count);
      ctx.report({
        span: { start: runtime.keyAt.start, end: Math.max(runtime.keyAt.end, runtime.value.at.end) },
        message:
          `Service "${info.service.name}" gets its GPU only through \`runtime: nvidia\`, which works only where that runtime ` +
          'is registered with Docker and exposes whatever NVIDIA_VISIBLE_DEVICES says. Reserve the GPUs under ' +
          '`deploy.resources.reservations.devices` (Compose\'s documented way); keep the runtime line if the image needs it.',
        fixes: edit ? [{ title: `Add a reservation for ${count === 'all' ? 'all' : count} NVIDIA GPU${count === 1 ? '' : 's'}`, preferred: true, edits: [edit] }] : [],
      });
    }
  },
};
