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
  /**
   * Reads the Dockerfiles of services' local `build:` contexts, so that a service built `FROM vllm/vllm-openai`
   * is known to run vLLM. Injected, so the analysis stays pure: the server, the CLI and the stack plan read files
   * beside the Compose file (dockerfile/buildContextFiles.ts), tests hand in a map. None: only
   * `dockerfile_inline` is read.
   */
  buildContexts?: BuildContextReader;
}

/** Where the Dockerfile of a Compose `build:` comes from; relative paths are resolved by whoever made it. */
export interface BuildContextReader {
  /**
   * The text of `dockerfile` (as written in `build.dockerfile`, `Dockerfile` when unset: relative to the context
   * unless absolute) in the local build context `context` (as written: relative to the Compose file's folder
   * unless absolute). Undefined when it cannot be read: missing, not a file, or too large. Never throws.
   */
  readDockerfile(context: string, dockerfile: string): string | undefined;
}
