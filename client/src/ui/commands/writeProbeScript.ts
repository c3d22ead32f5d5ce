/** "Write Probe Script": probe.py in the workspace, and optionally a healthcheck that runs it. */
import * as vscode from 'vscode';
import { dirname, join, relative } from 'node:path';
import { composeProbeHealthcheckEdit } from '../../stack/probe/composeHealthcheckEdit';
import { probeHealthcheckEdit } from '../../stack/probe/healthcheckEdit';
import type { OffsetEdit } from '../../../../server/src/core/types';
import { buildProbeScript, composeHealthcheck, dockerfileHealthcheck } from '../../../../server/src/scaffold/probeScript';
import type { PlannedService } from '../../../../server/src/compose/stackPlanTypes';
import { showError, showInfo, showWarning } from '../notify';
import { uriExists } from '../uriExists';
import { DOCKERFILE_GLOB } from '../../../../server/src/core/fileKind';
import { EXCLUDE } from '../workspaceFiles';
import { mayEditInWorkspace, writeWorkspaceFile } from '../workspaceWrite';
import type { Ctx } from './context';
import { probeCases } from './probe';

type ProbeTarget = { kind: 'dockerfile'; uri: vscode.Uri } | { kind: 'compose'; file: string; service: string } | { kind: 'script-only' };

/** Where the probe goes: a Dockerfile's HEALTHCHECK, the model service's healthcheck in the Compose file (when its
 *  image has python3), or only the script. Undefined when the person dismissed the pick. */
async function pickProbeTarget(ctx: Ctx, model: PlannedService | undefined): Promise<ProbeTarget | undefined> {
  const dockerfiles = await vscode.workspace.findFiles(DOCKERFILE_GLOB, EXCLUDE, 50);
  const composeFile = ctx.controller.composeFile;
  const items: (vscode.QuickPickItem & { target: ProbeTarget })[] = dockerfiles.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), description: 'HEALTHCHECK of this image', target: { kind: 'dockerfile', uri } }));
  if (model?.imageHasPython && composeFile) {
    items.unshift({ label: `${model.name} in ${vscode.workspace.asRelativePath(composeFile)}`, description: 'mount the script, healthcheck in the Compose file', target: { kind: 'compose', file: composeFile, service: model.name } });
  }
  if (!items.length) return { kind: 'script-only' };
  items.push({ label: 'Only write the script', target: { kind: 'script-only' } });
  const picked = await vscode.window.showQuickPick(items, { title: 'Where does the accuracy probe run as the healthcheck? (the script is written next to it)' });
  return picked?.target;
}

export async function writeProbeScript(ctx: Ctx): Promise<void> {
  const cases = probeCases();
  if (!cases) return;
  const { controller } = ctx;
  // The workspace's only Compose file is the stack's, as the Services view takes it.
  const composeFile = await controller.adoptComposeFile();
  if (!controller.plan && composeFile) await controller.loadPlan(controller.composeFiles ?? composeFile);
  const model = controller.plan?.services.find((s) => s.isModelService);
  const target = await pickProbeTarget(ctx, model);
  if (!target) return;
  const folder = target.kind === 'dockerfile' ? dirname(target.uri.fsPath) : controller.composeFile ? dirname(controller.composeFile) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    void showError('Inference Stack: open a folder first: the probe script is written into the workspace.');
    return;
  }
  const built = buildProbeScript({
    cases,
    url: `http://localhost:${model?.apiPort ?? 8000}`,
    ...(model?.servedModelName ? { servedModelName: model.servedModelName } : {}),
  });
  if (!built.ok) {
    void showError(`Inference Stack: cannot build the probe script: ${built.errors.join('; ')}`);
    return;
  }
  const script = vscode.Uri.file(join(folder, 'probe.py'));
  if (await uriExists(script)) {
    const c = await showWarning(`${vscode.workspace.asRelativePath(script)} exists. Replace it?`, { modal: true }, 'Replace');
    if (c !== 'Replace') return;
  }
  // Never through a probe.py symlink, nor into a folder whose real path is outside the workspace.
  if (!writeWorkspaceFile(script.fsPath, built.script)) return;
  if (target.kind === 'script-only') {
    await vscode.window.showTextDocument(script);
    return;
  }
  const into = target.kind === 'dockerfile' ? vscode.workspace.asRelativePath(target.uri) : `${target.service} in ${vscode.workspace.asRelativePath(target.file)}`;
  const add = target.kind === 'dockerfile' ? 'Add HEALTHCHECK' : 'Add healthcheck';
  const c = await showInfo(`Wrote ${vscode.workspace.asRelativePath(script)}. Add it to ${into} as the ${target.kind === 'dockerfile' ? 'HEALTHCHECK' : 'healthcheck'}?`, add, 'Open script');
  if (c === 'Open script') await vscode.window.showTextDocument(script);
  if (c !== add) return;
  // Start period: twice the measured cold start when there is one (what healthcheck-start-period-short asks for).
  const cold = model ? controller.coldStarts.get(controller.composeFile)[model.name] : undefined;
  const timing = cold ? { startPeriod: `${Math.ceil(cold * 2)}s` } : {};
  const fileUri = target.kind === 'dockerfile' ? target.uri : vscode.Uri.file(target.file);
  if (!mayEditInWorkspace(fileUri.fsPath)) return;
  const doc = await vscode.workspace.openTextDocument(fileUri);
  const hostFile = relative(dirname(fileUri.fsPath), script.fsPath).split('\\').join('/');
  let change: OffsetEdit;
  let replaced: boolean;
  if (target.kind === 'dockerfile') {
    // In place of the final stage's own HEALTHCHECK (Docker keeps only the last one), else at the end.
    ({ edit: change, replaced } = probeHealthcheckEdit(doc.getText(), dockerfileHealthcheck({ hostFile, ...timing })));
  } else {
    const lines = composeHealthcheck({ hostFile, ...timing });
    const r = composeProbeHealthcheckEdit(doc.getText(), target.service, lines);
    if (!r.ok) {
      controller.output.appendLine(`Add to ${target.service} in ${target.file}:\nvolumes:\n  - ${lines.volume}\n${lines.healthcheck}`);
      void showError(`Inference Stack: ${r.reason}. probe.py is written; the lines to add are in the output.`, 'Show output').then((o) => o && controller.output.show(true));
      return;
    }
    ({ edit: change, replaced } = r);
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(fileUri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.newText);
  if (!(await vscode.workspace.applyEdit(edit))) return;
  const editor = await vscode.window.showTextDocument(doc);
  const at = doc.positionAt(change.start);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  const what = target.kind === 'dockerfile' ? `the HEALTHCHECK of ${into}` : `the healthcheck of ${into}`;
  void showInfo(replaced ? `Replaced ${what} with the accuracy probe.` : `Added the accuracy probe as ${what}.`);
}
