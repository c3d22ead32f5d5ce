import type { BoundedRead } from '../../core/boundedFile';
import type { KeptParses } from '../yamlDocuments';

/** How the loader reaches files: injected, so the model stays testable and reads stay inside a boundary. */
export interface ProjectReader {
  /** The text of a file (core/boundedFile.ts in production). */
  read(path: string): BoundedRead;
  /** What is at `path`, without reading it. */
  kind(path: string): 'file' | 'dir' | undefined;
  /** The user's home folder, for `~` in paths. */
  home?: string;
}

/** compose-go's loader.Options, the part this loader implements. */
export interface LoaderOptions {
  skipInterpolation?: boolean;
  skipNormalization?: boolean;
  skipInclude?: boolean;
  skipExtends?: boolean;
  skipDefaultValues?: boolean;
  skipResolveEnvironment?: boolean;
  resolvePaths?: boolean;
  /** `--profile` / COMPOSE_PROFILES. */
  profiles?: string[];
  /** The project name, and whether it was given (`-p`, COMPOSE_PROJECT_NAME) rather than derived from the folder. */
  projectName?: string;
  projectNameImperativelySet?: boolean;
}

/** The folder relative paths of the file being loaded are resolved against (compose-go's localResourceLoader). */
export interface LoadScope {
  reader: ProjectReader;
  options: LoaderOptions;
  /** Absolute folder: where a relative `extends.file` or `include` path is looked for. */
  loaderDir: string;
  /** The variables interpolation reads (the shell's, then the `.env` files'). */
  env: ReadonlyMap<string, string>;
  /** Parses of files' texts kept by the caller (the language server's open files): not parsed again. */
  keptParses?: KeptParses;
}
