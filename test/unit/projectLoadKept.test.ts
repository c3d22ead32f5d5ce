/**
 * The loader keeps each file's converted documents and the services it could process alone (loader.ts
 * processedAlone), and copies them into every load of the project: a load must change nothing it keeps, or the next
 * keystroke's load would read a model the previous one had already merged, defaulted and normalised.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configOf, loadInline } from './compose-go/projectLoad';

/** The model with where each value came from: what the rules and the findings' ranges read. */
function modelWithOrigins(files: Array<[string, string]>): string {
  const loaded = loadInline(files, { env: { HF_TOKEN: 'hf_x', TAG: 'v0.11.0' } });
  return JSON.stringify({ config: configOf(loaded), model: loaded.model }, (key, value) => (key === 'node' ? undefined : value));
}

describe('project load from kept documents', () => {
  // Short forms that the processing steps rewrite (ports, volumes, depends_on lists, env lists), a service both
  // files write (merged the usual way), one only the override adds, and one extending another in its file.
  const base = `name: kept
services:
  vllm:
    image: vllm/vllm-openai:\${TAG}
    command: [--model, Qwen/Qwen3-8B]
    ports: ["8000:8000"]
    volumes: [hf-cache:/root/.cache/huggingface, ./models:/models:ro]
    environment: [HF_TOKEN, VLLM_LOGGING_LEVEL=INFO]
  gateway:
    image: nginx:1.27
    depends_on: [vllm]
    ports: ["80:80", "80:80"]
  worker:
    extends: gateway
    ports: ["81:80"]
volumes:
  hf-cache: {}
`;
  const override = `services:
  vllm:
    ports: ["8001:8000"]
    deploy:
      resources:
        reservations:
          devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]
  redis:
    image: redis:7.4
    ports: ["6379"]
`;

  it('loads the same model each time (a load changes nothing the loader keeps)', () => {
    const files: Array<[string, string]> = [['compose.yaml', base], ['compose.override.yaml', override]];
    const first = modelWithOrigins(files);
    assert.equal(modelWithOrigins(files), first);
    assert.equal(modelWithOrigins(files), first);
  });

  it('a service written alone is processed as when merged: long forms, the override still merged into the base', () => {
    const config = configOf(loadInline([['compose.yaml', base], ['compose.override.yaml', override]], { env: { TAG: 'v0.11.0' } }));
    assert.deepEqual(config.services.gateway!.depends_on, { vllm: { condition: 'service_started', required: true } });
    // The same port written twice is kept once (unicity), in its long form (canonical).
    assert.deepEqual(config.services.gateway!.ports, [{ mode: 'ingress', target: 80, published: '80', protocol: 'tcp' }]);
    assert.deepEqual((config.services.vllm!.ports as Array<{ published: string }>).map((p) => p.published), ['8000', '8001']);
    assert.equal(config.services.vllm!.image, 'vllm/vllm-openai:v0.11.0');
    assert.deepEqual((config.services.worker!.ports as Array<{ published: string }>).map((p) => p.published), ['80', '81']);
    assert.deepEqual((config.services.redis!.ports as Array<{ target: number }>).map((p) => p.target), [6379]);
  });

  it('a file whose text changed is loaded anew while the other keeps its processed services', () => {
    const before = configOf(loadInline([['compose.yaml', base], ['compose.override.yaml', override]]));
    const edited = override.replace('redis:7.4', 'redis:7.2');
    const after = configOf(loadInline([['compose.yaml', base], ['compose.override.yaml', edited]]));
    assert.equal(after.services.redis!.image, 'redis:7.2');
    assert.deepEqual({ ...after.services, redis: undefined }, { ...before.services, redis: undefined });
  });
});
