import type { AnalysisOptions } from '../core/analysisOptions';
import type { Finding } from '../core/types';

/**
 * Every analysis has a time budget: a workspace chooses the text, so no file may hold the language server or
 * the CLI for as long as it likes. Analyses run on a worker thread that is terminated when the budget is spent
 * (lsp/analyzerWorkerProxy.ts, cli/budgetedAnalysis.ts); the file then gets this one finding instead of findings.
 */
export const ANALYSIS_STOPPED_RULE_ID = 'analysis-stopped';

/** The CLI's per-file budget unless `--time-budget` says otherwise. */
export const CLI_DEFAULT_BUDGET_SECONDS = 10;

/**
 * The language server's budget for a text of `length` characters, in whole seconds: 5 s for any hand-written
 * file (analysing one takes milliseconds), more for generated stacks of thousands of services, which the
 * server analyses on its own thread for large files, where they delay only each other.
 */
export function lspBudgetSeconds(length: number): number {
  return 5 + Math.floor((20 * length) / (1024 * 1024));
}

/** The finding of a file whose analysis was stopped after `seconds` (none when the setting turns it off). */
export function analysisStoppedFindings(seconds: number, options: AnalysisOptions): Finding[] {
  if (options.rules?.[ANALYSIS_STOPPED_RULE_ID] === 'off') return [];
  return [
    {
      rule: ANALYSIS_STOPPED_RULE_ID,
      severity: 'warning',
      message: `Analysis stopped after ${formatSeconds(seconds)} s: the file is too costly to analyse, so its other findings are not shown.`,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      fixes: [],
    },
  ];
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}
