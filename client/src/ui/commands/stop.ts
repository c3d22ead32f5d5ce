/** "Stop Inference Stack": `compose down`, then, only when asked and confirmed, its volumes too. */
import * as vscode from 'vscode';
import { stopStack } from '../../stack/runner/stackRunner';
import { showError, showInfo, withNotificationProgress } from '../notify';
import type { Ctx } from './context';
import { prepare } from './prepare';

export async function stop(ctx: Ctx): Promise<void> {
  const ready = await prepare(ctx, 'Stop Inference Stack');
  if (!ready) return;
  const { plan, conn, compose } = ready;
  const { controller } = ctx;
  const down = (removeVolumes?: 'yes-remove-volumes') =>
    withNotificationProgress({ title: `Stopping ${plan.project}${removeVolumes ? ' and removing its volumes' : ''}` }, () =>
      stopStack({ plan, connection: conn, compose: compose.command, run: controller.runner.run, onOutput: (l) => controller.output.appendLine(l), ...(removeVolumes ? { removeVolumes } : {}) }),
    );
  const result = await down();
  controller.scheduleRelist();
  if (!result.ok) {
    reportComposeFailure(ctx, 'docker compose down', result);
    return;
  }
  // Probe results, metrics and restart counts were about the containers just removed.
  controller.forgetRun();
  const c = await showInfo(`Stopped ${plan.project}. Its volumes (model caches) were kept.`, 'Remove volumes…');
  if (c !== 'Remove volumes…') return;
  // A separate, deliberate path: volumes hold model caches of tens of GB.
  const typed = await vscode.window.showInputBox({
    title: `Remove the volumes of ${plan.project}`,
    prompt: `This deletes the project's named volumes, model caches included. Type the project name "${plan.project}" to confirm.`,
    placeHolder: plan.project,
    validateInput: (v) => (v === plan.project ? undefined : `Type ${plan.project} exactly to remove its volumes`),
  });
  if (typed !== plan.project) return;
  const removed = await down('yes-remove-volumes');
  controller.scheduleRelist();
  if (removed.ok) void showInfo(`Removed the volumes of ${plan.project}.`);
  else reportComposeFailure(ctx, 'docker compose down -v', removed);
}

function reportComposeFailure(ctx: Ctx, what: string, r: { verbatim: string; explanations: readonly { title: string; explanation: string; steps: readonly string[] }[] }): void {
  const out = ctx.controller.output;
  out.appendLine(`${what} failed:`);
  out.appendLine(r.verbatim);
  for (const e of r.explanations) out.appendLine(`→ ${e.title}: ${e.explanation}\n${e.steps.map((s) => `    • ${s}`).join('\n')}`);
  const first = r.explanations[0];
  void showError(`Inference Stack: ${what} failed${first ? `: ${first.title}` : ''}.`, 'Show output').then((c) => c && out.show(true));
}
