/** "Choose Compose File": which Compose file is the stack's, remembered per workspace. */
import * as vscode from 'vscode';
import { findComposeFiles } from '../workspaceFiles';
import { showWarning } from '../notify';
import type { Ctx } from './context';

/** The remembered Compose file, or a QuickPick over the workspace's Compose files (remembered per workspace). */
export async function chooseComposeFile(ctx: Ctx, always: boolean): Promise<string | undefined> {
  const current = ctx.controller.composeFile;
  if (current && !always) return current;
  const unique = await findComposeFiles();
  if (unique.length === 0) {
    const c = await showWarning('Inference Stack: no Compose file (compose.yaml, docker-compose.yml, *.compose.yaml) in this workspace.', 'Open a file…');
    if (!c) return undefined;
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Compose files': ['yml', 'yaml'] } });
    if (!picked?.[0]) return undefined;
    await ctx.controller.setComposeFile(picked[0].fsPath);
    return picked[0].fsPath;
  }
  let file: string | undefined;
  if (unique.length === 1 && !always) file = unique[0]!.fsPath;
  else {
    const item = await vscode.window.showQuickPick(
      unique.map((u) => ({ label: vscode.workspace.asRelativePath(u), description: u.fsPath === current ? 'current' : '', file: u.fsPath })),
      { title: 'Inference Stack: Compose file of the stack', placeHolder: 'Remembered for this workspace' },
    );
    file = item?.file;
  }
  if (file) await ctx.controller.setComposeFile(file);
  return file;
}
