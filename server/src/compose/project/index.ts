/**
 * A Compose project as `docker compose` loads it (compose-go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2).
 *
 * Design. compose-go turns each file into a `map[string]any`, then interpolates, includes, extends, merges and
 * rewrites that map. This folder does the same steps on a tree of its own (tree.ts) whose every node keeps its
 * Origin: the file and the YAML node (and its range) it was read from. Merging moves nodes, it never copies their
 * text, so the merged project still says, for each value, which file set it; a map entry also keeps the key that
 * first defined it (`keyOrigin`) and where later files wrote it again (`alsoAt`). Values Compose derives (a port's
 * long form from "8000:8000", a default `count: all`) point at the text they came from (or the map they were
 * added to). Rules can then report a value in the file it came from, or a missing part at a service key.
 *
 * Modules, in the order a load runs:
 * - files.ts: which files, working directory, variables (`.env`, `--env-file`), profiles (cli/options.go);
 * - load.ts: one file's YAML documents → trees: aliases, merge keys, `!reset`/`!override` (loader/reset.go);
 * - interpolate.ts: `${VAR}` in every string, with compose-go's type casts (loader/interpolate.go);
 * - include.ts, extends.ts: `include` and `extends` (loader/include.go, loader/extends.go);
 * - reset.ts, merge.ts, unicity.ts: laying a file over the ones before it (override/merge.go, uncity.go);
 * - canonical.ts, defaults.ts, paths.ts: long forms, defaults, absolute paths (transform/, paths/);
 * - loader.ts: those steps per file and per model (loader/loader.go);
 * - normalize.ts, project.ts: the project (name, networks, profiles, env files: loader/normalize.go, types/);
 * - output.ts: what `docker compose config` prints.
 * File reads go through a ProjectReader (context.ts): boundedReader() reads through core/boundedFile.ts.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { MAX_COMPOSE_BYTES, readBoundedText, type ReadBoundary } from '../../core/boundedFile';
import type { ProjectReader } from './context';

export type { ProjectReader, LoaderOptions } from './context';
export { loadProject, type LoadedProject } from './project';
export { resolveProjectOptions, projectForFile, projectInputForFile, defaultConfigFiles, normalizeProjectName, DEFAULT_FILE_NAMES, DEFAULT_OVERRIDE_FILE_NAMES, type ProjectInput, type ProjectOptions } from './files';
export { composeConfig, goDuration } from './output';
export { ComposeError, nodeAt, toPlain, type Origin, type ProjectNode, type MapNode, type SeqNode, type ScalarNode, type MapEntry } from './tree';

/** Reads within `boundary` (inside the project folder unless it has no root), each file at most MAX_COMPOSE_BYTES. */
export function boundedReader(boundary: ReadBoundary): ProjectReader {
  return {
    read: (path) => readBoundedText(path, boundary, MAX_COMPOSE_BYTES),
    kind: (path) => {
      try {
        const stat = statSync(path);
        return stat.isDirectory() ? 'dir' : 'file';
      } catch {
        return undefined;
      }
    },
    home: homedir(),
  };
}
