import { OPEN_RULE_DOC_COMMAND, RULE_DOCS_BASE, type RuleDocsLink } from '../protocol';

/** Where each rule's page is published: the CLI's SARIF names it as `helpUri`, and editors other than ours link to it. */
export const DOCS_BASE = RULE_DOCS_BASE;

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}

/**
 * The link a diagnostic gives its rule's page (`codeDescription.href`). For `command` (the extension's client, which
 * ships docs/rules/*.md), a command link: VS Code opens a diagnostic's link with command links allowed, from the
 * Problems panel and the hover alike, and the command shows the shipped page in the Markdown preview, so the page
 * opens offline and always matches the installed version. Any other client gets the published page.
 */
export function ruleDocsHref(ruleId: string, link: RuleDocsLink = 'web'): string {
  if (link === 'command') return `command:${OPEN_RULE_DOC_COMMAND}?${encodeURIComponent(JSON.stringify([ruleId, docsUrl(ruleId)]))}`;
  return docsUrl(ruleId);
}

/** The link kind a client asked for in its `initializationOptions` (anything else: `web`). */
export function ruleDocsLinkFrom(initializationOptions: unknown): RuleDocsLink {
  const asked = (initializationOptions as { ruleDocs?: unknown } | null | undefined)?.ruleDocs;
  return asked === 'command' ? 'command' : 'web';
}
