/** "Tail Logs" (a service's log terminal) and "Tail All Logs" (every service of the project in one). */
import type { ProjectObserver } from '../../stack/docker/projectObserver';
import { startedServices } from '../../stack/runner/profiles';
import { showError } from '../notify';
import { pickService, type Ctx } from './context';

export async function tailLogs(ctx: Ctx, arg: string | undefined): Promise<void> {
  // From the palette the model services come first: the command is about the engine's logs (menus name any service).
  const service = await pickService(ctx, arg, 'Tail the logs of which service?', true);
  if (!service) return;
  const observer = await projectObserver(ctx);
  if (observer) ctx.logs.show(observer, service);
}

export async function tailAllLogs(ctx: Ctx): Promise<void> {
  const observer = await projectObserver(ctx);
  if (!observer) return;
  const { plan, statuses } = ctx.controller;
  const services = plan ? startedServices(plan).map((s) => s.name) : [];
  for (const s of statuses) if (!services.includes(s.service)) services.push(s.service);
  if (!services.length) {
    void showError('Inference Stack: no service to follow in the chosen Compose file.');
    return;
  }
  ctx.logs.showAll(observer, services);
}

/** The observer of the chosen project, connecting first when needed; undefined (the reason shown) when none. */
async function projectObserver(ctx: Ctx): Promise<ProjectObserver | undefined> {
  if (!ctx.controller.connection) await ctx.controller.refresh();
  const conn = ctx.controller.connection;
  const project = ctx.controller.plan?.project;
  if (!conn || !project) {
    if (ctx.controller.state.kind === 'docker-down') void showError(`Inference Stack: ${ctx.controller.state.problem.title}`);
    return undefined;
  }
  return ctx.controller.observe(project, conn);
}
