/**
 * A command to run and what running it gave: the shapes shared by the runner (processRunner.ts), what builds and
 * reads commands (composeCommand.ts, gpu/gpus.ts) and the exec-like functions they are handed.
 */

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

/** What running a command gave. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  /** A spawn failure (code ENOENT: not installed) or the runner's timeout (code ETIMEDOUT); not a non-zero exit. */
  readonly error?: { readonly code?: string; readonly message: string };
}

/** Runs a command to its end (ProcessRunner.exec is one). */
export type Exec = (command: Command, options: { timeoutMs: number; env?: Record<string, string> }) => Promise<CommandResult>;
