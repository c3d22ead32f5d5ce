// Cold starts of containers started outside VS Code: measured from the events the Services view follows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColdStartObserver } from '../../client/src/stack/runner/coldStartObserver';
import type { ProjectEvent } from '../../client/src/stack/docker/projectEvents';
import type { ServiceStatus } from '../../client/src/stack/stackTypes';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const status = (health: ServiceStatus['health'], extra: Partial<ServiceStatus> = {}): ServiceStatus => ({
  service: 'vllm', replica: 1, containerId: 'c1', containerName: 'p-vllm-1', image: 'vllm/vllm-openai:v0.11.0',
  state: 'running', restartCount: 0, ports: [], startedAt: T0, ...(health ? { health } : {}), ...extra,
});
const healthy = (time: number, containerId = 'c1'): ProjectEvent => ({ action: 'health_status', health: 'healthy', service: 'vllm', containerId, time });

describe('ColdStartObserver', () => {
  it('a container seen loading that turns healthy: event time minus StartedAt', () => {
    const o = new ColdStartObserver();
    o.noteStatuses([status('starting')]);
    assert.deepEqual(o.noteEvent(healthy(T0 + 93_440)), { service: 'vllm', seconds: 93.4 });
  });

  it('only the first healthy after a start: a recovery later is not a cold start', () => {
    const o = new ColdStartObserver();
    o.noteStatuses([status('starting')]);
    assert.ok(o.noteEvent(healthy(T0 + 30_000)));
    o.noteStatuses([status('unhealthy')]);
    assert.equal(o.noteEvent(healthy(T0 + 600_000)), undefined);
  });

  it('nothing for a container never seen loading, another container, or other events', () => {
    const o = new ColdStartObserver();
    o.noteStatuses([status('healthy')]);
    assert.equal(o.noteEvent(healthy(T0 + 10_000)), undefined);
    o.noteStatuses([status('starting')]);
    assert.equal(o.noteEvent(healthy(T0 + 10_000, 'other')), undefined);
    assert.equal(o.noteEvent({ action: 'start', service: 'vllm', containerId: 'c1', time: T0 }), undefined);
    assert.equal(o.noteEvent({ ...healthy(T0 + 10_000), health: 'unhealthy' }), undefined);
    o.noteStatuses([status('starting', { state: 'exited' })]);
    assert.equal(o.noteEvent(healthy(T0 + 10_000)), undefined);
  });

  it('a restarted container is measured from its new StartedAt', () => {
    const o = new ColdStartObserver();
    o.noteStatuses([status('starting', { startedAt: T0 + 120_000, restartCount: 1 })]);
    assert.deepEqual(o.noteEvent(healthy(T0 + 125_000)), { service: 'vllm', seconds: 5 });
  });
});
