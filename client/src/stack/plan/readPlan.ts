/**
 * Reads the chosen Compose file's project (its override or `COMPOSE_FILE` set, or the files chosen, with the `.env`
 * and the Dockerfiles its `build:` sections name) and plans it: the whole of what the Services view needs from disk.
 * It runs on a worker thread (planWorker.ts, started by planOffThread.ts), never on the extension host's main thread,
 * so neither a huge Compose file nor a `.env` that points at something huge can freeze the editor.
 */
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { containingRoot, MAX_COMPOSE_BYTES, MAX_SIDE_FILE_BYTES, readBoundedText, type BoundedRead, type ReadBoundary } from '../../../../server/src/core/boundedFile';
import { boundedReader, type ProjectReader } from '../../../../server/src/compose/project';
import { planProject } from '../../../../server/src/compose/projectPlan';
import { fileBuildContexts } from '../../../../server/src/dockerfile/buildContextFiles';
import type { StackPlan } from '../../../../server/src/compose/stackPlanTypes';

/** What the worker is asked: the file, the workspace folders and the shell environment compose would see. */
export interface PlanRequest {
  /** The chosen Compose file: it stands for its project (its folder's override or COMPOSE_FILE set). */
  file: string;
  /** Several files chosen, in merge order (`file` first): exactly these, as `-f` each. */
  files?: readonly string[];
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
  return { file: resolve(file), files: [resolve(file)], project: '', services: [], parseError: reason };
}

/** True for a plan from unreadablePlan (planStack always names a project). */
export function isUnreadable(plan: StackPlan): boolean {
  return plan.project === '';
}

/**
 * Reads and plans within the workspace folder holding the file (a file picked outside every folder: its own folder),
 * through core/boundedFile.ts: Compose files at most MAX_COMPOSE_BYTES, checked before a byte is read; `.env`, env
 * files and Dockerfiles at most 1 MiB, never outside the folder. Never throws.
 */
export function readStackPlan(request: PlanRequest): PlanResult {
  const { file, env } = request;
  const notes: string[] = [];
  const boundary: ReadBoundary = {
    root: containingRoot(request.roots, file) ?? dirname(resolve(file)),
    onRefused: (path, refusal) => notes.push(`${path} was not read: ${refusal.message}`),
  };
  const reader = planReader(boundary, env.HOME ?? homedir());
  const files = request.files?.length ? request.files : [file];
  for (const f of files) {
    const compose = reader.read(resolve(f));
    if (!compose.ok) return { plan: unreadablePlan(f, `${f} was not read: ${compose.refusal.message}`), notes };
  }
  const plan = planProject({ files, env, reader, buildContexts: fileBuildContexts(dirname(resolve(file)), boundary) });
  return { plan, notes };
}

/**
 * Each file read once per plan. A Compose file (YAML) that is refused fails the plan, as Compose would fail; an env
 * file that is refused (too large, not a regular file, outside the folder) reads as empty, with a note: the plan, and
 * the views, still come.
 */
function planReader(boundary: ReadBoundary, home: string): ProjectReader {
  const texts = new Map<string, BoundedRead>();
  return {
    read(path) {
      let read = texts.get(path);
      if (!read) {
        const compose = /\.(ya?ml|json)$/i.test(path);
        read = readBoundedText(path, boundary, compose ? MAX_COMPOSE_BYTES : MAX_SIDE_FILE_BYTES);
        if (!read.ok && !compose && read.refusal.reason !== 'missing') read = { ok: true, text: '' };
        texts.set(path, read);
      }
      return read;
    },
    kind: boundedReader(boundary).kind,
    home,
  };
}
