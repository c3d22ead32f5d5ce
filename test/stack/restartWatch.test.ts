// "Restart Service" follows the restarted container (client/src/stack/runner/restartWatch.ts): the old status of the
// same container id does not count, and the outcome is what the person would read in the Services view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Dockerode from 'dockerode';
import { cancelledRestartText, restartProgress } from '../../client/src/stack/runner/restartWatch';
import { restartService } from '../../client/src/stack/runner/stackRunner';
import type { DockerConnection } from '../../client/src/stack/docker/dockerApi';
import type { ServiceStatus } from '../../client/src/stack/stackTypes';

const BEFORE = 1_700_000_000_000;
const c = (extra: Partial<ServiceStatus>): ServiceStatus => ({
  service: 'vllm', replica: 1, containerId: 'abc', containerName: 'p-vllm-1', image: 'vllm/vllm-openai:v0.11.0', state: 'running', restartCount: 0, ports: [], startedAt: BEFORE, ...extra,
});

describe('following a restarted service', () => {
  it('the status from before the restart (same container, same start time, still "healthy") is not the outcome', () => {
    assert.deepEqual(restartProgress(c({ health: 'healthy' }), BEFORE), { done: false, text: 'stopping and starting its container' });
    assert.equal(restartProgress(undefined, BEFORE).done, false);
  });

  it('waits through the healthcheck, then healthy is done', () => {
    assert.equal(restartProgress(c({ startedAt: BEFORE + 5000, health: 'starting' }), BEFORE).done, false);
    assert.deepEqual(restartProgress(c({ startedAt: BEFORE + 5000, health: 'healthy' }), BEFORE), { done: true, ok: true, text: 'is healthy again' });
    assert.deepEqual(restartProgress(c({ startedAt: BEFORE + 5000 }), BEFORE), { done: true, ok: true, text: 'is running again' });
    // A container that had exited: its old status (old start time, exited) is not the outcome; its new start is.
    assert.equal(restartProgress(c({ state: 'exited', exitCode: 1 }), BEFORE).done, false);
    assert.equal(restartProgress(c({ startedAt: BEFORE + 5000 }), BEFORE).done, true);
  });

  it('a container that fails again is a failed restart, with what Docker says', () => {
    assert.deepEqual(restartProgress(c({ startedAt: BEFORE + 5000, state: 'exited', exitCode: 137, oomKilled: true }), BEFORE), { done: true, ok: false, text: 'exited with code 137 (out of memory)' });
    assert.deepEqual(restartProgress(c({ startedAt: BEFORE + 5000, health: 'unhealthy', lastHealthOutput: 'curl: (7) refused' }), BEFORE), { done: true, ok: false, text: 'is unhealthy: curl: (7) refused' });
    assert.equal(restartProgress(c({ startedAt: BEFORE + 5000, state: 'restarting', exitCode: 1 }), BEFORE).text, 'exited with code 1 and Docker is restarting it again');
  });
});

/**
 * An engine that lists the service's container and then never answers `docker restart` (a model server that takes
 * its whole stop timeout, an engine under load): `asked` says whether the restart request was sent, and with which
 * abort signal.
 */
function engineThatNeverAnswers(): { connection: DockerConnection; asked: Array<{ abortSignal?: AbortSignal }> } {
  const asked: Array<{ abortSignal?: AbortSignal }> = [];
  const docker = {
    listContainers: async () => [{ Id: 'abc', State: 'running', Created: 1, Labels: {} }],
    getContainer: () => ({
      restart: (opts: { abortSignal?: AbortSignal }) => {
        asked.push(opts);
        return new Promise(() => undefined);
      },
    }),
  };
  return { connection: { docker: docker as unknown as Dockerode, description: 'a test engine' } as DockerConnection, asked };
}

describe('Cancel during Restart Service', () => {
  it('stops waiting for the engine at once, aborts the request, and says the container may still be restarting', { timeout: 5000 }, async () => {
    const { connection, asked } = engineThatNeverAnswers();
    const cancel = new AbortController();
    const result = restartService({ connection, project: 'p', service: 'vllm', signal: cancel.signal });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(asked.length, 1, 'the engine was asked to restart the container');
    const t0 = Date.now();
    cancel.abort();
    const r = await result;
    assert.ok(Date.now() - t0 < 1000, 'no wait for an answer that never comes');
    assert.deepEqual(r, { ok: false, cancelled: 'while-restarting' });
    assert.equal(asked[0]!.abortSignal?.aborted, true, 'the request itself is aborted');
    assert.equal(
      cancelledRestartText('vllm', 'while-restarting'),
      'Stopped waiting for Docker to restart vllm. Docker had been asked to and may still do it: the container may be stopping, stopped, or starting again. The Services view shows where it stands.',
    );
  });

  it('cancelled before the engine was asked: nothing is sent, and the message says the container was left as it was', { timeout: 5000 }, async () => {
    const { connection, asked } = engineThatNeverAnswers();
    const cancel = new AbortController();
    cancel.abort();
    assert.deepEqual(await restartService({ connection, project: 'p', service: 'vllm', signal: cancel.signal }), { ok: false, cancelled: 'before-asking' });
    assert.equal(asked.length, 0);
    assert.equal(cancelledRestartText('vllm', 'before-asking'), 'Restart of vllm cancelled before Docker was asked: its container was left as it was.');
  });
});
