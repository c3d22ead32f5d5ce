import type { Severity } from './types';

export type RuleSetting = Severity | 'off';

/** Everything that shapes an analysis besides the text itself. Same for the server, the CLI and tests. */
export interface AnalysisOptions {
  /** `inferenceStack.coldStartSeconds` / `--cold-start`: the expected model cold start in seconds. */
  coldStartSeconds?: number;
  /** Cold starts measured by the client at the last real start, keyed by service name. */
  measuredColdStarts?: Readonly<Record<string, number>>;
  /** Per-rule severity or 'off' (`inferenceStack.rules`). */
  rules?: Readonly<Record<string, RuleSetting>>;
  /** Variables of the `.env` file beside the Compose file. */
  dotEnv?: ReadonlyMap<string, string>;
}

export const DOCS_BASE = 'https://github.com/inference-stack/inference-stack/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}

/** Above this size a file is not analysed (declined with one finding saying so). */
export const MAX_ANALYSED_BYTES = 8 * 1024 * 1024;
