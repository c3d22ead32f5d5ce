import { createHash } from 'node:crypto';
import type { ReadRefusal } from '../core/boundedFile';
import { boundedReader } from '../compose/project';
import { overlayReader, textOnlyReader } from '../compose/project/overlayReader';
import type { ProjectSource } from './projectAnalysis';

/**
 * What a worker thread needs to analyse a Compose file within its project: plain data (a reader does not cross
 * threads). The language server and the CLI send it with the file's text.
 */
export interface ProjectJob {
  /** The analysed file's absolute path. */
  file: string;
  /** Reads stay inside this folder (the workspace folder, the CLI's project folder); undefined: anywhere. */
  root: string | undefined;
  rootLabel?: string;
  /** The editor's open documents (absolute path, text): read instead of the disk. */
  open?: Array<[string, string]>;
  /** The files named with `-f`: the project is these. */
  files?: { cwd: string; paths: string[] };
  /** The language server's count of changes on disk (projectAnalysis.ts ProjectSource.epoch). */
  epoch?: number;
}

/** The job's project source: its files read inside its root, open documents first. */
export function projectSourceOf(job: ProjectJob, onRefused?: (path: string, refusal: ReadRefusal) => void): ProjectSource {
  const disk = boundedReader({ root: job.root, ...(job.rootLabel ? { rootLabel: job.rootLabel } : {}), ...(onRefused ? { onRefused } : {}) });
  return {
    reader: overlayReader(disk, new Map(job.open ?? [])),
    ...(job.files ? { files: job.files } : {}),
    ...(job.epoch !== undefined ? { epoch: job.epoch, textsKey: textsKey(job.open ?? []) } : {}),
  };
}

/**
 * The source of a Compose text that no project on disk may be read for (an untitled document, a file outside the
 * workspace), named `file`: the text is the whole project and the `.env` values given are its variables. It is read
 * as a project only for its YAML documents, which compose-go merges (projectAnalysis.ts multiPartProject).
 */
export function textAloneSource(file: string, text: string, variables: ReadonlyMap<string, string>): ProjectSource {
  return { reader: textOnlyReader(file, text), environment: variables };
}

/**
 * The open texts as a short key: a digest of each path and text. The texts themselves as a key (their JSON) cost a
 * few milliseconds to build and to compare for each of a project's open files on every keystroke.
 */
function textsKey(open: ReadonlyArray<[string, string]>): string {
  const hash = createHash('sha256');
  for (const [path, text] of open) hash.update(`${path.length}:${path}${text.length}:`).update(text);
  return hash.digest('base64');
}
