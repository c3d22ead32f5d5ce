/**
 * The Services view: rows from sidebarModel.serviceRows. The `inferenceStack.state` context key drives the welcome
 * content in package.json (no Compose file chosen). The view's description names the project, its files and the active
 * Compose profiles.
 */
import * as vscode from 'vscode';
import { describeActiveProfiles } from '../stack/runner/profiles';
import { describeFileSet } from '../stack/views/composeFiles';
import { serviceRows, type Row } from '../stack/views/sidebarModel';
import type { LazyTreeProvider } from './lazyTree';
import { RowTreeProvider } from './rowTree';
import type { StackController } from './stackController';

export function createServicesView(controller: StackController, lazy: LazyTreeProvider<Row>, view: vscode.TreeView<Row>): vscode.Disposable {
  const provider = new RowTreeProvider(() => serviceRows(controller.input()));
  lazy.setDelegate(provider);
  let lastState: string | undefined;
  const sub = controller.onDidChange(() => {
    if (controller.state.kind !== lastState) {
      lastState = controller.state.kind;
      void vscode.commands.executeCommand('setContext', 'inferenceStack.state', lastState);
    }
    const plan = controller.plan;
    const profiles = !plan?.declaredProfiles ? '' : describeActiveProfiles(plan) || 'no profile active';
    // The project and the files it is made of (what Start runs, `-f` each when there are several): the view says
    // which stack it shows.
    const files = plan ? describeFileSet(plan.files, (f) => vscode.workspace.asRelativePath(f)) : '';
    const description = [plan?.project ?? '', files, profiles].filter(Boolean).join(' · ');
    if ((view.description ?? '') !== description) view.description = description;
    provider.refresh();
  });
  return vscode.Disposable.from(sub, provider);
}
