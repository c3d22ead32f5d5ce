// "Restart Service" follows the restarted container (client/src/stack/runner/restartWatch.ts): the old status of the
// same container id does not count, and the outcome is what the person would read in the Services view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartProgress } from '../../client/src/stack/runner/restartWatch';
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
