/** What the log terminals show: "Set Log Level", "Filter Logs…" and the health and metrics requests switch. */
import * as vscode from 'vscode';
import { LOG_LEVELS, type LogLevel } from '../../stack/logs/logLines';
import { showInfo } from '../notify';
import type { Ctx } from './context';

export async function setLogLevel(ctx: Ctx): Promise<void> {
  const current = ctx.logs.level;
  const picked = await vscode.window.showQuickPick(
    LOG_LEVELS.map((l) => ({ label: l, description: l === current ? 'current' : '' })),
    { title: 'Inference Stack: show log lines at this level and above' },
  );
  if (picked) await ctx.logs.setLevel(picked.label as LogLevel);
}

export async function filterLogs(ctx: Ctx): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: 'Inference Stack: show only log lines containing this text',
    prompt: 'Case-insensitive. Empty shows every line again.',
    value: ctx.logs.view.text ?? '',
  });
  if (text !== undefined) await ctx.logs.setText(text);
}

export async function toggleProbeRequests(ctx: Ctx): Promise<void> {
  const shown = await ctx.logs.toggleProbeRequests();
  void showInfo(`Inference Stack: health and metrics requests are now ${shown ? 'shown' : 'hidden'} in the log terminals.`);
}
