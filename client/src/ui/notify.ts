/**
 * The extension's only way to show a notification. VS Code renders `[label](command:…)` in a notification's
 * message as a link that runs the command (stack/untrustedText.ts), and most of our messages carry text the
 * workspace or a container chose, so every message passes notificationText here, after maskSecrets (an error body
 * or compose output may hold a token). Long untrusted text belongs in the output channel, with a short message here.
 */
import * as vscode from 'vscode';
import { plainText } from '../../../server/src/core/plainText';
import { maskSecrets } from '../stack/logs/mask';
import { notificationText } from '../stack/trust/untrustedText';

/**
 * What a notification may show of a text: secrets masked, then no link VS Code could render, and a Markdown code span
 * (steps are written `sudo systemctl restart docker`) as quotes: a notification shows plain text.
 */
function shown(text: string): string {
  return notificationText(maskSecrets(plainText(text)));
}

/** A modal's `detail` (plain text, never a link): secrets masked, code spans as quotes. */
function withShownDetail(rest: unknown[]): unknown[] {
  const [first, ...items] = rest;
  if (!first || typeof first !== 'object' || typeof (first as vscode.MessageOptions).detail !== 'string') return rest;
  const options = first as vscode.MessageOptions;
  return [{ ...options, detail: maskSecrets(plainText(options.detail!)) }, ...items];
}

type Notify = {
  <T extends string>(message: string, ...items: T[]): Thenable<T | undefined>;
  <T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Thenable<T | undefined>;
};

type Loose = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/** The window's function is looked up on each call, not bound at load. */
function linkFree(pick: (w: typeof vscode.window) => unknown): Notify {
  return ((message: string, ...rest: unknown[]) => (pick(vscode.window) as Loose)(shown(message), ...withShownDetail(rest))) as Notify;
}

export const showError: Notify = linkFree((w) => w.showErrorMessage);
export const showWarning: Notify = linkFree((w) => w.showWarningMessage);
export const showInfo: Notify = linkFree((w) => w.showInformationMessage);

/** vscode.window.withProgress in a notification: its title and every reported message are notification text. */
export function withNotificationProgress<R>(
  options: { title: string; cancellable?: boolean },
  task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
): Thenable<R> {
  return vscode.window.withProgress({ ...options, location: vscode.ProgressLocation.Notification, title: shown(options.title) }, (progress, token) =>
    task({ report: (v) => progress.report(v.message === undefined ? v : { ...v, message: shown(v.message) }) }, token),
  );
}
