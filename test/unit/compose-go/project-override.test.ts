// The merge tables of compose-spec/compose-go override/*_test.go (Apache-2.0; see SOURCES.md) at
// e70e961c3a3acebf0800b882f1afb3dbf1fb74a2, extracted verbatim into fixtures/override/cases.json: each case lays
// one YAML file over another (override.Merge, then override.EnforceUnicity) and compares with the expected YAML.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadDocuments } from '../../../server/src/compose/project/load';
import { mergeYaml } from '../../../server/src/compose/project/merge';
import { toPlain, type MapNode } from '../../../server/src/compose/project/tree';
import { enforceUnicity } from '../../../server/src/compose/project/unicity';

interface Case {
  file: string;
  test: string;
  kind: 'merge' | 'mergeUnicity' | 'unicity';
  inputs: string[];
  want: string;
}

const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'compose-go', 'fixtures', 'override');
const { cases } = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as { cases: Case[] };

function tree(text: string, name: string): MapNode {
  return loadDocuments(text, name)[0]!.tree;
}

describe('compose-go override tests (merge and unicity)', () => {
  it('has every case of the tables', () => assert.equal(cases.length, 71));
  for (const c of cases) {
    it(`${c.file} ${c.test}`, () => {
      let merged = tree(c.inputs[0]!, 'right.yaml');
      if (c.kind !== 'unicity') merged = mergeYaml(merged, tree(c.inputs[1]!, 'left.yaml'), []) as MapNode;
      if (c.kind !== 'merge') enforceUnicity(merged);
      assert.deepEqual(toPlain(merged), parse(c.want));
    });
  }
});

describe('merged values keep the file they came from', () => {
  it('an override file replaces a scalar and adds a list entry; each points at its file', () => {
    const base = tree('services:\n  vllm:\n    image: vllm/vllm-openai:v0.10.0\n    ports: ["8000:8000"]\n', 'compose.yaml');
    const overText = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    ports: ["9000:9000"]\n';
    const over = tree(overText, 'compose.override.yaml');
    const merged = mergeYaml(base, over, []) as MapNode;
    const vllm = (merged.entries.get('services')!.value as MapNode).entries.get('vllm')!;
    const service = vllm.value as MapNode;
    assert.equal(vllm.keyOrigin.file, 'compose.yaml');
    assert.deepEqual(vllm.alsoAt?.map((o) => o.file), ['compose.override.yaml']);
    const image = service.entries.get('image')!.value;
    assert.equal(image.origin.file, 'compose.override.yaml');
    const at = overText.indexOf('vllm/vllm-openai:v0.11.0');
    assert.deepEqual(image.origin.range, [at, at + 'vllm/vllm-openai:v0.11.0'.length]);
    const ports = service.entries.get('ports')!.value;
    assert.deepEqual(ports.kind === 'seq' && ports.items.map((p) => p.origin.file), ['compose.yaml', 'compose.override.yaml']);
  });
});
