import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { analyze } from '../analysis/analyze';
import { analysisStoppedFindings } from '../analysis/analysisBudget';
import type { ReadRefusal } from '../core/boundedFile';
import { fixAll } from '../analysis/fixAll';
import { analyzeInProject } from '../analysis/projectAnalysis';
import { ProjectJob, projectSourceOf } from '../analysis/projectJob';
import type { AnalysisOptions } from '../core/analysisOptions';
import type { FileKind, Finding } from '../core/types';
import { fileBuildContexts } from '../dockerfile/buildContextFiles';

/** One file for the CLI's analyzer thread: plain data (a Map crosses threads; a file reader does not). */
export interface FileJob {
  text: string;
  kind: FileKind;
  options: Omit<AnalysisOptions, 'buildContexts'>;
  /** Apply every preferred fix first; the findings are then those of the fixed text. */
  fix: boolean;
  /** Read the `build:` Dockerfiles beside the Compose file, inside `root` (undefined: anywhere). */
  buildContexts?: { composeDir: string; root: string | undefined; rootLabel?: string | undefined };
  /** A Compose file: analysed within its project (analysis/projectAnalysis.ts). */
  project?: ProjectJob;
}

export type FileOutcome =
  | { findings: Finding[]; fixedText?: string; refusals: Array<{ path: string; refusal: ReadRefusal }> }
  | { stoppedAfterSeconds: number }
  | { error: string };

const ROLE = 'cli-analyzer';

/** Flags the worker sets in shared memory: [DONE] a job's answer is posted; [READY] its code is loaded. */
const DONE = 0;
const READY = 1;
/** How long a fresh worker may take to load the analyser before the CLI gives up (a loaded CI machine: seconds). */
const STARTUP_LIMIT_MS = 60_000;

interface WorkerSetup {
  role: typeof ROLE;
  port: MessagePort;
  done: Int32Array;
}

/**
 * Analyses files on a worker thread with a time budget per file, while `runCli` stays synchronous: the main
 * thread waits on a shared flag (Atomics.wait) for at most the budget, then takes the answer off the port
 * (receiveMessageOnPort). A file that is not done by then is left: the worker is terminated (the only way to stop
 * a rule that loops) and a fresh one takes the next file. The worker runs this very file (the bundle, dist/cli.js,
 * or its compiled module), which answers jobs when started with `role: 'cli-analyzer'`.
 */
export class BudgetedAnalyzer {
  private worker: { thread: Worker; port: MessagePort; done: Int32Array } | undefined;

  constructor(
    private readonly budgetSeconds: number,
    private readonly script: string = __filename,
  ) {}

  run(job: FileJob): FileOutcome {
    const worker = this.ensureWorker();
    Atomics.store(worker.done, DONE, 0);
    worker.port.postMessage(job);
    // The budget is the analysis's own: it starts once the worker has loaded, not while a thread starts.
    const deadline = performance.now() + this.budgetSeconds * 1000;
    for (;;) {
      const answer = receiveMessageOnPort(worker.port);
      if (answer) return answer.message as FileOutcome;
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(worker.done, DONE, 0, left);
    }
    this.dispose();
    return { stoppedAfterSeconds: this.budgetSeconds };
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    worker.port.close();
    void worker.thread.terminate();
  }

  private ensureWorker(): NonNullable<BudgetedAnalyzer['worker']> {
    if (this.worker) return this.worker;
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(8));
    const setup: WorkerSetup = { role: ROLE, port: port2, done };
    const thread = new Worker(this.script, { workerData: setup, transferList: [port2] });
    // Neither may keep the process alive once the CLI has printed its answer.
    thread.unref();
    port1.unref();
    if (Atomics.wait(done, READY, 0, STARTUP_LIMIT_MS) === 'timed-out' && Atomics.load(done, READY) === 0) {
      void thread.terminate();
      throw new Error(`the analyser's worker thread did not start within ${STARTUP_LIMIT_MS / 1000} s`);
    }
    this.worker = { thread, port: port1, done };
    return this.worker;
  }
}

/**
 * The findings of an outcome: past the budget, the one `analysis-stopped` finding; the Dockerfiles the worker
 * declined to read are told to `onRefused`, as if read here. An internal failure throws (the CLI exits 2).
 */
export function outcomeFindings(outcome: FileOutcome, options: AnalysisOptions, onRefused?: (path: string, refusal: ReadRefusal) => void): Finding[] {
  if ('error' in outcome) throw new Error(outcome.error);
  if ('stoppedAfterSeconds' in outcome) return analysisStoppedFindings(outcome.stoppedAfterSeconds, options);
  for (const { path, refusal } of outcome.refusals) onRefused?.(path, refusal);
  return outcome.findings;
}

/** What the worker does with one job. */
export function runFileJob(job: FileJob): FileOutcome {
  try {
    const refusals: Array<{ path: string; refusal: ReadRefusal }> = [];
    const options: AnalysisOptions = { ...job.options };
    const contexts = job.buildContexts;
    if (contexts) {
      const boundary = { root: contexts.root, onRefused: (path: string, refusal: ReadRefusal) => void refusals.push({ path, refusal }), ...(contexts.rootLabel ? { rootLabel: contexts.rootLabel } : {}) };
      options.buildContexts = fileBuildContexts(contexts.composeDir, boundary);
    }
    const refused = (path: string, refusal: ReadRefusal) => void refusals.push({ path, refusal });
    const source = job.project && job.kind === 'compose' ? projectSourceOf(job.project, refused) : undefined;
    const analyzeText = (text: string) => (source ? analyzeInProject(job.project!.file, text, source, options).findings : analyze(text, job.kind, options));
    const fixedText = job.fix ? fixAll(job.text, job.kind, options, undefined, analyzeText).text : undefined;
    const findings = analyzeText(fixedText ?? job.text);
    return { findings, refusals, ...(fixedText !== undefined ? { fixedText } : {}) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const setup = isMainThread ? undefined : (workerData as Partial<WorkerSetup> | undefined);
if (setup?.role === ROLE && setup.port && setup.done) {
  const { port, done } = setup;
  port.on('message', (job: FileJob) => {
    port.postMessage(runFileJob(job));
    Atomics.store(done, DONE, 1);
    Atomics.notify(done, DONE);
  });
  Atomics.store(done, READY, 1);
  Atomics.notify(done, READY);
}
