/**
 * What a diagnostic's rule link asks for (server/src/rules/docsUrl.ts ruleDocsHref: the command OPEN_RULE_DOC_COMMAND
 * with the rule id and its published page), checked before anything is opened: any extension can run the command,
 * with any arguments.
 */
import { RULE_DOCS_BASE } from '../../../../server/src/protocol';

export interface RuleDocRequest {
  ruleId: string;
  /** The rule's published page (nothing else), opened when the extension has no page for the rule. */
  webUrl?: string;
}

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function ruleDocRequest(args: readonly unknown[]): RuleDocRequest | undefined {
  const [ruleId, webUrl] = args;
  if (typeof ruleId !== 'string' || ruleId.length > 80 || !RULE_ID.test(ruleId)) return undefined;
  // Only the rule's own published page: a link from elsewhere must not make the command open any site.
  const published = `${RULE_DOCS_BASE}${ruleId}.md`;
  return { ruleId, ...(webUrl === published ? { webUrl } : {}) };
}

/** The rule's page in the extension's folder: shipped by .vscodeignore (docs/rules/). */
export function shippedRulePage(ruleId: string): string[] {
  return ['docs', 'rules', `${ruleId}.md`];
}
