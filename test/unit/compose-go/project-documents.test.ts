// A Compose file of several YAML documents, as compose-spec/compose-go loads it at
// e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 (Apache-2.0; see SOURCES.md): loader/loader.go loadYamlFile decodes the
// documents one by one (`decoder.Decode(reset)` until io.EOF) and runs processRawYaml on each exactly as on a
// further file: interpolation, `include`, the ResetProcessor's `!reset`/`!override` paths applied to what came
// before, `extends` (within the document), override.Merge over the model so far, EnforceUnicity, Canonical,
// OmitEmpty. compose-go's only multi-document test, TestLoadMulmtiDocumentYaml, is in project-extends.test.ts;
// here every merge case of override/*_test.go (fixtures/override/cases.json) is loaded as one file of two
// documents and as two files, which must give the same model, and the per-document steps have a case each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CycleTracker } from '../../../server/src/compose/project/extends';
import { loadYamlModel } from '../../../server/src/compose/project/loader';
import { nodeAt, toPlain } from '../../../server/src/compose/project/tree';
import { configOf, inlineReader, LOADER_DIR, loadError, loadInline } from './projectLoad';

interface Case {
  file: string;
  test: string;
  kind: 'merge' | 'mergeUnicity' | 'unicity';
  inputs: string[];
}

const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'compose-go', 'fixtures', 'override');
const { cases } = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as { cases: Case[] };

/** The model loadYamlModel makes of these inline files (name → text), or the error it throws. */
function model(inline: Record<string, string>): unknown {
  const scope = { reader: inlineReader(inline), options: { resolvePaths: false }, loaderDir: LOADER_DIR, env: new Map<string, string>() };
  try {
    return toPlain(loadYamlModel(Object.keys(inline), LOADER_DIR, scope, new CycleTracker(), [], { files: new Map(), warnings: [] }));
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

const inline = (yaml: string) => configOf(loadInline([['(inline)', yaml]]));

describe('compose-go loader/loader.go: the documents of a file merge as files do', () => {
  const merges = cases.filter((c) => c.kind !== 'unicity');
  it('has the merge cases of the override tables', () => assert.equal(merges.length, 67));
  for (const c of merges) {
    it(`${c.file} ${c.test}: two documents of one file = two files`, () => {
      const [base, over] = c.inputs as [string, string];
      assert.deepEqual(model({ 'one.yaml': `${base}\n---\n${over}` }), model({ 'base.yaml': base, 'over.yaml': over }));
    });
  }
});

describe('compose-go loader/loader.go loadYamlFile: each document in turn', () => {
  it('a later document overrides an earlier one (TestLoadMulmtiDocumentYaml, with a GPU reservation added)', () => {
    const s = inline(
      'name: docs\nservices:\n  vllm:\n    image: vllm/vllm-openai:v0.10.0\n---\nservices:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n' +
        '    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n',
    ).services;
    assert.equal(s.vllm!.image, 'vllm/vllm-openai:v0.11.0');
    assert.deepEqual((s.vllm!.deploy as { resources: { reservations: { devices: unknown[] } } }).resources.reservations.devices, [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
  });

  it('`!reset` in a later document removes what an earlier one set (ResetProcessor.Apply before the merge)', () => {
    const s = inline('name: docs\nservices:\n  app:\n    image: app\n    ports: ["8000:8000"]\n    environment:\n      A: "1"\n---\nservices:\n  app:\n    ports: !reset []\n    environment: !override\n      B: "2"\n').services;
    assert.equal(s.app!.ports, undefined);
    assert.deepEqual(s.app!.environment, { B: '2' });
  });

  it('`!reset` in a document reaches back over the files before it too', () => {
    const p = loadInline([
      ['base.yaml', 'name: docs\nservices:\n  app:\n    image: app\n    command: ["serve"]\n'],
      ['over.yaml', 'services:\n  app:\n    labels: [a=b]\n---\nservices:\n  app:\n    command: !reset null\n'],
    ]);
    assert.equal(configOf(p).services.app!.command, undefined);
  });

  it('the project name is the last `name` of the documents (projectName decodes each)', () => {
    assert.equal(loadInline([['(inline)', 'name: first\nservices:\n  a:\n    image: a\n---\nname: second\n']]).name, 'second');
  });

  it('`extends` in a later document finds its base in that document only (ApplyExtends gets the document)', () => {
    const message = loadError(() => loadInline([['(inline)', 'name: docs\nservices:\n  base:\n    image: a\n---\nservices:\n  web:\n    extends: base\n']]));
    assert.match(message, /cannot extend service "web" in .*\(inline\): service "base" not found/);
    const s = inline('name: docs\nservices:\n  web:\n    image: a\n    labels: [l=1]\n---\nservices:\n  base:\n    image: b\n    environment: [X=1]\n  web:\n    extends: base\n').services;
    // web of the second document is its base with its own keys over it, then merged over the first document's web.
    assert.deepEqual([s.web!.image, s.web!.environment, s.web!.labels], ['b', { X: '1' }, { l: '1' }]);
  });

  it('`include` in a later document imports into the model (ApplyInclude runs per document)', () => {
    const s = inline('name: docs\nservices:\n  foo:\n    image: busybox\n---\ninclude:\n  - ./testdata/compose-include.yaml\n').services;
    assert.deepEqual(Object.keys(s).sort(), ['bar', 'foo', 'imported']);
  });

  it('`version` is obsolete in any document: each one warns', () => {
    const p = loadInline([['(inline)', 'version: "3"\nname: docs\nservices:\n  a:\n    image: a\n---\nversion: "3"\n']]);
    assert.equal(p.warnings.filter((w) => /`version` is obsolete/.test(w)).length, 2);
  });

  it('a document that is not a map is refused, even an empty one (a trailing `---`)', () => {
    assert.equal(loadError(() => inline('name: docs\nservices:\n  a:\n    image: a\n---\n')), 'top-level object must be a mapping');
    assert.equal(loadError(() => inline('name: docs\nservices:\n  a:\n    image: a\n---\n- a\n')), 'top-level object must be a mapping');
    // No document at all after a `...` end marker: nothing more is read.
    assert.equal(inline('name: docs\nservices:\n  a:\n    image: a\n...\n').services.a!.image, 'a');
  });

  it('a syntax error in a later document refuses the file', () => {
    assert.match(loadError(() => inline('name: docs\nservices:\n  a:\n    image: a\n---\nservices:\n  a:\n    image: [b\n')), /^failed to parse .*\(inline\): yaml: line \d+: /);
  });

  it('each value keeps the document it was written in (its offset in the file)', () => {
    const text = 'name: docs\nservices:\n  a:\n    image: one\n---\nservices:\n  a:\n    image: two\n';
    const p = loadInline([['(inline)', text]]);
    const image = nodeAt(p.model, 'services', 'a', 'image')!;
    assert.deepEqual(image.origin.range, [text.indexOf('two'), text.indexOf('two') + 3]);
  });
});
