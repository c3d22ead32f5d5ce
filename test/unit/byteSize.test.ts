import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, parseByteSize, parseCpus } from '../../server/src/core/byteSize';

describe('parseByteSize (compose.json byte_value_syntax, go-units RAMInBytes)', () => {
  it('reads every documented unit as a power of 1024', () => {
    assert.equal(parseByteSize('2b'), 2);
    assert.equal(parseByteSize('1024kb'), 1024 * 1024);
    assert.equal(parseByteSize('1k'), 1024);
    assert.equal(parseByteSize('300m'), 300 * 1024 ** 2);
    assert.equal(parseByteSize('300MB'), 300 * 1024 ** 2);
    assert.equal(parseByteSize('1gb'), 1024 ** 3);
    assert.equal(parseByteSize('1.5g'), 1.5 * 1024 ** 3);
    assert.equal(parseByteSize('2GiB'), 2 * 1024 ** 3);
    assert.equal(parseByteSize('1048576'), 1048576);
    assert.equal(parseByteSize(4096), 4096);
  });

  it('rejects what is not a byte value', () => {
    for (const bad of ['', 'g', '1x', '-1g', '${MEM}', 'lots']) assert.equal(parseByteSize(bad), undefined, bad);
  });
});

describe('parseCpus', () => {
  it('reads numbers and numeric strings', () => {
    assert.equal(parseCpus('0.5'), 0.5);
    assert.equal(parseCpus(2), 2);
    assert.equal(parseCpus(' 8 '), 8);
    assert.equal(parseCpus('two'), undefined);
  });
});

describe('formatBytes', () => {
  it('prints binary units', () => {
    assert.equal(formatBytes(32 * 1024 ** 3), '32 GiB');
    assert.equal(formatBytes(1536 * 1024 ** 2), '1.5 GiB');
    assert.equal(formatBytes(12), '12 B');
  });
});
