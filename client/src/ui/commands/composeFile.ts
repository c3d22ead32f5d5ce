/**
 * "Choose Compose File": which Compose files are the stack's, remembered per workspace. One file stands for its
 * project (Compose adds the override file beside it); several are checked in the order Compose merges them.
 */
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { composeFileItems, filesToActOn, pickerTitle, pickOrder, type ComposeFileItem, type FileChoiceInput } from '../../stack/views/composeFiles';
import { isComposeFileName } from '../../../../server/src/core/fileKind';
import { findComposeFiles } from '../workspaceFiles';
import { showWarning } from '../notify';
import type { Ctx } from './context';

const relative = (file: string): string => vscode.workspace.asRelativePath(file);

/** Which file a command is about: one it was given (code lens, editor title), and whether Start's active-editor rule applies. */
export interface FileTarget {
  named?: string;
  followActive: boolean;
}

/** The active editor's file when it is a Compose file on disk inside a workspace folder. */
export function activeComposeFile(): string | undefined {
  return composeFileOf(vscode.window.activeTextEditor?.document.uri, vscode.window.activeTextEditor?.document.languageId);
}

/**
 * A Compose file a command was given, when it is one: a URI (the editor title), a URI's text (the language server's
 * code lens) or an absolute path (the Services view's Retry row).
 */
export function composeFileArg(arg: unknown): string | undefined {
  const uri = arg instanceof vscode.Uri ? arg : typeof arg !== 'string' ? undefined : /^file:/i.test(arg) ? vscode.Uri.parse(arg, true) : isAbsolute(arg) ? vscode.Uri.file(arg) : undefined;
  return composeFileOf(uri, undefined);
}

function composeFileOf(uri: vscode.Uri | undefined, languageId: string | undefined): string | undefined {
  if (!uri || uri.scheme !== 'file') return undefined;
  if (languageId !== 'dockercompose' && !isComposeFileName(uri.fsPath)) return undefined;
  return vscode.workspace.getWorkspaceFolder(uri) ? uri.fsPath : undefined;
}

/**
 * The Compose files a command acts on (composeFiles.ts filesToActOn: the file given, Start's active editor, the
 * remembered choice, the workspace's only file), else a pick over the workspace's Compose files with the active one
 * highlighted; `always` asks (Choose Compose File). The files acted on become the remembered choice, so the Services
 * view and the status bar show the project the command acted on.
 */
export async function chooseComposeFile(ctx: Ctx, always: boolean, target: FileTarget = { followActive: false }): Promise<string[] | undefined> {
  const current = ctx.controller.composeFiles;
  const active = activeComposeFile();
  let files: string[] | undefined;
  // The workspace is searched only when nothing else decides, and once.
  let found: string[] | undefined;
  const search = async () => (found ??= (await findComposeFiles()).map((u) => u.fsPath));
  if (!always) {
    const base: FileChoiceInput = {
      ...target,
      ...(active ? { active } : {}),
      ...(current ? { remembered: current } : {}),
      ...(ctx.controller.plan ? { rememberedLoads: ctx.controller.plan.files } : {}),
      found: [],
    };
    let choice = filesToActOn(base);
    if ('ask' in choice) choice = filesToActOn({ ...base, found: await search() });
    if ('files' in choice) files = choice.files;
  }
  if (!files) {
    const unique = await search();
    if (unique.length === 0) {
      const c = await showWarning('Inference Stack: no Compose file (compose.yaml, docker-compose.yml, *.compose.yaml) in this workspace.', 'Open a file…');
      if (!c) return undefined;
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Compose files': ['yml', 'yaml'] } });
      files = picked?.[0] ? [picked[0].fsPath] : undefined;
    } else files = await pickFiles(composeFileItems(unique, current, relative), active);
  }
  if (files?.length && (always || files.join('\n') !== (current ?? []).join('\n'))) await ctx.controller.setComposeFile(files);
  return files;
}

/**
 * A multi-select pick that keeps the order of checking (shown in its title); Enter with nothing checked takes the
 * highlighted file, and the title says what that loads (each file's description says it too).
 */
function pickFiles(items: ComposeFileItem[], active: string | undefined): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<ComposeFileItem>();
    let order: string[] = [];
    let result: string[] | undefined;
    pick.canSelectMany = true;
    pick.matchOnDescription = true;
    pick.placeholder = 'Check one file (Compose adds its override) or several, in the order Compose merges them';
    pick.items = items;
    // The file in front of the person is the one Enter takes.
    const activeItem = items.find((i) => i.file === active);
    if (activeItem) pick.activeItems = [activeItem];
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
