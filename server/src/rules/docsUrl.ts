/** Where each rule's page is published: the LSP links diagnostics to it, the CLI's SARIF names it as `helpUri`. */
export const DOCS_BASE = 'https://github.com/inference-stack/inference-stack/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
