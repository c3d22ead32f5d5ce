import type { ComposeFile } from '../compose/composeFile';
import type { ServiceInfo } from '../compose/service';
import type { DockerfileModel } from '../dockerfile/dockerfileModel';
import type { AnalysisOptions } from './options';
import type { Reporter, RuleMeta } from './types';

export interface ComposeContext {
  file: ComposeFile;
  options: AnalysisOptions;
  /** Every service, with the facts rules share (engine, flags, env, GPU request). */
  services: readonly ServiceInfo[];
  service(name: string): ServiceInfo | undefined;
  report: Reporter;
}

export interface DockerfileContext {
  model: DockerfileModel;
  options: AnalysisOptions;
  report: Reporter;
}

/**
 * One rule: its metadata, its checks and (inside the checks) its fixes, side by side in one file.
 * A rule may read Compose files, Dockerfiles or both.
 */
export interface Rule {
  meta: RuleMeta;
  compose?(ctx: ComposeContext): void;
  dockerfile?(ctx: DockerfileContext): void;
}
