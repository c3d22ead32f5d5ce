/**
 * Entry of dist/planWorker.js: a worker thread that plans one Compose file (readPlan.ts) and posts the plan back.
 * Its own bundle because dist/stack.js requires `vscode`, which a worker thread cannot load.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readStackPlan, unreadablePlan, type PlanRequest, type PlanResult } from './readPlan';

const request = workerData as PlanRequest;
let result: PlanResult;
try {
  result = readStackPlan(request);
} catch (e) {
  result = { plan: unreadablePlan(request.file, `cannot plan ${request.file}: ${(e as Error)?.message ?? String(e)}`), notes: [] };
}
parentPort!.postMessage(result);
