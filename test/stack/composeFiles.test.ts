// "Choose Compose File" (client/src/stack/views/composeFiles.ts): what choosing one file loads, the order of several
// files as they are checked, the picker's title, and the Services view's name for a file set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeFileItems, describeFileSet, filesLoadedWith, pickerTitle, pickOrder } from '../../client/src/stack/views/composeFiles';
import { chosenFiles, storedFiles } from '../../client/src/ui/chosenComposeFile';

const relative = (f: string) => f.replace(/^\/w\//, '');
const FOUND = ['/w/compose.override.yaml', '/w/compose.yaml', '/w/gpu/compose.yaml', '/w/gpu/vllm.compose.yaml', '/w/old/docker-compose.yml', '/w/old/docker-compose.override.yml'];

describe('what choosing one file loads', () => {
  it('a default file or its override: both, base first, as `docker compose` in that folder', () => {
    assert.deepEqual(filesLoadedWith('/w/compose.yaml', FOUND), ['/w/compose.yaml', '/w/compose.override.yaml']);
    assert.deepEqual(filesLoadedWith('/w/compose.override.yaml', FOUND), ['/w/compose.yaml', '/w/compose.override.yaml']);
    assert.deepEqual(filesLoadedWith('/w/old/docker-compose.override.yml', FOUND), ['/w/old/docker-compose.yml', '/w/old/docker-compose.override.yml']);
  });

  it('a file Compose would not load by default: itself alone', () => {
    assert.deepEqual(filesLoadedWith('/w/gpu/vllm.compose.yaml', FOUND), ['/w/gpu/vllm.compose.yaml']);
    assert.deepEqual(filesLoadedWith('/w/gpu/compose.yaml', FOUND), ['/w/gpu/compose.yaml']);
  });

  it('the items say it, and which files are the current choice', () => {
    const items = composeFileItems(FOUND, ['/w/gpu/compose.yaml', '/w/compose.override.yaml'], relative);
    assert.deepEqual(items.map((i) => [i.label, i.description]), [
      ['compose.override.yaml', 'current (2 of 2) · loads compose.yaml + compose.override.yaml'],
      ['compose.yaml', 'loads compose.yaml + compose.override.yaml'],
      ['gpu/compose.yaml', 'current (1 of 2)'],
      ['gpu/vllm.compose.yaml', ''],
      ['old/docker-compose.yml', 'loads old/docker-compose.yml + old/docker-compose.override.yml'],
      ['old/docker-compose.override.yml', 'loads old/docker-compose.yml + old/docker-compose.override.yml'],
    ]);
  });
});

describe('several files, in the order they are checked', () => {
  it('keeps the order of checking; an unchecked file leaves, a new one goes last', () => {
    let order = pickOrder([], ['/w/gpu/compose.yaml']);
    order = pickOrder(order, ['/w/compose.yaml', '/w/gpu/compose.yaml']);
    assert.deepEqual(order, ['/w/gpu/compose.yaml', '/w/compose.yaml']);
    order = pickOrder(order, ['/w/compose.yaml']);
    order = pickOrder(order, ['/w/compose.yaml', '/w/gpu/compose.yaml']);
    assert.deepEqual(order, ['/w/compose.yaml', '/w/gpu/compose.yaml']);
  });

  it('the title shows the order, or what Enter loads when nothing is checked', () => {
    const [override] = composeFileItems(FOUND, undefined, relative);
    assert.equal(pickerTitle(['/w/gpu/compose.yaml', '/w/compose.yaml'], override, relative), 'Compose files, in merge order: 1. gpu/compose.yaml  2. compose.yaml');
    assert.equal(pickerTitle([], override, relative), 'Nothing checked: Enter loads compose.yaml + compose.override.yaml');
  });

  it('a file set in a few words', () => {
    assert.equal(describeFileSet(['/w/compose.yaml', '/w/compose.override.yaml'], relative), 'compose.yaml + compose.override.yaml');
  });
});

describe('the remembered choice (workspace state)', () => {
  it('a single file remembered by an older version still reads, and one file is stored the same way', () => {
    assert.deepEqual(chosenFiles('/w/compose.yaml'), ['/w/compose.yaml']);
    assert.equal(storedFiles(['/w/compose.yaml']), '/w/compose.yaml');
  });

  it('several files are stored in order; nothing usable reads as no choice', () => {
    assert.deepEqual(storedFiles(['/w/a.yaml', '/w/b.yaml']), ['/w/a.yaml', '/w/b.yaml']);
    assert.deepEqual(chosenFiles(['/w/a.yaml', '/w/b.yaml']), ['/w/a.yaml', '/w/b.yaml']);
    for (const stored of [undefined, '', [], [3], { file: '/w/a.yaml' }]) assert.equal(chosenFiles(stored), undefined);
  });
});
