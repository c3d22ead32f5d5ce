/** "Tail Logs": a service's log terminal. */
import { showError } from '../notify';
import { pickService, type Ctx } from './context';

export async function tailLogs(ctx: Ctx, arg: string | undefined): Promise<void> {
  // From the palette the model services come first: the command is about the engine's logs (menus name any service).
  const service = await pickService(ctx, arg, 'Tail the logs of which service?', true);
  if (!service) return;
  if (!ctx.controller.connection) await ctx.controller.refresh();
  const conn = ctx.controller.connection;
  const project = ctx.controller.plan?.project;
  if (!conn || !project) {
    if (ctx.controller.state.kind === 'docker-down') void showError(`Inference Stack: ${ctx.controller.state.problem.title}`);
    return;
  }
  ctx.logs.show(ctx.controller.observe(project, conn), service);
}
