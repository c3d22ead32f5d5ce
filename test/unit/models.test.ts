/**
 * Docker Model Runner in Compose (compose/models.ts): the top-level `models:`, service `models:` in both forms and
 * `provider:` services, read as compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 reads them (types/models.go,
 * schema/compose-spec.json), and no rule mistaking them for model servers: the fixture assembles the examples of
 * Docker's docs (its header names the pages and commits).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCompose } from '../../server/src/compose/composeFile';
import { isModelProvider, modelDefinitions, serviceModelRefs, serviceProvider } from '../../server/src/compose/models';
import { describeService } from '../../server/src/compose/service';
import { planStack } from '../../server/src/compose/stackPlan';
import { lint, rangeText } from '../helpers';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'docker-docs-models.compose.yaml');
const docsExample = readFileSync(FIXTURE, 'utf8');

describe('Compose models (Docker Model Runner)', () => {
  const file = parseCompose(docsExample);
  const service = (name: string) => file.services.find((s) => s.name === name)!;

  it('reads the top-level models with their options', () => {
    const models = modelDefinitions(file);
    assert.deepEqual(models.map((m) => [m.name, m.model, m.contextSize?.text]), [
      ['llm', 'ai/smollm2', '4096'],
      ['embedding-model', 'ai/all-minilm', undefined],
      ['dev_model', 'ai/model', '4096'],
      ['embedding_model', 'ai/all-minilm', '2048'],
    ]);
    assert.deepEqual(models[0]!.runtimeFlags, ['--no-prefill-assistant']);
    assert.equal(models[2]!.runtimeFlags.length, 5);
  });

  it("reads a service's models in the short list and the long form with endpoint_var / model_var", () => {
    assert.deepEqual(serviceModelRefs(service('app').map).map((m) => [m.name, m.endpointVar, m.modelVar]), [
      ['llm', undefined, undefined],
      ['embedding-model', undefined, undefined],
    ]);
    const long = serviceModelRefs(service('chat-app').map);
    assert.deepEqual(long.map((m) => [m.name, m.endpointVar, m.modelVar]), [['llm', 'AI_MODEL_URL', 'AI_MODEL_NAME']]);
    assert.equal(docsExample.slice(long[0]!.at.start, long[0]!.at.end), 'llm', 'the key is where the reference is written');
  });

  it('reads a provider service of type model', () => {
    const provider = serviceProvider(service('ai_runner').map);
    assert.equal(provider?.type, 'model');
    assert.equal(provider?.options?.text('model'), 'ai/smollm2');
    assert.equal(isModelProvider(provider), true);
    assert.equal(serviceProvider(service('chat').map), undefined);
  });

  it('neither a provider service nor a client of models is a model server', () => {
    for (const s of file.services) assert.equal(describeService(s).isModelService, false, s.name);
    // A client that reserves a GPU for itself is still a client: what serves the model is Model Runner.
    const withGpu = parseCompose(docsExample.replace('    image: my-app\n', '    image: my-app\n    gpus: all\n'));
    assert.equal(describeService(withGpu.services.find((s) => s.name === 'app')!).isModelService, false);
  });

  it('the stack plan lists the models Model Runner serves and who uses each (for pre-flight and the views)', () => {
    const plan = planStack(docsExample, '/work/app/compose.yaml');
    assert.deepEqual(plan.models, [
      { name: 'llm', model: 'ai/smollm2', usedBy: ['chat-app', 'app'], source: 'models' },
      { name: 'embedding-model', model: 'ai/all-minilm', usedBy: ['app'], source: 'models' },
      { name: 'dev_model', model: 'ai/model', usedBy: ['app-dev'], source: 'models' },
      { name: 'embedding_model', model: 'ai/all-minilm', usedBy: ['app-embeddings'], source: 'models' },
      { name: 'ai_runner', model: 'ai/smollm2', usedBy: ['chat'], source: 'provider' },
    ]);
    assert.equal(planStack('services:\n  a:\n    image: nginx:1.27\n', '/work/app/compose.yaml').models, undefined);
  });

  it("Docker's own examples get no finding", () => {
    assert.deepEqual(lint(docsExample, 'compose', { fileName: 'compose.yaml' }).map((f) => `${f.rule}: ${f.message}`), []);
  });

  it('a model a service names but the file does not define is reported at the reference', () => {
    const text = docsExample.replace(/^ {2}embedding-model:\n {4}model: ai\/all-minilm\n/m, '');
    const found = lint(text, 'compose', { fileName: 'compose.yaml' });
    assert.deepEqual(found.map((f) => [f.rule, rangeText(text, f)]), [['compose-reference-undefined', 'embedding-model']]);
    assert.match(found[0]!.message, /service "app" refers to undefined model embedding-model/);
    // `embedding_model` is one edit away, so the rename is offered.
    assert.deepEqual(found[0]!.fixes.map((f) => f.title), ['Change to "embedding_model"']);
  });
});
