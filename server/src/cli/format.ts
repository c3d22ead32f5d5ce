import { docsUrl } from '../rules/docsUrl';
import type { Finding, Range, Severity } from '../core/types';
import { RULES } from '../rules/registry';

export interface FileResult {
  file: string;
  findings: Finding[];
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** `path:line:col  severity  message  rule` with 1-based positions, as compilers print them. */
export function formatText(results: readonly FileResult[]): string {
  const out: string[] = [];
  let count = 0;
  for (const { file, findings } of results) {
    for (const f of findings) {
      count++;
      out.push(`${file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule}: ${f.message}${f.fixes.length ? ' [fixable]' : ''}`);
    }
  }
  const files = results.length;
  out.push(count ? `${count} finding${count === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}.` : `No findings in ${files} file${files === 1 ? '' : 's'}.`);
  return out.join('\n') + '\n';
}

/** The documented JSON shape: one flat array, 0-based positions. */
export function formatJson(results: readonly FileResult[]): string {
  const rows = results.flatMap(({ file, findings }) =>
    findings.map((f) => ({
      file,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      range: f.range,
      fixes: f.fixes,
      ...(f.relatedInformation ? { relatedInformation: f.relatedInformation } : {}),
    })),
  );
  return JSON.stringify(rows, null, 2) + '\n';
}

/** SARIF 2.1.0 for code-scanning uploads (1-based lines and columns, as SARIF requires). */
export function formatSarif(results: readonly FileResult[], version: string): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'inference-stack',
            version,
            informationUri: 'https://github.com/inference-stack/inference-stack',
            rules: RULES.map((r) => ({
              id: r.meta.id,
              shortDescription: { text: r.meta.title },
              helpUri: docsUrl(r.meta.id),
              defaultConfiguration: { level: SARIF_LEVEL[r.meta.defaultSeverity] },
            })),
          },
        },
        results: results.flatMap(({ file, findings }) =>
          findings.map((f) => ({
            ruleId: f.rule,
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: sarifLocation(file, f.range) }],
            ...(f.relatedInformation
              ? { relatedLocations: f.relatedInformation.map((r, id) => ({ id, physicalLocation: sarifLocation(r.file, r.range), message: { text: r.message } })) }
              : {}),
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function sarifLocation(file: string, range: Range) {
  return {
    artifactLocation: { uri: file.replace(/\\/g, '/') },
    region: { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 },
  };
}
