import type { ComposeFile } from '../compose/composeFile';
import type { ServiceInfo } from '../compose/service';
import type { DockerfileModel } from '../dockerfile/dockerfileModel';
import type { AnalysisOptions } from '../core/analysisOptions';
import type { Reporter, RuleMeta, Span } from '../core/types';

export interface ComposeContext {
  file: ComposeFile;
  options: AnalysisOptions;
  /**
   * Every service, with the facts rules share (engine, flags, env, GPU request). In an incremental run, only
   * the service being re-checked: a rule that compares services reads the others through peer().
   */
  services: readonly ServiceInfo[];
  /**
   * What the rule reads about another service of the file (checked or not): `read` of the service named `name`,
   * undefined when there is none. The answer is the declaration of what the rule depends on: an incremental run
   * asks `read` again about an edited service, and re-checks the whole file when the answer changed. The answer
   * holds no offsets (they move with every edit above the service) and is never changed: an incremental run hands
   * out the answer it recorded while the service's text stays the same.
   */
  peer<T>(name: string, read: PeerRead<T>): T | undefined;
  report: Reporter;
  /**
   * Set when only part of the file is re-checked (an incremental run over one service): rules that walk the
   * whole document skip nodes outside it. A report outside it makes the run fall back to a full analysis.
   */
  scope?: Span;
}

/**
 * A question about one service, answered from it and the file's variables alone, as JSON-able data (compared
 * between runs). A module-level function: it is asked again, by identity, when that service is edited.
 */
export type PeerRead<T> = (info: ServiceInfo, dotEnv: ReadonlyMap<string, string>) => T;

/** ComposeContext.peer. */
export type PeerLookup = <T>(name: string, read: PeerRead<T>) => T | undefined;

export interface DockerfileContext {
  model: DockerfileModel;
  options: AnalysisOptions;
  report: Reporter;
}

/** A `.env` beside a Compose file: its text only (no other input). */
export interface DotEnvContext {
  text: string;
  options: AnalysisOptions;
  report: Reporter;
}

/**
 * One rule: its metadata, its checks and (inside the checks) its fixes, side by side in one file.
 * A rule may read Compose files, Dockerfiles or both; `.env` files only by a rule made for them.
 */
export interface Rule {
  meta: RuleMeta;
  compose?(ctx: ComposeContext): void;
  dockerfile?(ctx: DockerfileContext): void;
  dotenv?(ctx: DotEnvContext): void;
}
