/**
 * Where a "Restart Service" stands, from the container's status as the project's observer lists it: the restart is
 * seen once the container's start time changes (the same container id keeps its old "healthy" until then), and it is
 * over when the container runs (healthy, where it has a healthcheck) or has failed again.
 */
import type { ServiceStatus } from '../stackTypes';

export type RestartProgress = { done: false; text: string } | { done: true; ok: boolean; text: string };

/** `startedBefore`: the container's start time before the restart, running or not (undefined: never started, or
 *  not listed then). */
export function restartProgress(c: ServiceStatus | undefined, startedBefore: number | undefined): RestartProgress {
  if (!c) return { done: false, text: 'waiting for its container' };
  if (c.startedAt === undefined || c.startedAt === startedBefore) return { done: false, text: 'stopping and starting its container' };
  switch (c.state) {
    case 'running':
      if (c.health === 'starting') return { done: false, text: 'started; waiting for its healthcheck (a model server loads its weights first)' };
      if (c.health === 'unhealthy') return { done: true, ok: false, text: `is unhealthy${c.lastHealthOutput ? `: ${c.lastHealthOutput}` : ''}` };
      return { done: true, ok: true, text: c.health === 'healthy' ? 'is healthy again' : 'is running again' };
    case 'restarting':
      return { done: true, ok: false, text: `exited${c.exitCode !== undefined ? ` with code ${c.exitCode}` : ''} and Docker is restarting it again` };
    case 'exited':
    case 'dead':
      return { done: true, ok: false, text: `exited${c.exitCode !== undefined ? ` with code ${c.exitCode}` : ''}${c.oomKilled ? ' (out of memory)' : ''}` };
    default:
      return { done: false, text: c.state };
  }
}

/** Where a Restart Service stood when it was cancelled before Docker answered: before asking it, or after. */
export type RestartCancelled = 'before-asking' | 'while-restarting';

/** What a cancelled restart left, for the person: nothing changed, or a restart Docker may still be carrying out. */
export function cancelledRestartText(service: string, when: RestartCancelled): string {
  if (when === 'before-asking') return `Restart of ${service} cancelled before Docker was asked: its container was left as it was.`;
  return (
    `Stopped waiting for Docker to restart ${service}. Docker had been asked to and may still do it: the container may ` +
    'be stopping, stopped, or starting again. The Services view shows where it stands.'
  );
}
