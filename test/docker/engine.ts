/**
 * Shared set-up for the tests that need the real Docker engine (test/docker/*.test.ts): the engine must answer and
 * the stand-in image must exist, or the test FAILS with the way to fix it (never skips quietly). Also unique
 * project names and clean-up that runs whatever happened in the test.
 *
 * The engine is reached the way the extension reaches it (connectDockerFromProcess: DOCKER_HOST, else the current
 * context), so a test that passes here talks to the engine the product would use.
 */

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { checkEngine, connectDockerFromProcess, type DockerConnection } from '../../client/src/stack/docker/dockerApi';
import { applyEnv } from '../../client/src/stack/docker/dockerEndpoint';
import { COMPOSE_LABELS } from '../../client/src/stack/docker/projectContainers';
import { findComposeCommand, type ComposeCommand } from '../../client/src/stack/process/composeCommand';

export const STANDIN_IMAGE = 'inference-stack/vllm-standin:test';
export const NGINX_IMAGE = 'inference-stack/nginx:test';

/** The repository root (these tests run compiled, from <outDir>/test/docker). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface Engine {
  docker: Dockerode;
  connection: DockerConnection;
}

let engine: Promise<Engine> | undefined;
const builtImages = new Set<string>();

const HOW_TO_START = 'start one with `(dockerd > /tmp/dockerd.log 2>&1 &)` or `sudo systemctl start docker`; .ci/run installs and starts one';

/** The engine, checked once per test process; throws (fails the test) with a clear message when it is unreachable. */
export function requireEngine(opts: { images?: ('standin' | 'nginx' | 'standin-python')[] } = {}): Promise<Engine> {
  engine ??= (async () => {
    const connected = connectDockerFromProcess();
    if (!connected.ok) throw new Error(`the Docker tests need a running engine: ${connected.problem.title}. ${connected.problem.steps.join(' ')}`);
    const check = await checkEngine(connected.connection, { timeoutMs: 10_000 });
    if (!check.ok) {
      throw new Error(`the Docker tests need a running engine: ${check.problem.title} (${connected.connection.description}); ${HOW_TO_START}. ${check.problem.detail ?? ''}`);
    }
    return { docker: connected.connection.docker, connection: connected.connection };
  })();
  const ready = engine;
  return ready.then((e) => {
    for (const image of opts.images ?? ['standin']) requireImage(image);
    return e;
  });
}

/** The compose command the extension finds for this engine (docker-compose 1.29 here); throws (fails the test) without one. */
export async function requireComposeCommand(engine: Engine): Promise<ComposeCommand> {
  const lookup = await findComposeCommand({ env: applyEnv(process.env, engine.connection.composeEnv) });
  if (!lookup.found) throw new Error(`no compose command: ${lookup.message}`);
  return lookup.command;
}

/** Builds the image if its inputs changed (scripts/build-test-images.mjs is idempotent); throws on failure. */
export function requireImage(name: 'standin' | 'nginx' | 'standin-python'): void {
  if (builtImages.has(name)) return;
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-test-images.mjs'), name], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`cannot build the ${name} test image: ${r.stderr || r.stdout || r.error?.message}`);
  builtImages.add(name);
}

/** A Compose project name no other run uses: `istest-<prefix>-<time>-<random>` (lowercase, as compose wants). */
export function uniqueProject(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  return `istest-${clean}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Labels that make a container look like compose's: what projectContainers / projectEvents find it by. */
export function composeLabels(project: string, service: string, replica = 1): Record<string, string> {
  return {
    [COMPOSE_LABELS.project]: project,
    [COMPOSE_LABELS.service]: service,
    [COMPOSE_LABELS.containerNumber]: String(replica),
    [COMPOSE_LABELS.oneoff]: 'False',
  };
}

/** Removes every container, network and volume of a project (by compose label). Never throws; returns what failed. */
export async function cleanupProject(docker: Dockerode, project: string): Promise<string[]> {
  const failures: string[] = [];
  const label = `${COMPOSE_LABELS.project}=${project}`;
  try {
    const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch((e: Error) => {
      if ((e as { statusCode?: number }).statusCode !== 404) failures.push(`container ${c.Id}: ${e.message}`);
    })));
    const networks = await docker.listNetworks({ filters: { label: [label] } });
    await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch((e: Error) => failures.push(`network ${n.Name}: ${e.message}`))));
    const volumes = await docker.listVolumes({ filters: { label: [label] } });
    await Promise.all((volumes.Volumes ?? []).map((v) => docker.getVolume(v.Name).remove().catch((e: Error) => failures.push(`volume ${v.Name}: ${e.message}`))));
  } catch (e) {
    failures.push((e as Error).message);
  }
  return failures;
}

/** Removes containers by name or id (force), ignoring ones already gone. */
export async function removeContainers(docker: Dockerode, ids: Iterable<string>): Promise<void> {
  await Promise.all([...ids].map((id) => docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined)));
}

/** Runs the docker CLI (same engine: DOCKER_HOST / context as this process); throws with stderr on failure. */
export function dockerCli(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, env: opts.env ?? process.env });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/**
 * Waits until `probe` returns a value other than undefined / false, checking every `intervalMs`, and fails with
 * `what` and the last value seen once `timeoutMs` have passed. (Not a sleep: it returns as soon as the state holds.)
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const interval = opts.intervalMs ?? 100;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** A collector: resolves `next(pred)` when a matching item arrives (or already arrived), with a deadline. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: { pred: (t: T) => boolean; resolve: (t: T) => void }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(item)) return true;
      w.resolve(item);
      return false;
    });
  };

  /** The first item (from `from` on) matching, now or when it arrives; rejects after `timeoutMs`. */
  next(what: string, pred: (t: T) => boolean, opts: { timeoutMs?: number; from?: number } = {}): Promise<T> {
    const found = this.items.slice(opts.from ?? 0).find(pred);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, opts.timeoutMs ?? 30_000);
      const waiter = { pred, resolve: (t: T) => { clearTimeout(timer); resolve(t); } };
      this.waiters.push(waiter);
    });
  }
}
