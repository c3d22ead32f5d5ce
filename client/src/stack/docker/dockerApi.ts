/**
 * The one way this extension reaches the Docker engine: the endpoint is resolved as the docker CLI does
 * (dockerEndpoint.ts: DOCKER_HOST, else the current context), and the same endpoint gives both the dockerode client
 * (state, events, logs) and the environment for the compose CLI (composeEnv), so the sidebar and `up`/`down` can never
 * talk to two different engines (issue 3, "One engine, reached one way").
 *
 * Errors become a DockerProblem (stackTypes.ts) that names the endpoint and says what to do; the sidebar shows it with
 * a retry instead of popping errors in a loop.
 */

import { abortAfter } from '../abortAfter';
import Dockerode from 'dockerode';
import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';
import {
  composeEnv,
  describeEndpoint,
  nodeEndpointFs,
  resolveDockerEndpoint,
  toDockerodeOptions,
  type DockerEndpoint,
  type ResolveEndpointInput,
} from './dockerEndpoint';
import { maskSecrets } from '../logs/mask';
import type { DockerProblem, EngineInfo } from '../stackTypes';

export interface DockerConnection {
  readonly docker: Dockerode;
  readonly endpoint: DockerEndpoint;
  /** describeEndpoint(endpoint): "unix:///var/run/docker.sock via the default local engine". */
  readonly description: string;
  /** composeEnv(endpoint): pass to the compose CLI (applyEnv(process.env, composeEnv)). */
  readonly composeEnv: Record<string, string | undefined>;
}

export type ConnectResult = { ok: true; connection: DockerConnection; warnings: string[] } | { ok: false; problem: DockerProblem };

/** Endpoint resolution and the dockerode client; no I/O beyond reading the endpoint's files (config, context, TLS). */
export function connectDocker(input: ResolveEndpointInput): ConnectResult {
  const resolved = resolveDockerEndpoint(input);
  if (!resolved.ok) {
    const where = resolved.context ? `context "${resolved.context}"` : resolved.source;
    return {
      ok: false,
      problem: {
        id: 'endpoint-invalid',
        title: `The Docker endpoint cannot be used (${where})`,
        steps: [
          resolved.reason,
          'Check `docker context ls` and `docker context use default`, or set DOCKER_HOST to the engine you use.',
        ],
        detail: resolved.warnings.length ? resolved.warnings.join('\n') : undefined,
        endpoint: where,
      },
    };
  }
  const endpoint = resolved.endpoint;
  const description = describeEndpoint(endpoint);
  const options = toDockerodeOptions(endpoint, input.fs);
  if (!options.ok) {
    return {
      ok: false,
      problem: {
        id: 'endpoint-invalid',
        title: `The Docker endpoint ${endpoint.host} cannot be reached by the sidebar`,
        steps: [options.reason],
        endpoint: description,
      },
    };
  }
  const docker = new Dockerode(options.options);
  return {
    ok: true,
    connection: { docker, endpoint, description, composeEnv: composeEnv(endpoint) },
    warnings: [...endpoint.warnings, ...options.warnings],
  };
}

/** connectDocker with this process's environment, home folder and file system. */
export function connectDockerFromProcess(): ConnectResult {
  return connectDocker({
    env: process.env,
    homedir: homedir(),
    platform: process.platform,
    fs: nodeEndpointFs((path, enc) => readFileSync(path, enc)),
  });
}

/** Thrown (internally) when the engine did not answer within checkEngine's timeout. */
export class EngineTimeoutError extends Error {
  readonly code = 'ENGINE_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`the engine did not answer within ${timeoutMs} ms`);
  }
}

export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

interface DockerInfoLike {
  ServerVersion?: string;
  Runtimes?: Record<string, unknown>;
  Name?: string;
  CDISpecDirs?: string[];
  DefaultRuntime?: string;
  NCPU?: number;
  MemTotal?: number;
}

/** EngineInfo from `GET /info` (the fields `docker info` shows). Pure. */
export function engineInfoFromDockerInfo(info: DockerInfoLike): EngineInfo {
  const runtimes = Object.keys(info.Runtimes ?? {}).sort();
  // An nvidia runtime (NVIDIA Container Toolkit's `nvidia-ctk runtime configure`) makes `--gpus` / device requests
  // work; CDI spec dirs (engine 25+) let the engine resolve nvidia.com/gpu devices. Either means a GPU reservation can.
  const gpuCapable = runtimes.includes('nvidia') || info.DefaultRuntime === 'nvidia' || (info.CDISpecDirs?.length ?? 0) > 0;
  const out: EngineInfo = { version: info.ServerVersion ?? 'unknown', runtimes, gpuCapable };
  if (info.Name) out.name = info.Name;
  if (typeof info.NCPU === 'number' && info.NCPU > 0) out.cpus = info.NCPU;
  if (typeof info.MemTotal === 'number' && info.MemTotal > 0) out.memoryBytes = info.MemTotal;
  return out;
}

/** Ping then info, bounded by a timeout (and an optional caller signal). Never throws. */
export async function checkEngine(
  conn: DockerConnection,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ ok: true; info: EngineInfo } | { ok: false; problem: DockerProblem }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const timed = abortAfter(timeoutMs);
  const controller = timed.controller;
  const onAbort = (): void => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const deadline = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(timed.timedOut ? new EngineTimeoutError(timeoutMs) : new Error('cancelled')), { once: true }));
    deadline.catch(() => undefined);
    // dockerode 5 passes `abortSignal` to the request (lib/docker.js ping/info); @types/dockerode does not list it.
    const withSignal = { abortSignal: controller.signal } as unknown as Record<string, never>;
    const api = conn.docker as unknown as { ping(o: object): Promise<unknown>; info(o: object): Promise<unknown> };
    await Promise.race([api.ping(withSignal), deadline]);
    const info = (await Promise.race([api.info(withSignal), deadline])) as DockerInfoLike;
    return { ok: true, info: engineInfoFromDockerInfo(info) };
  } catch (err) {
    return { ok: false, problem: explainDockerError(timed.timedOut ? new EngineTimeoutError(timeoutMs) : err, conn) };
  } finally {
    timed.clear();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** The answer of one GET to the engine within `timeoutMs`: its JSON, its HTTP error, or nothing (no answer in time,
 *  a broken connection). */
type EngineAnswer = { ok: true; json: unknown } | { ok: false; status: number; message: string } | undefined;

async function engineGet(conn: DockerConnection, path: string, timeoutMs: number): Promise<EngineAnswer> {
  const timed = abortAfter(timeoutMs);
  try {
    const modem = (conn.docker as unknown as { modem: { dial(o: object, cb: (err: unknown, data: unknown) => void): void } }).modem;
    const deadline = new Promise<undefined>((resolve) => timed.controller.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    const request = new Promise<EngineAnswer>((resolve) => {
      modem.dial({ path, method: 'GET', statusCodes: { 200: true, 400: 'bad request', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 500: 'server error' }, abortSignal: timed.controller.signal }, (err, data) => {
        if (!err) return resolve({ ok: true, json: data });
        const status = (err as { statusCode?: unknown }).statusCode;
        resolve(typeof status === 'number' ? { ok: false, status, message: errorText(err) } : undefined);
      });
    });
    return await Promise.race([request, deadline]);
  } catch {
    return undefined;
  } finally {
    timed.clear();
  }
}

export const IMAGE_CHECK_TIMEOUT_MS = 3000;

/** Whether the engine has the image (`GET /images/{name}/json`): undefined when it did not say in time. */
export async function imageOnEngine(conn: DockerConnection, name: string, timeoutMs = IMAGE_CHECK_TIMEOUT_MS): Promise<boolean | undefined> {
  const answer = await engineGet(conn, `/images/${name}/json`, timeoutMs);
  if (!answer) return undefined;
  if (answer.ok) return true;
  return answer.status === 404 ? false : undefined;
}

/**
 * The engine asked to look the image up in its registry (`GET /distribution/{name}/json`, what a pull resolves first),
 * without credentials: `ok`, or the engine's error (a registry it cannot reach answers at once: "dial tcp: lookup
 * registry-1.docker.io …: no such host", the very message the pull then fails with); undefined when no answer came
 * within `timeoutMs` (nothing is said then: a slow registry may still serve the pull).
 */
export async function registryAnswer(conn: DockerConnection, name: string, timeoutMs = IMAGE_CHECK_TIMEOUT_MS): Promise<{ ok: true } | { ok: false; message: string } | undefined> {
  const answer = await engineGet(conn, `/distribution/${name}/json`, timeoutMs);
  if (!answer) return undefined;
  return answer.ok ? { ok: true } : { ok: false, message: answer.message };
}

const REMOTE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'EPROTO', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
}

function errorText(err: unknown): string {
  const e = err as { message?: unknown; json?: unknown; reason?: unknown } | null;
  const json = e?.json as { message?: unknown } | undefined;
  const text = typeof json?.message === 'string' ? json.message : typeof e?.message === 'string' ? e.message : String(err);
  return maskSecrets(text);
}

/** What went wrong talking to the engine, for a person, with the endpoint named and the steps to fix it. */
export function explainDockerError(err: unknown, conn: Pick<DockerConnection, 'endpoint' | 'description'>): DockerProblem {
  const host = conn.endpoint.host;
  const isLocalSocket = /^(unix|npipe):\/\//i.test(host);
  const code = errorCode(err);
  const detail = errorText(err);
  const endpoint = conn.description;
  const contextStep = 'Check which engine you mean: `docker context ls` (the current one is starred) and DOCKER_HOST.';
  if (err instanceof EngineTimeoutError || code === 'ENGINE_TIMEOUT') {
    return {
      id: 'timeout',
      title: `Docker at ${host} did not answer in time`,
      steps: ['The engine accepted the connection but did not answer: it may be starting or overloaded. Retry in a moment.', 'If it stays like this, restart Docker (Docker Desktop, or `sudo systemctl restart docker`).', contextStep],
      detail,
      endpoint,
    };
  }
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number') {
    return {
      id: 'engine-error',
      title: `Docker at ${host} answered with an error (HTTP ${status})`,
      steps: [detail, 'See the engine log (`journalctl -u docker`, or Docker Desktop > Troubleshoot) for more.'],
      detail,
      endpoint,
    };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    const socket = host.replace(/^(unix|npipe):\/\//i, '');
    return {
      id: 'permission-denied',
      title: `Permission denied on the Docker socket ${socket}`,
      steps: [
        'Add your user to the docker group: `sudo usermod -aG docker $USER`.',
        'Log out and back in (or run `newgrp docker`), then restart VS Code so it gets the new group.',
        'Rootless Docker or Docker Desktop: point DOCKER_HOST or the docker context at your own socket (`docker context ls`).',
      ],
      detail,
      endpoint,
    };
  }
  if (isLocalSocket && (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK')) {
    return {
      id: 'daemon-down',
      title: `Docker is not running at ${host}`,
      steps: [
        'Start Docker: open Docker Desktop, or run `sudo systemctl start docker` on Linux.',
        contextStep,
        'Then retry.',
      ],
      detail,
      endpoint,
    };
  }
  if (!isLocalSocket && (code === undefined || REMOTE_CODES.has(code))) {
    return {
      id: 'remote-unreachable',
      title: `The Docker engine at ${host} does not answer`,
      steps: [
        'Check that the remote engine is running and that this machine can reach it (network, VPN, firewall).',
        conn.endpoint.tls ? 'Check the TLS files (ca.pem, cert.pem, key.pem) match the engine.' : 'A TLS engine listens on 2376: use tcp://host:2376 with DOCKER_TLS_VERIFY=1.',
        contextStep,
      ],
      detail,
      endpoint,
    };
  }
  if (isLocalSocket && code === undefined) {
    return {
      id: 'engine-error',
      title: `Docker at ${host} failed: ${detail}`,
      steps: ['Retry; if it keeps failing, restart Docker.', contextStep],
      detail,
      endpoint,
    };
  }
  return {
    id: isLocalSocket ? 'daemon-down' : 'remote-unreachable',
    title: isLocalSocket ? `Docker is not running at ${host}` : `The Docker engine at ${host} does not answer`,
    steps: [isLocalSocket ? 'Start Docker: open Docker Desktop, or run `sudo systemctl start docker` on Linux.' : 'Check that the remote engine is running and reachable.', contextStep],
    detail: code ? `${code}: ${detail}` : detail,
    endpoint,
  };
}
