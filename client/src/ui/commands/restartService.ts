/** "Restart Service": one service's containers, through the Docker API. */
import * as vscode from 'vscode';
import { restartService } from '../../stack/runner/stackRunner';
import { pickService, trusted, type Ctx } from './context';
import { connection, showProblem } from './prepare';

export async function restart(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Restart Service')) return;
  const service = await pickService(ctx, arg, 'Restart which service?', false);
  const conn = await connection(ctx);
  const project = ctx.controller.plan?.project;
  if (!service || !conn || !project) return;
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Restarting ${service}` }, () => restartService({ connection: conn, project, service }));
  ctx.controller.scheduleRelist();
  if (!r.ok) await showProblem(`could not restart ${service}: ${r.problem.title}`, r.problem.steps, ctx);
}
