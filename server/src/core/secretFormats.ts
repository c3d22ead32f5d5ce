/**
 * What a secret looks like, in one place: the linter's `secret-literal` rule finds them in files, and the
 * extension's masker (client/src/stack/logs/mask.ts) hides them in logs, the output channel, notifications and probe
 * errors. A format added here is found by both.
 *
 * Every pattern is linear: a literal prefix, then one character class that cannot overlap what follows it, so
 * no attempt backtracks more than its own run.
 */

export interface TokenFormat {
  /** What it is, for the linter's message ("Hugging Face token"). */
  label: string;
  /** The variable the linter suggests instead of the literal. */
  envName: string;
  /** The literal prefixes a token of this format starts with; the masker keeps them visible (`hf_****`). */
  prefixes: readonly string[];
  /** The shortest token of this format, prefix included. */
  minLength: number;
  /** The whole token; global, case-sensitive. */
  pattern: RegExp;
}

/** Tokens with a recognisable vendor prefix: found anywhere, even inside a longer string. Most specific first. */
export const TOKEN_FORMATS: readonly TokenFormat[] = [
  { label: 'Anthropic API key', envName: 'ANTHROPIC_API_KEY', prefixes: ['sk-ant-'], minLength: 27, pattern: /(?<![\w-])sk-ant-[\w-]{20,}/g },
  {
    label: 'OpenAI-style API key', envName: 'OPENAI_API_KEY', prefixes: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-'], minLength: 23,
    pattern: /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[\w-]{20,}/g,
  },
  { label: 'Hugging Face token', envName: 'HF_TOKEN', prefixes: ['hf_'], minLength: 33, pattern: /(?<!\w)hf_[A-Za-z0-9]{30,}/g },
  {
    label: 'GitHub token', envName: 'GITHUB_TOKEN', prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], minLength: 33,
    pattern: /(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})/g,
  },
  { label: 'AWS access key', envName: 'AWS_ACCESS_KEY_ID', prefixes: ['AKIA', 'ASIA'], minLength: 20, pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { label: 'NVIDIA API key', envName: 'NGC_API_KEY', prefixes: ['nvapi-'], minLength: 26, pattern: /(?<![\w-])nvapi-[\w-]{20,}/g },
  {
    label: 'Slack token', envName: 'SLACK_TOKEN', prefixes: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-'], minLength: 15,
    pattern: /(?<![\w-])xox[baposr]-[A-Za-z0-9-]{10,}/g,
  },
  // A JWT's header and payload are base64url JSON, so both start with `eyJ` (`{"`); `.` ends each part.
  { label: 'JSON Web Token', envName: 'JWT', prefixes: ['eyJ'], minLength: 36, pattern: /(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/g },
];

/** Every prefix of TOKEN_FORMATS, longest first (so `sk-proj-` wins over `sk-`). */
export const TOKEN_PREFIXES: readonly string[] = TOKEN_FORMATS.flatMap((f) => f.prefixes).sort((a, b) => b.length - a.length);

/** The shortest token any format matches. */
export const SHORTEST_TOKEN = Math.min(...TOKEN_FORMATS.map((f) => f.minLength));

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches where any TOKEN_FORMATS token could start: one cheap test skips text without any (most text). */
export const ANY_TOKEN_PREFIX = new RegExp(TOKEN_PREFIXES.map(escapeRegExp).join('|'));

/** Words that end a secret name (compared lower-case): `HF_TOKEN`, `apiKey`, `x-api-key`, `db.password`, ... */
const SECRET_WORDS: readonly string[] = [
  'token', 'secret', 'password', 'passwd', 'passphrase', 'pgpassword',
  ...['api', 'access', 'secret', 'private', 'master', 'encryption', 'signing', 'auth'].flatMap((w) => ['', '_', '-', '.'].map((sep) => `${w}${sep}key`)),
].sort((a, b) => b.length - a.length);
/** Words that end a secret name only after another word: alone they are a test result and the working directory. */
const SECRET_SUFFIXES: readonly string[] = ['pass', 'pwd'];
/** Tokenizer settings, not secrets (`bos_token='<s>'` in a config dump): the word before `token`. */
const TOKENIZER_WORD = /(?:^|[-_.])(?:bos|eos|pad|unk|sep|cls|mask|special|additional[-_.]special)[-_.]?$/;

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/** A word starts at name[at]: the name starts there, a `_`/`-`/`.` is before it, or camelCase (`hfToken`). */
function startsWord(name: string, at: number): boolean {
  if (at === 0) return true;
  const before = name.charCodeAt(at - 1);
  if (before === 0x5f || before === 0x2d || before === 0x2e) return true;
  return isUpper(name.charCodeAt(at)) && !isUpper(before) && before !== 0x5f;
}

/**
 * True for a name (an environment variable, a JSON key, a setting, a flag without its dashes) whose value is a
 * secret: its last word is one of SECRET_WORDS (`HF_TOKEN`, `apiKey`, `x-api-key`, `db.password`, `PGPASSWORD`,
 * `client_secret`), or `pass` / `pwd` after another word (`DB_PASS`, `MYSQL_PWD`); tokenizer tokens excepted.
 * Constant work per name but for one lower-casing: it runs on every name a log line holds.
 */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  for (const word of SECRET_WORDS) {
    const at = lower.length - word.length;
    if (at < 0 || !lower.endsWith(word) || !startsWord(name, at)) continue;
    return word !== 'token' || !TOKENIZER_WORD.test(lower.slice(Math.max(0, at - 24), at));
  }
  for (const word of SECRET_SUFFIXES) {
    const at = lower.length - word.length;
    if (at > 0 && lower.endsWith(word) && startsWord(name, at)) return true;
  }
  return false;
}

/** Command-line flags whose value is a secret (the linter's list; the masker takes any flag with a secret name). */
export const SECRET_FLAG = /^--?(api[-_]key|admin[-_]api[-_]key|hf[-_]token|hft|token|password)$/;

/** The first line of a PEM private key (`-----BEGIN RSA PRIVATE KEY-----`, `OPENSSH`, `EC`, `ENCRYPTED`, none). */
export const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
/** Where a PEM block ends (its END line). */
export const PEM_END = '-----END ';

/** Characters that end a URL's authority (RFC 3986), or the URL in a command line or a log line. */
const AUTHORITY_END = /[/?#"'<>`\\\x00-\x20]/;

/**
 * The password of the URL whose `://` is at `at`: from the authority's first `:` to its last `@`, as URL parsers read
 * it (`user:pass@db`, `:pass@redis`; undefined when there is none), and where the authority ends. One pass over the
 * authority only (indexOf / lastIndexOf could run past it: quadratic over many URLs). `skipAt(j)`: the end of a
 * stretch starting at j that holds no separator (a `${...}` reference), if one does.
 */
export function urlPasswordAt(text: string, at: number, skipAt?: (j: number) => number | undefined): { password: { start: number; end: number } | undefined; authorityEnd: number } {
  let colon = -1;
  let lastAt = -1;
  let j = at + 3;
  for (; j < text.length && !AUTHORITY_END.test(text[j]!); j++) {
    const skipped = skipAt?.(j);
    if (skipped !== undefined) j = skipped - 1;
    else if (text.charCodeAt(j) === 0x40 /* @ */) lastAt = j;
    else if (text.charCodeAt(j) === 0x3a /* : */ && colon === -1) colon = j;
  }
  return { password: colon !== -1 && colon < lastAt ? { start: colon + 1, end: lastAt } : undefined, authorityEnd: j };
}
