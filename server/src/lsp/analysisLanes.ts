import { AnalyzerWorkerProxy } from './analyzerWorkerProxy';

/** An analysis at least this long moves its document to the heavy lane for as long as it is open. */
export const SLOW_ANALYSIS_MS = 1000;

/**
 * Where documents are analysed: never on the main thread, which must keep answering. Two worker threads, so
 * that what is cheap stays prompt: the interactive lane takes small files (milliseconds each); the heavy lane
 * takes large files, which it keeps for incremental re-analysis, and any document whose analysis was slow or
 * stopped, so a costly small file delays the others at most once (by its budget).
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

  /** The lane for a text of `length`; `keepsState`: the heavy lane, which keeps Compose analyses per uri. */
  pick(length: number, slow: boolean): { worker: AnalyzerWorkerProxy; keepsState: boolean } {
    const heavy = slow || length >= this.heavyThreshold;
    return { worker: heavy ? this.heavy : this.interactive, keepsState: heavy };
  }

  /** The heavy lane forgets what it kept for a document. */
  forget(uri: string): void {
    this.heavy.close(uri);
  }

  dispose(): void {
    this.interactive.dispose();
    this.heavy.dispose();
  }
}
