import * as vscode from 'vscode';

/** Compose file names compose itself looks for, plus `*.compose.yaml`; the same patterns the language client serves. */
const COMPOSE_GLOBS = ['**/{compose,docker-compose}*.{yml,yaml}', '**/*.compose.{yml,yaml}'];
export const DOCKERFILE_GLOB = '**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile}';
export const EXCLUDE = '**/{node_modules,.git}/**';

/** The workspace's Compose files, each once, sorted by path. */
export async function findComposeFiles(max = 100): Promise<vscode.Uri[]> {
  const found = (await Promise.all(COMPOSE_GLOBS.map((g) => vscode.workspace.findFiles(g, EXCLUDE, max)))).flat();
  return [...new Map(found.map((u) => [u.fsPath, u])).values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}
