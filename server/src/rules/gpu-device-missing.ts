import { deviceRequests, resolveInt } from '../compose/gpuReservation';
import { interpolate } from '../compose/interpolation';
import type { ValueView } from '../compose/yamlView';
import type { Rule } from './rule';

/**
 * A GPU request naming a GPU the target does not have: `device_ids` with an index past its GPUs, or `count` above how
 * many it has. Docker hands the ids (`count: N` as ids 0 to N−1: moby/moby 5c487368 daemon/nvidia_linux.go
 * `countToDevices`) to the NVIDIA runtime, which refuses a device that is not there, and the container is never
 * created: "nvidia-container-cli: device error: 2: unknown device: unknown" (NVIDIA/nvidia-container-toolkit#632, a
 * docker-compose start; #1264 of NVIDIA/nvidia-docker shows `--gpus 2` on a one-GPU host).
 * How many GPUs exist is known only from this machine's nvidia-smi (the client sends it) or `--gpus N` on the
 * command line (AnalysisOptions.hostGpus); otherwise the rule is silent. Ids that are not indexes (GPU UUIDs, MIG names) are not judged.
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-device-missing',
    defaultSeverity: 'error',
    title: 'A GPU request naming more GPUs, or another GPU, than the target has',
    appliesTo: ['compose'],
    fixable: false,
  },
  compose(ctx) {
    const host = ctx.options.hostGpus;
    if (!host) return;
    const { count } = host;
    const dotEnv = ctx.file.dotEnv;
    const has = `${host.from} says the machine has ${count} GPU${count === 1 ? '' : 's'}${count > 0 ? ` (${count === 1 ? '0' : `0 to ${count - 1}`})` : ''}`;
    const refused = 'the NVIDIA runtime refuses the device and the container is never created ("nvidia-container-cli: device error: … unknown device").';
    for (const info of ctx.services) {
      for (const request of deviceRequests(info)) {
        if (request.count) {
          const n = resolveInt(request.count.text, dotEnv);
          if (n !== undefined && n > count) {
            ctx.report({
              span: request.count.at,
              message: `Service "${info.service.name}" asks for ${n} GPUs, but ${has}: Docker asks for GPUs 0 to ${n - 1}, and ${refused}`,
            });
          }
          continue;
        }
        for (const item of idItems(request.deviceIds)) {
          const text = item.text === undefined ? undefined : interpolate(item.text, dotEnv);
          const missing = (text ?? '').split(',').map((s) => s.trim()).filter((s) => /^\d+$/.test(s) && Number(s) >= count);
          if (missing.length === 0) continue;
          ctx.report({
            span: item.at,
            message: `Service "${info.service.name}" asks for GPU ${missing.join(' and ')}, but ${has}: ${refused}`,
          });
        }
      }
    }
  },
};

function idItems(ids: ValueView | undefined): ValueView[] {
  return ids?.asSeq()?.items() ?? [];
}
