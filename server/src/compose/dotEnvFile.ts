import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MAX_SIDE_FILE_BYTES, readBoundedTextOrUndefined, type ReadBoundary } from '../core/boundedFile';
import { isComposeFileName } from '../core/fileKind';
import { parseDotEnv } from './dotenv';

const parsed = new Map<string, { text: string; env: Map<string, string> }>();

/**
 * The variables of the `.env` beside a Compose file (the only file Compose interpolates from), read within
 * `boundary` (core/boundedFile.ts: inside the workspace, a regular file, at most 1 MiB) and parsed again only when it
 * changes; empty when there is none or it is refused. The language server, the CLI and the stack plan use it.
 */
export function dotEnvBeside(composePath: string, boundary: ReadBoundary): Map<string, string> {
  const envPath = join(dirname(composePath), '.env');
  const text = readBoundedTextOrUndefined(envPath, boundary, MAX_SIDE_FILE_BYTES);
  if (text === undefined) return new Map();
  const hit = parsed.get(envPath);
  if (hit && hit.text === text) return hit.env;
  const env = parseDotEnv(text);
  parsed.delete(envPath);
  if (parsed.size >= 256) parsed.delete(parsed.keys().next().value!);
  parsed.set(envPath, { text, env });
  return env;
}

/**
 * Whether a Compose file (by its name) sits in the folder of `envPath`: the only `.env` files Compose reads, so the
 * only ones the language server and the CLI check. A folder that cannot be listed has none.
 */
export function composeFileBeside(envPath: string): boolean {
  try {
    return readdirSync(dirname(envPath), { withFileTypes: true }).some((entry) => entry.isFile() && isComposeFileName(entry.name));
  } catch {
    return false;
  }
}
