import * as vscode from 'vscode';
import { FIX_ALL_CODE_ACTION_KIND, FIX_ALL_COMMAND, FIX_ALL_DONE_COMMAND, OPEN_RULE_DOC_COMMAND } from '../../server/src/protocol';
import type { LanguageClientHandle } from './languageClient';
import type { Row } from './stack/views/sidebarModel';
import { ColdStartStore } from './ui/coldStarts';
import { EngineResourcesReporter } from './ui/engineResources';
import { LocalGpuReporter } from './ui/localGpus';
import { LazyTreeProvider } from './ui/lazyTree';
import { showError, showInfo } from './ui/notify';
import { openRuleDoc } from './ui/ruleDocs';
import { GPUS_VIEW, PROBE_VIEW, SERVICES_VIEW, STACK_COMMANDS } from './ui/stackIds';
import type { StackFeature, StackHost, StackView } from './ui/stackFeature';

/**
 * Activation registers commands and views and returns. The work is in two bundles required by a computed path (so
 * esbuild does not inline them): dist/languageClient.js, started on the next turn of the event loop (diagnostics),
 * and dist/stack.js, loaded on the first stack command or when a stack view is shown (Docker, Compose, logs, probe,
 * GPUs). Activation itself loads neither vscode-languageclient nor dockerode.
 */
let client: LanguageClientHandle | undefined;
let stack: Promise<StackFeature> | undefined;

/** require() of one of our own bundles, by a path esbuild cannot follow. */
function requireBundle<T>(context: vscode.ExtensionContext, name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(context.asAbsolutePath(['dist', name].join('/'))) as T;
}

export function activate(context: vscode.ExtensionContext): void {
  const coldStarts = new ColdStartStore(context.workspaceState, (params) => client?.sendColdStarts(params));
  const localGpus = new LocalGpuReporter(context.globalState, (params) => client?.sendLocalGpus(params));
  const engineResources = new EngineResourcesReporter(context.globalState, (params) => client?.sendEngineResources(params));
  context.subscriptions.push(
    vscode.commands.registerCommand('inferenceStack.restartServer', () => client?.restart()),
    vscode.commands.registerCommand(FIX_ALL_COMMAND, () =>
      vscode.commands.executeCommand('editor.action.sourceAction', { kind: FIX_ALL_CODE_ACTION_KIND, apply: 'first' }),
    ),
    // After a Fix All's edit: what it changed ("Fix All made 3 fixes in compose.yaml; .env: HF_TOKEN added").
    vscode.commands.registerCommand(FIX_ALL_DONE_COMMAND, (summary: unknown) => {
      if (typeof summary === 'string' && summary.length <= 500) void showInfo(`Inference Stack: ${summary}`);
    }),
    // A diagnostic's rule link (codeDescription.href) runs it: the rule's page, shipped, in the Markdown preview.
    vscode.commands.registerCommand(OPEN_RULE_DOC_COMMAND, (...args: unknown[]) => openRuleDoc(context.extensionUri, args)),
    { dispose: () => void client?.stop() },
  );
  registerStack(context, coldStarts, localGpus, engineResources);
  setImmediate(() => {
    try {
      const mod = requireBundle<typeof import('./languageClient')>(context, 'languageClient.js');
      client = mod.startLanguageClient(context, () => {
        coldStarts.sendFor();
        localGpus.resend();
        engineResources.resend();
      });
    } catch (err) {
      void showError(`Inference Stack: the language client failed to load: ${(err as Error).message}`);
    }
  });
}

/** Views and commands exist from activation; their work is in dist/stack.js, required on first use. */
function registerStack(context: vscode.ExtensionContext, coldStarts: ColdStartStore, localGpus: LocalGpuReporter, engineResources: EngineResourcesReporter): void {
  const load = (): Promise<StackFeature> => {
    stack ??= Promise.resolve().then(() => requireBundle<typeof import('./ui/stackFeature')>(context, 'stack.js').activateStack(host));
    stack.catch((err: Error) => void showError(`Inference Stack: the stack feature failed to load: ${err.message}`));
    return stack;
  };
  const view = (id: string): StackView => {
    const lazy = new LazyTreeProvider<Row>(async () => {
      await load();
    });
    const treeView = vscode.window.createTreeView(id, { treeDataProvider: lazy, showCollapseAll: id === SERVICES_VIEW });
    context.subscriptions.push(lazy, treeView);
    return { lazy, view: treeView };
  };
  const host: StackHost = { context, coldStarts, localGpus, engineResources, services: view(SERVICES_VIEW), gpus: view(GPUS_VIEW), probe: view(PROBE_VIEW) };
  for (const id of STACK_COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => (await load()).run(id, args)));
  }
}

export async function deactivate(): Promise<void> {
  const feature = stack;
  stack = undefined;
  await Promise.all([client?.stop(), feature?.then((f) => f.dispose(), () => undefined)]);
  client = undefined;
}
