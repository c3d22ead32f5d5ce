/**
 * Entry of the second bundle, dist/stack.js: everything that needs dockerode, yaml and the stack modules. extension.ts
 * loads it lazily (when a stack command runs or a stack view is shown), so activation stays small and fast.
 */
import * as vscode from 'vscode';
import { createProcessRunner } from '../stack/process/processRunner';
import type { Row } from '../stack/views/sidebarModel';
import type { ColdStartStore } from './coldStarts';
import type { EngineResourcesReporter } from './engineResources';
import type { LocalGpuReporter } from './localGpus';
import { stackCommandHandlers } from './commands';
import { createGpusView } from './gpusView';
import type { LazyTreeProvider } from './lazyTree';
import { LogTerminals } from './logTerminal';
import { maskedOutputChannel } from './maskedOutput';
import { createProbeView } from './probeView';
import { createProfilesContext } from './profilesContext';
import { ServiceOutputs } from './serviceOutputs';
import { createServicesView } from './servicesView';
import { StackController } from './stackController';
import type { StackCommand } from './stackIds';
import { createStatusBar } from './statusBar';

export interface StackView {
  lazy: LazyTreeProvider<Row>;
  view: vscode.TreeView<Row>;
}

export interface StackHost {
  context: vscode.ExtensionContext;
  coldStarts: ColdStartStore;
  localGpus: LocalGpuReporter;
  engineResources: EngineResourcesReporter;
  services: StackView;
  gpus: StackView;
  probe: StackView;
}

export interface StackFeature {
  run(id: StackCommand, args: unknown[]): unknown;
  /** Ends every stream and process the feature started (compose, nvidia-smi, log follows, the events watch). */
  dispose(): Promise<void>;
}

export function activateStack(host: StackHost): StackFeature {
  const output = maskedOutputChannel(vscode.window.createOutputChannel('Inference Stack'));
  // No program is ever taken from the workspace: a repository's docker.exe or bin/ on PATH does not run.
  const runner = createProcessRunner({ excludeFolders: () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) });
  const controller = new StackController(host.context, runner, host.coldStarts, output, { localGpus: host.localGpus, engineResources: host.engineResources });
  const logs = new LogTerminals(host.context.workspaceState);
  const outputs = new ServiceOutputs({
    createOutputChannel: (name) => vscode.window.createOutputChannel(name),
    registerTextDocumentContentProvider: (scheme, provider) => vscode.workspace.registerTextDocumentContentProvider(scheme, provider),
    uri: (parts) => vscode.Uri.from(parts),
  });
  const handlers = stackCommandHandlers({ controller, logs, outputs, extensionUri: host.context.extensionUri });
  const disposables: vscode.Disposable[] = [
    output,
    controller,
    logs,
    outputs,
    createServicesView(controller, host.services.lazy, host.services.view),
    createGpusView(controller, host.gpus.lazy, host.gpus.view),
    createProbeView(controller, host.probe.lazy, host.probe.view),
    createStatusBar(controller),
    createProfilesContext(controller),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      // Any file of the stack's project: its override or another file of its set changes the plan too.
      const path = doc.uri.fsPath;
      if (path === controller.composeFile || controller.plan?.files.includes(path)) void controller.refresh();
    }),
  ];
  void controller.refresh();
  return {
    run: (id, args) => handlers[id](...args),
    async dispose() {
      for (const d of disposables) d.dispose();
      await runner.dispose();
    },
  };
}
