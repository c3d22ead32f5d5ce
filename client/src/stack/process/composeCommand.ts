// Which compose command to run, the argv for up / down / ps, and how to read compose's output and errors.
// "What to run and how to read its output" only (STYLE.md principle 12): running is the injected `exec`
// (processRunner.ts by default).
//
// Compose flavours: the Go rewrite (`docker compose` plugin, or the standalone `docker-compose` binary of the same
// code) is 2.x and, since 2025, 5.x (server/src/engines/facts/compose.json: docker/compose v5.5.0); the Python
// docker-compose 1.x (1.29.2 in Debian/Ubuntu `docker-compose` packages) is 'v1'. The flavour is read from
// `version --short`, not from the command's name, because a standalone `docker-compose` may be either.
// Recorded (test/stack/fixtures/docker-cli-endpoints.json, docker CLI 28.2.2 without the compose plugin):
// `docker compose version --short` exits 125 "unknown flag: --short", `docker compose version` exits 1
// "docker: unknown command: docker compose".

import { maskSecrets } from '../logs/mask';
import type { Command, CommandResult, Exec } from './command';
import { execCommand } from './processRunner';

export type ComposeFlavour = 'v2' | 'v1';

export interface ComposeCommand {
  /** Program and leading arguments: ['docker', 'compose'] or ['docker-compose'] or [path]. */
  argv: readonly string[];
  version: string;
  flavour: ComposeFlavour;
  source: 'setting' | 'detected';
}

export interface ComposeTry {
  argv: readonly string[];
  /** Why it was not used, in a few words, e.g. "not installed (ENOENT)" or "exit 1: docker: unknown command...". */
  outcome: string;
}

export type ComposeLookup =
  | { found: true; command: ComposeCommand; tried: ComposeTry[] }
  | { found: false; tried: ComposeTry[]; message: string; install: string[] };

export const INSTALL_HINTS: readonly string[] = [
  'Docker Desktop includes Compose v2 (`docker compose`).',
  'Debian/Ubuntu with Docker\'s apt repository: `sudo apt-get install docker-compose-plugin`.',
  'Ubuntu\'s own packages: `sudo apt-get install docker-compose-v2` (or `docker-compose`, which is Compose v1 on older releases).',
  'Other systems: https://docs.docker.com/compose/install/',
  'Or set `inferenceStack.composeCommand` to "docker compose", "docker-compose" or the path of a compose binary.',
];

/** The setting's value as argv: "docker compose" (the plugin, optionally behind a docker path), else one program. */
export function settingArgv(setting: string): string[] | undefined {
  const value = setting.trim();
  if (!value) return undefined;
  const plugin = /^(.*\S)\s+compose$/.exec(value);
  if (plugin && /(^|[\\/])docker(\.exe)?$/i.test(plugin[1]!)) return [plugin[1]!, 'compose'];
  return [value];
}

/** "2.29.7", "v2.29.7", "1.29.2", "5.0.1-desktop.1" -> version and flavour. */
export function parseComposeVersion(stdout: string): { version: string; flavour: ComposeFlavour } | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?[^\s]*/m.exec(stdout.trim());
  if (!m) return undefined;
  return { version: m[0].replace(/^v/, ''), flavour: Number(m[1]) >= 2 ? 'v2' : 'v1' };
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? '';
}

function describeFailure(r: CommandResult): string {
  if (r.error?.code === 'ENOENT') return 'not installed (ENOENT)';
  if (r.error?.code === 'ETIMEDOUT') return `no answer in time (${r.error.message})`;
  if (r.error) return r.error.message;
  return `exit ${r.exitCode}: ${firstLine(r.stderr) || firstLine(r.stdout) || 'no output'}`;
}

async function tryVersion(exec: Exec, argv: readonly string[], timeoutMs: number, env?: Record<string, string>): Promise<{ ok: true; version: string; flavour: ComposeFlavour } | { ok: false; outcome: string }> {
  let r: CommandResult;
  try {
    r = await exec({ file: argv[0]!, args: [...argv.slice(1), 'version', '--short'] }, { timeoutMs, ...(env ? { env } : {}) });
  } catch (e) {
    return { ok: false, outcome: (e as Error)?.message ?? String(e) };
  }
  if (r.error || r.exitCode !== 0) return { ok: false, outcome: describeFailure(r) };
  const v = parseComposeVersion(r.stdout);
  return v ? { ok: true, ...v } : { ok: false, outcome: `unexpected version output: ${firstLine(r.stdout) || '(empty)'}` };
}

export interface FindComposeOptions {
  /** Default: processRunner's execCommand (untracked); the extension passes its ProcessRunner's exec. */
  exec?: Exec;
  /** `inferenceStack.composeCommand`; when set, only it is tried (a broken override is reported, not bypassed). */
  setting?: string;
  timeoutMs?: number;
  /** Environment for the probes (composeEnv() applied), so a plugin found is the one `up` will run. */
  env?: Record<string, string>;
}

/** The setting, else `docker compose` (v2), else `docker-compose` (v1 or a standalone v2). Never throws. */
export async function findComposeCommand(opts: FindComposeOptions): Promise<ComposeLookup> {
  const timeoutMs = opts.timeoutMs ?? 10000;
  const fromSetting = opts.setting ? settingArgv(opts.setting) : undefined;
  const candidates: { argv: readonly string[]; source: 'setting' | 'detected' }[] = fromSetting
    ? [{ argv: fromSetting, source: 'setting' }]
    : [{ argv: ['docker', 'compose'], source: 'detected' }, { argv: ['docker-compose'], source: 'detected' }];
  const tried: ComposeTry[] = [];
  for (const c of candidates) {
    const r = await tryVersion(opts.exec ?? execCommand, c.argv, timeoutMs, opts.env);
    if (r.ok) return { found: true, command: { argv: c.argv, version: r.version, flavour: r.flavour, source: c.source }, tried };
    tried.push({ argv: c.argv, outcome: r.outcome });
  }
  const lines = tried.map((t) => `\`${t.argv.join(' ')} version --short\`: ${t.outcome}`);
  const message = fromSetting
    ? `The compose command from the setting inferenceStack.composeCommand does not work: ${lines.join('; ')}.`
    : `No Docker Compose found. Tried ${lines.join('; ')}.`;
  return { found: false, tried, message, install: [...INSTALL_HINTS] };
}

export interface ComposeProject {
  /** -f for each, in order (later files override earlier ones); -f even for one, so Compose adds no override file of
   *  its own and reads no COMPOSE_FILE: the files planned are the files run. */
  files: readonly string[];
  /** --env-file for each, in order (v2 reads them all; v1 1.29 takes the option once: the last, which wins). */
  envFiles?: readonly string[];
  /** --project-directory (v1 since 1.28 and v2): the folder relative paths are read from, when not the first file's. */
  projectDirectory?: string;
  /** -p; compose derives one from the folder (or `name:`) when absent. */
  project?: string;
  /** --profile for each (v1 since 1.28 and v2): services naming one of them start too. */
  profiles?: readonly string[];
}

/** The program, and the flavour when known (only v1 limits the options above). */
export type ComposeProgram = Pick<ComposeCommand, 'argv'> & Partial<Pick<ComposeCommand, 'flavour'>>;

function base(cmd: ComposeProgram, target: ComposeProject): Command {
  const args = [...cmd.argv.slice(1)];
  for (const f of target.files) args.push('-f', f);
  const envFiles = cmd.flavour === 'v1' ? (target.envFiles ?? []).slice(-1) : target.envFiles ?? [];
  for (const f of envFiles) args.push('--env-file', f);
  if (target.projectDirectory) args.push('--project-directory', target.projectDirectory);
  if (target.project) args.push('-p', target.project);
  for (const p of target.profiles ?? []) args.push('--profile', p);
  return { file: cmd.argv[0]!, args };
}

function extend(c: Command, more: readonly string[]): Command {
  return { file: c.file, args: [...c.args, ...more] };
}

/** `up -d [services]`: detached, so the extension follows progress from container state, not compose's output. */
export function upCommand(cmd: ComposeProgram, target: ComposeProject, services: readonly string[] = []): Command {
  return extend(base(cmd, target), ['up', '-d', ...services]);
}

/** `down`. Volumes hold model caches of tens of GB: `-v` only with `removeVolumes: 'yes-remove-volumes'`, which the
 *  caller passes after the person confirmed by name. */
export function downCommand(cmd: ComposeProgram, target: ComposeProject, opts: { removeVolumes?: 'yes-remove-volumes' } = {}): Command {
  return extend(base(cmd, target), opts.removeVolumes === 'yes-remove-volumes' ? ['down', '-v'] : ['down']);
}

/** v2: `ps --all --format json`, read with parseComposePs. v1 has no --format: `ps --all -q` lists container ids,
 *  to inspect through the Docker API. */
export function psCommand(cmd: Pick<ComposeCommand, 'argv' | 'flavour'>, target: ComposeProject): { command: Command; output: 'json' | 'ids' } {
  return cmd.flavour === 'v2'
    ? { command: extend(base(cmd, target), ['ps', '--all', '--format', 'json']), output: 'json' }
    : { command: extend(base(cmd, target), ['ps', '--all', '-q']), output: 'ids' };
}

export interface ComposePsEntry {
  id: string;
  name: string;
  service: string;
  project: string;
  state: string;
  health: string;
  exitCode: number;
  publishers: { url: string; targetPort: number; publishedPort: number; protocol: string }[];
}

function toEntry(o: Record<string, unknown>): ComposePsEntry {
  const pubs = Array.isArray(o.Publishers) ? (o.Publishers as Record<string, unknown>[]) : [];
  return {
    id: String(o.ID ?? ''),
    name: String(o.Name ?? ''),
    service: String(o.Service ?? ''),
    project: String(o.Project ?? ''),
    state: String(o.State ?? ''),
    health: String(o.Health ?? ''),
    exitCode: typeof o.ExitCode === 'number' ? o.ExitCode : 0,
    publishers: pubs.map((p) => ({ url: String(p.URL ?? ''), targetPort: Number(p.TargetPort ?? 0), publishedPort: Number(p.PublishedPort ?? 0), protocol: String(p.Protocol ?? '') })),
  };
}

/** `ps --format json` of Compose v2: a JSON array before v2.21, one JSON object per line since (fields of
 *  docker/compose pkg/api ContainerSummary). Lines that are not JSON (warnings) are skipped. */
export function parseComposePs(stdout: string): ComposePsEntry[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) {
    try {
      const arr = JSON.parse(text) as unknown;
      if (Array.isArray(arr)) return arr.filter((o) => o && typeof o === 'object').map((o) => toEntry(o as Record<string, unknown>));
    } catch {
      // fall through to line by line
    }
  }
  const out: ComposePsEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (!l.startsWith('{')) continue;
    try {
      out.push(toEntry(JSON.parse(l) as Record<string, unknown>));
    } catch {
      // not a JSON line
    }
  }
  return out;
}

/** `ps -q` of v1: one container id per line. */
export function parseComposePsIds(stdout: string): string[] {
  return stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^[0-9a-f]{12,64}$/.test(l));
}

export type ComposeErrorId =
  | 'nvidia-runtime-missing'
  | 'port-in-use'
  | 'daemon-unreachable'
  | 'socket-permission-denied'
  | 'image-unavailable'
  | 'registry-unreachable'
  | 'cpus-above-engine';

export interface ComposeErrorExplanation {
  id: ComposeErrorId;
  title: string;
  explanation: string;
  steps: string[];
  /** The stderr line that was recognised (masked). */
  line: string;
  /** What was read from the line: the port, the image, the engine address. */
  subject?: string;
}

export interface ExplainedComposeError {
  /** compose's stderr as it came, with secrets masked: shown as is, next to the explanations. */
  verbatim: string;
  explanations: ComposeErrorExplanation[];
}

interface Rule {
  id: ComposeErrorId;
  patterns: RegExp[];
  /** A pattern without a capture names the image of the last "Pulling service (image)..." line before it. */
  subjectIsPulledImage?: true;
  build(subject: string | undefined): Omit<ComposeErrorExplanation, 'id' | 'line' | 'subject'>;
}

/** docker-compose 1.29's line before a pull: "Pulling model (127.0.0.1:5000/public/model:v9)...". */
const PULLING = /^Pulling \S+ \(([^()\s]+)\)\.\.\.$/;

// Compose reports these only as text (the daemon's error string, the docker client's, or docker-py's for v1), so the
// text is what we match. Sources of each wording are listed in test/stack/fixtures/compose-errors.json.
const RULES: readonly Rule[] = [
  {
    id: 'nvidia-runtime-missing',
    // moby daemon/devices.go: "could not select device driver %q with capabilities: %v"
    patterns: [/could not select device driver "([^"]*)" with capabilities: \[\[[^\]]*\]\]/],
    build: (driver) => ({
      title: 'The Docker engine cannot give this container a GPU',
      explanation: `A service reserves GPUs (deploy.resources.reservations.devices or gpus:) but the engine has no device driver${driver ? ` "${driver}"` : ''} for them: the NVIDIA Container Toolkit is missing or not configured on the engine's host.`,
      steps: [
        'Check the NVIDIA driver on the host: `nvidia-smi` must list the GPUs.',
        'Install the NVIDIA Container Toolkit: `sudo apt-get install -y nvidia-container-toolkit` (after adding NVIDIA\'s repository: https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html).',
        'Register it with Docker: `sudo nvidia-ctk runtime configure --runtime=docker`.',
        'Restart Docker: `sudo systemctl restart docker`.',
        'Verify: `docker run --rm --gpus all ubuntu nvidia-smi`.',
      ],
    }),
  },
  {
    id: 'cpus-above-engine',
    // moby daemon/daemon_unix.go: "Range of CPUs is from 0.01 to %.2f, as there are only %d CPUs available"
    patterns: [/Range of CPUs is from 0\.01 to (\d+(?:\.\d+)?), as there are only \d+ CPUs available/],
    build: (most) => ({
      title: 'A CPU limit asks for more CPUs than the Docker engine has',
      explanation: `The engine refuses to create a container whose CPU limit (deploy.resources.limits.cpus or cpus:) is above its CPU count: at most ${most ?? 'its CPU count'} here.`,
      steps: [
        `Lower the service's deploy.resources.limits.cpus to ${most ?? 'the engine\'s CPU count'} or less (pre-flight names the service).`,
        'On Docker Desktop, the CPUs the engine has are set under Settings → Resources.',
      ],
    }),
  },
  {
    id: 'port-in-use',
    // moby (port allocator): "Bind for %s:%d failed: port is already allocated"; with the userland proxy, a host
    // process holding the port gives "listen tcp4 0.0.0.0:8000: bind: address already in use".
    patterns: [/Bind for (\S+?) failed: port is already allocated/, /listen tcp[46]? (\S+): bind: address already in use/],
    build: (addr) => {
      const port = addr ? /:(\d+)$/.exec(addr)?.[1] : undefined;
      return {
        title: `Port ${port ?? ''} is already in use`.replace('  ', ' '),
        explanation: `A published port${addr ? ` (${addr})` : ''} is held by another container or process, so the container could not start.`,
        steps: [
          `Find the container holding it: \`docker ps --filter publish=${port ?? '<port>'}\`; or the process: \`sudo ss -ltnp 'sport = :${port ?? '<port>'}'\`.`,
          'Stop it, or publish this service on another host port in the Compose file (ports: "<free port>:<container port>").',
        ],
      };
    },
  },
  {
    id: 'socket-permission-denied',
    // docker CLI: "permission denied while trying to connect to the Docker daemon socket at %s" (older, often with a
    // "Got " prefix) and "... to the docker API at %s" (newer); compose v1 (docker-py): PermissionError(13, ...).
    patterns: [
      /permission denied while trying to connect to the (?:Docker daemon socket|docker API) at (\S+?)[:;]?(?:\s|$)/i,
      /Error while fetching server API version: .*PermissionError\(13, 'Permission denied'\)/,
    ],
    build: (host) => ({
      title: 'No permission to use the Docker socket',
      explanation: `Your user may not open ${host ?? 'the Docker socket'}.`,
      steps: [
        'Add your user to the docker group: `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`). Members of that group have root-equivalent access to the host.',
        'Or use rootless Docker (https://docs.docker.com/engine/security/rootless/) and point DOCKER_HOST at its socket.',
      ],
    }),
  },
  {
    id: 'daemon-unreachable',
    // docker client: "Cannot connect to the Docker daemon at %s. Is the docker daemon running?" (recorded, CLI 28);
    // newer clients: "failed to connect to the docker API at %s; check if the path is correct and if the daemon is
    // running"; v1: "Couldn't connect to Docker daemon at %s - is it running?" and docker-py's
    // "Error while fetching server API version: ('Connection aborted.', FileNotFoundError(2, ...))".
    patterns: [
      /Cannot connect to the Docker daemon at (\S+?)\.? Is the docker daemon running\?/,
      /failed to connect to the docker API at (\S+?);/,
      /Couldn't connect to Docker daemon at (\S+) - is it running\?/,
      /Error while fetching server API version: .*(?:FileNotFoundError|ConnectionRefusedError|Connection refused)/,
      // older Windows clients: 'error during connect: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine/...": open
      // //./pipe/docker_engine: The system cannot find the file specified.'
      /error during connect: .*(?:open (\S+): The system cannot find the file specified|connect: no such file or directory|connect: connection refused)/,
    ],
    build: (host) => ({
      title: 'Docker is not reachable',
      explanation: `Nothing answers at ${host ?? 'the Docker endpoint'}: the Docker daemon is not running there, or DOCKER_HOST / the docker context points elsewhere.`,
      steps: [
        'Linux: `sudo systemctl start docker` (and `sudo systemctl enable docker` to start it at boot). Docker Desktop: start it and wait until the engine is running.',
        'Check which engine is used: `docker context ls` and `echo $DOCKER_HOST`.',
      ],
    }),
  },
  {
    id: 'image-unavailable',
    // moby: "pull access denied for %s, repository does not exist or may require 'docker login'", "No such image: %s",
    // registry: "manifest for %s not found"; docker-compose 1.29 passes the registry's own "manifest unknown" on alone,
    // on the line after "Pulling <service> (<image>)..." (seen with dockerd 20.10, test/docker/registryAnswers.test.ts).
    patterns: [/pull access denied for ([^,\s]+)/, /No such image: (\S+)/, /manifest for (\S+) not found/, /^(?:ERROR: )?manifest unknown\b/],
    subjectIsPulledImage: true,
    build: (image) => ({
      title: `Image ${image ?? ''} is not available`.replace('  ', ' '),
      explanation: `The image${image ? ` ${image}` : ''} is not on this engine and could not be pulled: the name or tag is wrong, it is private, or it is meant to be built here.`,
      steps: [
        'If the image is built from a Dockerfile, give the service a `build:` section and run `docker compose build` (or `up --build`); `pull_policy: build` keeps compose from pulling it.',
        'Check the image name and tag; for a private registry run `docker login <registry>` first.',
      ],
    }),
  },
  {
    id: 'registry-unreachable',
    // Go resolver / dialer errors when pulling: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup ... no such host'.
    patterns: [/Get "(https?:\/\/[^"]+\/v2\/)[^"]*": (?:dial tcp|net\/http|context deadline)/],
    build: (url) => ({
      title: 'The image registry cannot be reached',
      explanation: `Pulling needs ${url ?? 'the registry'}, which does not answer from the engine's host (offline, proxy or DNS).`,
      steps: [
        'Build the images locally (`docker compose build`) or load them (`docker load -i image.tar`), and set `pull_policy: never` or `build` for them.',
        'Or configure the engine\'s proxy (https://docs.docker.com/engine/daemon/proxy/) and check DNS on the engine\'s host.',
      ],
    }),
  },
];

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Explains compose's stderr where we know the cause; every recognised cause once, in the order they appear. Unknown
 *  errors come back with no explanation and the text unchanged (secrets masked). */
export function explainComposeError(stderr: string): ExplainedComposeError {
  const verbatim = stderr.split('\n').map((l) => maskSecrets(l)).join('\n');
  const lines = verbatim.replace(ANSI, '').split(/\r?\n/);
  const found = new Map<ComposeErrorId, { at: number; e: ComposeErrorExplanation }>();
  let pulled: string | undefined;
  lines.forEach((line, at) => {
    pulled = PULLING.exec(line.trim())?.[1] ?? pulled;
    for (const rule of RULES) {
      if (found.has(rule.id)) continue;
      for (const p of rule.patterns) {
        const m = p.exec(line);
        if (!m) continue;
        const subject = m[1] ?? (rule.subjectIsPulledImage ? pulled : undefined);
        found.set(rule.id, { at, e: { id: rule.id, ...rule.build(subject), line: line.trim(), ...(subject !== undefined ? { subject } : {}) } });
        break;
      }
    }
  });
  const explanations = [...found.values()].sort((a, b) => a.at - b.at).map((f) => f.e);
  return { verbatim, explanations };
}
