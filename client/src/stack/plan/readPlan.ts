/**
 * Reads the chosen Compose file (and its `.env`, and the Dockerfiles its `build:` sections name) and plans it: the
 * whole of what the Services view needs from disk. It runs on a worker thread (planWorker.ts, started by
 * planOffThread.ts), never on the extension host's main thread, so neither a huge Compose file nor a `.env` that
 * points at something huge can freeze the editor.
 */
import { dirname, resolve } from 'node:path';
import { containingRoot, MAX_COMPOSE_BYTES, readBoundedText, type ReadBoundary } from '../../../../server/src/core/boundedFile';
import { dotEnvBeside } from '../../../../server/src/compose/dotEnvFile';
import { planStack } from '../../../../server/src/compose/stackPlan';
import { fileBuildContexts } from '../../../../server/src/dockerfile/buildContextFiles';
import type { StackPlan } from '../../../../server/src/compose/stackPlanTypes';

/** What the worker is asked: the file, the workspace folders and the shell environment compose would see. */
export interface PlanRequest {
  file: string;
  /** The workspace folders: the file's `.env` and Dockerfiles are read only inside the one holding it. */
  roots: readonly string[];
  env: Record<string, string | undefined>;
}

/** The plan, and what was not read on the way (for the output channel). */
export interface PlanResult {
  plan: StackPlan;
  notes: string[];
}

/** A plan that could not be made: no project, nothing to list; `reason` is what the views show. */
export function unreadablePlan(file: string, reason: string): StackPlan {
  return { file: resolve(file), project: '', services: [], parseError: reason };
}

/** True for a plan from unreadablePlan (planStack always names a project). */
export function isUnreadable(plan: StackPlan): boolean {
  return plan.project === '';
}

/**
 * Reads and plans within the workspace folder holding the file (a file picked outside every folder: its own folder),
 * through core/boundedFile.ts: the Compose file at most MAX_COMPOSE_BYTES, checked before a byte is read; `.env` and
 * Dockerfiles at most 1 MiB, never outside the folder. Never throws.
 */
export function readStackPlan(request: PlanRequest): PlanResult {
  const { file, env } = request;
  const notes: string[] = [];
  const boundary: ReadBoundary = {
    root: containingRoot(request.roots, file) ?? dirname(resolve(file)),
    onRefused: (path, refusal) => notes.push(`${path} was not read: ${refusal.message}`),
  };
  const compose = readBoundedText(file, boundary, MAX_COMPOSE_BYTES);
  if (!compose.ok) return { plan: unreadablePlan(file, `${file} was not read: ${compose.refusal.message}`), notes };
  const plan = planStack(compose.text, file, { env, dotEnv: dotEnvBeside(file, boundary), buildContexts: fileBuildContexts(dirname(file), boundary) });
  return { plan, notes };
}
