/** The GPUs view: nvidia-smi read every `inferenceStack.gpus.refreshSeconds` while the view is visible. */
import * as vscode from 'vscode';
import { gpuRows, type Row } from '../stack/views/sidebarModel';
import type { LazyTreeProvider } from './lazyTree';
import { RowTreeProvider } from './rowTree';
import type { StackController } from './stackController';
import { refreshWhileVisible } from './visibleRefresh';

export function createGpusView(controller: StackController, lazy: LazyTreeProvider<Row>, view: vscode.TreeView<Row>): vscode.Disposable {
  const provider = new RowTreeProvider(() => gpuRows(controller.gpu, controller.remoteEngine(), controller.plan));
  lazy.setDelegate(provider);
  return vscode.Disposable.from(
    provider,
    controller.onDidChange(() => provider.refresh()),
    refreshWhileVisible(view, 'gpus.refreshSeconds', () => controller.refreshGpus()),
  );
}
