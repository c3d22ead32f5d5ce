import { analyze } from './analyze';
import { applyFixes } from '../core/applyEdits';
import type { AnalysisOptions } from '../core/analysisOptions';
import type { FileKind, Finding, Fix } from '../core/types';
import { SideFiles, type SideFileAccess, type SideFileChange } from './sideFiles';

export function preferredFixes(findings: readonly Finding[]): Fix[] {
  return findings.flatMap((f) => f.fixes.filter((fix) => fix.preferred));
}

export interface FixAllResult {
  text: string;
  applied: number;
  /** The fixes applied, by rule id, in the order rules were first fixed. */
  byRule: Record<string, number>;
  /** The files beside the analysed one that the fixes change (a `.env`, a `.gitignore`): none without side-file access. */
  sideChanges: SideFileChange[];
  /** Why fixes that edit other files were not made ("secret-literal fix not made: .env is a symbolic link ..."), each said once. */
  notMade: string[];
}

/**
 * Applies every preferred fix, re-analysing between passes because fixes that touched the same lines were
 * deferred; stops when nothing changes (at most `maxPasses`, so fixes that undo each other cannot loop).
 *
 * A fix that also edits files beside this one (core/types.ts SideEdit) is made only when `sideFiles` says where they
 * are and all of its side edits can be made (analysis/sideFiles.ts): they accumulate over the passes, so two fixes
 * that set the same variable to the same value write it once, and one that would set it to another value is left
 * (the next pass reads the `.env` as it would be, and the rule offers that value another name, not preferred).
 */
export function fixAll(
  text: string,
  kind: FileKind,
  options: AnalysisOptions = {},
  maxPasses = 10,
  /** How a pass analyses the text: alone, or within its project (analysis/projectAnalysis.ts). */
  analyzeText: (text: string, options: AnalysisOptions) => Finding[] = (t, o) => analyze(t, kind, o),
  sideFiles?: SideFileAccess,
): FixAllResult {
  let current = text;
  let applied = 0;
  const byRule: Record<string, number> = {};
  const notMade = new Set<string>();
  const side = sideFiles ? new SideFiles(sideFiles) : undefined;
  let passOptions = options;
  for (let pass = 0; pass < maxPasses; pass++) {
    const candidates = analyzeText(current, passOptions).flatMap((f) => f.fixes.filter((fix) => fix.preferred).map((fix) => ({ rule: f.rule, fix })));
    if (!candidates.length) break;
    const before = current;
    const result = applyFixes(
      current,
      candidates.map((c) => c.fix),
      (fix, index) => {
        if (!fix.sideEdits?.length) return true;
        const rule = candidates[index]!.rule;
        if (!side) {
          notMade.add(`${rule} fix not made: it also writes files beside this one, which cannot be written here`);
          return false;
        }
        const made = side.apply(fix, before);
        if (!made.ok) notMade.add(`${rule} fix not made: ${made.reason}`);
        return made.ok;
      },
    );
    if (result.applied === 0 || result.text === current) break;
    applied += result.applied;
    for (const index of result.appliedIndexes) {
      const rule = candidates[index]!.rule;
      byRule[rule] = (byRule[rule] ?? 0) + 1;
    }
    current = result.text;
    // Rules of the next pass read the `.env` as these fixes leave it.
    const dotEnv = side?.dotEnv();
    if (dotEnv) passOptions = { ...options, dotEnv };
  }
  return { text: current, applied, byRule, sideChanges: side?.changes() ?? [], notMade: [...notMade] };
}
