// The one cold-start measurement (container start to first healthy), fed with the events and listings the project's
// observer sees: a Start from VS Code and a stack started from a terminal are measured the same way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColdStartMeter, coldStartSeconds } from '../../client/src/stack/docker/coldStartMeter';
import type { ProjectEvent } from '../../client/src/stack/docker/projectEvents';
import type { ServiceStatus } from '../../client/src/stack/stackTypes';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const status = (health: ServiceStatus['health'], extra: Partial<ServiceStatus> = {}): ServiceStatus => ({
  service: 'vllm', replica: 1, containerId: 'c1', containerName: 'p-vllm-1', image: 'vllm/vllm-openai:v0.11.0',
  state: 'running', restartCount: 0, ports: [], startedAt: T0, ...(health ? { health } : {}), ...extra,
});
const healthy = (time: number, containerId = 'c1'): ProjectEvent => ({ action: 'health_status', health: 'healthy', service: 'vllm', containerId, time });
const started = (time: number, containerId = 'c1'): ProjectEvent => ({ action: 'start', service: 'vllm', containerId, time });

describe('coldStartSeconds', () => {
  it('is healthy time minus StartedAt, to 0.1 s; nothing when the times make no sense', () => {
    assert.equal(coldStartSeconds(1_000, 4_260), 3.3);
    assert.equal(coldStartSeconds(undefined, 4_000), undefined);
    assert.equal(coldStartSeconds(5_000, 4_000), undefined);
  });
});

describe('ColdStartMeter', () => {
  it('a container seen loading in a listing that turns healthy: event time minus StartedAt', () => {
    const m = new ColdStartMeter();
    m.noteStatuses([status('starting')]);
    assert.deepEqual(m.noteEvent(healthy(T0 + 93_440)), { service: 'vllm', seconds: 93.4 });
  });

  it('a container whose start event it saw, healthy before any listing showed it (a fast start)', () => {
    const m = new ColdStartMeter();
    m.noteEvent(started(T0 + 50));
    assert.deepEqual(m.noteEvent(healthy(T0 + 4_050)), { service: 'vllm', seconds: 4 });
  });

  it('takes the engine\'s StartedAt over the event time, but not from a listing of an earlier run', () => {
    const m = new ColdStartMeter();
    m.noteEvent(started(T0 + 300));
    // Asked for before the start, answered after it: the old run's StartedAt is not this start's.
    m.noteStatuses([status(undefined, { state: 'exited', startedAt: T0 - 600_000, finishedAt: T0 - 1_000 })]);
    m.noteStatuses([status('starting', { startedAt: T0 })]);
    assert.deepEqual(m.noteEvent(healthy(T0 + 10_000)), { service: 'vllm', seconds: 10 });
  });

  it('only the first healthy after a start: a recovery later is not a cold start', () => {
    const m = new ColdStartMeter();
    m.noteStatuses([status('starting')]);
    assert.ok(m.noteEvent(healthy(T0 + 30_000)));
    m.noteStatuses([status('unhealthy')]);
    assert.equal(m.noteEvent(healthy(T0 + 600_000)), undefined);
  });

  it('nothing for a container never seen loading, another container, a died one, or other events', () => {
    const m = new ColdStartMeter();
    m.noteStatuses([status('healthy')]);
    assert.equal(m.noteEvent(healthy(T0 + 10_000)), undefined);
    assert.equal(m.noteEvent(healthy(T0 + 10_000, 'other')), undefined);
    assert.equal(m.noteEvent({ ...healthy(T0 + 10_000), health: 'unhealthy' }), undefined);
    m.noteEvent(started(T0 + 20_000));
    m.noteEvent({ action: 'die', service: 'vllm', containerId: 'c1', time: T0 + 21_000, exitCode: 1 });
    assert.equal(m.noteEvent(healthy(T0 + 30_000)), undefined, 'a container that died is not loading any more');
  });

  it('a restarted container is measured from its new start', () => {
    const m = new ColdStartMeter();
    m.noteStatuses([status('healthy')]);
    m.noteEvent(started(T0 + 120_000));
    m.noteStatuses([status('starting', { startedAt: T0 + 120_000, restartCount: 1 })]);
    assert.deepEqual(m.noteEvent(healthy(T0 + 125_000)), { service: 'vllm', seconds: 5 });
  });

  it('a scaled service: reported once, when its slowest replica is healthy, with that replica\'s time', () => {
    const m = new ColdStartMeter();
    m.noteEvent(started(T0, 'c1'));
    m.noteEvent(started(T0 + 200, 'c2'));
    assert.equal(m.noteEvent(healthy(T0 + 8_000, 'c1')), undefined, 'the other replica is still loading');
    assert.deepEqual(m.noteEvent(healthy(T0 + 12_200, 'c2')), { service: 'vllm', seconds: 12 });
    assert.equal(m.noteEvent(healthy(T0 + 12_300, 'c1')), undefined, 'once');
  });
});
