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
   * the service being re-checked: a rule that compares services reads the others through service(name).
   */
  services: readonly ServiceInfo[];
  /**
   * Any service of the file by name, checked or not. What a rule reads here about ANOTHER service must be
   * part of `crossServiceSignature` (analysis/incrementalCompose.ts), or edits to that service go unnoticed.
   */
  service(name: string): ServiceInfo | undefined;
  report: Reporter;
  /**
   * Set when only part of the file is re-checked (an incremental run over one service): rules that walk the
   * whole document skip nodes outside it. A report outside it makes the run fall back to a full analysis.
   */
  scope?: Span;
}

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
