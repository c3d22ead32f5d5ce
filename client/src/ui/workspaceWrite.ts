/**
 * The commands' writes into the workspace (the probe script and its Dockerfile / Compose edits, the new-stack
 * scaffold) go through core/safeWrite.ts: never through a symlink, never into a folder whose real path is outside
 * the workspace folder. A refusal is told in a notification, in plain words.
 */
import * as vscode from 'vscode';
import { WriteRefused, writeRefusal, writeTextInside } from '../../../server/src/core/safeWrite';
import { showError } from './notify';

/** The workspace folder that holds `path` (a file or folder on disk); undefined: none does. */
export function workspaceRootOf(path: string): string | undefined {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path))?.uri.fsPath;
}

/** Writes `text` to `path` inside `root` (default: its workspace folder); false, once the person is told why, when refused. */
export function writeWorkspaceFile(path: string, text: string, root = workspaceRootOf(path)): boolean {
  try {
    if (root === undefined) throw notInWorkspace(path);
    writeTextInside(path, text, { root });
    return true;
  } catch (err) {
    if (!(err instanceof WriteRefused)) throw err;
    tell(err);
    return false;
  }
}

/** Writes every file, or none when any is refused (no half-written stack); false, once the person is told why. */
export function writeWorkspaceFiles(files: ReadonlyArray<{ path: string; text: string }>, root: string): boolean {
  const refused = files.map((f) => writeRefusal(f.path, { root })).find((r) => r !== undefined);
  if (refused) {
    tell(refused);
    return false;
  }
  return files.every((f) => writeWorkspaceFile(f.path, f.text, root));
}

/** Whether an edit to `path` (applied in its editor, saved by VS Code) stays in the workspace; tells why not. */
export function mayEditInWorkspace(path: string): boolean {
  const root = workspaceRootOf(path);
  const refused = root === undefined ? notInWorkspace(path) : writeRefusal(path, { root });
  if (refused) tell(refused);
  return !refused;
}

function tell(refused: WriteRefused): void {
  void showError(`Inference Stack: ${vscode.workspace.asRelativePath(refused.path)} was not written: it ${refused.why}.`);
}

function notInWorkspace(path: string): WriteRefused {
  return new WriteRefused(path, 'outside', 'is outside the workspace');
}
