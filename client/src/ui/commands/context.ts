/**
 * What several stack commands share: the context they run in, the extension's settings, the trust check and the
 * service a command is about.
 */
import * as vscode from 'vscode';
import type { Row } from '../../stack/views/sidebarModel';
import { requestApiKey, settingValue } from '../../stack/trust/trustPolicy';
import { noProbePortNotice } from '../../stack/views/notices';
import type { PlannedService } from '../../../../server/src/compose/stackPlanTypes';
import { isComposeName } from '../../stack/trust/untrustedText';
import type { LogTerminals } from '../logTerminal';
import type { ServiceOutputs } from '../serviceOutputs';
import { showError, showWarning } from '../notify';
import type { StackController } from '../stackController';

export interface Ctx {
  controller: StackController;
  logs: LogTerminals;
  /** The per-service actions' output channels and inspect documents, disposed with the stack feature. */
  outputs: ServiceOutputs;
  extensionUri: vscode.Uri;
}

export function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('inferenceStack');
}

/** `inferenceStack.composeCommand` from the person's own settings only: it names a program to run (machine-scoped). */
export function composeSetting(): string {
  return settingValue(settings().inspect<string>('composeCommand'), false, '');
}

/** A service name from a command argument: a row of a view (context menu), a name (row command), or nothing.
 *  Anything but a Compose name is nothing: the name goes into messages and requests. */
export function serviceArg(arg: unknown): string | undefined {
  const service = typeof arg === 'string' ? arg : (arg as Row | undefined)?.service;
  return typeof service === 'string' && isComposeName(service) ? service : undefined;
}

export function trusted(action: string, what = 'runs containers'): boolean {
  if (vscode.workspace.isTrusted) return true;
  void showWarning(`Inference Stack: ${action} ${what} and is not available in an untrusted workspace.`, 'Manage Workspace Trust').then((c) => {
    if (c) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

export async function pickService(ctx: Ctx, service: string | undefined, title: string, modelOnly: boolean): Promise<string | undefined> {
  if (service) return service;
  if (!ctx.controller.plan) await ctx.controller.refresh();
  const planned = ctx.controller.plan?.services ?? [];
  // A model service is known by its image; with none recognised, any service may be the one to probe.
  const onlyModels = modelOnly && planned.some((s) => s.isModelService);
  const names = new Set([...planned.filter((s) => !onlyModels || s.isModelService).map((s) => s.name), ...(onlyModels ? [] : ctx.controller.statuses.map((s) => s.service))]);
  if (names.size === 0) {
    const parseError = ctx.controller.plan?.parseError;
    void showWarning(parseError ? `Inference Stack: ${parseError}` : 'Inference Stack: no service in the chosen Compose file.');
    return undefined;
  }
  if (names.size === 1) return [...names][0];
  return vscode.window.showQuickPick([...names], { title });
}

/**
 * Where a service's OpenAI-compatible API answers (its published port) and the key to send, for the probe and the
 * load test; undefined, with the reason shown, when it publishes no port for its API.
 */
export async function serviceApi(ctx: Ctx, service: string, action?: string): Promise<{ planned: PlannedService | undefined; baseUrl: string; apiKey: string | undefined } | undefined> {
  const { controller } = ctx;
  if (controller.statuses.length === 0) await controller.refresh();
  const planned = controller.plan?.services.find((s) => s.name === service);
  const baseUrl = controller.baseUrl(service);
  if (!baseUrl) {
    void showError(noProbePortNotice(service, planned?.apiPort, action));
    return undefined;
  }
  // A key from the shell environment goes only to a trusted workspace's service (trustPolicy.ts).
  return { planned, baseUrl, apiKey: requestApiKey(planned, vscode.workspace.isTrusted) };
}
