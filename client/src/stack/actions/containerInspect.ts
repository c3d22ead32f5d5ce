/** `GET /containers/{id}/json` through the connection's dockerode client, bounded in time; never throws. */
import type { DockerConnection } from '../docker/dockerApi';
import { maskSecrets } from '../logs/mask';

export type InspectAnswer = { ok: true; json: unknown } | { ok: false; message: string };

export async function inspectContainer(conn: Pick<DockerConnection, 'docker'>, containerId: string, timeoutMs = 10_000): Promise<InspectAnswer> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<InspectAnswer>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({ ok: false, message: `the Docker engine did not answer within ${timeoutMs / 1000} s` });
    }, timeoutMs);
  });
  const request = conn.docker
    .getContainer(containerId)
    .inspect({ abortSignal: abort.signal } as object)
    .then((json): InspectAnswer => ({ ok: true, json }))
    .catch((err: unknown): InspectAnswer => {
      const e = err as { json?: { message?: unknown }; message?: unknown } | null;
      const text = typeof e?.json?.message === 'string' ? e.json.message : typeof e?.message === 'string' ? e.message : String(err);
      return { ok: false, message: maskSecrets(text) };
    });
  try {
    return await Promise.race([request, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
