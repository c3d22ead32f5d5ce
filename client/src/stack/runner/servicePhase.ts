/**
 * The one vocabulary of a service's state: its phase (StartPhase) and the line under it, read from its container and,
 * while a Start follows them, its engine's start-up logs. The progress notification, the Services view and the status
 * bar all speak it ("vllm · loading weights 0:42").
 */
import { PHASE_LABELS, type FatalError, type MilestoneDetails, type StartupState } from './milestones';
import type { ServiceStatus, StartPhase } from '../stackTypes';

/** The words of each phase, wherever one is shown. */
export const PHASE_WORDS: Readonly<Record<StartPhase, string>> = {
  waiting: 'not created',
  creating: 'creating',
  starting: 'starting',
  loading: 'loading weights',
  healthy: 'healthy',
  running: 'running',
  paused: 'paused',
  unhealthy: 'unhealthy',
  restarting: 'restarting',
  exited: 'exited',
  failed: 'failed to start',
};

/** What the runner knows of a service's engine logs. */
export interface LogView {
  state: StartupState;
  details: MilestoneDetails;
  /** The tracker's current failure (cleared when the engine restarts and logs its banner again). */
  failure?: FatalError;
}

export interface PhaseInput {
  status?: ServiceStatus;
  /** Undefined when the service's logs are not followed (not a known engine). */
  log?: LogView;
  /** The last fatal error the service logged, kept across restarts (the reason a crash loop gives). */
  lastFatal?: FatalError;
  /** The restart policy restarts the container when it fails (always, unless-stopped, on-failure). */
  restarts?: boolean;
}

function loadingDetail(log: LogView): string {
  const d = log.details;
  const parts: string[] = [PHASE_LABELS[log.state as keyof typeof PHASE_LABELS] ?? log.state];
  if (d.weightsSeconds !== undefined) parts.push(`weights loaded in ${d.weightsSeconds} s${d.weightsGiB !== undefined ? ` (${d.weightsGiB} GiB)` : ''}`);
  if (d.kvCacheTokens !== undefined) parts.push(`KV cache ${d.kvCacheTokens.toLocaleString('en-US')} tokens`);
  return parts.join(' · ');
}

function exitDetail(status: ServiceStatus, lastFatal: FatalError | undefined): string {
  const parts: string[] = [];
  if (status.exitCode !== undefined) parts.push(`exit code ${status.exitCode}`);
  if (status.oomKilled) parts.push('killed: out of memory');
  if (status.restartCount > 0) parts.push(`restarted ${status.restartCount} time${status.restartCount === 1 ? '' : 's'}`);
  if (status.error) parts.push(status.error);
  if (lastFatal) parts.push(lastFatal.explanation);
  return parts.join('; ');
}

/**
 * A service's phase and the line under it, from its container and its logs. Health decides once there is a
 * healthcheck; without one, "running" is the end, unless the engine's logs say it is still loading.
 */
export function servicePhase(input: PhaseInput): { phase: StartPhase; detail?: string } {
  const { status, log, lastFatal } = input;
  if (!status) return { phase: 'waiting', detail: 'no container yet' };
  switch (status.state) {
    case 'created':
      // The engine's own error on a container it could not start (a GPU it cannot give): not "creating" forever.
      return status.error ? { phase: 'failed', detail: `could not start: ${status.error}` } : { phase: 'creating', detail: 'container created' };
    case 'paused':
      return { phase: 'paused', detail: 'paused (docker pause)' };
    case 'restarting':
      return { phase: 'restarting', detail: exitDetail(status, lastFatal) };
    case 'exited':
    case 'dead':
    case 'removing':
      return { phase: 'exited', detail: exitDetail(status, lastFatal) };
    default:
      break;
  }
  if (status.health === 'unhealthy') {
    return { phase: 'unhealthy', detail: status.lastHealthOutput ? `last healthcheck: ${status.lastHealthOutput}` : 'the healthcheck failed' };
  }
  if (log?.failure && status.health !== 'healthy') return { phase: 'failed', detail: log.failure.explanation };
  if (status.health === 'healthy') return { phase: 'healthy' };
  const loading = log && log.state !== 'starting' && log.state !== 'ready' && log.state !== 'failed' && log.state !== 'stopping';
  if (status.health === 'starting') {
    return loading ? { phase: 'loading', detail: loadingDetail(log) } : { phase: 'starting', detail: log?.state === 'ready' ? 'engine ready, waiting for the healthcheck' : 'waiting for the healthcheck' };
  }
  // No healthcheck.
  if (loading) return { phase: 'loading', detail: loadingDetail(log) };
  return { phase: 'running', detail: 'running (no healthcheck)' };
}

/** Phases from the one that most needs attention (a failure) to the one furthest along. */
const PHASE_RANK: readonly StartPhase[] = ['failed', 'exited', 'restarting', 'unhealthy', 'paused', 'waiting', 'creating', 'starting', 'loading', 'running', 'healthy'];

/**
 * The replica that stands for a scaled service (`deploy.replicas`, `scale`): the one in trouble, else the one
 * furthest behind, so the service is healthy only when every replica is. `phaseOf` gives a replica's phase.
 */
export function representativeReplica(replicas: readonly ServiceStatus[], phaseOf: (s: ServiceStatus) => StartPhase): ServiceStatus | undefined {
  let best: ServiceStatus | undefined;
  let bestRank = Infinity;
  for (const r of replicas) {
    const rank = PHASE_RANK.indexOf(phaseOf(r));
    if (rank < bestRank) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}

