import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { analyze } from '../server/src/analysis/analyze';
import { applyEdits } from '../server/src/core/applyEdits';
import type { AnalysisOptions } from '../server/src/core/analysisOptions';
import type { FileKind, Finding, Fix } from '../server/src/core/types';

/** Strips the common leading indentation of a template literal, so fixtures can be indented in tests. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n').replace(/[ \t]+$/, '');
}
export const dockerfile = yaml;

/**
 * Every finding of the file. A rule that throws is a failed test, not a filtered row: analyze() turns the exception
 * into an `internal-error` finding, which a "stays quiet" test reading one rule's findings would never see.
 */
export function lint(text: string, kind: FileKind = 'compose', options: AnalysisOptions = {}): Finding[] {
  const findings = analyze(text, kind, options);
  const crashes = findings.filter((f) => f.rule === 'internal-error');
  assert.deepEqual(crashes.map((f) => f.message), [], `a rule threw on:\n${text}`);
  return findings;
}

/** The findings of one rule. */
export function findingsOf(rule: string, text: string, kind: FileKind = 'compose', options: AnalysisOptions = {}): Finding[] {
  return lint(text, kind, options).filter((f) => f.rule === rule);
}

/** The text a finding's range covers. */
export function rangeText(text: string, finding: Finding): string {
  const lines = text.split(/\r?\n/);
  const { start, end } = finding.range;
  if (start.line === end.line) return lines[start.line]!.slice(start.character, end.character);
  return [lines[start.line]!.slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line]!.slice(0, end.character)].join('\n');
}

export function applyFix(text: string, fix: Fix): string {
  return applyEdits(text, fix.edits);
}

export function preferredFix(finding: Finding): Fix {
  const fix = finding.fixes.find((f) => f.preferred);
  assert.ok(fix, `finding ${finding.rule} has no preferred fix`);
  return fix;
}

export function assertValidYaml(text: string): void {
  const doc = parseDocument(text);
  assert.deepEqual(doc.errors.map((e) => e.message), [], `fixed text is not valid YAML:\n${text}`);
}

export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * The standard check of a rule's fix: applying the preferred fix of the first finding yields valid YAML on
 * which the rule no longer fires (for that place), and comments survive. Returns the fixed text.
 */
export function assertFixResolves(rule: string, text: string, options: AnalysisOptions = {}, kind: FileKind = 'compose'): string {
  const before = findingsOf(rule, text, kind, options);
  assert.ok(before.length > 0, `${rule} did not fire`);
  const fixed = applyFix(text, preferredFix(before[0]!));
  if (kind === 'compose') assertValidYaml(fixed);
  const after = findingsOf(rule, fixed, kind, options);
  assert.ok(after.length < before.length, `${rule} still fires after its fix:\n${fixed}`);
  const comments = (t: string) => t.split(/\r?\n/).filter((l) => l.trim().startsWith('#')).length;
  assert.ok(comments(fixed) >= comments(text), 'the fix dropped comments');
  return fixed;
}
