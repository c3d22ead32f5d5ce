/**
 * Pre-flight against the CPUs and memory of the Docker engine (`docker info` NCPU and MemTotal; a Docker Desktop VM's,
 * not the host's), per started service, per container: replicas each get the service's limits and the engine does
 * not add them up (two replicas of `cpus: 2` both start on a 2-CPU engine).
 *
 * What the engine refuses, found with dockerd 20.10 on a 2-CPU host (`docker create` and docker-compose 1.29 `up`,
 * which fail with "Cannot create container for service …: <the engine's message>"):
 * - a CPU limit above NCPU (`cpus:` or `deploy.resources.limits.cpus`): "Range of CPUs is from 0.01 to 2.00, as there
 *   are only 2 CPUs available". A blocker.
 * - a `cpuset` naming more CPUs than the engine has: "Requested CPUs are not available - requested 0-3, available:
 *   0-1". A blocker (only the count is certain: which indexes exist is the engine's to say).
 * - a memory limit under 6 MiB: "Minimum memory limit allowed is 6MB". A blocker.
 * - a memory limit below the memory reservation: "Minimum memory limit can not be less than memory reservation
 *   limit, see usage". A blocker (resource-limits-below-reservations says it in the editor).
 * What it accepts: a memory limit or reservation above MemTotal (64g on a 23.5 GiB engine starts), a CPU reservation
 * (Compose does not apply it outside Swarm). A memory limit or reservation past the engine is a warning: the limit
 * limits nothing, and a model sized for that much memory may be OOM-killed while it loads.
 */
import { formatBytes, formatCpus } from '../../../../server/src/core/byteSize';
import type { PlannedAmount, PlannedService, StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import type { EngineInfo, PreflightIssue } from '../stackTypes';
import { startedServices } from './profiles';

/** The engine's least memory limit (daemon_unix.go linuxMinMemory). */
export const MIN_MEMORY_LIMIT = 6 * 1024 * 1024;

const DESKTOP_STEP = 'Docker Desktop: Settings > Resources sets how many CPUs and how much memory its VM has.';

export function resourceIssues(plan: StackPlan, engine: EngineInfo | undefined): PreflightIssue[] {
  const issues: PreflightIssue[] = [];
  for (const service of startedServices(plan)) {
    const res = service.resources;
    if (!res) continue;
    if (engine?.cpus && res.cpus && res.cpus.value > engine.cpus) issues.push(cpuIssue(service, res.cpus, engine.cpus));
    if (engine?.cpus && res.cpuset && res.cpuset.value > engine.cpus) issues.push(cpusetIssue(service, res.cpuset, engine.cpus));
    const limit = res.memoryLimit;
    const reservation = res.memoryReservation;
    if (limit && limit.value > 0 && limit.value < MIN_MEMORY_LIMIT) issues.push(tinyMemoryIssue(service, limit));
    else if (limit && limit.value > 0 && reservation && limit.value < reservation.value) issues.push(belowReservationIssue(service, limit, reservation));
    else if (engine?.memoryBytes) {
      const past = [limit, reservation].filter((a): a is PlannedAmount => !!a && a.value > engine.memoryBytes!);
      if (past.length) issues.push(memoryIssue(service, past, engine.memoryBytes));
    }
  }
  return issues;
}

function written(a: PlannedAmount): string {
  return `${a.key}: ${a.text}`;
}

/** A limit the engine refuses: a blocker, with the Compose file to open and a Retry. */
function refused(service: PlannedService, title: string, steps: string[]): PreflightIssue {
  return { id: 'resource-limit-refused', severity: 'blocker', service: service.name, title, steps, actions: ['open-file', 'retry'] };
}

function cpuIssue(service: PlannedService, cpus: PlannedAmount, engineCpus: number): PreflightIssue {
  return refused(service, `${service.name} asks for ${formatCpus(cpus.value)} (${written(cpus)}), but the Docker engine has ${formatCpus(engineCpus)}`, [
    `The engine refuses to create the container: "Range of CPUs is from 0.01 to ${engineCpus.toFixed(2)}, as there are only ${engineCpus} CPUs available".`,
    `Lower ${cpus.key} to ${engineCpus} or less in the Compose file, or start the stack on an engine with more CPUs. ${DESKTOP_STEP}`,
  ]);
}

function cpusetIssue(service: PlannedService, cpuset: PlannedAmount, engineCpus: number): PreflightIssue {
  return refused(service, `${service.name} pins ${formatCpus(cpuset.value)} (cpuset: "${cpuset.text}"), but the Docker engine has ${formatCpus(engineCpus)}`, [
    `The engine refuses to create the container: "Requested CPUs are not available - requested ${cpuset.text}, available: 0-${engineCpus - 1}" (or the CPUs it may use).`,
    `Name CPUs 0 to ${engineCpus - 1} only, or remove cpuset and limit with cpus instead.`,
  ]);
}

function tinyMemoryIssue(service: PlannedService, limit: PlannedAmount): PreflightIssue {
  return refused(service, `${service.name}'s memory limit (${written(limit)}) is below the 6 MiB the Docker engine accepts`, [
    'The engine refuses to create the container: "Minimum memory limit allowed is 6MB". A unit may be missing: a bare number is bytes.',
    'Write the limit with its unit (16g, 512m) in the Compose file.',
  ]);
}

function belowReservationIssue(service: PlannedService, limit: PlannedAmount, reservation: PlannedAmount): PreflightIssue {
  return refused(service, `${service.name}'s memory limit (${written(limit)}) is below its memory reservation (${written(reservation)})`, [
    'The engine refuses to create the container: "Minimum memory limit can not be less than memory reservation limit".',
    'Raise the limit to at least the reservation, or lower the reservation, in the Compose file.',
  ]);
}

function memoryIssue(service: PlannedService, past: readonly PlannedAmount[], engineBytes: number): PreflightIssue {
  const what = past.map((a) => `${formatBytes(a.value)} (${written(a)})`).join(' and ');
  return {
    id: 'memory-above-engine',
    severity: 'warning',
    service: service.name,
    title: `${service.name} is given ${what}, more than the ${formatBytes(engineBytes)} of memory the Docker engine has`,
    steps: [
    'The engine accepts it, so a limit that high limits nothing, and a reservation that high cannot be kept. A model sized for that much memory may be killed by the out-of-memory killer while it loads its weights.',
    `Size the memory to what this engine has, or start the stack on a larger one. ${DESKTOP_STEP}`,
    ],
    actions: ['open-file', 'start-anyway'],
  };
}
