/** Loading compose-go's test projects: inline files (as its tests give Content) over real fixtures on disk. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { boundedReader, composeConfig, type ProjectReader } from '../../../server/src/compose/project';
import { loadProject, type LoadedProject, type LoadSwitches } from '../../../server/src/compose/project/project';

/** compose-go's loader/ folder: its tests name fixtures as `testdata/...` from here. */
export const LOADER_DIR = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'compose-go', 'fixtures', 'loader');

/** Reads `inline` (absolute path → text) first, then the disk, with no boundary (test fixtures only). */
export function inlineReader(inline: Record<string, string>): ProjectReader {
  const disk = boundedReader({ root: undefined });
  return {
    read: (path) => (path in inline ? { ok: true, text: inline[path]! } : disk.read(path)),
    kind: (path) => (path in inline ? 'file' : disk.kind(path)),
    home: '/home/user',
  };
}

export interface InlineLoad extends LoadSwitches {
  /** The process folder (default LOADER_DIR). */
  cwd?: string;
  projectDirectory?: string;
  env?: Record<string, string>;
  projectName?: string;
  profiles?: string[];
  envFiles?: string[];
}

/** Files as [name, text]; a name without text is read from disk. */
export function loadInline(files: Array<[string, string?]>, options: InlineLoad = {}): LoadedProject {
  const cwd = options.cwd ?? LOADER_DIR;
  const inline: Record<string, string> = {};
  for (const [name, text] of files) if (text !== undefined) inline[resolve(cwd, name)] = text;
  return loadProject(
    {
      cwd,
      environment: new Map(Object.entries(options.env ?? {})),
      files: files.map(([name]) => name),
      projectDirectory: options.projectDirectory ?? cwd,
      projectName: options.projectName,
      profiles: options.profiles,
      envFiles: options.envFiles,
    },
    inlineReader(inline),
    options,
  );
}

/** `docker compose config`'s JSON for the project. */
export function configOf(project: LoadedProject): { name: string; services: Record<string, Record<string, unknown>>; [key: string]: unknown } {
  return composeConfig(project) as ReturnType<typeof configOf>;
}

/** A temporary folder with these files (compose-go's t.TempDir() tests). */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-project-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The error message a load throws. */
export function loadError(load: () => unknown): string {
  try {
    load();
  } catch (err) {
    return (err as Error).message;
  }
  return '(no error)';
}
