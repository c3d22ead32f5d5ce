import * as vscode from 'vscode';

/** Whether a file or folder exists, through VS Code's file system (works for remote workspaces too). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
