import { analyze } from './analyze';
import { applyFixes } from '../core/applyEdits';
import type { AnalysisOptions } from '../core/analysisOptions';
import type { FileKind, Finding, Fix } from '../core/types';

export function preferredFixes(findings: readonly Finding[]): Fix[] {
  return findings.flatMap((f) => f.fixes.filter((fix) => fix.preferred));
}

/**
 * Applies every preferred fix, re-analysing between passes because fixes that touched the same lines were
 * deferred; stops when nothing changes (at most `maxPasses`, so fixes that undo each other cannot loop).
 */
export function fixAll(
  text: string,
  kind: FileKind,
  options: AnalysisOptions = {},
  maxPasses = 10,
  /** How a pass analyses the text: alone, or within its project (analysis/projectAnalysis.ts). */
  analyzeText: (text: string) => Finding[] = (t) => analyze(t, kind, options),
): { text: string; applied: number } {
  let current = text;
  let applied = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const fixes = preferredFixes(analyzeText(current));
    if (!fixes.length) break;
    const result = applyFixes(current, fixes);
    if (result.applied === 0 || result.text === current) break;
    applied += result.applied;
    current = result.text;
  }
  return { text: current, applied };
}
