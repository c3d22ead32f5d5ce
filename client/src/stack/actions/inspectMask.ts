/**
 * A container's inspect JSON (`GET /containers/{id}/json`, what `docker inspect` prints) as "Show Container Inspect"
 * shows it: pretty JSON, still valid JSON, with every secret masked.
 *
 * The masker (logs/mask.ts) reads lines of a log; run over pretty JSON it would take `"HF_TOKEN=hf_…",` to the line
 * end, quote and comma included. So the JSON is walked and each string (key or value) is masked on its own, which
 * keeps it valid, with what only the structure tells:
 * - a value under a key that names a secret (`{"api_key": "x"}` in labels): masked whole;
 * - `NAME=value` strings (`Config.Env`) whose NAME names a secret (server/src/core/secretFormats.ts isSecretName):
 *   the value masked, a known prefix kept (`HF_TOKEN=hf_****`);
 * - a command line's array (`Config.Cmd`, `Config.Entrypoint`, `Args`, a healthcheck's `Test`): the item after a flag
 *   that names a secret (`"--api-key", "k"`) is masked, as `--api-key=k` is;
 * - then every string through maskSecrets: tokens of a known format anywhere, `Bearer x`, URL passwords, and the
 *   values the caller knows are secret (the service's API key).
 */
import { isSecretName, TOKEN_PREFIXES } from '../../../../server/src/core/secretFormats';
import { maskSecrets } from '../logs/mask';

const MASK = '****';

/** `hf_abc…` -> `hf_****`, anything else -> `****`; an empty value stays empty. */
function maskedValue(value: string): string {
  if (value === '') return value;
  const prefix = TOKEN_PREFIXES.find((p) => value.toLowerCase().startsWith(p.toLowerCase()));
  return (prefix ? value.slice(0, prefix.length) : '') + MASK;
}

/** `NAME=value` with a secret NAME, masked; else undefined. */
function maskedAssignment(text: string): string | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0) return undefined;
  const name = text.slice(0, eq).replace(/^-+/, '');
  if (!/^[A-Za-z_][\w.-]*$/.test(name) || !isSecretName(name)) return undefined;
  return text.slice(0, eq + 1) + maskedValue(text.slice(eq + 1));
}

/** A flag whose value is the next item: `--api-key`, `-token`, `--hf-token`. */
function isSecretFlag(item: unknown): boolean {
  return typeof item === 'string' && /^--?[A-Za-z][\w.-]*$/.test(item) && isSecretName(item.replace(/^-+/, ''));
}

function maskString(text: string, known: readonly (string | undefined)[]): string {
  return maskSecrets(maskedAssignment(text) ?? text, { known });
}

function walk(value: unknown, known: readonly (string | undefined)[]): unknown {
  if (typeof value === 'string') return maskString(value, known);
  if (Array.isArray(value)) {
    return value.map((item, i) => (i > 0 && isSecretFlag(value[i - 1]) && typeof item === 'string' ? maskedValue(item) : walk(item, known)));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const name = maskString(key, known);
      out[name] = typeof v === 'string' && isSecretName(key) ? maskedValue(v) : walk(v, known);
    }
    return out;
  }
  return value;
}

/** The inspect result as pretty JSON (2 spaces), every secret masked (see the module comment). */
export function maskedInspectJson(inspect: unknown, known: readonly (string | undefined)[] = []): string {
  return `${JSON.stringify(walk(inspect, known.filter((k) => !!k)), null, 2)}\n`;
}
