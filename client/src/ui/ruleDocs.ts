/**
 * Opens a rule's page, shipped with the extension (docs/rules/<id>.md), in VS Code's Markdown preview beside the
 * editor: the target of every diagnostic's rule link (the server links through OPEN_RULE_DOC_COMMAND because the
 * client asks for it in initializationOptions, languageClient.ts). Offline, and the page of the installed version.
 */
import * as vscode from 'vscode';
import { ruleDocRequest, shippedRulePage } from '../stack/views/ruleDocs';
import { showError } from './notify';

export async function openRuleDoc(extensionUri: vscode.Uri, args: readonly unknown[]): Promise<void> {
  const request = ruleDocRequest(args);
  if (!request) {
    void showError('Inference Stack: no rule page to open (the link names no rule).');
    return;
  }
  const page = vscode.Uri.joinPath(extensionUri, ...shippedRulePage(request.ruleId));
  try {
    await vscode.workspace.fs.stat(page);
  } catch {
    if (request.webUrl) await vscode.env.openExternal(vscode.Uri.parse(request.webUrl));
    else void showError(`Inference Stack: this version has no page for the rule ${request.ruleId}.`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreviewToSide', page);
}
