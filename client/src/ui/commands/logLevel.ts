/** "Set Log Level": the lowest level the log terminals show. */
import * as vscode from 'vscode';
import { LOG_LEVELS, type LogLevel } from '../../stack/logs/logLines';
import type { Ctx } from './context';

export async function setLogLevel(ctx: Ctx): Promise<void> {
  const current = ctx.logs.level;
  const picked = await vscode.window.showQuickPick(
    LOG_LEVELS.map((l) => ({ label: l, description: l === current ? 'current' : '' })),
    { title: 'Inference Stack: show log lines at this level and above' },
  );
  if (picked) await ctx.logs.setLevel(picked.label as LogLevel);
}
