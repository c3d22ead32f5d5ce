import { analyze } from '../core/analyze';
import { fixAll } from '../core/fixAll';
import { IncrementalCompose } from '../core/incrementalCompose';
import type { AnalysisOptions } from '../core/options';
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
  /** Apply every preferred fix (core/fixAll.ts) instead of listing findings: the answer is in `fixed`. */
  fixAll?: boolean;
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
  /** The text with every preferred fix applied, for a `fixAll` request. */
  fixed?: { text: string; applied: number };
  /** Set when the analysis ran past its budget and was stopped (the worker was terminated). */
  stoppedAfterSeconds?: number;
}

/**
 * The analyses the worker keeps, one per open Compose document, most recently used last. Each holds the
 * parsed document: about 250 MB for a 3.5 MB, 5,000-service file, so a few documents and a character budget
 * at most (the latest is always kept). Updated in place when an edit allows it, else replaced by a full
 * analysis.
 */
export class IncrementalStore {
  private readonly states = new Map<string, IncrementalCompose>();

  constructor(
    private readonly capacity = 4,
    private readonly charBudget = 6 * 1024 * 1024,
  ) {}

  analyze(uri: string, text: string, options: AnalysisOptions): { findings: Finding[]; incremental: boolean; kept: boolean } {
    const state = this.states.get(uri);
    this.states.delete(uri);
    let updated = false;
    try {
      updated = !!state && state.update(text, options);
    } catch {
      // A failed update leaves the state half-changed: start over below.
      updated = false;
    }
    const current = updated ? state! : IncrementalCompose.create(text, options);
    // A file that can never be updated incrementally (anchors, errors) is not worth its memory.
    if (current.incremental) {
      this.states.set(uri, current);
      let chars = 0;
      for (const s of this.states.values()) chars += s.textLength;
      while (this.states.size > 1 && (this.states.size > this.capacity || chars > this.charBudget)) {
        const [oldest, state] = this.states.entries().next().value!;
        chars -= state.textLength;
        this.states.delete(oldest);
      }
    }
    return { findings: current.findings, incremental: updated, kept: current.incremental };
  }

  close(uri: string): void {
    this.states.delete(uri);
  }

  get size(): number {
    return this.states.size;
  }
}

export function runAnalysisRequest(request: AnalysisRequest, store?: IncrementalStore): AnalysisResponse {
  const started = performance.now();
  try {
    const { dotEnv, ...rest } = request.options;
    const options: AnalysisOptions = dotEnv ? { ...rest, dotEnv: new Map(dotEnv) } : { ...rest };
    if (request.composeDir !== undefined && request.readRoot !== undefined) {
      options.buildContexts = fileBuildContexts(request.composeDir, { root: request.readRoot });
    }
    if (request.fixAll) return { id: request.id, fixed: fixAll(request.text, request.kind, options), elapsedMs: performance.now() - started };
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
