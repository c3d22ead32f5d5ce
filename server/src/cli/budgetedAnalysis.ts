import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { analyze } from '../analysis/analyze';
import { analysisStoppedFindings } from '../analysis/analysisBudget';
import type { ReadRefusal } from '../core/boundedFile';
import { fixAll, type FixAllResult } from '../analysis/fixAll';
import type { SideFileAccess, SideFileChange } from '../analysis/sideFiles';
import { parseDotEnv } from '../compose/dotenv';
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
  /** Where the files beside it are: fixes that also edit them (a secret moved into `.env`) are made only with this. */
  sideFiles?: SideFileAccess;
}

export type FileOutcome =
  | {
      findings: Finding[];
      fixedText?: string;
      /** What the fixes did (`fix` jobs): by rule, the files beside this one they change, the fixes not made. */
      fixed?: Omit<FixAllResult, 'text'>;
      refusals: Array<{ path: string; refusal: ReadRefusal }>;
    }
  | { stoppedAfterSeconds: number }
  | { error: string };

const ROLE = 'cli-analyzer';

/**
 * Shared memory of the analyzer threads, two counters: [DONE] answers posted (every worker of the CLI adds to it, so
 * the main thread can wait for any of them, and no answer is missed between a look and a wait); [READY] workers that
 * have loaded their code.
 */
const DONE = 0;
const READY = 1;
/** How long a fresh worker may take to load the analyser before the CLI gives up (a loaded CI machine: seconds). */
const STARTUP_LIMIT_MS = 60_000;
/** More threads than this only add start-up cost: a lint run is dozens of files, not thousands. */
const MAX_THREADS = 8;

interface WorkerSetup {
  role: typeof ROLE;
  port: MessagePort;
  done: Int32Array;
}

interface AnalyzerThread {
  thread: Worker;
  port: MessagePort;
}

/** A job on a thread: which one, and when its budget ends. */
interface Running {
  index: number;
  deadline: number;
}

/**
 * Analyses files on worker threads, one file per thread at a time, with a time budget per file, while `runCli` stays
 * synchronous: the main thread waits on the shared flag (Atomics.wait) until a thread answers or the nearest budget
 * ends, then takes the answers off the ports (receiveMessageOnPort). A file that is not done by then is left: its
 * thread is terminated (the only way to stop a rule that loops) and a fresh one takes the next file. Several files run
 * on several threads, up to the cores there are. The workers run this very file (the bundle, dist/cli.js, or its
 * compiled module), which answers jobs when started with `role: 'cli-analyzer'`.
 */
export class BudgetedAnalyzer {
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  /** Loaded threads, idle between runs. */
  private idle: AnalyzerThread[] = [];
  private started = 0;

  constructor(
    private readonly budgetSeconds: number,
    private readonly script: string = __filename,
    /** Threads at most (default: the cores, up to 8). */
    private readonly maxThreads: number = Math.min(MAX_THREADS, availableParallelism()),
  ) {}

  run(job: FileJob): FileOutcome {
    return this.runAll([job])[0]!;
  }

  /** The outcome of each job, in order; as many run at once as there are threads (never more than jobs). */
  runAll(jobs: readonly FileJob[]): FileOutcome[] {
    const outcomes: FileOutcome[] = new Array(jobs.length);
    const busy = new Map<AnalyzerThread, Running>();
    let next = 0;
    while (next < jobs.length || busy.size) {
      // Start the jobs that have a thread; the budget starts once the thread has loaded, not while it starts.
      if (next < jobs.length) {
        const threads = this.threads(Math.min(this.maxThreads, busy.size + jobs.length - next) - busy.size);
        for (const thread of threads) {
          const index = next++;
          thread.port.postMessage(jobs[index]);
          busy.set(thread, { index, deadline: performance.now() + this.budgetSeconds * 1000 });
        }
      }
      // Read the flag before the ports: an answer posted after this read wakes the wait below at once.
      const seen = Atomics.load(this.shared, DONE);
      let answered = false;
      for (const [thread, running] of busy) {
        const answer = receiveMessageOnPort(thread.port);
        if (!answer) continue;
        outcomes[running.index] = answer.message as FileOutcome;
        busy.delete(thread);
        this.idle.push(thread);
        answered = true;
      }
      if (answered) continue;
      const now = performance.now();
      for (const [thread, running] of busy) {
        if (running.deadline > now) continue;
        outcomes[running.index] = { stoppedAfterSeconds: this.budgetSeconds };
        busy.delete(thread);
        this.stop(thread);
      }
      const nearest = Math.min(...[...busy.values()].map((r) => r.deadline));
      if (busy.size) Atomics.wait(this.shared, DONE, seen, Math.max(0, nearest - now));
    }
    return outcomes;
  }

  dispose(): void {
    for (const thread of this.idle) this.stop(thread);
    this.idle = [];
  }

  /** `count` loaded threads: idle ones first, then new ones, started together and waited for together. */
  private threads(count: number): AnalyzerThread[] {
    const out = this.idle.splice(0, count);
    const fresh: AnalyzerThread[] = [];
    while (out.length + fresh.length < count) fresh.push(this.startThread());
    const target = this.started;
    const limit = performance.now() + STARTUP_LIMIT_MS;
    while (Atomics.load(this.shared, READY) < target) {
      const ready = Atomics.load(this.shared, READY);
      const left = limit - performance.now();
      if (left <= 0 || Atomics.wait(this.shared, READY, ready, left) === 'timed-out') {
        fresh.forEach((t) => this.stop(t));
        throw new Error(`the analyser's worker thread did not start within ${STARTUP_LIMIT_MS / 1000} s`);
      }
    }
    return [...out, ...fresh];
  }

  private startThread(): AnalyzerThread {
    const { port1, port2 } = new MessageChannel();
    const setup: WorkerSetup = { role: ROLE, port: port2, done: this.shared };
    const thread = new Worker(this.script, { workerData: setup, transferList: [port2] });
    // Neither may keep the process alive once the CLI has printed its answer.
    thread.unref();
    port1.unref();
    this.started++;
    return { thread, port: port1 };
  }

  private stop(thread: AnalyzerThread): void {
    thread.port.close();
    void thread.thread.terminate();
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

/** The variables of the `.env` beside the file once the side changes are written; undefined when they leave it as it is. */
function dotEnvAfter(changes: readonly SideFileChange[], access: SideFileAccess | undefined): Map<string, string> | undefined {
  const env = access ? changes.find((c) => c.path === resolve(access.dir, '.env')) : undefined;
  return env ? parseDotEnv(env.after) : undefined;
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
    const analyzeText = (text: string, passOptions: AnalysisOptions) =>
      source ? analyzeInProject(job.project!.file, text, source, passOptions).findings : analyze(text, job.kind, passOptions);
    if (!job.fix) return { findings: analyzeText(job.text, options), refusals };
    const { text: fixedText, ...fixed } = fixAll(job.text, job.kind, options, undefined, analyzeText, job.sideFiles);
    // The findings of the fixed text, with the `.env` as the fixes leave it (once written).
    const dotEnv = fixed.sideChanges.length ? dotEnvAfter(fixed.sideChanges, job.sideFiles) : undefined;
    const findings = analyzeText(fixedText, dotEnv ? { ...options, dotEnv } : options);
    return { findings, refusals, fixedText, fixed };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const setup = isMainThread ? undefined : (workerData as Partial<WorkerSetup> | undefined);
if (setup?.role === ROLE && setup.port && setup.done) {
  const { port, done } = setup;
  port.on('message', (job: FileJob) => {
    port.postMessage(runFileJob(job));
    Atomics.add(done, DONE, 1);
    Atomics.notify(done, DONE);
  });
  Atomics.add(done, READY, 1);
  Atomics.notify(done, READY);
}
