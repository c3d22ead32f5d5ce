/** The status bar item: sidebarModel.statusSummary, e.g. "$(pass) 2/2 healthy"; a click shows the Services view. */
import * as vscode from 'vscode';
import { statusSummary } from '../stack/views/sidebarModel';
import type { StackController } from './stackController';

export function createStatusBar(controller: StackController): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('inferenceStack.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Inference Stack';
  item.command = 'inferenceStack.services.focus';
  const update = () => {
    const s = statusSummary(controller.input());
    if (controller.state.kind === 'no-compose-file') {
      item.hide();
      return;
    }
    item.text = `$(${s.icon}) ${s.text}`;
    item.tooltip = s.tooltip;
    item.backgroundColor = s.severity === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : s.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  update();
  return vscode.Disposable.from(item, controller.onDidChange(update));
}
