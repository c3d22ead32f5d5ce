/**
 * The stack's output channel, masking everything written to it: compose output, probe results, Docker's and the
 * engine's errors, pre-flight details. One gate, so no writer can forget (stack/mask.ts maskSecrets; terminal control
 * sequences go too).
 */
import type * as vscode from 'vscode';
import { maskSecrets } from '../stack/logs/mask';

export function maskedOutputChannel(channel: vscode.OutputChannel): vscode.OutputChannel {
  return {
    get name() {
      return channel.name;
    },
    append: (value) => channel.append(maskSecrets(value)),
    appendLine: (value) => channel.appendLine(maskSecrets(value)),
    replace: (value) => channel.replace(maskSecrets(value)),
    clear: () => channel.clear(),
    // Both overloads: show(preserveFocus?) and show(column?, preserveFocus?).
    show: (columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean) => channel.show(columnOrPreserveFocus as vscode.ViewColumn | undefined, preserveFocus),
    hide: () => channel.hide(),
    dispose: () => channel.dispose(),
  };
}
