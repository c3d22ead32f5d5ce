import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePath, pathsOverlap, splitShortVolume } from '../../server/src/compose/volumes';

describe('splitShortVolume', () => {
  it('splits src:dst[:mode]', () => {
    assert.deepEqual(splitShortVolume('hf:/root/.cache/huggingface'), { source: 'hf', target: '/root/.cache/huggingface', mode: undefined });
    assert.deepEqual(splitShortVolume('./m:/models:ro'), { source: './m', target: '/models', mode: 'ro' });
  });

  it('reads a lone path as an anonymous volume', () => {
    assert.deepEqual(splitShortVolume('/data'), { source: undefined, target: '/data', mode: undefined });
  });

  it('does not split inside ${...}', () => {
    assert.deepEqual(splitShortVolume('${MODEL_DIRECTORY:-./}:/opt/nim/.cache'), { source: '${MODEL_DIRECTORY:-./}', target: '/opt/nim/.cache', mode: undefined });
  });

  it('keeps a Windows drive letter in the source', () => {
    assert.deepEqual(splitShortVolume('C:\\models:/models:ro'), { source: 'C:\\models', target: '/models', mode: 'ro' });
  });

  it('rejects too many parts', () => {
    assert.equal(splitShortVolume('a:b:c:d'), undefined);
  });
});

describe('pathsOverlap', () => {
  it('matches equal, parent and child paths', () => {
    assert.ok(pathsOverlap('/root/.cache', '/root/.cache/huggingface'));
    assert.ok(pathsOverlap('/root/.cache/huggingface/hub', '/root/.cache/huggingface'));
    assert.ok(pathsOverlap('/data/', '/data'));
  });

  it('does not match siblings or prefixes of a name', () => {
    assert.ok(!pathsOverlap('/data2', '/data'));
    assert.ok(!pathsOverlap('/root/.cache/vllm', '/root/.cache/huggingface'));
  });

  it('normalises slashes and dots', () => {
    assert.equal(normalizePath('/a//b/./c/'), '/a/b/c');
    assert.equal(normalizePath('./models/x'), 'models/x');
  });
});
