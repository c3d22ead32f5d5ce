import { countForReservation, hasDeviceReservation, reservationEdit } from '../compose/gpuReservation';
import type { Rule } from './rule';

/**
 * `runtime: nvidia` only works where the NVIDIA runtime is registered with Docker, and then exposes whatever
 * NVIDIA_VISIBLE_DEVICES says; Compose's documented way to get GPUs is a device reservation
 * (compose.json `runtime`, `device_request`). Old engine images still need the runtime line, so the fix keeps it.
 *
 * Not said where the runtime is the way: a service that picks its GPUs with NVIDIA_VISIBLE_DEVICES (the runtime
 * reads it; a reservation would set it too), and Jetson (L4T) images, which NVIDIA documents with `--runtime nvidia`
 * (dusty-nv/jetson-containers). With CUDA_VISIBLE_DEVICES the fix reserves every GPU: a smaller count renumbers the
 * GPUs the container sees, and the index it names may then not exist.
 */
const JETSON_IMAGE = /(^|[/:_.-])(l4t|jetson)([/:_.-]|$)|(^|\/)dustynv\//i;
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
      if (info.env.some((e) => e.name === 'NVIDIA_VISIBLE_DEVICES') || JETSON_IMAGE.test(info.resolvedImage ?? '')) continue;
      const count = info.env.some((e) => e.name === 'CUDA_VISIBLE_DEVICES') ? 'all' : countForReservation(info, ctx.file.dotEnv);
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
