// Resolves the Docker engine endpoint the way the docker CLI does, so dockerode (state, events, logs) and the compose
// CLI (up, down) always reach the same engine. Pure: env, home, platform and file reads are injected.
//
// Order, from docker/cli cli/command/cli.go `resolveContextName` (flags aside, we have none):
//   1. DOCKER_HOST non-empty            -> the "default" context with that host (TLS from DOCKER_TLS_VERIFY, DOCKER_TLS,
//                                          DOCKER_CERT_PATH, as for the default context)
//   2. DOCKER_CONTEXT non-empty         -> that context
//   3. "currentContext" in config.json  -> that context ($DOCKER_CONFIG/config.json, default ~/.docker/config.json)
//   4. otherwise                        -> "default": unix:///var/run/docker.sock (npipe:////./pipe/docker_engine on Windows)
// The CLI does not check that a named context exists until it uses it; we report it at once, with the way out.
// Context store (docker/cli cli/context/store): metadata in $DOCKER_CONFIG/contexts/meta/<sha256 hex of the name>/meta.json
// as {"Name", "Metadata", "Endpoints": {"docker": {"Host", "SkipTLSVerify"}}}; TLS files in
// $DOCKER_CONFIG/contexts/tls/<same digest>/docker/{ca.pem,cert.pem,key.pem}. A context uses TLS when it has TLS files
// or SkipTLSVerify (cli/context/docker/load.go). An unreadable config.json is a warning for the CLI ("WARNING: Error
// loading config file"), which then goes on with the default context: so do we.

import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** File reads, injected: undefined when the file does not exist; other errors may throw (they are caught). */
export interface EndpointFs {
  readFile(path: string): string | undefined;
}

export interface ResolveEndpointInput {
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  platform: string;
  fs: EndpointFs;
}

export type EndpointSource = 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'config' | 'default';

export interface DockerTls {
  /** false when DOCKER_TLS (without DOCKER_TLS_VERIFY) or the context's SkipTLSVerify asks for no verification. */
  verify: boolean;
  /** Folder holding ca.pem / cert.pem / key.pem (DOCKER_CERT_PATH semantics). */
  certDir: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface DockerEndpoint {
  host: string;
  source: EndpointSource;
  /** The context name: "default" for DOCKER_HOST and the built-in default. */
  context: string;
  tls?: DockerTls;
  configDir: string;
  /** Things the docker CLI would also warn about (an unreadable config.json). */
  warnings: string[];
}

export type EndpointResolution =
  | { ok: true; endpoint: DockerEndpoint }
  | { ok: false; source: EndpointSource; context?: string; reason: string; warnings: string[] };

export const DEFAULT_UNIX_HOST = 'unix:///var/run/docker.sock';
export const DEFAULT_WINDOWS_HOST = 'npipe:////./pipe/docker_engine';

export function defaultHost(platform: string): string {
  return platform === 'win32' ? DEFAULT_WINDOWS_HOST : DEFAULT_UNIX_HOST;
}

/** docker/cli cli/context/store: the folder of a context is the sha256 digest (hex) of its name. */
export function contextDigest(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex');
}

export function configDir(env: ResolveEndpointInput['env'], homedir: string): string {
  return env.DOCKER_CONFIG ? env.DOCKER_CONFIG : join(homedir, '.docker');
}

function safeRead(fs: EndpointFs, path: string): { text?: string; error?: string } {
  try {
    const text = fs.readFile(path);
    return text === undefined ? {} : { text };
  } catch (e) {
    return { error: (e as Error)?.message ?? String(e) };
  }
}

function tlsFiles(fs: EndpointFs, certDir: string, verify: boolean): DockerTls {
  const tls: DockerTls = { verify, certDir };
  const files: [keyof DockerTls, string][] = [['caFile', 'ca.pem'], ['certFile', 'cert.pem'], ['keyFile', 'key.pem']];
  for (const [field, name] of files) {
    const path = join(certDir, name);
    if (safeRead(fs, path).text !== undefined) (tls as unknown as Record<string, string>)[field] = path;
  }
  return tls;
}

function fromDockerHost(input: ResolveEndpointInput, dir: string, warnings: string[]): DockerEndpoint {
  const { env } = input;
  // docker/cli cli/flags: any non-empty DOCKER_TLS_VERIFY turns verification on (even "0"); DOCKER_TLS turns TLS on.
  const verify = !!env.DOCKER_TLS_VERIFY;
  const tlsOn = verify || !!env.DOCKER_TLS;
  const endpoint: DockerEndpoint = { host: env.DOCKER_HOST!, source: 'DOCKER_HOST', context: 'default', configDir: dir, warnings };
  if (tlsOn) endpoint.tls = tlsFiles(input.fs, env.DOCKER_CERT_PATH || dir, verify);
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') {
    warnings.push(`DOCKER_HOST and DOCKER_CONTEXT are both set: DOCKER_HOST wins, as in the docker CLI (context "${env.DOCKER_CONTEXT}" ignored).`);
  }
  return endpoint;
}

function fromContext(input: ResolveEndpointInput, dir: string, name: string, source: EndpointSource, warnings: string[]): EndpointResolution {
  const digest = contextDigest(name);
  const metaPath = join(dir, 'contexts', 'meta', digest, 'meta.json');
  const where = source === 'DOCKER_CONTEXT' ? 'DOCKER_CONTEXT' : `"currentContext" in ${join(dir, 'config.json')}`;
  const fail = (reason: string): EndpointResolution => ({ ok: false, source, context: name, reason, warnings });
  const read = safeRead(input.fs, metaPath);
  if (read.error) return fail(`context "${name}" (from ${where}) cannot be read: ${metaPath}: ${read.error}`);
  if (read.text === undefined) {
    return fail(`context "${name}" (from ${where}) not found: ${metaPath} does not exist. ` +
      `\`docker context ls\` lists the contexts; \`docker context use default\` goes back to the local engine.`);
  }
  let meta: unknown;
  try {
    meta = JSON.parse(read.text);
  } catch (e) {
    return fail(`context "${name}" (from ${where}) is corrupt: ${metaPath} is not JSON (${(e as Error).message}). ` +
      `Recreate it with \`docker context rm ${name}\` and \`docker context create\`.`);
  }
  const docker = (meta as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } } | null)?.Endpoints?.docker;
  if (!docker || typeof docker.Host !== 'string' || docker.Host === '') {
    return fail(`context "${name}" (from ${where}) has no docker endpoint (Endpoints.docker.Host in ${metaPath}).`);
  }
  const endpoint: DockerEndpoint = { host: docker.Host, source, context: name, configDir: dir, warnings };
  const skip = docker.SkipTLSVerify === true;
  const tls = tlsFiles(input.fs, join(dir, 'contexts', 'tls', digest, 'docker'), !skip);
  if (skip || tls.caFile || tls.certFile || tls.keyFile) endpoint.tls = tls;
  return { ok: true, endpoint };
}

/** Never throws: a broken context is an `ok: false` with the reason and the way out. */
export function resolveDockerEndpoint(input: ResolveEndpointInput): EndpointResolution {
  const warnings: string[] = [];
  const dir = configDir(input.env, input.homedir);
  try {
    if (input.env.DOCKER_HOST) return { ok: true, endpoint: fromDockerHost(input, dir, warnings) };
    if (input.env.DOCKER_CONTEXT) {
      const name = input.env.DOCKER_CONTEXT;
      if (name === 'default') return { ok: true, endpoint: { host: defaultHost(input.platform), source: 'DOCKER_CONTEXT', context: 'default', configDir: dir, warnings } };
      return fromContext(input, dir, name, 'DOCKER_CONTEXT', warnings);
    }
    const configPath = join(dir, 'config.json');
    const read = safeRead(input.fs, configPath);
    let current: string | undefined;
    if (read.error) {
      warnings.push(`Error loading config file ${configPath}: ${read.error} (the docker CLI warns the same and uses the default context).`);
    } else if (read.text !== undefined) {
      try {
        const cfg = JSON.parse(read.text) as { currentContext?: unknown } | null;
        if (cfg && typeof cfg.currentContext === 'string' && cfg.currentContext) current = cfg.currentContext;
      } catch (e) {
        warnings.push(`Error loading config file ${configPath}: ${(e as Error).message} (the docker CLI warns the same and uses the default context).`);
      }
    }
    if (current && current !== 'default') return fromContext(input, dir, current, 'config', warnings);
    return { ok: true, endpoint: { host: defaultHost(input.platform), source: current ? 'config' : 'default', context: 'default', configDir: dir, warnings } };
  } catch (e) {
    return { ok: false, source: 'default', reason: `cannot resolve the Docker endpoint: ${(e as Error)?.message ?? String(e)}`, warnings };
  }
}

/** dockerode (docker-modem) constructor options, or why dockerode cannot use this endpoint. */
export type DockerodeOptions =
  | { ok: true; options: { socketPath: string } | { host: string; port: number; protocol: 'http' | 'https'; ca?: string; cert?: string; key?: string }; warnings: string[] }
  | { ok: false; reason: string };

export function toDockerodeOptions(endpoint: DockerEndpoint, fs: EndpointFs): DockerodeOptions {
  const host = endpoint.host;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host)?.[1]?.toLowerCase();
  if (scheme === 'unix') return { ok: true, options: { socketPath: host.slice('unix://'.length) }, warnings: [] };
  if (scheme === 'npipe') return { ok: true, options: { socketPath: host.slice('npipe://'.length) }, warnings: [] };
  if (scheme === 'ssh') {
    return {
      ok: false,
      reason: `${host} is an ssh:// endpoint${endpoint.context !== 'default' ? ` (context "${endpoint.context}")` : ''}: the compose CLI reaches it through ssh, ` +
        'but the sidebar (dockerode) does not. Forward the remote socket (`ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock user@host`) ' +
        'and use DOCKER_HOST=unix:///tmp/docker.sock, or give the engine a tcp:// endpoint with TLS.',
    };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(host.replace(/^tcp:/i, 'http:'));
    } catch {
      return { ok: false, reason: `cannot read the Docker host "${host}"` };
    }
    const tls = endpoint.tls ?? (scheme === 'https' ? { verify: true, certDir: '' } : undefined);
    // docker/cli defaults: 2376 with TLS, 2375 without.
    const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
    const warnings: string[] = [];
    if (!tls) return { ok: true, options: { host: url.hostname, port, protocol: 'http' }, warnings };
    const options: { host: string; port: number; protocol: 'https'; ca?: string; cert?: string; key?: string } = { host: url.hostname, port, protocol: 'https' };
    for (const [field, path] of [['ca', tls.caFile], ['cert', tls.certFile], ['key', tls.keyFile]] as const) {
      if (!path) continue;
      const read = safeRead(fs, path);
      if (read.text === undefined) return { ok: false, reason: `cannot read the TLS file ${path}${read.error ? `: ${read.error}` : ''}` };
      options[field] = read.text;
    }
    if (!tls.verify) {
      warnings.push('TLS verification is off for this endpoint (SkipTLSVerify or DOCKER_TLS without DOCKER_TLS_VERIFY): the compose CLI skips it, ' +
        'dockerode checks the engine certificate against ca.pem. If compose works and the sidebar cannot connect, this is why.');
    }
    return { ok: true, options, warnings };
  }
  return { ok: false, reason: `the Docker host "${host}" uses a scheme dockerode cannot reach (unix://, npipe://, tcp:// are supported)` };
}

/** Environment changes for the compose CLI: the resolved host in DOCKER_HOST and no DOCKER_CONTEXT, so compose
 *  cannot pick another engine than dockerode. `undefined` means "remove this variable". */
export function composeEnv(endpoint: DockerEndpoint): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    DOCKER_HOST: endpoint.host,
    DOCKER_CONTEXT: undefined,
    DOCKER_TLS_VERIFY: undefined,
    DOCKER_TLS: undefined,
    DOCKER_CERT_PATH: undefined,
  };
  const tls = endpoint.tls;
  if (tls) {
    if (tls.verify) env.DOCKER_TLS_VERIFY = '1';
    else env.DOCKER_TLS = '1';
    if (tls.certDir) env.DOCKER_CERT_PATH = tls.certDir;
  }
  return env;
}

/** Applies a composeEnv() patch to a base environment (e.g. process.env) without changing the base. */
export function applyEnv(base: Readonly<Record<string, string | undefined>>, patch: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The real file system, for the VS Code layer. */
export function nodeEndpointFs(readFileSync: (path: string, enc: 'utf8') => string): EndpointFs {
  return {
    readFile(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e as NodeJS.ErrnoException)?.code === 'ENOTDIR') return undefined;
        throw e;
      }
    },
  };
}

/** One line for the sidebar / output channel. */
export function describeEndpoint(endpoint: DockerEndpoint): string {
  const via = endpoint.source === 'DOCKER_HOST' ? 'DOCKER_HOST'
    : endpoint.source === 'DOCKER_CONTEXT' ? `context "${endpoint.context}" (DOCKER_CONTEXT)`
      : endpoint.source === 'config' ? `context "${endpoint.context}" (docker context use)`
        : 'the default local engine';
  return `${endpoint.host} via ${via}${endpoint.tls ? (endpoint.tls.verify ? ', TLS' : ', TLS without verification') : ''}`;
}
