// "Choose Compose File" (client/src/stack/views/composeFiles.ts): what choosing one file loads, the order of several
// files as they are checked, the picker's title, and the Services view's name for a file set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeFileItems, describeFileSet, filesLoadedWith, filesToActOn, pickerTitle, pickOrder } from '../../client/src/stack/views/composeFiles';
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

describe('the file a stack command acts on (issue 12: the file you mean)', () => {
  const demo = '/w/demo/compose.yaml';
  const first = '/w/first-attempt/docker-compose.yml';

  it('Start takes the Compose file in the active editor over the remembered one', () => {
    assert.deepEqual(filesToActOn({ active: demo, followActive: true, remembered: [first], found: [] }), { files: [demo] });
  });

  it('a file the command was given (code lens, editor title) wins over the active editor and the remembered one', () => {
    assert.deepEqual(filesToActOn({ named: demo, active: first, followActive: true, remembered: [first], found: [] }), { files: [demo] });
    assert.deepEqual(filesToActOn({ named: demo, followActive: false, remembered: [first], found: [] }), { files: [demo] });
  });

  it('a file of the remembered project keeps the remembered choice (a set chosen in order is not narrowed to one file)', () => {
    const set = ['/w/compose.yaml', '/w/compose.gpu.yaml'];
    assert.deepEqual(filesToActOn({ active: '/w/compose.gpu.yaml', followActive: true, remembered: set, found: [] }), { files: set });
    // The override the remembered file loads is the same project.
    assert.deepEqual(
      filesToActOn({ active: '/w/compose.override.yaml', followActive: true, remembered: ['/w/compose.yaml'], rememberedLoads: ['/w/compose.yaml', '/w/compose.override.yaml'], found: [] }),
      { files: ['/w/compose.yaml'] },
    );
  });

  it('Stop, logs and the probe act on the project the Services view shows, whatever the active editor', () => {
    assert.deepEqual(filesToActOn({ active: demo, followActive: false, remembered: [first], found: [] }), { files: [first] });
  });

  it('with nothing remembered: the active Compose file, else the workspace\'s only one, else ask', () => {
    assert.deepEqual(filesToActOn({ active: demo, followActive: false, found: [demo, first] }), { files: [demo] });
    assert.deepEqual(filesToActOn({ followActive: true, found: [first] }), { files: [first] });
    assert.deepEqual(filesToActOn({ followActive: true, found: [demo, first] }), { ask: true });
    assert.deepEqual(filesToActOn({ followActive: true, found: [] }), { ask: true });
  });
});
