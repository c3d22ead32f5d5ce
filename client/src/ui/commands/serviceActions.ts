/**
 * The per-service actions of the Services view (issue 12 item 7), each from a row's context menu or the palette:
 * "Open in Browser", "Copy curl for Chat", "Try the Model…", "Open Shell in Container", "Show Container Inspect".
 * What they compute is in stack/actions/ (no VS Code there); here only what VS Code does with it.
 *
 * Secrets: the copied curl names the key's variable, never the key; the model's answer and the inspect JSON are
 * masked (logs/mask.ts); the key is sent only as the probe sends it (trustPolicy.ts requestApiKey, via serviceApi).
 * "Try the Model…" and "Open Shell in Container" need workspace trust (they send requests to, and run a program in,
 * the workspace's containers).
 */
import * as vscode from 'vscode';
import { listedModel } from '../../../../server/src/load/listedModel';
import { inspectContainer } from '../../stack/actions/containerInspect';
import { maskedInspectJson } from '../../stack/actions/inspectMask';
import {
  apiKeyVariable,
  chatCurl,
  CONTAINER_SHELL,
  publishedUrl,
  readShellCheck,
  serviceContainer,
  shellArgs,
  shellCheckArgs,
  terminalEnv,
} from '../../stack/actions/serviceActions';
import { tryModel } from '../../stack/actions/tryModel';
import { applyEnv } from '../../stack/docker/dockerEndpoint';
import { maskSecrets } from '../../stack/logs/mask';
import { resolveExecutable } from '../../stack/process/executablePath';
import type { ServiceStatus } from '../../stack/stackTypes';
import { notificationText } from '../../stack/trust/untrustedText';
import { showError, showInfo, showWarning, withNotificationProgress } from '../notify';
import { pickService, serviceApi, trusted, type Ctx } from './context';
import { connection } from './prepare';

/** The running (else any) container of `service`, the statuses listed first when none are; undefined, said, when none. */
async function containerOf(ctx: Ctx, service: string, running: boolean): Promise<ServiceStatus | undefined> {
  if (ctx.controller.statuses.length === 0) await ctx.controller.refresh();
  const container = serviceContainer(ctx.controller.statuses, service);
  if (!container || (running && container.state !== 'running')) {
    void showWarning(`Inference Stack: ${service} is not running${container ? ` (its container is ${container.state})` : ''}: start the stack first.`);
    return undefined;
  }
  return container;
}

// ------------------------------------------------------------------------------------------------ Open in Browser

export async function openInBrowser(ctx: Ctx, arg: string | undefined): Promise<void> {
  // The browser sends a request to a container of the workspace's stack: contacting containers needs trust.
  if (!trusted('Open in Browser', 'contacts the stack\'s containers')) return;
  const service = await pickService(ctx, arg, 'Open which service in the browser?', false);
  if (!service) return;
  const container = await containerOf(ctx, service, true);
  if (!container) return;
  const planned = ctx.controller.plan?.services.find((s) => s.name === service);
  const url = publishedUrl(container, planned, ctx.controller.engineHost());
  if (!url) {
    void showWarning(`Inference Stack: ${service} publishes no TCP port, so there is nothing to open in a browser. Publish one with \`ports:\` in the Compose file.`);
    return;
  }
  ctx.controller.output.appendLine(`Open in Browser: ${service} at ${url}`);
  // asExternalUri: a localhost URL seen from a remote window (SSH, a container, Codespaces) goes through a forwarded port.
  const uri = await vscode.env.asExternalUri(vscode.Uri.parse(url));
  await vscode.env.openExternal(uri);
}

// ------------------------------------------------------------------------------------------------ Copy curl for Chat

/** The served model name as the load test finds it: the plan's, else the first of GET /v1/models. */
async function modelName(planned: { servedModelName?: string } | undefined, baseUrl: string, apiKey: string | undefined, mayAsk: boolean): Promise<string | undefined> {
  if (planned?.servedModelName) return planned.servedModelName;
  return mayAsk ? (await listedModel(baseUrl, apiKey)).model : undefined;
}

const MODEL_PLACEHOLDER = 'MODEL';

export async function copyChatCurl(ctx: Ctx, arg: string | undefined): Promise<void> {
  const service = await pickService(ctx, arg, 'Copy a curl for which model service?', true);
  if (!service) return;
  const api = await serviceApi(ctx, service, 'Copy curl for Chat');
  if (!api) return;
  const { planned, baseUrl, apiKey } = api;
  // The model list is asked only in a trusted workspace (it is a request to the workspace's service).
  const model = (await modelName(planned, baseUrl, apiKey, vscode.workspace.isTrusted)) ?? MODEL_PLACEHOLDER;
  const keyVariable = apiKeyVariable(planned);
  const text = chatCurl({ baseUrl, model, ...(keyVariable ? { keyVariable } : {}) });
  await vscode.env.clipboard.writeText(text);
  const { output } = ctx.controller;
  output.appendLine(`curl for the chat endpoint of ${service} (copied to the clipboard):`);
  output.appendLine(text);
  const notes = [
    // Worded so the masker sees no `NAME: value` (it would hide the word after the variable's name).
    ...(keyVariable ? [`set the variable ${keyVariable} to the API key before you run it (the key is not in the text)`] : []),
    ...(model === MODEL_PLACEHOLDER ? [`replace ${MODEL_PLACEHOLDER} with the model's name (GET /v1/models lists it)`] : []),
  ];
  const c = await showInfo(`Inference Stack: copied a curl for the chat endpoint of ${service} (${baseUrl}, model ${model})${notes.length ? `; ${notes.join('; ')}` : ''}.`, 'Show output');
  if (c) output.show(true);
}

// ------------------------------------------------------------------------------------------------ Try the Model

let lastPrompt = 'Say hello in one short sentence.';

export async function tryTheModel(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Try the Model', 'sends requests to its containers')) return;
  const service = await pickService(ctx, arg, 'Try which model service?', true);
  if (!service) return;
  const api = await serviceApi(ctx, service, 'Try the Model');
  if (!api) return;
  const { planned, baseUrl, apiKey } = api;
  const model = await modelName(planned, baseUrl, apiKey, true);
  if (!model) {
    void showError(`Inference Stack: ${baseUrl}/v1/models names no model: is ${service} up?`);
    return;
  }
  // An input box's prompt renders links like a notification does: the model name is text from the Compose file.
  const prompt = await vscode.window.showInputBox({
    title: `Try the Model: ${service}`,
    prompt: notificationText(maskSecrets(`A message for ${model} at ${baseUrl}; the answer streams into the output "Inference Stack: Try ${service}".`)),
    value: lastPrompt,
    ignoreFocusOut: true,
  });
  if (!prompt?.trim()) return;
  lastPrompt = prompt;
  const channel = ctx.outputs.tryChannel(service);
  channel.show(true);
  channel.appendLine(`── ${new Date().toLocaleTimeString()} · ${service} · ${model} at ${baseUrl}`);
  channel.appendLine(`> ${prompt}`);
  channel.appendLine('');
  let wrote = false;
  const outcome = await withNotificationProgress({ title: `Try the Model: waiting for ${service}`, cancellable: true }, (_progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    return tryModel({
      baseUrl, model, prompt, signal: abort.signal,
      ...(apiKey ? { apiKey } : {}),
      onText: (text) => {
        wrote = true;
        channel.append(text);
      },
    }).finally(() => sub.dispose());
  });
  // The answer's text ends with its line end (StreamedAnswer.end); an answer without text says so.
  if (!wrote && outcome.kind === 'answered') channel.appendLine('(the answer has no text)');
  channel.appendLine(`[${outcome.summary}]`);
  channel.appendLine('');
  if (outcome.kind === 'answered' || outcome.kind === 'cancelled') return;
  const c = await showError(`Inference Stack: ${service} did not answer: ${outcome.problem ?? outcome.summary}`, 'Show output');
  if (c) channel.show(true);
}

// ------------------------------------------------------------------------------------------------ Open Shell

export async function openShell(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Open Shell in Container', 'runs a shell in its containers')) return;
  const service = await pickService(ctx, arg, 'Open a shell in which service?', false);
  if (!service) return;
  const container = await containerOf(ctx, service, true);
  const conn = container && (await connection(ctx));
  if (!container || !conn) return;
  const env = applyEnv(process.env, conn.composeEnv);
  // As every program the extension runs: an absolute PATH entry outside the workspace (executablePath.ts).
  const docker = resolveExecutable('docker', { env, exclude: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) });
  if (!docker) {
    void showError('Inference Stack: Open Shell in Container runs `docker exec`, and no docker CLI was found on PATH (absolute entries outside the workspace).');
    return;
  }
  // A terminal whose program exits at once shows only its error: look first, without a terminal.
  const check = readShellCheck(await ctx.controller.runner.exec({ file: docker, args: shellCheckArgs(container.containerId) }, { timeoutMs: 15_000, env }));
  if (!check.ok) {
    ctx.controller.output.appendLine(`Open Shell in Container: docker exec ${container.containerName} ${CONTAINER_SHELL}: ${check.detail}`);
    if (check.reason === 'no-shell') {
      void showWarning(`Inference Stack: ${service} has no shell: its image has no \`${CONTAINER_SHELL}\` (a minimal image), so there is nothing to open. Tail Logs and Show Container Inspect still work.`);
    } else if (check.reason === 'not-running') {
      void showWarning(`Inference Stack: ${service} is not running: start the stack first.`);
    } else {
      const c = await showError(`Inference Stack: docker exec in ${service} failed: ${check.detail}`, 'Show output');
      if (c) ctx.controller.output.show(true);
    }
    return;
  }
  const terminal = vscode.window.createTerminal({
    name: `${service}: ${CONTAINER_SHELL}`,
    shellPath: docker,
    shellArgs: shellArgs(container.containerId),
    // The engine the extension talks to (DOCKER_HOST, the context's TLS files), not the terminal's default one.
    env: terminalEnv(conn.composeEnv),
    iconPath: new vscode.ThemeIcon('terminal'),
  });
  terminal.show();
}

// ------------------------------------------------------------------------------------------------ Show Container Inspect

export async function showContainerInspect(ctx: Ctx, arg: string | undefined): Promise<void> {
  const service = await pickService(ctx, arg, 'Show the inspect JSON of which service?', false);
  if (!service) return;
  const container = await containerOf(ctx, service, false);
  const conn = container && (await connection(ctx));
  if (!container || !conn) return;
  const answer = await inspectContainer(conn, container.containerId);
  if (!answer.ok) {
    void showError(`Inference Stack: cannot inspect the container of ${service}: ${answer.message}`);
    return;
  }
  const planned = ctx.controller.plan?.services.find((s) => s.name === service);
  // Masked whatever the trust: the key is not sent anywhere here, only hidden.
  const text = maskedInspectJson(answer.json, [planned?.apiKey]);
  const doc = await vscode.workspace.openTextDocument(ctx.outputs.inspectDocumentUri(service, container.replica, text));
  if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: false });
}
