/**
 * "Choose Compose File": which Compose files are the stack's, remembered per workspace. One file stands for its
 * project (Compose adds the override file beside it); several are checked in the order Compose merges them.
 */
import * as vscode from 'vscode';
import { composeFileItems, pickerTitle, pickOrder, type ComposeFileItem } from '../../stack/views/composeFiles';
import { findComposeFiles } from '../workspaceFiles';
import { showWarning } from '../notify';
import type { Ctx } from './context';

const relative = (file: string): string => vscode.workspace.asRelativePath(file);

/** The remembered Compose files, or a pick over the workspace's Compose files (remembered per workspace). */
export async function chooseComposeFile(ctx: Ctx, always: boolean): Promise<string[] | undefined> {
  const current = ctx.controller.composeFiles;
  if (current && !always) return current;
  const unique = (await findComposeFiles()).map((u) => u.fsPath);
  let files: string[] | undefined;
  if (unique.length === 0) {
    const c = await showWarning('Inference Stack: no Compose file (compose.yaml, docker-compose.yml, *.compose.yaml) in this workspace.', 'Open a file…');
    if (!c) return undefined;
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Compose files': ['yml', 'yaml'] } });
    files = picked?.[0] ? [picked[0].fsPath] : undefined;
  } else if (unique.length === 1 && !always) files = unique;
  else files = await pickFiles(composeFileItems(unique, current, relative));
  if (files?.length) await ctx.controller.setComposeFile(files);
  return files;
}

/**
 * A multi-select pick that keeps the order of checking (shown in its title); Enter with nothing checked takes the
 * highlighted file, and the title says what that loads (each file's description says it too).
 */
function pickFiles(items: ComposeFileItem[]): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<ComposeFileItem>();
    let order: string[] = [];
    let result: string[] | undefined;
    pick.canSelectMany = true;
    pick.matchOnDescription = true;
    pick.placeholder = 'Check one file (Compose adds its override) or several, in the order Compose merges them';
    pick.items = items;
    const retitle = (): void => {
      pick.title = pickerTitle(order, pick.activeItems[0], relative);
    };
    retitle();
    const subs = [
      pick.onDidChangeSelection((checked) => {
        order = pickOrder(order, checked.map((i) => i.file));
        retitle();
      }),
      pick.onDidChangeActive(retitle),
      pick.onDidAccept(() => {
        const active = pick.activeItems[0];
        result = order.length ? order : active ? [active.file] : undefined;
        // Nothing checked nor highlighted: nothing to take, the pick stays open.
        if (result) pick.hide();
      }),
      pick.onDidHide(() => {
        for (const s of subs) s.dispose();
        pick.dispose();
        resolve(result);
      }),
    ];
    pick.show();
  });
}
