/** compose-go's dotenv.GetEnvFromFile (dotenv/env.go): the variables of a list of `.env` files, in order. */
import { parseDotEnvFile } from '../dotenv';
import type { ProjectReader } from './context';
import { ComposeError } from './tree';

export function readEnvFiles(files: readonly string[], reader: ProjectReader, currentEnv: ReadonlyMap<string, string>): Map<string, string> {
  let env = new Map<string, string>();
  for (const file of files) {
    const kind = reader.kind(file);
    if (kind === undefined) throw new ComposeError(`couldn't find env file: ${file}`);
    if (kind === 'dir') throw new ComposeError(`${file} is a directory`);
    const read = reader.read(file);
    if (!read.ok) throw new ComposeError(`couldn't read env file: ${file} (${read.refusal.message})`);
    // Variables are looked up in the environment first, then in the lines and files read before.
    const parsed = parseDotEnvFile(read.text, { lookup: (k) => currentEnv.get(k) ?? env.get(k), initial: env });
    const error = parsed.errors[0];
    if (error) throw new ComposeError(`failed to read ${file}: ${error.message}`);
    env = parsed.env;
  }
  return env;
}

/** compose-go's Mapping.Merge: `base` keeps what it has (the shell wins over `.env`). */
export function mergeEnv(base: ReadonlyMap<string, string>, added: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map(base);
  for (const [k, v] of added) if (!out.has(k)) out.set(k, v);
  return out;
}
