import { pathToFileURL } from 'node:url';
import { CodeDescription, Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { docsUrl } from '../rules/docsUrl';
import type { Finding, Fix, Severity } from '../core/types';
import { DIAGNOSTIC_SOURCE } from '../protocol';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries in `data`, so the code-action handler is a lookup. */
export interface DiagnosticData {
  fixes: Fix[];
}

export function toDiagnostic(finding: Finding): Diagnostic {
  const codeDescription: CodeDescription = { href: docsUrl(finding.rule) };
  const data: DiagnosticData = { fixes: finding.fixes };
  return {
    range: finding.range,
    severity: LSP_SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
    ...(finding.relatedInformation?.length
      ? { relatedInformation: finding.relatedInformation.map((r) => ({ location: { uri: pathToFileURL(r.file).href, range: r.range }, message: r.message })) }
      : {}),
  };
}
