/**
 * What an untrusted workspace may not choose (issue 15, "Settings a workspace may not choose"), as pure functions the
 * VS Code layer calls with `workspace.isTrusted`:
 * - settings that pick a program to run or a pattern to run on the extension host (`inferenceStack.composeCommand`,
 *   `inferenceStack.probe.cases`) come from the person's own settings only. The manifest says so as well
 *   (`restrictedConfigurations`, and `composeCommand` is machine-scoped), but the code does not rely on it;
 * - an API key the shell environment gave (`--api-key ${VLLM_API_KEY}` interpolated from the extension host's
 *   environment) is not sent to a service an untrusted workspace describes: the workspace chose where it goes.
 */
import type { PlannedService } from '../../../../server/src/compose/stackPlanTypes';

/** The settings an untrusted workspace's `.vscode/settings.json` may not set (package.json restrictedConfigurations). */
export const RESTRICTED_SETTINGS = ['inferenceStack.composeCommand', 'inferenceStack.probe.cases'] as const;

/** The part of WorkspaceConfiguration.inspect()'s result read here. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value to use: when the workspace may choose (a trusted workspace, a setting not machine-scoped), the most
 * specific one (folder, workspace, user, default, as `WorkspaceConfiguration.get` does); otherwise the user's own
 * value or the default, whatever the workspace sets.
 */
export function settingValue<T>(inspected: InspectedSetting<T> | undefined, workspaceMayChoose: boolean, fallback: T): T {
  if (!inspected) return fallback;
  const fromWorkspace = workspaceMayChoose ? (inspected.workspaceFolderValue ?? inspected.workspaceValue) : undefined;
  return fromWorkspace ?? inspected.globalValue ?? inspected.defaultValue ?? fallback;
}

/** The API key to send to `service` (probe, /metrics), or undefined: none, or one from the shell environment while the
 *  workspace is untrusted. */
export function requestApiKey(service: PlannedService | undefined, trusted: boolean): string | undefined {
  if (!service?.apiKey) return undefined;
  return service.apiKeyFromEnvironment && !trusted ? undefined : service.apiKey;
}
