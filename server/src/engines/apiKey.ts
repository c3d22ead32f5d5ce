/**
 * Where each engine takes the API key it demands of clients: a `--api-key` flag and the env var that stands for it.
 * vLLM: `--api-key`, else `VLLM_API_KEY` (facts/vllm-env.json: "when --api-key is not given (CLI wins)"). The
 * others from their flag tables (facts/<engine>-flags.json, read from each engine's source): TGI and TEI take
 * `--api-key` or `API_KEY` (clap `env`), llama.cpp `--api-key` or `LLAMA_API_KEY` (a comma-separated list of keys),
 * SGLang `--api-key` only. An engine whose table has no `--api-key` demands no key we know of.
 */
import { flagTable } from './engineFlagTables';
import type { EngineId } from './engines';

export interface ApiKeySource {
  flag: string;
  /** The env var the engine reads the key from when the flag is absent. */
  env?: string;
  /** The value may list several keys, comma-separated: any one of them is accepted. */
  list: boolean;
}

const API_KEY_FLAG = '--api-key';

export function apiKeySource(engine: EngineId): ApiKeySource | undefined {
  if (engine === 'vllm') return { flag: API_KEY_FLAG, env: 'VLLM_API_KEY', list: false };
  const flag = flagTable(engine)?.flags.find((f) => f.flag === API_KEY_FLAG);
  if (!flag) return undefined;
  return { flag: API_KEY_FLAG, ...(flag.env ? { env: flag.env } : {}), list: flag.type === 'list' };
}

/** One key a client can send: the first of a list. */
export function oneKey(source: ApiKeySource, value: string): string | undefined {
  const key = source.list ? value.split(',')[0]!.trim() : value;
  return key === '' ? undefined : key;
}

/**
 * How an engine is given its key, in words: "VLLM_API_KEY or --api-key", "--api-key" (SGLang); undefined for an
 * engine that demands none we know of. The flag comes last: text is masked before it is shown, and the masker takes
 * the word after `--api-key` for a key.
 */
export function apiKeyHow(engine: EngineId): string | undefined {
  const source = apiKeySource(engine);
  return source && (source.env ? `${source.env} or ${source.flag}` : source.flag);
}
