import { pathToFileURL } from 'node:url';
import { CodeDescription, Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { ruleDocsHref } from '../rules/docsUrl';
import type { Finding, Fix, Severity } from '../core/types';
import { DIAGNOSTIC_SOURCE, type RuleDocsLink } from '../protocol';
import { plainText } from '../core/plainText';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries in `data`, so the code-action handler is a lookup. */
export interface DiagnosticData {
  fixes: Fix[];
  /** The finding's range when it was analysed: the editor moves a diagnostic's range as text is typed, never its
   *  fixes, so a range that moved means the fixes' offsets are stale. */
  at?: Diagnostic['range'];
}

/** `docsLink`: how the rule's page is linked (docsUrl.ts ruleDocsHref; the client's initializationOptions decide). */
export function toDiagnostic(finding: Finding, docsLink: RuleDocsLink = 'web'): Diagnostic {
  const codeDescription: CodeDescription = { href: ruleDocsHref(finding.rule, docsLink) };
  const data: DiagnosticData = { fixes: finding.fixes, ...(finding.fixes.some((f) => f.sideEdits?.length) ? { at: finding.range } : {}) };
  return {
    range: finding.range,
    severity: LSP_SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription,
    source: DIAGNOSTIC_SOURCE,
    // VS Code shows it as plain text: a Markdown code span reads as quotes there (the CLI keeps the backticks).
    message: plainText(finding.message),
    data,
    ...(finding.relatedInformation?.length
      ? { relatedInformation: finding.relatedInformation.map((r) => ({ location: { uri: pathToFileURL(r.file).href, range: r.range }, message: plainText(r.message) })) }
      : {}),
  };
}
