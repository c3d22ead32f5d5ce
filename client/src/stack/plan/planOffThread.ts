/**
 * Plans the Compose file on a worker thread (dist/planWorker.js) with a deadline, so the extension host's main thread
 * never reads or parses workspace files: a 9.8 MiB Compose file once froze it for 19 s, and opening the Services view
 * (Restricted Mode included) was enough. Past the deadline the worker is terminated and the plan says why.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { unreadablePlan, type PlanRequest, type PlanResult } from './readPlan';

export const PLAN_TIMEOUT_MS = 10_000;
/** The worker's heap: far more than an 8 MiB Compose file needs, and a bound on what a hostile one can take. */
const PLAN_HEAP_MB = 1024;

export interface PlanOffThreadOptions {
  timeoutMs?: number;
  /** The worker script; default planWorker.js beside this module (dist/ in the bundle, the compiled folder in tests). */
  script?: string;
}

/** Never rejects: a timeout, a crash or an out-of-memory worker gives an unreadable plan with the reason. */
export function planOffThread(request: PlanRequest, opts: PlanOffThreadOptions = {}): Promise<PlanResult> {
  const { file } = request;
  const timeoutMs = opts.timeoutMs ?? PLAN_TIMEOUT_MS;
  const unplanned = (reason: string): PlanResult => ({ plan: unreadablePlan(file, reason), notes: [] });
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(opts.script ?? join(__dirname, 'planWorker.js'), {
        workerData: request,
        env: {},
        resourceLimits: { maxOldGenerationSizeMb: PLAN_HEAP_MB },
      });
    } catch (e) {
      resolve(unplanned(`cannot plan ${file}: ${(e as Error).message}`));
      return;
    }
    let settled = false;
    const settle = (result: PlanResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => {
      settle(unplanned(`the Compose file took too long to read: ${file} was not planned within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    worker.once('message', (result: PlanResult) => settle(result));
    worker.once('error', (e: Error & { code?: string }) => {
      settle(unplanned(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `${file} needs too much memory to plan: it was not planned` : `cannot plan ${file}: ${e.message}`));
    });
    worker.once('exit', (code) => settle(unplanned(`cannot plan ${file}: the planning worker stopped (exit code ${code})`)));
  });
}
