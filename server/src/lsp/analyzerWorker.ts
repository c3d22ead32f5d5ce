import { Worker } from 'node:worker_threads';
import type { AnalysisRequest, AnalysisResponse, CloseRequest } from './analysisJob';

/**
 * Runs analyses of large files on a worker thread, so the server keeps answering requests (hover, code
 * actions, other files) while a multi-megabyte file is parsed. The worker is the same bundle started with
 * `workerData.role = 'analyzer'` (see main.ts). A job that outlives `timeoutMs` kills the worker, which is
 * started again for the next job.
 */
export class AnalyzerWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: AnalysisResponse) => void; timer: NodeJS.Timeout; worker: Worker }>();

  constructor(
    private readonly script: string,
    private readonly timeoutMs = 60_000,
  ) {}

  run(request: Omit<AnalysisRequest, 'id'>): Promise<AnalysisResponse> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, error: `analysis took longer than ${this.timeoutMs / 1000} s and was stopped`, elapsedMs: this.timeoutMs });
        this.restart();
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer, worker });
      worker.postMessage({ ...request, id } satisfies AnalysisRequest);
    });
  }

  /** The worker forgets what it kept for a document (closed, or now analysed inline). */
  close(uri: string): void {
    this.worker?.postMessage({ type: 'close', uri } satisfies CloseRequest);
  }

  dispose(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id, error: 'server shutting down', elapsedMs: 0 });
    }
    this.pending.clear();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { role: 'analyzer' } });
    worker.unref();
    worker.on('message', (response: AnalysisResponse) => {
      const p = this.pending.get(response.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(response.id);
      p.resolve(response);
    });
    worker.on('error', (err) => this.failJobsOf(worker, err.message));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failJobsOf(worker, 'analyzer worker exited');
    });
    this.worker = worker;
    return worker;
  }

  private restart(): void {
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
  }

  /** Jobs sent to a worker that died are answered at once, not left to their timers. */
  private failJobsOf(worker: Worker, message: string): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      clearTimeout(p.timer);
      p.resolve({ id, error: message, elapsedMs: 0 });
      this.pending.delete(id);
    }
  }
}
