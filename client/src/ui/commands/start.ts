/** "Start Inference Stack": pre-flight, `compose up`, waiting for health, and what the person sees of each outcome. */
import * as vscode from 'vscode';
import { nodePreflightDeps, type PreflightDeps } from '../../stack/runner/preflight';
import { describeActiveProfiles } from '../../stack/runner/profiles';
import { DEFAULT_START_TIMEOUT_SECONDS, ownPortsOf, startStack } from '../../stack/runner/stackRunner';
import { basename } from 'node:path';
import { createEnvFromExample } from '../../stack/runner/envFileCopy';
import { issueTitle, preflightDialog } from '../../stack/runner/preflightDialog';
import type { PreflightIssue, StartOutcome } from '../../stack/stackTypes';
import { startFailedNotice } from '../../stack/views/notices';
import { progressText } from '../../stack/views/sidebarModel';
import { showError, showInfo, showWarning, withNotificationProgress } from '../notify';
import { composeSetting, settings, type Ctx } from './context';
import { COMPOSE_INSTALL_URL, prepare, type Prepared } from './prepare';
import { withProfiles } from './profiles';
import { tailLogs } from './tailLogs';

const TOOLKIT_URL = 'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html';

/** Start the project of `named` (the code lens, the editor title button), else of the active editor's Compose file. */
export async function start(ctx: Ctx, named?: string): Promise<void> {
  const ready = await prepare(ctx, 'Start Inference Stack', { ...(named ? { named } : {}), followActive: true });
  if (!ready) return;
  const plan = await withProfiles(ctx, ready.plan, false);
  if (!plan) return;
  const { controller } = ctx;
  // Found once per Start: the compose command (prepare) and, on the first pre-flight, the engine's answer; "Start
  // anyway" runs pre-flight again with the same deps (ports and bind mounts are looked at again, they are cheap).
  const preflight = nodePreflightDeps(ready.conn, {
    composeSetting: composeSetting(),
    exec: controller.runner.exec,
    ownPorts: ownPortsOf(controller.statuses),
    compose: ready.compose,
    stackRunning: controller.statuses.some((s) => s.state === 'running'),
    // nvidia-smi runs here: its GPUs are the stack's only when the engine is this machine's.
    localGpus: async () => {
      if (controller.remoteEngine()) return undefined;
      await controller.refreshGpus();
      return controller.gpu;
    },
  });
  await startWith(ctx, { ...ready, plan }, preflight, false);
}

async function startWith(ctx: Ctx, ready: Prepared, preflight: PreflightDeps, acceptWarnings: boolean): Promise<void> {
  const { plan, conn } = ready;
  const compose = ready.compose.command;
  const profiles = describeActiveProfiles(plan);
  const { controller } = ctx;
  const timeoutMs = Math.max(10, settings().get<number>('startTimeoutSeconds', DEFAULT_START_TIMEOUT_SECONDS)) * 1000;
  controller.output.appendLine(`── ${new Date().toLocaleTimeString()} start ${plan.project} (${plan.files.join(' + ')}${profiles ? `, ${profiles}` : ''}) with ${compose.argv.join(' ')} ${compose.version} on ${conn.description}`);

  const outcome = await withNotificationProgress(
    { title: `Starting ${plan.project}${profiles ? ` (${profiles})` : ''}`, cancellable: true },
    async (progress, token) => {
      // Cancelling stops the waiting only: the containers keep starting (startStack's contract).
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await startStack({
          plan,
          connection: conn,
          compose,
          run: controller.runner.run,
          preflight,
          acceptWarnings,
          signal: abort.signal,
          timeoutMs,
          // The views follow the same observer, and show the same phases while the Start runs.
          observer: controller.observe(plan.project, conn),
          onProgress: (services) => {
            progress.report({ message: progressText(services) });
            controller.noteStartProgress(services);
          },
          onOutput: (line) => controller.output.appendLine(line),
        });
      } finally {
        sub.dispose();
        controller.noteStartProgress(undefined);
      }
    },
  );
  controller.scheduleRelist();
  await showOutcome(ctx, ready, preflight, outcome, timeoutMs);
}

async function showOutcome(ctx: Ctx, ready: Prepared, preflight: PreflightDeps, outcome: StartOutcome, timeoutMs: number): Promise<void> {
  const { plan } = ready;
  const { controller } = ctx;
  const out = controller.output;
  switch (outcome.kind) {
    case 'ready': {
      // The cold starts were recorded by the controller as the observer's meter measured them.
      const measured = Object.entries(outcome.coldStarts).map(([s, secs]) => `${s} healthy in ${Math.round(secs)} s`);
      out.appendLine(`ready${measured.length ? `: ${measured.join(', ')}` : ''}`);
      const c = await showInfo(`${plan.project} is ready${measured.length ? ` (${measured.join(', ')})` : ''}.`, 'Run Accuracy Probe');
      if (c) await vscode.commands.executeCommand('inferenceStack.runProbe');
      return;
    }
    case 'failed': {
      out.appendLine(`failed: ${outcome.reason}`);
      controller.noteStartFailure({ title: outcome.reason, steps: [], at: Date.now() });
      const bad = outcome.services.find((s) => s.phase === 'failed' || s.phase === 'exited' || s.phase === 'unhealthy' || s.phase === 'restarting');
      const c = await showError(startFailedNotice(plan.project, outcome.reason), ...(bad ? ['Tail logs'] : []), 'Show output');
      if (c === 'Tail logs' && bad) await tailLogs(ctx, bad.service);
      else if (c === 'Show output') out.show(true);
      return;
    }
    case 'compose-error': {
      out.appendLine(`compose exited with ${outcome.exitCode ?? 'no exit code'}:`);
      out.appendLine(outcome.verbatim);
      for (const e of outcome.explanations) {
        out.appendLine(`→ ${e.title}: ${e.explanation}`);
        for (const s of e.steps) out.appendLine(`    • ${s}`);
      }
      const first = outcome.explanations[0];
      const message = first ? `${first.title}. ${first.explanation}` : `docker compose up failed (exit ${outcome.exitCode ?? '?'}): see the output for compose's own message.`;
      // Often before any container exists (an image missing, a limit the engine refuses): the Services view keeps it.
      controller.noteStartFailure({ title: first?.title ?? lastLine(outcome.verbatim) ?? message, steps: first ? [first.explanation, ...first.steps] : ['See the Inference Stack output for compose\'s own message.'], at: Date.now() });
      const c = await showError(`Inference Stack: ${message}`, 'Show output');
      if (c) out.show(true);
      return;
    }
    case 'blocked': {
      const blocker = outcome.issues.find((i) => i.severity === 'blocker');
      if (blocker) controller.noteStartFailure({ title: `pre-flight: ${issueTitle(blocker)}`, steps: blocker.steps, at: Date.now() });
      await showPreflight(ctx, ready, preflight, outcome.issues);
      return;
    }
    case 'cancelled':
      void showInfo(`Stopped waiting for ${plan.project}; its containers keep starting. The Services view follows them.`);
      return;
    case 'timeout': {
      const c = await showWarning(
        `${plan.project} is not ready after ${Math.round(timeoutMs / 1000)} s (${progressText(outcome.services)}). It may still be loading; see inferenceStack.startTimeoutSeconds.`,
        'Tail logs', 'Open settings',
      );
      const slow = outcome.services.find((s) => s.phase !== 'healthy' && s.phase !== 'running');
      if (c === 'Tail logs' && slow) await tailLogs(ctx, slow.service);
      else if (c === 'Open settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'inferenceStack.startTimeoutSeconds');
    }
  }
}

/** Pre-flight issues as one modal (preflightDialog.ts: heading, plain-text detail, safe buttons first). */
async function showPreflight(ctx: Ctx, ready: Prepared, preflight: PreflightDeps, issues: readonly PreflightIssue[]): Promise<void> {
  const { plan } = ready;
  const dialog = preflightDialog(plan.project, issues);
  ctx.controller.output.appendLine(`pre-flight:\n${dialog.log}`);
  const show = dialog.severity === 'error' ? showError : showWarning;
  const choice = await show(dialog.message, { modal: true, detail: dialog.detail }, ...dialog.buttons.map((b) => b.label));
  const action = dialog.buttons.find((b) => b.label === choice)?.action;
  switch (action) {
    case 'retry':
      await ctx.controller.refresh();
      return start(ctx, plan.file);
    case 'start-anyway':
      return startWith(ctx, ready, preflight, true);
    case 'open-toolkit-steps':
      return openToolkitSteps(ctx);
    case 'open-settings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'inferenceStack');
      return;
    case 'open-file':
      await vscode.window.showTextDocument(vscode.Uri.file(plan.file));
      return;
    case 'install-compose':
      await vscode.env.openExternal(vscode.Uri.parse(COMPOSE_INSTALL_URL));
      return;
    case 'create-env-file':
      return createEnvFile(ctx, dialog.envFile);
    default:
      return;
  }
}

/** Copies the env example to `.env` (never over a file, inside the workspace) and opens it to be filled in. */
async function createEnvFile(ctx: Ctx, envFile: { from: string; to: string } | undefined): Promise<void> {
  if (!envFile) return;
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const created = createEnvFromExample(envFile.from, envFile.to, roots);
  if (!created.ok) {
    ctx.controller.output.appendLine(`.env not created: ${created.reason}`);
    void showError(`Inference Stack: .env was not created: ${created.reason}`);
    return;
  }
  ctx.controller.output.appendLine(`created ${created.path} from ${envFile.from}`);
  await vscode.window.showTextDocument(vscode.Uri.file(created.path));
  void showInfo(`Created .env from ${basename(envFile.from)}. Fill in the values it leaves to you, then start again.`);
}

async function openToolkitSteps(ctx: Ctx): Promise<void> {
  const doc = vscode.Uri.joinPath(ctx.extensionUri, 'docs', 'stack', 'nvidia-toolkit.md');
  try {
    await vscode.workspace.fs.stat(doc);
    await vscode.commands.executeCommand('markdown.showPreview', doc);
  } catch {
    await vscode.env.openExternal(vscode.Uri.parse(TOOLKIT_URL));
  }
}

/** The last non-empty line of compose's output: what it said last, usually the error. */
function lastLine(text: string): string | undefined {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop();
}
