/**
 * Text a workspace or a container chose (service names, file paths, server errors, model answers, compose output),
 * on its way to what VS Code shows.
 *
 * Notification messages (showErrorMessage & co., progress notifications) and input-box prompts are not plain
 * text: VS Code's parseLinkedText (src/vs/base/common/linkedText.ts) turns `[label](command:id?args)`, and the
 * same with `http(s)://` or `file:`, into a link that runs the command or opens the target on one click, in
 * Restricted Mode too. Tree items, status bar and hover strings, modal dialogs and diagnostics are plain text.
 * Hence: names are checked against Compose's own rule before they are used as names, and every notification
 * message passes `notificationText`.
 */

export { isComposeName } from '../../../../server/src/compose/composeName';

/**
 * The message as a notification shows it, with no link in it. Every link parseLinkedText finds has `](` between
 * its label and its target (its pattern: /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi),
 * so a space there breaks them all while the text stays as typed, readable: `[x] (command:…)`. The space cannot
 * make a new `](`, so applying it twice changes nothing.
 */
export function notificationText(message: string): string {
  return message.replace(/\]\(/g, '] (');
}
