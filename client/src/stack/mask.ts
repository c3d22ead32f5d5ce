import { TRUNCATION_MARK } from './logLines';

/**
 * Masks secrets in a log line before it is shown or kept: a recognisable prefix stays (`hf_****`, `sk-****`,
 * `Bearer ****`, `--api-key ****`) so a person can tell which secret was there; the rest never leaves this
 * function. It runs on every line, so it is a cheap pre-check (MAYBE_SECRET) and then one combined regular
 * expression, a single scan; a line with nothing to mask comes back as the same string.
 *
 * Works on whole lines: the LineSplitter joins a token that the network split across chunks before it gets here.
 *
 * Token formats are those of the linter's `secret-literal` rule (server/src/rules/secret-literal.ts); named values
 * cover what vLLM and the CLI print: `--api-key <k>` / `--api-key=<k>` (vllm-cli-flags.json: `--api-key` takes one
 * or more keys, nargs='+'), `--hf-token`, `HF_TOKEN=`, `VLLM_API_KEY=`, and vLLM's "non-default args: {...,
 * 'api_key': ['k']}" line (vllm-server.json startup milestone "non-default args: %s").
 */

const MASK = '****';

/** Secret-shaped tokens with a vendor prefix, found anywhere. The prefix is what stays visible. */
const PREFIXED = String.raw`(?<![A-Za-z0-9])(?:sk-ant-[\w-]{20,}|sk-(?:proj-|svcacct-|admin-)?[\w-]{20,}|hf_[A-Za-z0-9]{30,}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,}|nvapi-[\w-]{20,}|(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9]))`;
const KNOWN_PREFIX = /^(?:sk-ant-|sk-proj-|sk-svcacct-|sk-admin-|sk-|hf_|nvapi-|gh[pousr]_|github_pat_|AKIA|ASIA)/i;

/** Names whose value is a secret: api_key, api-key, VLLM_API_KEY, hf_token, HF_TOKEN, --hf-token, password... */
const NAME = String.raw`(?:[A-Za-z0-9]+[-_])*(?:api[-_]?key|access[-_]?key|secret[-_]?key|token|secret|password|passwd)`;
/** A value: quoted, a Python/JSON list (`--api-key` takes several keys), or a bare word. */
const VALUE = String.raw`'[^'\n]*'|"[^"\n]*"|\[[^\]\n]*\]|[^\s,;'"\])}&]+`;

const ALTERNATIVES = [
  // 1, 2: `Authorization: Bearer <x>` (also Basic/Token schemes and a bare `Authorization: <x>`).
  String.raw`(\bauthorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token)\s+)?)([^\s"',;]+)`,
  // 3, 4: `Bearer <x>` anywhere (curl lines, proxies' logs).
  String.raw`(\bbearer\s+)([A-Za-z0-9._~+/=-]+)`,
  // 5, 6, 7: a command-line flag: `--api-key <x>`, `--api-key=<x>`, `--hf-token <x>`.
  String.raw`((?<![\w-])--?(${NAME})(?:\s*=\s*|\s+))(${VALUE})`,
  // 8, 9, 10: a key and value: `HF_TOKEN=<x>`, `api_key: <x>`, `'api_key': ['<x>']`, `"token": "<x>"`.
  String.raw`((?<![\w-])['"]?(${NAME})['"]?\s*[:=]\s*)(${VALUE})`,
  // 11, 12: the password of credentials in a URL: `https://user:<x>@host`.
  String.raw`(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(?=@)`,
  // 13: a token with a known prefix, on its own.
  `(${PREFIXED})`,
];
const SECRET = new RegExp(ALTERNATIVES.join('|'), 'gi');

/** Tokenizer settings, not secrets (`bos_token='<s>'` in a config dump). */
const NOT_SECRET_NAME = /(?:^|[-_])(?:bos|eos|pad|unk|sep|cls|mask|special|additional_special)[-_]token$/i;
/** Values that say there is no secret; showing them helps ("api_key: None" means the server has no key). */
const NO_VALUE = /^(?:|none|null|nil|undefined|\*+)$/i;

/** `hf_abc...` -> `hf_****`; anything without a known prefix -> `****`. */
function maskToken(token: string): string {
  if (NO_VALUE.test(token)) return token;
  const prefix = KNOWN_PREFIX.exec(token);
  return (prefix ? prefix[0] : '') + MASK;
}

/** Masks a value as matched by VALUE: the quotes and list brackets stay, each item inside is masked. */
function maskValue(value: string): string {
  const first = value[0];
  if (first === "'" || first === '"') return first + maskToken(value.slice(1, -1)) + first;
  if (first === '[') {
    return value.replace(/'([^']*)'|"([^"]*)"|([^\s,'"[\]]+)/g, (m, sq?: string, dq?: string, bare?: string) =>
      sq !== undefined ? `'${maskToken(sq)}'` : dq !== undefined ? `"${maskToken(dq)}"` : bare !== undefined ? maskToken(bare) : m,
    );
  }
  return maskToken(value);
}

/** A token name ending in `token` with a number (SGLang's `#new-token: 7`) is a count, not a secret. */
function isCount(name: string, value: string): boolean {
  return /token$/i.test(name) && /^\d+(?:\.\d+)?%?$/.test(value);
}

function replace(match: string, ...g: (string | undefined)[]): string {
  if (g[0] !== undefined) return g[0] + maskToken(g[1]!);
  if (g[2] !== undefined) return g[2] + maskToken(g[3]!);
  if (g[4] !== undefined) return isCount(g[5]!, g[6]!) ? match : g[4] + maskValue(g[6]!);
  if (g[7] !== undefined) {
    if (NOT_SECRET_NAME.test(g[8]!) || isCount(g[8]!, g[9]!)) return match;
    return g[7] + maskValue(g[9]!);
  }
  if (g[10] !== undefined) return g[10] + MASK;
  if (g[12] !== undefined) return maskToken(g[12]);
  return match;
}

/** A prefixed token cut short by the line splitter's maximum length, right before the cut mark. */
const CUT_TOKEN = /(?<![A-Za-z0-9])(sk-|hf_|nvapi-|gh[pousr]_|github_pat_|AKIA|ASIA)[\w-]*$/i;

/**
 * Every alternative of SECRET contains one of these words: one simple scan (about 4 times cheaper than SECRET)
 * lets most lines through untouched.
 */
const MAYBE_SECRET = /hf_|sk-|nvapi-|gh[pousr]_|github_pat_|AKIA|ASIA|bearer|authori|key|token|secret|passw|:\/\//i;

/** The line with every secret masked. */
export function maskSecrets(line: string): string {
  if (!MAYBE_SECRET.test(line)) return line;
  let out = line.replace(SECRET, replace);
  if (out.endsWith(TRUNCATION_MARK)) {
    const body = out.slice(0, -TRUNCATION_MARK.length);
    const cut = CUT_TOKEN.exec(body);
    if (cut) out = body.slice(0, cut.index) + cut[1] + MASK + TRUNCATION_MARK;
  }
  return out;
}
