/**
 * Pre-flight against this machine's GPUs (nvidia-smi), for a stack whose Docker engine runs here: what the Compose
 * file asks of them that `up` or the engine will refuse.
 * - A GPU a service asks for that nvidia-smi does not list: the NVIDIA runtime refuses the container ("unknown
 *   device"). A blocker.
 * - Less memory free on a GPU than a service's share of it: vLLM stops at start-up with "Free memory on device …
 *   is less than desired GPU memory utilization" (vllm/v1/worker/utils.py `request_memory`). Something outside the
 *   stack holds the GPU; not checked while the project's own containers run (they may be what holds it).
 * - Shares of the stack's services on one GPU that add up past it (gpu-oversubscribed says the same in the editor).
 * - The memory estimate on the GPU it runs on (engines/fit): a model whose weights or KV cache do not fit. A warning:
 *   the estimate is close, not exact (docs/fit-accuracy.md).
 * Placement and the estimate's input come with the plan (compose/stackPlan.ts); nothing is guessed here.
 */
import { estimateVllm, gib, REFUSAL_EXPLANATIONS } from '../../../../server/src/engines/fit/vllmMemory';
import type { PlannedService, StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import { gpuLoad, pastWholeGpu } from '../../../../server/src/compose/gpuPlacement';
import { vllmInputOn } from '../../../../server/src/compose/serviceFit';
import type { Gpu, GpuState } from '../gpu/gpus';
import type { PreflightIssue } from '../stackTypes';
import { startedServices } from './profiles';

const MIB = 2 ** 20;

export interface GpuPlanOptions {
  /** The project's own containers are running: memory in use may be theirs. */
  stackRunning: boolean;
}

export function gpuPlanIssues(plan: StackPlan, state: GpuState | undefined, options: GpuPlanOptions): PreflightIssue[] {
  if (state?.kind !== 'gpus') return [];
  const gpus = state.gpus;
  const placed = startedServices(plan).filter((s) => s.gpuPlacement);
  const issues: PreflightIssue[] = [];
  for (const service of placed) {
    // Only plain indexes: a UUID or MIG name that nvidia-smi's rows do not show may still be there.
    const missing = service.gpuPlacement!.gpus.filter((id) => /^\d+$/.test(id) && !gpuById(gpus, id));
    if (missing.length) issues.push(missingIssue(service, missing, gpus));
  }
  for (const gpu of gpus) {
    const here = placed.filter((s) => s.gpuPlacement!.gpus.some((id) => gpuById(gpus, id) === gpu));
    if (!here.length || !gpu.memoryTotalMiB) continue;
    const total = here.reduce((sum, s) => sum + gpuLoad(s.gpuPlacement!), 0);
    if (pastWholeGpu(total)) issues.push(oversubscribedIssue(gpu, here, total));
    else if (!options.stackRunning && gpu.memoryUsedMiB !== undefined) issues.push(...takenIssues(gpu, here));
  }
  for (const service of placed) {
    const issue = fitIssue(service, gpus);
    if (issue) issues.push(issue);
  }
  return issues;
}

function gpuById(gpus: readonly Gpu[], id: string): Gpu | undefined {
  return gpus.find((g) => String(g.index) === id || g.uuid === id);
}

function listed(gpus: readonly Gpu[]): string {
  return gpus.length === 1 ? 'GPU 0' : `GPUs 0 to ${gpus.length - 1}`;
}

function missingIssue(service: PlannedService, missing: string[], gpus: readonly Gpu[]): PreflightIssue {
  return {
    id: 'gpu-device-missing',
    severity: 'blocker',
    service: service.name,
    title: `${service.name} asks for GPU ${missing.join(' and ')}, but nvidia-smi on this machine lists only ${listed(gpus)}`,
    steps: [
      'The NVIDIA runtime refuses a device that is not there, so the container is never created ("nvidia-container-cli: device error: … unknown device"). `count: N` asks for GPUs 0 to N−1.',
      'Ask for GPUs this machine has (device_ids or count in the Compose file), or start the stack where they are.',
    ],
    actions: ['open-file', 'retry'],
  };
}

function oversubscribedIssue(gpu: Gpu, here: readonly PlannedService[], total: number): PreflightIssue {
  const parts = here.map((s) => `${s.name} ${s.gpuPlacement!.replicas > 1 ? `${s.gpuPlacement!.replicas} × ` : ''}${s.gpuPlacement!.shareFrom}`);
  return {
    id: 'gpu-oversubscribed',
    severity: 'warning',
    service: here[0]!.name,
    title: `GPU ${gpu.index} (${gpu.name}) would run ${here.map((s) => s.name).join(' and ')}, whose memory shares add up to ${Math.round(total * 100)}% of it`,
    steps: [
      `Shares: ${parts.join('; ')}. Each engine takes its share of the GPU's total memory when it starts, so the one that starts last finds too little free and stops.`,
      'Give each service its own GPU with device_ids, or lower the shares so they add up to less than 1.',
    ],
    actions: ['open-file', 'start-anyway'],
  };
}

/** A service whose share is more than the GPU has free now (nothing of this stack runs yet). */
function takenIssues(gpu: Gpu, here: readonly PlannedService[]): PreflightIssue[] {
  const totalMiB = gpu.memoryTotalMiB!;
  const freeMiB = totalMiB - gpu.memoryUsedMiB!;
  return here
    .filter((s) => gpuLoad(s.gpuPlacement!) * totalMiB > freeMiB)
    .map((s) => ({
      id: 'gpu-memory-taken' as const,
      severity: 'warning' as const,
      service: s.name,
      title: `${s.name} takes ${s.gpuPlacement!.shareFrom} of GPU ${gpu.index} (${gib(s.gpuPlacement!.share * totalMiB * MIB)} GiB), but only ${gib(freeMiB * MIB)} of ${gib(totalMiB * MIB)} GiB are free now`,
      steps: [
        'Another process holds that GPU\'s memory (`nvidia-smi` lists it). vLLM stops at start-up with "Free memory on device … is less than desired GPU memory utilization".',
        'Stop what holds the GPU, move the service to a free GPU (device_ids), or lower its share.',
      ],
      actions: ['start-anyway', 'retry'],
    }));
}

function fitIssue(service: PlannedService, gpus: readonly Gpu[]): PreflightIssue | undefined {
  const input = service.fit;
  const first = gpuById(gpus, service.gpuPlacement!.gpus[0]!);
  if (!input || !first?.memoryTotalMiB) return undefined;
  const est = estimateVllm(vllmInputOn(input, { memoryBytes: first.memoryTotalMiB * MIB, name: first.name }));
  if (!est.refusal) return undefined;
  const numbers = [
    est.weightsBytesPerGpu !== null ? `${gib(est.weightsBytesPerGpu)} GiB of weights per GPU` : undefined,
    est.kvTokens !== null ? `${Math.max(0, Math.floor(est.kvTokens)).toLocaleString('en-US')} KV tokens` : undefined,
    est.maxModelLen !== null ? `--max-model-len ${est.maxModelLen}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return {
    id: 'model-does-not-fit',
    severity: 'warning',
    service: service.name,
    title: `${service.name}: ${input.model.ids[0]} will not fit GPU ${first.index} (${first.name}): ${REFUSAL_EXPLANATIONS[est.refusal]}`,
    steps: [
      `The estimate (${numbers.join(', ')}) follows vLLM's own accounting; docs/fit-accuracy.md says how close it comes to published start-ups.`,
      'Use more GPUs (--tensor-parallel-size), a quantized checkpoint, a larger GPU, or a smaller --max-model-len.',
    ],
    actions: ['open-file', 'start-anyway'],
  };
}
