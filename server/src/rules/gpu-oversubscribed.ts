import { gpuLoad, gpuPlacement, pastWholeGpu, type GpuPlacement } from '../compose/gpuPlacement';
import { deviceRequests } from '../compose/gpuReservation';
import { findFlag, type ServiceInfo } from '../compose/service';
import type { Span } from '../core/types';
import type { Rule } from './rule';

/**
 * Model services whose engines meet on one GPU and together ask for more than all of its memory. Each engine takes
 * a fixed share of every GPU it runs on (vLLM `--gpu-memory-utilization`, 0.92 by default, 0.9 before v0.21; SGLang
 * `--mem-fraction-static` where it is set), so whichever starts last finds less free than its share and stops: vLLM with "Free memory on device … is less than desired GPU memory utilization"
 * (vllm/v1/worker/utils.py `request_memory`; vllm-project/vllm#21795, #17366, #14376). The classic way in: two
 * services with `count: 1`, which Docker turns into GPU 0 for both (compose/gpuPlacement.ts).
 *
 * Only services that run together are compared: both without profiles, or sharing one. Every pair of services is
 * compared, so a file of more than MAX_SERVICES services (a generated one) is left alone.
 */
const MAX_SERVICES = 100;

export const rule: Rule = {
  meta: {
    id: 'gpu-oversubscribed',
    defaultSeverity: 'error',
    title: 'Model services on one GPU whose memory shares add up past all of it',
    appliesTo: ['compose'],
    fixable: false,
  },
  compose(ctx) {
    if (ctx.file.services.length > MAX_SERVICES) return;
    const dotEnv = ctx.file.dotEnv;
    for (const info of ctx.services) {
      const mine = gpuPlacement(info, dotEnv);
      if (!mine) continue;
      const others = ctx.file.services
        .filter((s) => s.name !== info.service.name)
        .map((s) => ({ name: s.name, placement: ctx.peer(s.name, gpuPlacement) }))
        .filter((o): o is { name: string; placement: GpuPlacement } => !!o.placement && runTogether(mine, o.placement));
      for (const gpu of mine.gpus) {
        const sharing = others.filter((o) => o.placement.gpus.includes(gpu));
        const total = [mine, ...sharing.map((o) => o.placement)].reduce((sum, p) => sum + gpuLoad(p), 0);
        if (!pastWholeGpu(total)) continue;
        ctx.report({ span: spanOf(info), message: message(info.service.name, mine, sharing, gpu, total) });
        break;
      }
    }
  },
};

function runTogether(a: GpuPlacement, b: GpuPlacement): boolean {
  return (a.profiles.length === 0 && b.profiles.length === 0) || a.profiles.some((p) => b.profiles.includes(p));
}

/** The other services a message names, at most: a generated file can put dozens on one GPU. */
const NAMED = 3;

function message(name: string, mine: GpuPlacement, sharing: Array<{ name: string; placement: GpuPlacement }>, gpu: string, total: number): string {
  const part = (n: string, p: GpuPlacement) => `"${n}" ${p.replicas > 1 ? `${p.replicas} replicas × ` : ''}${p.shareFrom}`;
  const named = sharing.slice(0, NAMED);
  const more = sharing.length > NAMED ? ` and ${sharing.length - NAMED} more` : '';
  const who = sharing.length === 0 ? `Service "${name}" runs ${mine.replicas} replicas on GPU ${gpu}` : `GPU ${gpu} runs ${[name, ...named.map((o) => o.name)].map((n) => `"${n}"`).join(' and ')}${more}`;
  const parts = [part(name, mine), ...named.map((o) => part(o.name, o.placement))].join('; ') + (more ? `; …${more}` : '');
  const byCount = [mine, ...sharing.map((o) => o.placement)].some((p) => p.byCount);
  return (
    `${who}, and their memory shares add up to ${total.toFixed(2)} of it (${parts}). Each engine takes its share of the GPU's total ` +
    'memory when it starts, so the one that starts last finds too little free and stops (vLLM: "Free memory on device … is less than ' +
    'desired GPU memory utilization"). ' +
    (byCount ? '`count: N` always gives GPUs 0 to N−1, whatever other containers hold. ' : '') +
    'Give each service its own GPU with `device_ids`, or lower the shares so they add up to less than 1.'
  );
}

/** The share where it is written, else the device request that put the service on the GPU, else its name. */
function spanOf(info: ServiceInfo): Span {
  const setting = info.engine!.gpuMemoryFlag!;
  const flag = findFlag(info.flags, [setting.flag]);
  if (flag) return flag.valueSpan ?? flag.nameSpan;
  const env = setting.env ? info.env.find((e) => e.name === setting.env) : undefined;
  if (env) return env.valueSpan ?? env.nameSpan;
  const request = deviceRequests(info)[0];
  return request?.count?.at ?? request?.deviceIds?.at ?? request?.at ?? info.service.keyAt;
}
