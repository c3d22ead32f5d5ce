import { AnalyzerWorkerProxy } from './analyzerWorkerProxy';

/** An analysis at least this long moves its document to the heavy lane for as long as it is open. */
export const SLOW_ANALYSIS_MS = 1000;

/**
 * Where documents are analysed: never on the main thread, which must keep answering. Two worker threads, so
 * that what is cheap stays prompt: the interactive lane takes small files (milliseconds each); the heavy lane
 * takes large files and any document whose analysis was slow or stopped, so a costly small file delays the
 * others at most once (by its budget). Both keep each document's analysis, so an edit is re-analysed the one
 * way whatever the file's size: incrementally (analysis/incrementalStore.ts).
 */
export class AnalysisLanes {
  private readonly interactive: AnalyzerWorkerProxy;
  private readonly heavy: AnalyzerWorkerProxy;

  constructor(
    script: string,
    /** Files at least this long (characters) are analysed on the heavy lane. */
    private readonly heavyThreshold: number,
  ) {
    this.interactive = new AnalyzerWorkerProxy(script);
    this.heavy = new AnalyzerWorkerProxy(script);
  }

  /** The lane for a text of `length`. */
  pick(length: number, slow: boolean): AnalyzerWorkerProxy {
    return slow || length >= this.heavyThreshold ? this.heavy : this.interactive;
  }

  dispose(): void {
    this.interactive.dispose();
    this.heavy.dispose();
  }
}
