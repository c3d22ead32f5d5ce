import { isMap, isScalar, isSeq, Node, Scalar, YAMLSeq } from 'yaml';
import { splitWords } from '../core/commandWords';
import type { ComposeFile } from '../compose/composeFile';
import { hasInterpolation, interpolateBestEffort, literalPart } from '../compose/interpolation';
import { parseShortPortSpec } from '../compose/ports';
import type { ServiceInfo } from '../compose/service';
import { templateTokens } from '../compose/template';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import { outsideScope } from './scope';
import type { Span, SpanFix } from '../core/types';
import { spanOfRange } from '../dockerfile/dockerfileModel';
import { properties } from '../dockerfile/imageEngine';
import { ANY_TOKEN_PREFIX, isSecretName, SECRET_FLAG, SHORTEST_TOKEN, TOKEN_FORMATS, urlPasswordAt } from '../core/secretFormats';

/**
 * A literal token, key or password written in a Compose file or Dockerfile. The document's own scalars are
 * scanned without following aliases (an alias bomb costs nothing), and the message never repeats the value.
 * What counts as a secret (token formats, secret names and flags) is core/secretFormats.ts, shared with the
 * extension's log masker.
 */

/**
 * Values that stand for a secret without being one (documented in docs/rules/secret-literal.md). A weak
 * literal such as `changeme`, `password` or `admin` is NOT a placeholder: it is a real password in the file.
 */
const PLACEHOLDERS: readonly RegExp[] = [
  /^<.*>$/s,
  /^\[.*\]$/s,
  /^\{\{.*\}\}$/s,
  /x{3,}/i,
  /\*{3,}/,
  /\.\.\.|…/,
  /(^|[-_ ])your([-_ ]|$)|^your/i,
  /(^|[-_ ])here$/i,
  /^(empty|none|null|nil|dummy|fake|unused|placeholder|redacted|token|api[-_ ]?key|ollama|-|n\/?a|not[-_ ]?(needed|required|used|set)|no[-_ ]?key([-_ ]?required)?|sk-no-key-required)$/i,
];

/**
 * Passwords that images ship as their default, or their docs and tutorials write (compared lower-case): the first
 * ones anyone tries on a port that answers.
 */
const WELL_KNOWN_PASSWORDS: ReadonlySet<string> = new Set([
  'password', 'passw0rd', 'password1', 'password123', 'pass', 'changeme', 'changeit', 'admin', 'admin123', 'administrator',
  'minioadmin', 'minio123', 'postgres', 'mysql', 'redis', 'neo4j', 'root', 'toor', 'secret', 'guest', 'test', 'example',
  'default', 'qwerty', 'letmein', '1234', '12345', '123456', '12345678', '123456789',
]);

/** Token-shaped strings that are obviously made up (runs, alphabets, counting). */
const FAKE_TOKEN = /(.)\1{5,}|xxxx|your|example|placeholder|dummy|redacted|abcdef|123456789/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDERS.some((re) => re.test(value));
}

export const rule: Rule = {
  meta: {
    id: 'secret-literal',
    defaultSeverity: 'error',
    title: 'A literal token, key or password in the file',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    new ComposeScan(ctx).run();
  },
  dockerfile(ctx) {
    dockerfileScan(ctx);
  },
};

interface Hit {
  span: Span;
  /** What it is, for the message ("Hugging Face token", "password"). */
  label: string;
  /** Where it sits, for the message ("the value of HF_TOKEN"). */
  where: string;
  /** The variable to reference instead. */
  envName: string;
  /** The span to replace with `${envName}` (a literal default replaces its whole `${VAR:-...}`). */
  replace?: Replacement;
  /** The whole message, when secretMessage's does not fit. */
  message?: string;
}

/** A fix's one edit, and the value it moves into `.env`, if any. */
interface Replacement {
  span: Span;
  newText: string;
  title: string;
  /** False: never the preferred fix (the value would need a name `.env` does not use yet: a person decides). */
  preferred?: boolean;
  /** The value moves to `.env` as `name`: it is the replaced text from `start` to `end` (offsets within `span`). */
  move?: { name: string; start: number; end: number };
}

/** A service that publishes a port, and the first such `ports:` entry as written. */
interface Exposed {
  service: string;
  port: string;
  /** The service's name and its image's, lower case: what the variables of its own login are named after. */
  names: string;
}

class ComposeScan {
  private readonly seen = new Set<number>();
  private readonly file: ComposeFile;
  /** Command / entrypoint nodes of vLLM services, whose `--api-key` is best replaced by VLLM_API_KEY. */
  private readonly vllmArgs = new Set<Node>();
  /** The `environment:` values of services that publish a port (where they are written, anchors included). */
  private readonly exposedEnv = new Map<Node, Exposed>();

  constructor(private readonly ctx: ComposeContext) {
    this.file = ctx.file;
    for (const info of ctx.services) {
      if (info.engine?.id === 'vllm') {
        for (const list of [info.command, info.entrypoint]) if (list && !list.view.inherited && list.view.node) this.vllmArgs.add(list.view.node);
      }
      const port = publishedPort(info, this.file.dotEnv);
      const env = info.environment?.value;
      if (!port || !env) continue;
      for (const value of env.asMap()?.entries().map((e) => e.value) ?? env.asSeq()?.items() ?? []) {
        if (value.node) this.exposedEnv.set(value.node, { service: info.service.name, port, names: `${info.service.name} ${info.resolvedImage ?? ''}`.toLowerCase() });
      }
    }
  }

  run(): void {
    this.walk(this.file.doc.contents, undefined, undefined);
  }

  /**
   * Walks the nodes as written: aliases are never expanded, so an alias bomb costs nothing. Hand-rolled
   * rather than yaml's `visit`, which was half of this rule's time on large files.
   */
  private walk(node: unknown, keyName: string | undefined, parentSeq: YAMLSeq | undefined): void {
    if (this.outOfScope(node)) return;
    if (isScalar(node)) {
      this.scalar(node, keyName, this.vllmArgs.has(node) || (parentSeq !== undefined && this.vllmArgs.has(parentSeq)));
    } else if (isMap(node)) {
      for (const pair of node.items) {
        this.walk(pair.key, undefined, undefined);
        this.walk(pair.value, isScalar(pair.key) ? String(pair.key.value) : undefined, undefined);
      }
    } else if (isSeq(node)) {
      this.flagItems(node.items, this.vllmArgs.has(node));
      for (const item of node.items) this.walk(item, undefined, node);
    }
  }

  /** An incremental run walks only the nodes that overlap the re-checked part of the file. */
  private outOfScope(node: unknown): boolean {
    return outsideScope(this.ctx.scope, node);
  }

  private scalar(node: Scalar, keyName: string | undefined, vllm: boolean): void {
    // Most scalars are none of: token-shaped, under a secret name, NAME=value, or several words. Deciding
    // that from the value alone keeps this rule cheap on big files (no source slicing for them).
    const value = node.value;
    if (typeof value !== 'string') return;
    const tokenShaped = value.length >= SHORTEST_TOKEN && ANY_TOKEN_PREFIX.test(value);
    const secretName = keyName !== undefined && isSecretName(keyName);
    const assignment = keyName === undefined && value.includes('=');
    const url = value.includes('://');
    if (!tokenShaped && !secretName && !assignment && !url && !/\s/.test(value)) return;
    const src = sourceOf(this.file.text, node);
    if (!src) return;
    if (tokenShaped) for (const hit of strongHits(src, keyName, this.file.dotEnv)) this.report(hit);
    const eq = keyName === undefined ? /^([A-Za-z_][\w.-]*)=/.exec(value) : null;
    // A URL's password is reported at the password; the value around it is then not reported again.
    const inUrl = url ? urlHits(src, keyName ?? eq?.[1], this.file.dotEnv) : [];
    for (const hit of inUrl) this.report(hit);
    if (secretName) {
      if (!inUrl.length) this.named(keyName!, value, src.exact ? valueSpanIn(src, value) : undefined, src.whole, node);
      return;
    }
    if (eq) {
      const assigned = value.slice(eq[0].length);
      const at = src.exact && src.body === value ? { start: src.base + eq[0].length, end: src.base + value.length } : undefined;
      if (!inUrl.length) this.named(eq[1]!, assigned, at, src.whole, node);
      return;
    }
    if (/\s/.test(value)) this.flagWords(value, src, vllm);
  }

  /** `NAME: value` or `NAME=value` where NAME says it is a secret. */
  private named(name: string, value: string, exactAt: Span | undefined, whole: Span, node: Node): void {
    if (!isSecretName(name)) return;
    const exposed = this.exposedEnv.get(node);
    const ownLogin = exposed && isOwnLogin(name, exposed) ? exposed : undefined;
    if (!isLiteralSecret(value)) {
      if (ownLogin) this.wellKnownDefault(name, value, exactAt, whole, ownLogin);
      return;
    }
    const envName = varName(name);
    const at = exactAt ?? whole;
    if (ownLogin && isWellKnownPassword(value)) {
      const required = requiredRef(envName);
      this.report({
        span: at,
        label: 'password',
        where: `the value of ${name}`,
        envName,
        ...(exactAt ? { replace: { span: at, newText: required, title: `Replace with ${required}` } } : {}),
        message: wellKnownMessage(`The value of ${name}`, ownLogin, `Reference it as ${required} and set a strong password in .env (out of version control) or a secret store`),
      });
      return;
    }
    this.report({
      span: at,
      label: /pass/i.test(name) ? 'password' : 'secret',
      where: `the value of ${name}`,
      envName,
      ...(exactAt ? { replace: moveToDotEnv(at, this.file.text.slice(at.start, at.end), envName, this.file.dotEnv) } : {}),
    });
  }

  /**
   * `${VAR:-changeme}` on a service that publishes a port: whenever .env does not set VAR, the password is one
   * anyone would try. (A plain development default elsewhere stays quiet, see isLiteralSecret.)
   */
  private wellKnownDefault(name: string, value: string, exactAt: Span | undefined, whole: Span, exposed: Exposed): void {
    const [token, ...more] = templateTokens(value);
    // The whole value is the reference (`pre${X:-admin}` is another password).
    if (!token || more.length || token.kind !== 'operator' || token.start !== 0 || token.end !== value.length) return;
    if ((token.op !== ':-' && token.op !== '-') || !isWellKnownPassword(value.slice(token.argFrom, token.argTo))) return;
    const set = this.file.dotEnv.get(token.name);
    if (set !== undefined && (set !== '' || token.op === '-')) return;
    const required = requiredRef(token.name);
    this.report({
      span: exactAt ? { start: exactAt.start + token.argFrom, end: exactAt.start + token.argTo } : whole,
      label: 'password',
      where: `the value of ${name}`,
      envName: token.name,
      ...(exactAt ? { replace: { span: { start: exactAt.start, end: exactAt.start + value.length }, newText: required, title: `Replace with ${required}` } } : {}),
      message: wellKnownMessage(
        `The default of \${${token.name}} in the value of ${name}, used whenever .env does not set ${token.name},`,
        exposed,
        `Make the variable required (${required}) and set a strong password in .env (out of version control)`,
      ),
    });
  }

  /** `["--api-key", "abc"]` and `--api-key=abc` as list items. */
  private flagItems(items: readonly unknown[], vllm: boolean): void {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      const inline = /^(--?[\w-]+)=(.*)$/s.exec(item.value);
      if (inline && SECRET_FLAG.test(inline[1]!)) {
        const src = sourceOf(this.file.text, item);
        if (!src) continue;
        const at = src.exact && src.body === item.value ? { start: src.base + inline[1]!.length + 1, end: src.base + item.value.length } : src.whole;
        this.flagValue(inline[1]!, inline[2]!, at, vllm);
        continue;
      }
      const next = items[i + 1];
      if (SECRET_FLAG.test(item.value) && isScalar(next) && typeof next.value === 'string') {
        const src = sourceOf(this.file.text, next);
        if (src) this.flagValue(item.value, next.value, src.exact && src.body === next.value ? { start: src.base, end: src.base + next.value.length } : src.whole, vllm);
      }
    }
  }

  /** `--api-key abc` inside one command string. */
  private flagWords(value: string, src: Source, vllm: boolean): void {
    const words = splitWords(src.exact ? src.body : value);
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const inline = /^(--?[\w-]+)=(.*)$/s.exec(w.text);
      const exactWord = (x: typeof w, offset = 0) => (src.exact && !x.quoted ? { start: src.base + x.start + offset, end: src.base + x.end } : src.whole);
      if (inline && SECRET_FLAG.test(inline[1]!)) this.flagValue(inline[1]!, inline[2]!, exactWord(w, inline[1]!.length + 1), vllm);
      else if (SECRET_FLAG.test(w.text) && words[i + 1] && !words[i + 1]!.text.startsWith('-')) this.flagValue(w.text, words[i + 1]!.text, exactWord(words[i + 1]!), vllm);
    }
  }

  private flagValue(flag: string, value: string, at: Span, vllm: boolean): void {
    if (!isLiteralSecret(value)) return;
    const envName = /hf|token/.test(flag) ? 'HF_TOKEN' : vllm ? 'VLLM_API_KEY' : 'API_KEY';
    const exact = this.file.text.slice(at.start, at.end) === value;
    this.report({
      span: at,
      label: flag.includes('pass') ? 'password' : flag.includes('key') ? 'API key' : 'token',
      where: `the ${flag} argument`,
      envName,
      ...(exact ? { replace: moveToDotEnv(at, this.file.text.slice(at.start, at.end), envName, this.file.dotEnv) } : {}),
    });
  }

  private report(hit: Hit): void {
    if (this.seen.has(hit.span.start)) return;
    const scope = this.ctx.scope;
    if (scope && (hit.span.start < scope.start || hit.span.start >= scope.end)) return;
    this.seen.add(hit.span.start);
    this.ctx.report({
      span: hit.span,
      message: hit.message ?? secretMessage(hit),
      fixes: hit.replace ? [fixOf(hit.replace)] : [],
    });
  }
}

/**
 * The fix of a Replacement. One that moves a value carries the side edits that keep it (core/types.ts SideEdit): the
 * value into the `.env` beside the Compose file, which Compose reads `${NAME}` from, and that `.env` git-ignored.
 */
function fixOf(replace: Replacement): SpanFix {
  const move = replace.move;
  return {
    title: replace.title,
    preferred: replace.preferred ?? true,
    edits: [{ span: replace.span, newText: replace.newText }],
    ...(move
      ? { sideEdits: [{ kind: 'env', file: '.env', name: move.name, value: { edit: 0, start: move.start, end: move.end } }, { kind: 'git-ignored', file: '.env' }] }
      : {}),
  };
}

/**
 * `${NAME}` for the literal at `span` (its text as written there: `literal`), its value moving to `.env` as NAME (the
 * fix's side edits). When `.env` sets NAME to another value already, the value gets a name of its own (NAME_2), and
 * the fix is not preferred: which of the two is right is for a person to say, and neither may be lost.
 */
function moveToDotEnv(span: Span, literal: string, envName: string, dotEnv: ReadonlyMap<string, string>): Replacement {
  // As Compose reads it: `$$` is one `$`.
  const value = literalPart(literal);
  const whole = { start: 0, end: span.end - span.start };
  const set = dotEnv.get(envName);
  if (set === value) return { span, newText: `\${${envName}}`, title: `Replace with \${${envName}} (.env already sets ${envName} to this value)`, move: { name: envName, ...whole } };
  if (!set) return { span, newText: `\${${envName}}`, title: `Replace with \${${envName}} and move the value to .env (git-ignored)`, move: { name: envName, ...whole } };
  const own = freeName(envName, value, dotEnv);
  return {
    span,
    newText: `\${${own}}`,
    title: `Replace with \${${own}} and move the value to .env as ${own} (.env sets ${envName} to another value)`,
    preferred: false,
    move: { name: own, ...whole },
  };
}

/** NAME_2, NAME_3...: the first that `.env` leaves unset or sets to `value` already. */
function freeName(envName: string, value: string, dotEnv: ReadonlyMap<string, string>): string {
  for (let n = 2; ; n++) {
    const name = `${envName}_${n}`;
    const set = dotEnv.get(name);
    if (set === undefined || set === '' || set === value) return name;
  }
}

function secretMessage(hit: Pick<Hit, 'label' | 'where' | 'envName'>, advice?: string): string {
  return (
    `A literal ${hit.label} is written in ${hit.where}: anyone who can read this file or its history can use it. ` +
    (advice ?? `Reference it as \${${hit.envName}} and keep the value in .env (out of version control) or a secret store`) +
    '; revoke it if it was ever committed.'
  );
}

/** A well-known password on a service that publishes a port: guessed over the network, no file needed. */
function wellKnownMessage(subject: string, exposed: Exposed, advice: string): string {
  return (
    `${subject} is a well-known default password, and service "${exposed.service}" publishes port ${exposed.port}: ` +
    `it is among the first passwords anyone who reaches that port tries. ${advice}.`
  );
}

/**
 * `${NAME:?...}`: Compose refuses to start until NAME is set. Not `${NAME}`: unset, that is empty, and an image
 * given an empty password can fall back to its own default, the well-known one (Grafana ignores an empty `GF_`
 * variable and keeps `admin`).
 */
function requiredRef(name: string): string {
  return `\${${name}:?set ${name} in .env}`;
}

/** First words of a server's own login variables that do not name it: generic ones, and images' own prefixes. */
const OWN_LOGIN_WORDS: ReadonlySet<string> = new Set(['admin', 'root', 'ui', 'webui']);
const PREFIX_OF_IMAGE: Readonly<Record<string, readonly string[]>> = { gf: ['grafana'], mysql: ['mariadb'], postgres: ['pgvector', 'postgis', 'timescale'] };

/**
 * Whether NAME sets the login of the service itself (`POSTGRES_PASSWORD` on `postgres:16`, `MINIO_ROOT_PASSWORD`
 * on `minio/minio`, `GF_SECURITY_ADMIN_PASSWORD` on Grafana, `ADMIN_PASSWORD`), not one it connects to with
 * (`NEO4J_PASSWORD` on an app that talks to Neo4j): only the first is tried on the service's own port.
 */
function isOwnLogin(name: string, exposed: Exposed): boolean {
  const words = name.toLowerCase().split(/[-_.]/);
  const first = words[0]!;
  if (words.length === 1 || OWN_LOGIN_WORDS.has(first) || exposed.names.includes(first)) return true;
  return (PREFIX_OF_IMAGE[first] ?? []).some((image) => exposed.names.includes(image));
}

function isWellKnownPassword(value: string): boolean {
  return WELL_KNOWN_PASSWORDS.has(value.trim().toLowerCase());
}

/** Host addresses that publish to this machine only (`127.0.0.1:9000:9000`): nobody else reaches those. */
const LOOPBACK = /^(?:127\.|localhost$|::1$)/;

/** The first `ports:` entry of the service that publishes beyond this host, as written; undefined when none. */
function publishedPort(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): string | undefined {
  for (const item of info.service.map.seq('ports')?.items() ?? []) {
    const long = item.asMap();
    const written = long ? (long.text('published') ?? long.text('target')) : item.text;
    if (written === undefined) continue;
    const hostIp = long ? (long.text('host_ip') ?? '') : (parseShortPortSpec(interpolateBestEffort(written, dotEnv))?.hostIp ?? '');
    if (!LOOPBACK.test(interpolateBestEffort(hostIp, dotEnv))) return written;
  }
  return undefined;
}

/** A Dockerfile has no `.env`: its hits get no fixes that move a value. */
const NO_ENV: ReadonlyMap<string, string> = new Map();

const DOCKERFILE_ADVICE =
  'Pass it when the container runs (docker run -e, or Compose `environment` with a ${VAR} reference) or as a build secret (RUN --mount=type=secret)';

/** Where a scalar's text sits in the file: `base` is the offset of `body`, which maps 1:1 when `exact`. */
interface Source {
  whole: Span;
  body: string;
  base: number;
  exact: boolean;
}

function sourceOf(text: string, node: Scalar): Source | undefined {
  const r = node.range;
  if (!r) return undefined;
  const whole = { start: r[0], end: r[1] };
  const raw = text.slice(r[0], r[1]);
  const value = typeof node.value === 'string' ? node.value : raw;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    const inner = raw.slice(1, -1);
    return { whole, body: inner, base: r[0] + 1, exact: inner === value };
  }
  if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
    const body = (node as Scalar & { srcToken?: { source?: string } }).srcToken?.source;
    if (typeof body === 'string' && r[1] - body.length >= r[0]) return { whole, body, base: r[1] - body.length, exact: false };
    return { whole, body: raw, base: r[0], exact: false };
  }
  return { whole, body: raw, base: r[0], exact: raw === value };
}

/** The value's own span inside an exact scalar source. */
function valueSpanIn(src: Source, value: string): Span {
  return { start: src.base, end: src.base + value.length };
}

/** Prefix-shaped secrets in the scalar's source text (offsets are exact: tokens hold no escapes). */
function strongHits(src: Source, keyName: string | undefined, dotEnv: ReadonlyMap<string, string>): Hit[] {
  const hits: Hit[] = [];
  if (src.body.length < SHORTEST_TOKEN || !ANY_TOKEN_PREFIX.test(src.body)) return hits;
  const taken: Span[] = [];
  for (const kind of TOKEN_FORMATS) {
    for (const m of src.body.matchAll(kind.pattern)) {
      const start = src.base + m.index!;
      const span = { start, end: start + m[0].length };
      if (FAKE_TOKEN.test(m[0]) || taken.some((t) => t.start < span.end && span.start < t.end)) continue;
      taken.push(span);
      const envName = keyName && isSecretName(keyName) ? varName(keyName) : kind.envName;
      hits.push({ span, label: kind.label, where: keyName ? `the value of ${keyName}` : 'this value', envName, replace: replacement(src, span, envName, dotEnv) });
    }
  }
  return hits;
}

/**
 * Passwords of URL credentials (`postgresql://user:pass@db`, `redis://:pass@redis`): from each `://`, the
 * authority runs to the first `/`, `?`, `#` or space, and its password from the first `:` to the last `@`, as URL
 * parsers read it. A `${...}` is passed over whole (`${DB_USER:-app}` holds no separator); a password that is one,
 * or empty, or a placeholder, is not a secret, and neither is a URL inside a `${VAR:-...}` (a development default,
 * as for a named value). `name`: the variable the URL is the value of.
 */
function urlHits(src: Source, name: string | undefined, dotEnv: ReadonlyMap<string, string>): Hit[] {
  const hits: Hit[] = [];
  const body = src.body;
  const refs = templateTokens(body).filter((t) => t.kind !== 'escaped' && t.kind !== 'dollar');
  let ref = 0;
  for (let from = 0, at = body.indexOf('://'); at !== -1; at = body.indexOf('://', from)) {
    from = at + 3;
    while (ref < refs.length && refs[ref]!.end <= at) ref++;
    if (ref < refs.length && refs[ref]!.start < at) {
      from = refs[ref]!.end;
      continue;
    }
    if (at === 0 || !/[A-Za-z0-9]/.test(body[at - 1]!)) continue;
    let next = ref;
    const { password } = urlPasswordAt(body, at, (j) => (next < refs.length && refs[next]!.start === j ? refs[next++]!.end : undefined));
    if (!password || !isLiteralSecret(body.slice(password.start, password.end))) continue;
    const span = src.exact ? { start: src.base + password.start, end: src.base + password.end } : src.whole;
    const where = name ? `the URL in the value of ${name}` : 'a URL in this value';
    // `DATABASE_URL` → `${DATABASE_PASSWORD}`; a URL that is no variable's value gets no fix (no name to give one).
    const envName = !name ? undefined : isSecretName(name) ? varName(name) : `${varName(name).replace(/_(?:URL|URI|DSN|ADDR|ADDRESS|CONNECTION(?:_STRING)?)$/, '')}_PASSWORD`;
    const advice = envName ? undefined : 'Write the password as a ${VAR} reference inside the URL and keep the value in .env (out of version control) or a secret store';
    hits.push({
      span,
      label: 'password',
      where,
      envName: envName ?? '',
      message: secretMessage({ label: 'password', where, envName: envName ?? '' }, advice),
      ...(envName && src.exact ? { replace: moveToDotEnv(span, body.slice(password.start, password.end), envName, dotEnv) } : {}),
    });
  }
  return hits;
}

/**
 * Replace the literal with `${NAME}`; a literal default (`${HF_TOKEN:-hf_...}`) goes with its braces, and moves to
 * `.env` when it is the value in effect (`.env` leaves the variable unset, or empty for `:-`).
 */
function replacement(src: Source, span: Span, envName: string, dotEnv: ReadonlyMap<string, string>): Replacement {
  const local = span.start - src.base;
  // `[^{}]`: a default looks no further than the next brace (`${A:-${A:-…` was quadratic); the innermost one matches.
  for (const m of src.body.matchAll(/\$\{([A-Za-z_]\w*)(:?[-?+])([^{}]*)\}/g)) {
    const open = m.index!;
    if (open < local && local < open + m[0].length) {
      const [whole, name, op, dflt] = m as unknown as [string, string, string, string];
      const replaced = { start: src.base + open, end: src.base + open + whole.length };
      const set = dotEnv.get(name);
      const inEffect = (op === ':-' && !set) || (op === '-' && set === undefined);
      if (!inEffect || hasInterpolation(dflt)) return { span: replaced, newText: `\${${name}}`, title: `Drop the literal default of \${${name}}` };
      const at = 2 + name.length + op.length;
      return {
        span: replaced,
        newText: `\${${name}}`,
        title: `Drop the literal default of \${${name}} and move it to .env (git-ignored)`,
        move: { name, start: at, end: at + dflt.length },
      };
    }
  }
  return moveToDotEnv(span, src.body.slice(local, local + span.end - span.start), envName, dotEnv);
}

/** A literal value that is a real secret: not empty, not a `${VAR}` reference, not a placeholder. */
export function isLiteralSecret(raw: string): boolean {
  const value = raw.trim();
  if (value.length < 2 || hasInterpolation(value)) return false;
  // `$$VAR` is a shell variable read in the container at run time.
  if (literalPart(value).startsWith('$')) return false;
  if (/^(true|false|yes|no|on|off)$/i.test(value)) return false;
  if (/^(\/|\.\/|~\/|file:)/.test(value)) return false;
  return !isPlaceholder(value);
}

function varName(key: string): string {
  return key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function dockerfileScan(ctx: DockerfileContext): void {
  const model = ctx.model;
  const seen = new Set<number>();
  const report = (span: Span, message: string, fixes: SpanFix[] = []) => {
    if (seen.has(span.start)) return;
    seen.add(span.start);
    ctx.report({ span, message, fixes });
  };
  for (const prop of properties(model, model.stages, true)) {
    if (prop.value === undefined || !prop.valueSpan || !isSecretName(prop.name)) continue;
    // Dockerfile `$VAR` / `${VAR}` are references to build args or earlier ENV.
    if (/\$\{?[A-Za-z_]/.test(prop.value) || !isLiteralSecret(prop.value)) continue;
    const hit: Hit = { span: prop.valueSpan, label: /pass/i.test(prop.name) ? 'password' : 'secret', where: `the ${prop.keyword} ${prop.name}`, envName: prop.name };
    const fixes: SpanFix[] =
      prop.keyword === 'ARG'
        ? [{ title: 'Remove the default (pass it at build time with a build secret or --build-arg)', preferred: true, edits: [{ span: { start: prop.nameSpan.end, end: prop.valueSpan.end }, newText: '' }] }]
        : [];
    report(prop.valueSpan, secretMessage(hit, DOCKERFILE_ADVICE), fixes);
  }
  // Prefix-shaped secrets and URL passwords in any instruction (a RUN with --token hf_..., an ENV, a LABEL).
  for (const instruction of model.dockerfile.getInstructions()) {
    const whole = spanOfRange(model, instruction.getRange());
    const src: Source = { whole, body: model.text.slice(whole.start, whole.end), base: whole.start, exact: true };
    for (const hit of strongHits(src, undefined, NO_ENV)) report(hit.span, secretMessage({ ...hit, where: `this ${instruction.getKeyword()} instruction` }, DOCKERFILE_ADVICE));
    for (const hit of urlHits(src, undefined, NO_ENV)) report(hit.span, secretMessage({ ...hit, where: `a URL in this ${instruction.getKeyword()} instruction` }, DOCKERFILE_ADVICE));
  }
}
