import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeenLines, sinceParam, splitTimestamp, timestampKey } from '../../client/src/stack/docker/containerLogs';

describe('log time stamps', () => {
  it('splitTimestamp takes Docker\'s stamp off the line', () => {
    assert.deepEqual(splitTimestamp('2026-11-27T06:36:55.652833301Z (APIServer pid=1) INFO 11-27 06:36:55 [api_server.py:1] x'),
      { ts: '2026-11-27T06:36:55.652833301Z', text: '(APIServer pid=1) INFO 11-27 06:36:55 [api_server.py:1] x' });
    assert.deepEqual(splitTimestamp('Loading shards 50%'), { ts: undefined, text: 'Loading shards 50%' });
    assert.deepEqual(splitTimestamp('2026-11-27T06:36:55.652833301Z '), { ts: '2026-11-27T06:36:55.652833301Z', text: '' });
  });

  it('timestampKey is fixed width, so string order is time order', () => {
    assert.equal(timestampKey('2026-11-27T06:36:55.6Z'), '2026-11-27T06:36:55.600000000Z');
    assert.equal(timestampKey('2026-11-27T06:36:55Z'), '2026-11-27T06:36:55.000000000Z');
    assert.ok(timestampKey('2026-11-27T06:36:55.6Z') > timestampKey('2026-11-27T06:36:55.59Z'));
  });

  it('sinceParam: unix seconds and nanoseconds', () => {
    assert.equal(sinceParam('2026-11-27T06:36:55.652833301Z'), `${Date.parse('2026-11-27T06:36:55Z') / 1000}.652833301`);
  });
});

describe('SeenLines: a re-read from `since` (inclusive) shows nothing twice and loses nothing', () => {
  const t = (n: number) => `2026-11-27T06:36:55.${String(n).padStart(9, '0')}Z`;

  it('skips what is older and the lines already shown at the last stamp', () => {
    const seen = new SeenLines();
    // First stream: two lines share the last stamp (a `\r` redraw keeps the stamp of its line).
    assert.ok(seen.accept(t(1)));
    assert.ok(seen.accept(t(2)));
    assert.ok(seen.accept(undefined));
    assert.equal(seen.lastTs, t(2));
    assert.equal(seen.countAtLast, 2);
    seen.beginReread();
    // The engine sends again from t(2): the two lines at t(2) are skipped, the rest is new.
    assert.equal(seen.accept(t(2)), false);
    assert.equal(seen.accept(undefined), false);
    assert.equal(seen.accept(t(2)), true, 'a third line at the same stamp is new');
    assert.equal(seen.accept(t(3)), true);
    assert.equal(seen.accept(undefined), true);
  });

  it('a re-read that starts later than expected ends the skipping at once', () => {
    const seen = new SeenLines();
    seen.accept(t(5));
    seen.beginReread();
    assert.equal(seen.accept(t(4)), false);
    assert.equal(seen.accept(t(6)), true);
    assert.equal(seen.accept(t(5)), true, 'skipping is over');
  });
});
