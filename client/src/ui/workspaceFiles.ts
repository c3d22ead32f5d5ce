import * as vscode from 'vscode';
import { COMPOSE_FILE_GLOBS } from '../../../server/src/core/fileKind';

export const EXCLUDE = '**/{node_modules,.git}/**';

/** The workspace's Compose files, each once, sorted by path. */
export async function findComposeFiles(max = 100): Promise<vscode.Uri[]> {
  const found = (await Promise.all(COMPOSE_FILE_GLOBS.map((g) => vscode.workspace.findFiles(g, EXCLUDE, max)))).flat();
  return [...new Map(found.map((u) => [u.fsPath, u])).values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}
