/**
 * What a diagnostic's rule link asks for (server/src/rules/docsUrl.ts ruleDocsHref: the command OPEN_RULE_DOC_COMMAND
 * with the rule id and its published page), checked before anything is opened: any extension can run the command,
 * with any arguments.
 */
export interface RuleDocRequest {
  ruleId: string;
  /** The published page, opened when the extension has no page for the rule; https only. */
  webUrl?: string;
}

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function ruleDocRequest(args: readonly unknown[]): RuleDocRequest | undefined {
  const [ruleId, webUrl] = args;
  if (typeof ruleId !== 'string' || ruleId.length > 80 || !RULE_ID.test(ruleId)) return undefined;
  return { ruleId, ...(typeof webUrl === 'string' && /^https:\/\/[^\s]+$/.test(webUrl) ? { webUrl } : {}) };
}

/** The rule's page in the extension's folder: shipped by .vscodeignore (docs/rules/). */
export function shippedRulePage(ruleId: string): string[] {
  return ['docs', 'rules', `${ruleId}.md`];
}
