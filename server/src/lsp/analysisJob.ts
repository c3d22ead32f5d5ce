import { fileURLToPath } from 'node:url';
import { analyze } from '../analysis/analyze';
import { fixAll, type FixAllResult } from '../analysis/fixAll';
import type { SideFileAccess } from '../analysis/sideFiles';
import { analysedAsDocuments, analyzeInProject, multiPartProject, type ProjectSource } from '../analysis/projectAnalysis';
import { ProjectJob, projectSourceOf, textAloneSource } from '../analysis/projectJob';
import type { IncrementalStore } from '../analysis/incrementalStore';
import type { AnalysisOptions } from '../core/analysisOptions';
import { fileBuildContexts } from '../dockerfile/buildContextFiles';
import type { FileKind, Finding } from '../core/types';

/** What crosses the worker boundary: plain data only (Maps become arrays). */
export interface AnalysisRequest {
  id: number;
  text: string;
  kind: FileKind;
  options: Omit<AnalysisOptions, 'dotEnv' | 'buildContexts'> & { dotEnv?: Array<[string, string]> };
  /** The Compose file's folder: its `build:` contexts are read from there (a reader does not cross threads). */
  composeDir?: string;
  /** The workspace folder that holds it: nothing outside is read. Both or neither. */
  readRoot?: string;
  /** The document, so the worker can keep its analysis and redo only what an edit changed. */
  uri?: string;
  /** Apply every preferred fix (analysis/fixAll.ts) instead of listing findings: the answer is in `fixed`. */
  fixAll?: boolean;
  /** A Compose file on disk: analysed within its project (analysis/projectAnalysis.ts). */
  project?: ProjectJob;
  /**
   * Where the files beside it are, for a `fixAll` request: fixes that also edit them (a secret moved into `.env`) are
   * made only with this (analysis/sideFiles.ts). None: those fixes are left out.
   */
  sideFiles?: SideFileAccess;
}

/** The document was closed: the worker forgets what it kept for it. */
export interface CloseRequest {
  type: 'close';
  uri: string;
}

export type WorkerMessage = AnalysisRequest | CloseRequest;

export interface AnalysisResponse {
  id: number;
  findings?: Finding[];
  error?: string;
  elapsedMs: number;
  /** True when only the edited service was re-analysed. */
  incremental?: boolean;
  /** True when the worker kept this analysis, so the next edit can be re-analysed incrementally. */
  kept?: boolean;
  /** The text with every preferred fix applied, for a `fixAll` request, and the files beside it that they change. */
  fixed?: FixAllResult;
  /** Set when the analysis ran past its budget and was stopped (the worker was terminated). */
  stoppedAfterSeconds?: number;
  /** The files a project analysis read: when one of them changes, this document is analysed again. */
  projectFiles?: string[];
}

export function runAnalysisRequest(request: AnalysisRequest, store?: IncrementalStore): AnalysisResponse {
  const started = performance.now();
  try {
    const { dotEnv, ...rest } = request.options;
    const options: AnalysisOptions = dotEnv ? { ...rest, dotEnv: new Map(dotEnv) } : { ...rest };
    if (request.composeDir !== undefined && request.readRoot !== undefined) {
      options.buildContexts = fileBuildContexts(request.composeDir, { root: request.readRoot });
    }
    const compose = request.kind === 'compose' ? composeSource(request, options) : undefined;
    // A file of a project of several parts (files, or YAML documents) is analysed whole (and not kept); a one-file
    // project of one document as before, incrementally.
    const project = compose ? multiPartProject(compose.file, request.text, compose.source) : undefined;
    if (request.fixAll) {
      const inProject = project ? (text: string, passOptions: AnalysisOptions) => compose!.shown(analyzeInProject(compose!.file, text, compose!.source, passOptions).findings) : undefined;
      const fixed = fixAll(request.text, request.kind, options, undefined, inProject, request.sideFiles);
      return { id: request.id, fixed, elapsedMs: performance.now() - started };
    }
    if (project) {
      if (request.uri !== undefined) store?.close(request.uri);
      const { findings, files } = analyzeInProject(compose!.file, request.text, compose!.source, options, project);
      return { id: request.id, findings: compose!.shown(findings), ...(request.project ? { projectFiles: files } : {}), elapsedMs: performance.now() - started };
    }
    if (store && request.uri !== undefined && request.kind === 'compose') {
      const { findings, incremental, kept } = store.analyze(request.uri, request.text, options);
      return { id: request.id, findings, incremental, kept, elapsedMs: performance.now() - started };
    }
    return { id: request.id, findings: analyze(request.text, request.kind, options), elapsedMs: performance.now() - started };
  } catch (err) {
    if (request.uri !== undefined) store?.close(request.uri);
    return { id: request.id, error: (err as Error).message, elapsedMs: performance.now() - started };
  }
}

/** Where an untitled document's text is said to be: a path no file has, seen by no one (its findings drop it). */
const UNTITLED = '/untitled/compose.yaml';

/**
 * The project source of a Compose request: its project's on disk; else, for a text of several YAML documents, the
 * text alone (compose-go merges its documents). `shown` drops related information about a path that is not real.
 */
function composeSource(request: AnalysisRequest, options: AnalysisOptions): { file: string; source: ProjectSource; shown: (findings: Finding[]) => Finding[] } | undefined {
  const same = (findings: Finding[]) => findings;
  if (request.project) return { file: request.project.file, source: projectSourceOf(request.project), shown: same };
  if (!analysedAsDocuments(request.text)) return undefined;
  const path = request.uri === undefined ? undefined : filePath(request.uri);
  const file = path ?? UNTITLED;
  const shown = path ? same : (findings: Finding[]) => findings.map((f) => (f.relatedInformation ? { ...f, relatedInformation: f.relatedInformation.filter((r) => r.file !== UNTITLED) } : f));
  return { file, source: textAloneSource(file, request.text, options.dotEnv ?? new Map()), shown };
}

/** The path of a `file:` URI; undefined for any other (an untitled document) or one with no local path. */
function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
