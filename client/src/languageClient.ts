import * as vscode from 'vscode';
import { CodeLensRequest, LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { COMPOSE_INPUTS_WATCH_GLOB } from '../../server/src/core/fileKind';
import { ENGINE_RESOURCES_NOTIFICATION, LOCAL_GPUS_NOTIFICATION, MEASURED_COLD_STARTS_NOTIFICATION, SETTINGS_SECTION, type InitializationOptions, type EngineResourcesParams, type LocalGpusParams, type MeasuredColdStartsParams } from '../../server/src/protocol';
import { refreshCodeLensesOnTrust } from './codeLensTrust';
import { DOCUMENT_SELECTOR } from './documentSelector';
import { showError } from './ui/notify';

/**
 * The language client (dist/languageClient.js): starts the language server (dist/server.js) for Compose files and
 * Dockerfiles, reports start failures with a way to retry, restarts on request. All analysis lives in the server.
 * A bundle of its own, required by extension.ts right after activation: vscode-languageclient alone takes longer to
 * load than the whole activation budget, and nothing needs it before the first diagnostics.
 */
export interface LanguageClientHandle {
  restart(): Promise<void>;
  sendColdStarts(params: MeasuredColdStartsParams): void;
  sendLocalGpus(params: LocalGpusParams): void;
  sendEngineResources(params: EngineResourcesParams): void;
  stop(): Promise<void>;
}

export function startLanguageClient(context: vscode.ExtensionContext, onRunning: () => void): LanguageClientHandle {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const output = vscode.window.createOutputChannel('Inference Stack Language Server', { log: true });
  context.subscriptions.push(output);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [...DOCUMENT_SELECTOR],
    synchronize: {
      configurationSection: SETTINGS_SECTION,
      // A Compose file's findings depend on its `.env` and on the Dockerfiles of its build: contexts.
      fileEvents: vscode.workspace.createFileSystemWatcher(COMPOSE_INPUTS_WATCH_GLOB),
    },
    outputChannel: output,
    // The extension ships the rule pages: diagnostics link to them by a command that opens the Markdown preview.
    initializationOptions: { ruleDocs: 'command' } satisfies InitializationOptions,
    middleware: {
      // "Start inference stack" runs containers: not offered in an untrusted workspace (the command refuses there too);
      // shown once trust is granted (codeLensTrust.ts).
      provideCodeLenses: (document, token, next) => (vscode.workspace.isTrusted ? next(document, token) : []),
    },
    initializationFailedHandler: (error) => {
      void offerRestart(`Inference Stack: the language server failed to start: ${String(error)}`);
      return false;
    },
  };
  const client = new LanguageClient('inferenceStack', 'Inference Stack', serverOptions, clientOptions);
  context.subscriptions.push(
    refreshCodeLensesOnTrust(
      (listener) => vscode.workspace.onDidGrantWorkspaceTrust(listener),
      () => vscode.workspace.textDocuments,
      () => client.getFeature(CodeLensRequest.method),
    ),
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) output.appendLine('Language server stopped.');
      if (e.newState === State.Running) onRunning();
    }),
  );

  const restart = async (): Promise<void> => {
    try {
      await client.restart();
    } catch (err) {
      void showError(`Inference Stack: restart failed: ${(err as Error).message}`);
    }
  };
  const offerRestart = async (message: string): Promise<void> => {
    const choice = await showError(message, 'Restart server');
    if (choice === 'Restart server') await restart();
  };
  client.start().catch((err: Error) => void offerRestart(`Inference Stack: the language server could not start: ${err.message}`));

  return {
    restart,
    sendColdStarts: (params) => {
      if (client.isRunning()) void client.sendNotification(MEASURED_COLD_STARTS_NOTIFICATION, params);
    },
    sendLocalGpus: (params) => {
      if (client.isRunning()) void client.sendNotification(LOCAL_GPUS_NOTIFICATION, params);
    },
    sendEngineResources: (params) => {
      if (client.isRunning()) void client.sendNotification(ENGINE_RESOURCES_NOTIFICATION, params);
    },
    stop: async () => {
      if (client.isRunning()) await client.stop();
    },
  };
}
