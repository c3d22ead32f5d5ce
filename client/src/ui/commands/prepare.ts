/**
 * The Compose file's plan, a Docker connection and the compose command, each step reported to the person when it
 * fails: what Start and Stop need before they act (Restart needs the connection only).
 */
import * as vscode from 'vscode';
import { findComposeCommand, type ComposeLookup } from '../../stack/process/composeCommand';
import { connectDockerFromProcess, type DockerConnection } from '../../stack/docker/dockerApi';
import { applyEnv } from '../../stack/docker/dockerEndpoint';
import type { StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import { showError } from '../notify';
import { chooseComposeFile, type FileTarget } from './composeFile';
import { composeSetting, trusted, type Ctx } from './context';

export const COMPOSE_INSTALL_URL = 'https://docs.docker.com/compose/install/';

export async function planFor(ctx: Ctx, target?: FileTarget): Promise<StackPlan | undefined> {
  const file = await chooseComposeFile(ctx, false, target);
  if (!file) return undefined;
  const plan = await ctx.controller.loadPlan(file);
  // A file Compose refuses (it does not parse, or names a service in a way Compose does not accept) is not acted on.
  if (plan.parseError) {
    void showError(`Inference Stack: ${plan.parseError}`);
    return undefined;
  }
  return plan;
}

/** The controller's connection, else a new one; a failure is shown once (the person asked for something). */
export async function connection(ctx: Ctx): Promise<DockerConnection | undefined> {
  if (ctx.controller.connection) return ctx.controller.connection;
  const r = connectDockerFromProcess();
  if (r.ok) return r.connection;
  await showProblem(r.problem.title, r.problem.steps, ctx);
  return undefined;
}

async function composeCommand(ctx: Ctx, conn: DockerConnection): Promise<Extract<ComposeLookup, { found: true }> | undefined> {
  const lookup = await findComposeCommand({
    exec: ctx.controller.runner.exec,
    setting: composeSetting(),
    env: applyEnv(process.env, conn.composeEnv),
  });
  if (lookup.found) return lookup;
  ctx.controller.output.appendLine(lookup.message);
  for (const h of lookup.install) ctx.controller.output.appendLine(`  ${h}`);
  const c = await showError(`Inference Stack: ${lookup.message}`, 'Install Compose', 'Open settings', 'Show output');
  if (c === 'Install Compose') void vscode.env.openExternal(vscode.Uri.parse(COMPOSE_INSTALL_URL));
  else if (c === 'Open settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'inferenceStack.composeCommand');
  else if (c === 'Show output') ctx.controller.output.show(true);
  return undefined;
}

export async function showProblem(title: string, steps: readonly string[], ctx: Ctx): Promise<void> {
  ctx.controller.output.appendLine(title);
  for (const s of steps) ctx.controller.output.appendLine(`  • ${s}`);
  const c = await showError(`Inference Stack: ${title}`, { modal: false }, 'Retry', 'Show output');
  if (c === 'Retry') await ctx.controller.refresh();
  else if (c === 'Show output') ctx.controller.output.show(true);
}

export interface Prepared {
  plan: StackPlan;
  conn: DockerConnection;
  /** The compose command, found once: pre-flight is handed it. */
  compose: Extract<ComposeLookup, { found: true }>;
}

/** What start and stop both need, each step reported to the person when it fails: trust, plan, engine, compose. */
export async function prepare(ctx: Ctx, action: string, target?: FileTarget): Promise<Prepared | undefined> {
  if (!trusted(action)) return undefined;
  const plan = await planFor(ctx, target);
  const conn = plan && (await connection(ctx));
  const compose = conn && (await composeCommand(ctx, conn));
  return plan && conn && compose ? { plan, conn, compose } : undefined;
}
