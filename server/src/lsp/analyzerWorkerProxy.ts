import { Worker } from 'node:worker_threads';
import type { AnalysisRequest, AnalysisResponse, CloseRequest } from './analysisJob';

interface Job {
  request: AnalysisRequest;
  budgetSeconds: number;
  resolve: (response: AnalysisResponse) => void;
  timer?: NodeJS.Timeout;
}

/**
 * The main thread's proxy of one analyzer worker thread: analyses and Fix All run there, so the server keeps
 * answering (other files, code actions) whatever a file costs. The worker is the same bundle started with
 * `workerData.role = 'analyzer'` (see main.ts).
 *
 * Jobs go to the worker one at a time, so each one's budget counts its own work, not the queue before it. A job
 * that runs past its budget is answered `stoppedAfterSeconds` and the worker is terminated (the only way to stop
 * a rule that loops) and started afresh for the next job; what the old one kept for incremental analysis is lost.
 */
export class AnalyzerWorkerProxy {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: Job[] = [];
  private current: Job | undefined;

  constructor(private readonly script: string) {}

  run(request: Omit<AnalysisRequest, 'id'>, budgetSeconds: number): Promise<AnalysisResponse> {
    return new Promise((resolve) => {
      this.queue.push({ request: { ...request, id: this.nextId++ }, budgetSeconds, resolve });
      this.pump();
    });
  }

  /** The worker forgets what it kept for a document (closed, or now analysed on another worker). */
  close(uri: string): void {
    this.worker?.postMessage({ type: 'close', uri } satisfies CloseRequest);
  }

  dispose(): void {
    for (const job of [...(this.current ? [this.current] : []), ...this.queue]) {
      clearTimeout(job.timer);
      job.resolve({ id: job.request.id, error: 'server shutting down', elapsedMs: 0 });
    }
    this.current = undefined;
    this.queue.length = 0;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private pump(): void {
    if (this.current) return;
    const job = this.queue.shift();
    if (!job) return;
    const worker = this.ensureWorker();
    this.current = job;
    job.timer = setTimeout(() => this.stop(job), job.budgetSeconds * 1000);
    worker.postMessage(job.request);
  }

  private finish(job: Job, response: AnalysisResponse): void {
    if (this.current !== job) return;
    clearTimeout(job.timer);
    this.current = undefined;
    job.resolve(response);
    this.pump();
  }

  private stop(job: Job): void {
    if (this.current !== job) return;
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
    this.finish(job, { id: job.request.id, stoppedAfterSeconds: job.budgetSeconds, elapsedMs: job.budgetSeconds * 1000 });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { role: 'analyzer' } });
    worker.unref();
    worker.on('message', (response: AnalysisResponse) => {
      if (this.current?.request.id === response.id) this.finish(this.current, response);
    });
    const died = (message: string) => {
      if (this.worker !== worker) return; // Terminated on purpose: its job is answered already.
      this.worker = undefined;
      if (this.current) this.finish(this.current, { id: this.current.request.id, error: message, elapsedMs: 0 });
    };
    worker.on('error', (err) => died(err.message));
    worker.on('exit', () => died('analyzer worker exited'));
    this.worker = worker;
    return worker;
  }
}
