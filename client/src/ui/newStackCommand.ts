/**
 * "New Inference Stack…": a thin wizard over the pure generator (scaffold/newStack.ts). It asks the engine, model,
 * GPU count, port, proxy and Prometheus (only for engines that serve metrics), then where to write, writes every
 * file newStackFiles returns and opens compose.yaml. It writes files and runs no container, so it is available in
 * untrusted workspaces too.
 */
import * as vscode from 'vscode';
import { uriExists } from './uriExists';
import { workspaceRootOf, writeWorkspaceFiles } from './workspaceWrite';
import { showError, showInfo, showWarning } from './notify';
import * as os from 'node:os';
import {
  newStackFiles,
  PROMETHEUS_PORT,
  validateAnswers,
  validateGpuCount,
  validateModel,
  validatePort,
  type NewStackAnswers,
  type StackFile,
} from '../scaffold/newStack';
import { ENGINE_CHOICES, type EngineChoice } from '../scaffold/scaffoldEngines';

const TITLE = 'New Inference Stack';

/** A whole number typed in an InputBox, or undefined when it is not one. */
function wholeNumber(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) ? Number(text.trim()) : undefined;
}

function validateGpuText(engine: EngineChoice, text: string): string | undefined {
  const n = wholeNumber(text);
  return n === undefined ? 'The GPU count is a whole number.' : validateGpuCount(engine.id, n);
}

function validatePortText(text: string, prometheus: boolean): string | undefined {
  const n = wholeNumber(text);
  if (n === undefined) return 'The port is a whole number from 1 to 65535.';
  if (prometheus && n === PROMETHEUS_PORT) return `Port ${PROMETHEUS_PORT} is Prometheus's: pick another port.`;
  return validatePort(n);
}

async function yesNo(title: string, yes: string, no: string, placeHolder: string): Promise<boolean | undefined> {
  const items: (vscode.QuickPickItem & { value: boolean })[] = [
    { label: 'Yes', detail: yes, value: true },
    { label: 'No', detail: no, value: false },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return picked?.value;
}

/** A folder name under a workspace folder: relative, no `..`, no empty parts. */
function validateSubfolder(text: string): string | undefined {
  const name = text.trim().replace(/\\/g, '/').replace(/\/+$/, '');
  if (!name) return 'Enter a folder name.';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'Give a folder inside the workspace folder, not an absolute path.';
  if (name.split('/').some((p) => p === '' || p === '.' || p === '..')) return 'A folder name has no empty, "." or ".." parts.';
  if (/[<>:"|?*\u0000-\u001f]/.test(name)) return 'A folder name has none of < > : " | ? * or control characters.';
  return undefined;
}

/** Where to write: a workspace folder itself, a subfolder of one (typed), or (no folder open) a folder picked. */
async function targetFolder(engine: EngineChoice): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Write the stack here', title: TITLE });
    return picked?.[0];
  }
  type Item = vscode.QuickPickItem & { folder: vscode.WorkspaceFolder; sub: boolean };
  const items: Item[] = folders.flatMap((folder) => [
    { label: `$(folder) ${folder.name}`, description: 'the workspace folder itself', folder, sub: false },
    { label: `$(new-folder) A subfolder of ${folder.name}…`, description: 'type its name', folder, sub: true },
  ]);
  const picked = await vscode.window.showQuickPick(items, { title: `${TITLE}: where to write the files`, placeHolder: 'compose.yaml, .env.example, probe.py and the configs go here', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (!picked.sub) return picked.folder.uri;
  const name = await vscode.window.showInputBox({
    title: `${TITLE}: subfolder of ${picked.folder.name}`,
    prompt: 'Folder name (created if missing). Compose names the project after it.',
    value: `${engine.id}-stack`,
    validateInput: validateSubfolder,
    ignoreFocusOut: true,
  });
  if (name === undefined) return undefined;
  const parts = name.trim().replace(/\\/g, '/').replace(/\/+$/, '').split('/');
  return vscode.Uri.joinPath(picked.folder.uri, ...parts);
}

/** How the folder reads in messages: a workspace folder's name, else its path relative to the workspace. */
function displayName(folder: vscode.Uri): string {
  const ws = vscode.workspace.getWorkspaceFolder(folder);
  if (ws && ws.uri.toString() === folder.toString()) return ws.name;
  return vscode.workspace.asRelativePath(folder, true);
}


/** The wizard's answers, or undefined when the person cancelled a step. */
async function askAnswers(): Promise<{ engine: EngineChoice; answers: NewStackAnswers } | undefined> {
  type EngineItem = vscode.QuickPickItem & { choice: EngineChoice };
  const engineItem = await vscode.window.showQuickPick<EngineItem>(
    ENGINE_CHOICES.map((choice) => ({ label: choice.label, description: choice.description, detail: choice.detail, choice })),
    { title: `${TITLE}: engine`, placeHolder: 'Which inference server?', matchOnDescription: true, ignoreFocusOut: true },
  );
  if (!engineItem) return undefined;
  const engine = engineItem.choice;

  const model = await vscode.window.showInputBox({
    title: `${TITLE}: model`,
    prompt: engine.modelPrompt,
    value: engine.defaultModel,
    validateInput: (v) => validateModel(engine.id, v.trim()),
    ignoreFocusOut: true,
  });
  if (model === undefined) return undefined;

  const gpuText = await vscode.window.showInputBox({
    title: `${TITLE}: GPU count`,
    prompt: engine.supportsCpu ? 'NVIDIA GPUs to reserve (0: CPU only)' : 'NVIDIA GPUs to reserve (the model is split across them)',
    value: engine.supportsCpu ? '0' : '1',
    validateInput: (v) => validateGpuText(engine, v),
    ignoreFocusOut: true,
  });
  if (gpuText === undefined) return undefined;

  let portText = await vscode.window.showInputBox({
    title: `${TITLE}: port`,
    prompt: 'Host port of the API (the proxy\'s when there is one)',
    value: String(engine.defaultPort),
    validateInput: (v) => validatePortText(v, false),
    ignoreFocusOut: true,
  });
  if (portText === undefined) return undefined;

  const proxy = await yesNo(
    `${TITLE}: proxy`,
    'nginx in front of the model, started once the model is healthy',
    'the model server publishes the port itself',
    'Add an nginx proxy?',
  );
  if (proxy === undefined) return undefined;

  let prometheus = false;
  if (engine.hasMetrics) {
    const answer = await yesNo(
      `${TITLE}: Prometheus`,
      `Prometheus on port ${PROMETHEUS_PORT}, scraping ${engine.label}'s /metrics`,
      'no metrics collection',
      'Add Prometheus?',
    );
    if (answer === undefined) return undefined;
    prometheus = answer;
  }
  if (prometheus && wholeNumber(portText) === PROMETHEUS_PORT) {
    portText = await vscode.window.showInputBox({
      title: `${TITLE}: port`,
      prompt: `Port ${PROMETHEUS_PORT} is Prometheus's: pick another host port for the API`,
      value: String(engine.defaultPort === PROMETHEUS_PORT ? 8000 : engine.defaultPort),
      validateInput: (v) => validatePortText(v, true),
      ignoreFocusOut: true,
    });
    if (portText === undefined) return undefined;
  }

  const answers: NewStackAnswers = {
    engine: engine.id,
    model: model.trim(),
    gpuCount: wholeNumber(gpuText) ?? Number.NaN,
    port: wholeNumber(portText) ?? Number.NaN,
    proxy,
    prometheus,
    // Docker refuses a CPU limit above the host's core count.
    cpus: Math.max(1, Math.min(8, os.cpus().length)),
  };
  return { engine, answers };
}

export async function newStack(): Promise<void> {
  const asked = await askAnswers();
  if (!asked) return;
  const { engine, answers } = asked;
  const errors = validateAnswers(answers);
  if (errors.length) {
    void showError(`Inference Stack: cannot write the stack: ${errors.join(' ')}`);
    return;
  }
  let files: StackFile[];
  try {
    files = newStackFiles(answers);
  } catch (err) {
    void showError(`Inference Stack: ${(err as Error).message}`);
    return;
  }

  const folder = await targetFolder(engine);
  if (!folder) return;
  const uriOf = (f: StackFile): vscode.Uri => vscode.Uri.joinPath(folder, ...f.path.split('/'));
  const existing: string[] = [];
  for (const f of files) if (await uriExists(uriOf(f))) existing.push(f.path);
  if (existing.length) {
    const where = displayName(folder);
    const choice = await showWarning(
      `${existing.length === 1 ? `${existing[0]} exists` : `${existing.length} files exist`} in ${where}. Overwrite?`,
      { modal: true, detail: `These files would be replaced:\n${existing.map((p) => `  ${p}`).join('\n')}` },
      'Overwrite',
    );
    if (choice !== 'Overwrite') return;
  }

  // Inside the workspace folder (or the folder picked when none is open): a symlinked subfolder or file that leads
  // out of it is refused, and the person told which.
  const root = workspaceRootOf(folder.fsPath) ?? folder.fsPath;
  try {
    if (!writeWorkspaceFiles(files.map((f) => ({ path: uriOf(f).fsPath, text: f.content })), root)) return;
  } catch (err) {
    void showError(`Inference Stack: could not write the stack into ${folder.fsPath}: ${(err as Error).message}`);
    return;
  }

  const compose = files.find((f) => f.path === 'compose.yaml');
  if (compose) await vscode.window.showTextDocument(uriOf(compose), { preview: false });
  void showInfo(
    `Wrote ${files.map((f) => f.path).join(', ')} into ${displayName(folder)}. Copy .env.example to .env, then run "Start Inference Stack".`,
  );
}
