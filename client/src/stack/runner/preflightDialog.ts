/**
 * How pre-flight's issues are shown (ui/commands/start.ts shows it as one modal): the heading is the first issue's
 * title and the detail goes on from there (its steps, then each other issue with its own title), so nothing is said
 * twice; the text is plain (a modal shows no Markdown: `code` is quoted, core/plainText.ts); the buttons are in the order of
 * BUTTON_ORDER, safest first, because a modal's first button is the one Enter picks: "Start anyway" comes last, and only
 * when nothing blocks.
 */
import { plainText } from '../../../../server/src/core/plainText';
import { basename } from 'node:path';
import type { PreflightAction, PreflightIssue } from '../stackTypes';

/** Fixing things first, going on regardless last. */
export const BUTTON_ORDER: readonly PreflightAction[] = ['create-env-file', 'open-toolkit-steps', 'install-compose', 'open-file', 'open-settings', 'retry', 'start-anyway'];

const LABELS: Readonly<Record<Exclude<PreflightAction, 'create-env-file'>, string>> = {
  retry: 'Retry',
  'start-anyway': 'Start anyway',
  'open-toolkit-steps': 'NVIDIA Container Toolkit steps',
  'open-settings': 'Open settings',
  'open-file': 'Open Compose file',
  'install-compose': 'Install Compose',
};

export interface PreflightButton {
  action: PreflightAction;
  label: string;
}

export interface PreflightDialog {
  /** An error modal when something blocks, else a warning. */
  severity: 'error' | 'warning';
  message: string;
  detail: string;
  buttons: PreflightButton[];
  /** What the output channel gets: every issue with its title and steps. */
  log: string;
  /** The copy "Create .env from …" makes, when offered. */
  envFile?: { from: string; to: string };
}


function bullets(steps: readonly string[]): string {
  return steps.map((s) => `  • ${plainText(s)}`).join('\n');
}

/** "vllm: <title>", or the title alone when it names its service already ("vllm asks for 64 CPUs…"). */
export function issueTitle(issue: PreflightIssue): string {
  return `${issue.service && !issue.title.startsWith(issue.service) ? `${issue.service}: ` : ''}${issue.title}`;
}

function headline(issue: PreflightIssue): string {
  return `${issue.severity === 'blocker' ? '✖' : '⚠'} ${plainText(issueTitle(issue))}`;
}

export function preflightDialog(project: string, issues: readonly PreflightIssue[]): PreflightDialog {
  const blockers = issues.filter((i) => i.severity === 'blocker');
  const ordered = [...blockers, ...issues.filter((i) => i.severity === 'warning')];
  const head = ordered[0];
  if (!head) return { severity: 'warning', message: `${project}: nothing to report`, detail: '', buttons: [], log: '' };
  const rest = ordered.slice(1);
  const more = rest.length ? ` (and ${rest.length} more below)` : '';
  const message = blockers.length ? `Cannot start ${project}: ${plainText(head.title)}${more}` : `${project} may not start as it should: ${plainText(head.title)}${more}`;
  const detail = [bullets(head.steps), ...rest.map((i) => `${headline(i)}\n${bullets(i.steps)}`)].filter(Boolean).join('\n\n');
  const envFile = ordered.find((i) => i.envFile)?.envFile;
  let actions = [...new Set(ordered.flatMap((i) => i.actions))];
  // "Start anyway" only when nothing blocks; "Create .env" only with a file to copy.
  if (blockers.length) actions = actions.filter((a) => a !== 'start-anyway');
  if (!envFile) actions = actions.filter((a) => a !== 'create-env-file');
  actions.sort((a, b) => BUTTON_ORDER.indexOf(a) - BUTTON_ORDER.indexOf(b));
  const buttons = actions.map((action) => ({ action, label: action === 'create-env-file' ? `Create .env from ${basename(envFile!.from)}` : LABELS[action] }));
  const log = ordered.map((i) => `${headline(i)}\n${bullets(i.steps)}`).join('\n\n');
  return { severity: blockers.length ? 'error' : 'warning', message, detail, buttons, log, ...(envFile ? { envFile } : {}) };
}
