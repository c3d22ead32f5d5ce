/**
 * vLLM's `--config FILE` (facts/vllm-config-file.json: vllm/utils/argparse_utils.py at 52a31cce): before argparse
 * runs, FlexibleArgumentParser loads a YAML file, judged by the text after the path's last `.`, and turns each
 * top-level key into the word `--key` (then read like any command-line flag).
 */
import facts from './facts/vllm-config-file.json';

/** vLLM's own words when it refuses the file for its extension; undefined when it takes it. */
export function configFileRefusal(path: string): string | undefined {
  // `file_path.split(".")[-1]`, compared as is: `/cfg/vllm` (no `.`) and `VLLM.YAML` are refused too.
  const extension = path.slice(path.lastIndexOf('.') + 1);
  return facts.extension.accepted.includes(extension) ? undefined : facts.extension.error.message.replace('{extension}', extension);
}

/** The flag vLLM makes of a top-level key; undefined when the value adds no word (`false`, an empty list). */
export function configKeyFlag(key: string, value: unknown): string | undefined {
  if (value === false || (Array.isArray(value) && value.length === 0)) return undefined;
  // `_` becomes `-` later, as on the command line (vllmFlags.ts normalizeFlag).
  return `--${key}`;
}

/** What vLLM says when the exact word `--config` appears twice, or ends the command line. */
export const CONFIG_REPEATED = facts.trigger.errors.repeated.message;
export const CONFIG_WITHOUT_FILE = facts.trigger.errors.no_value.message;
