import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { FIX_ALL_COMMAND, SETTINGS_SECTION } from '../../server/src/protocol';

/**
 * Thin client: starts the language server (dist/server.js) for Compose files and Dockerfiles, reports start
 * failures with a way to retry, and offers "restart server" and "fix all". All logic lives in the server.
 */
let client: LanguageClient | undefined;

export const DOCUMENT_SELECTOR = [
  { language: 'dockercompose' },
  { language: 'dockerfile' },
  { language: 'yaml', pattern: '**/{compose,docker-compose}*.{yml,yaml}' },
  { language: 'yaml', pattern: '**/*.compose.{yml,yaml}' },
];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const output = vscode.window.createOutputChannel('Inference Stack Language Server', { log: true });
  context.subscriptions.push(output);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel: output,
    initializationFailedHandler: (error) => {
      void offerRestart(`Inference Stack: the language server failed to start: ${String(error)}`);
      return false;
    },
  };
  client = new LanguageClient('inferenceStack', 'Inference Stack', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('inferenceStack.restartServer', restartServer),
    vscode.commands.registerCommand(FIX_ALL_COMMAND, () =>
      vscode.commands.executeCommand('editor.action.sourceAction', { kind: 'source.fixAll.inference-stack', apply: 'first' }),
    ),
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) output.appendLine('Language server stopped.');
    }),
    { dispose: () => void client?.stop() },
  );
  try {
    await client.start();
  } catch (err) {
    void offerRestart(`Inference Stack: the language server could not start: ${(err as Error).message}`);
  }
}

async function offerRestart(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Restart server');
  if (choice === 'Restart server') await restartServer();
}

async function restartServer(): Promise<void> {
  if (!client) return;
  try {
    await client.restart();
  } catch (err) {
    void vscode.window.showErrorMessage(`Inference Stack: restart failed: ${(err as Error).message}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
