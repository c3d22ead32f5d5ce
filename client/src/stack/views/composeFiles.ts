/**
 * The texts of "Choose Compose File" and of the Services view's title about the stack's file set, without VS Code:
 * which files Compose loads when one file is chosen (its folder's default file and override, found by name among the
 * workspace's Compose files: nothing is read), the order of several files as the person checks them, and a file set
 * in a few words ("compose.yaml + compose.override.yaml").
 */
import { dirname } from 'node:path';
import { defaultConfigFiles, type ProjectReader } from '../../../../server/src/compose/project';

export interface ComposeFileItem {
  label: string;
  description: string;
  file: string;
  /** What Compose loads when this file alone is chosen (it, or its folder's default file and override). */
  loads: string[];
}

/** "a + b + c", each as `relative` names it. */
export function describeFileSet(files: readonly string[], relative: (file: string) => string): string {
  return files.map(relative).join(' + ');
}

/**
 * What `docker compose` run in the file's folder loads, when that includes the file: the default file and its
 * override (project/files.ts defaultConfigFiles, asked of the names found); else the file alone. A `COMPOSE_FILE`
 * in the folder's `.env` is not seen here (the plan, read off the main thread, has it).
 */
export function filesLoadedWith(file: string, found: readonly string[]): string[] {
  const names = new Set(found);
  const byName: ProjectReader = { read: () => ({ ok: false, refusal: { reason: 'missing', message: 'not read' } }), kind: (p) => (names.has(p) ? 'file' : undefined) };
  const set = defaultConfigFiles(dirname(file), byName);
  return set.includes(file) ? set : [file];
}

/** One item per Compose file; the current choice and what choosing the file alone loads, in the description. */
export function composeFileItems(found: readonly string[], current: readonly string[] | undefined, relative: (file: string) => string): ComposeFileItem[] {
  return found.map((file) => {
    const loads = filesLoadedWith(file, found);
    const parts = [
      ...(current?.includes(file) ? [current.length > 1 ? `current (${current.indexOf(file) + 1} of ${current.length})` : 'current'] : []),
      ...(loads.length > 1 ? [`loads ${describeFileSet(loads, relative)}`] : []),
    ];
    return { label: relative(file), description: parts.join(' · '), file, loads };
  });
}

/** The files checked, in the order they were checked: those still checked keep their place, new ones go last. */
export function pickOrder(previous: readonly string[], checked: readonly string[]): string[] {
  const still = previous.filter((f) => checked.includes(f));
  return [...still, ...checked.filter((f) => !still.includes(f))];
}

/** The picker's title: the order so far, or what Enter loads for the highlighted file when nothing is checked. */
export function pickerTitle(order: readonly string[], active: ComposeFileItem | undefined, relative: (file: string) => string): string {
  if (order.length) return `Compose files, in merge order: ${order.map((f, i) => `${i + 1}. ${relative(f)}`).join('  ')}`;
  if (active) return `Nothing checked: Enter loads ${describeFileSet(active.loads, relative)}`;
  return 'Inference Stack: the Compose files of the stack';
}

/** What a stack command acts on: these files, or a question to the person (the active Compose file preselected). */
export type FilesToActOn = { files: string[] } | { ask: true };

export interface FileChoiceInput {
  /** A file the command was given (the "Start" code lens, the editor title button). */
  named?: string;
  /** The Compose file in the active editor, if it is one of the workspace's. */
  active?: string;
  /** Start follows the active editor; the commands on a running stack (Stop, logs, probe…) follow the shown one. */
  followActive: boolean;
  /** The remembered choice: the project the Services view shows. */
  remembered?: readonly string[];
  /** The files the remembered choice loads (its plan's files: the override and COMPOSE_FILE set included). */
  rememberedLoads?: readonly string[];
  /** The workspace's Compose files. */
  found: readonly string[];
}

/**
 * Which Compose files a stack command acts on (issue 12, "the file you mean"): the file it was given, else (Start) the
 * Compose file in the active editor, else the remembered choice, else the active file, else the workspace's only
 * Compose file; else the person is asked. A file of the remembered project (one of its files, or a file it loads)
 * keeps the remembered choice, so a set of files chosen in order is not narrowed to one of them.
 */
export function filesToActOn(input: FileChoiceInput): FilesToActOn {
  const { remembered } = input;
  const explicit = input.named ?? (input.followActive ? input.active : undefined);
  const ofRemembered = (file: string) => !!remembered && (remembered.includes(file) || !!input.rememberedLoads?.includes(file));
  if (explicit) return { files: ofRemembered(explicit) ? [...remembered!] : [explicit] };
  if (remembered?.length) return { files: [...remembered] };
  if (input.active) return { files: [input.active] };
  if (input.found.length === 1) return { files: [input.found[0]!] };
  return { ask: true };
}
