import { analyze } from '../core/analyze';
import type { AnalysisOptions } from '../core/options';
import type { FileKind, Finding } from '../core/types';

/** What crosses the worker boundary: plain data only (Maps become arrays). */
export interface AnalysisRequest {
  id: number;
  text: string;
  kind: FileKind;
  options: Omit<AnalysisOptions, 'dotEnv'> & { dotEnv?: Array<[string, string]> };
}

export interface AnalysisResponse {
  id: number;
  findings?: Finding[];
  error?: string;
  elapsedMs: number;
}

export function runAnalysisRequest(request: AnalysisRequest): AnalysisResponse {
  const started = performance.now();
  try {
    const { dotEnv, ...rest } = request.options;
    const options: AnalysisOptions = dotEnv ? { ...rest, dotEnv: new Map(dotEnv) } : rest;
    return { id: request.id, findings: analyze(request.text, request.kind, options), elapsedMs: performance.now() - started };
  } catch (err) {
    return { id: request.id, error: (err as Error).message, elapsedMs: performance.now() - started };
  }
}
