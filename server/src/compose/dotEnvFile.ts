import { dirname, join } from 'node:path';
import { readCachedText } from '../core/cachedTextFile';
import { parseDotEnv } from './interpolation';

const parsed = new Map<string, { text: string; env: Map<string, string> }>();

/**
 * The variables of the `.env` beside a Compose file (the only file Compose interpolates from), read and parsed
 * again only when it changes; empty when there is none or it cannot be read. The language server and the stack
 * plan use it.
 */
export function dotEnvBeside(composePath: string): Map<string, string> {
  const envPath = join(dirname(composePath), '.env');
  const text = readCachedText(envPath);
  if (text === undefined) return new Map();
  const hit = parsed.get(envPath);
  if (hit && hit.text === text) return hit.env;
  const env = parseDotEnv(text);
  parsed.delete(envPath);
  if (parsed.size >= 256) parsed.delete(parsed.keys().next().value!);
  parsed.set(envPath, { text, env });
  return env;
}
