/**
 * "Restart Service": one service's container, through the Docker API, with its progress until it runs (healthy,
 * where it has a healthcheck) or fails again, and the outcome; the Services view counts the restart.
 */
import * as vscode from 'vscode';
import { cancelledRestartText, restartProgress, type RestartProgress } from '../../stack/runner/restartWatch';
import { DEFAULT_START_TIMEOUT_SECONDS, restartService } from '../../stack/runner/stackRunner';
import { formatClock } from '../../stack/views/sidebarModel';
import { showError, showInfo, showWarning, withNotificationProgress } from '../notify';
import type { StackController } from '../stackController';
import { pickService, settings, trusted, type Ctx } from './context';
import { connection, showProblem } from './prepare';
import { tailLogs } from './tailLogs';

export async function restart(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Restart Service')) return;
  const service = await pickService(ctx, arg, 'Restart which service?', false);
  const conn = await connection(ctx);
  const { controller } = ctx;
  const project = controller.plan?.project;
  if (!service || !conn || !project) return;
  const timeoutMs = Math.max(10, settings().get<number>('startTimeoutSeconds', DEFAULT_START_TIMEOUT_SECONDS)) * 1000;
  const t0 = Date.now();
  const outcome = await withNotificationProgress({ title: `Restarting ${service}`, cancellable: true }, async (progress, token) => {
    // Each container's start time before the restart, running or not: the restarted one is seen once it changes.
    const startedBefore = new Map(controller.statuses.filter((s) => s.service === service).map((s) => [s.containerId, s.startedAt]));
    progress.report({ message: 'stopping and starting its container' });
    // Cancel ends the wait for the engine's answer at once (the engine may take the stop timeout, or longer, to answer).
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const r = await restartService({ connection: conn, project, service, signal: abort.signal }).finally(() => sub.dispose());
    if (!r.ok) return 'cancelled' in r ? { kind: 'cancelled' as const, when: r.cancelled } : { kind: 'error' as const, problem: r.problem };
    const before = startedBefore.get(r.containerId);
    controller.noteRestart(service);
    controller.scheduleRelist();
    const last = await follow(controller, r.containerId, before, timeoutMs, token, (p) => progress.report({ message: `${p.text} · ${formatClock(Date.now() - t0)}` }));
    return { kind: 'restarted' as const, last };
  });
  if (outcome.kind === 'error') {
    await showProblem(`could not restart ${service}: ${outcome.problem.title}`, outcome.problem.steps, ctx);
    return;
  }
  if (outcome.kind === 'cancelled') {
    // Whatever the engine does next, the Services view shows it.
    controller.scheduleRelist();
    const text = cancelledRestartText(service, outcome.when);
    controller.output.appendLine(`restart ${service}: ${text}`);
    void showWarning(text);
    return;
  }
  const { last } = outcome;
  const took = `${Math.round((Date.now() - t0) / 1000)} s`;
  controller.output.appendLine(`restart ${service}: ${last.text} (${took})`);
  if (last.done && last.ok) void showInfo(`${service} restarted and ${last.text} (${took}).`);
  else if (last.done) {
    const c = await showError(`${service} restarted and ${last.text}.`, 'Tail logs');
    if (c) await tailLogs(ctx, service);
  } else {
    const c = await showWarning(`${service} restarted; stopped following it after ${took} (${last.text}). The Services view keeps following it.`, 'Tail logs');
    if (c) await tailLogs(ctx, service);
  }
}

/** Follows the restarted container in the observer's statuses until it is done, the timeout or a cancel. */
function follow(controller: StackController, containerId: string, before: number | undefined, timeoutMs: number, token: vscode.CancellationToken, onProgress: (p: RestartProgress) => void): Promise<RestartProgress> {
  return new Promise((resolve) => {
    let last: RestartProgress = { done: false, text: 'stopping and starting its container' };
    const subs: vscode.Disposable[] = [];
    const finish = () => {
      for (const s of subs) s.dispose();
      clearTimeout(timer);
      resolve(last);
    };
    const look = () => {
      last = restartProgress(controller.statuses.find((s) => s.containerId === containerId), before);
      onProgress(last);
      if (last.done) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    subs.push(controller.onDidChange(look), token.onCancellationRequested(finish));
    look();
  });
}
