/** The Probe & metrics view: last probe per model service, and /metrics read every `inferenceStack.metrics.refreshSeconds`
 *  while the view is visible. */
import * as vscode from 'vscode';
import { probeRows, type Row } from '../stack/views/sidebarModel';
import type { LazyTreeProvider } from './lazyTree';
import { RowTreeProvider } from './rowTree';
import type { StackController } from './stackController';
import { refreshWhileVisible } from './visibleRefresh';

export function createProbeView(controller: StackController, lazy: LazyTreeProvider<Row>, view: vscode.TreeView<Row>): vscode.Disposable {
  const provider = new RowTreeProvider(() => probeRows(controller.input()));
  lazy.setDelegate(provider);
  return vscode.Disposable.from(
    provider,
    controller.onDidChange(() => provider.refresh()),
    refreshWhileVisible(view, 'metrics.refreshSeconds', () => controller.refreshMetrics()),
  );
}
