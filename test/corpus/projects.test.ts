/**
 * The corpus's multi-file projects loaded as Compose loads them (compose/project): the GPU that an override file,
 * an `extends` chain or a fragment supplies is in the merged service, and each value still names the file it
 * came from (where a rule would report it). The files are copied under their upstream names into a temporary
 * project folder; a stand-in is written where the upstream file is not in the corpus (said at each test).
 */
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { boundedReader, composeConfig, loadProject, nodeAt, type MapNode } from '../../server/src/compose/project';
import { project } from './invariants';


function load(dir: string, files: string[], env: Record<string, string> = {}) {
  return loadProject({ cwd: dir, files, environment: new Map(Object.entries(env)) }, boundedReader({ root: dir }));
}

const DEVICES = ['deploy', 'resources', 'reservations', 'devices'];

describe('corpus projects loaded as Compose loads them', () => {
  it("harbor: the vLLM base gets its GPU from compose.x.vllm.nvidia.yml, reported in that file", () => {
    // harbor's root compose.yml (not in the corpus) declares harbor-network; its .env sets the variables (a
    // stand-in with the two that Compose needs: without HARBOR_VLLM_CACHE the volume is `:/root/.cache/vllm`).
    const dir = project(
      { 'av__harbor__services__compose.vllm.yml': 'compose.vllm.yml', 'av__harbor__services__compose.x.vllm.nvidia.yml': 'compose.x.vllm.nvidia.yml' },
      { 'compose.yml': 'networks:\n  harbor-network:\n', '.env': 'HARBOR_VLLM_CACHE=./vllm-cache\nHARBOR_VLLM_HOST_PORT=33911\n', 'services/vllm/override.env': '' },
    );
    const p = load(dir, ['compose.yml', 'compose.vllm.yml', 'compose.x.vllm.nvidia.yml'], { HARBOR_CONTAINER_PREFIX: 'harbor' });
    const vllm = composeConfig(p).services as Record<string, Record<string, unknown>>;
    assert.deepEqual((vllm.vllm!.deploy as { resources: unknown }).resources, { reservations: { devices: [{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }] } });
    assert.equal(vllm.vllm!.container_name, 'harbor.vllm');
    assert.deepEqual(vllm.vllm!.ports, [{ mode: 'ingress', target: 8000, published: '33911', protocol: 'tcp' }]);
    const service = nodeAt(p.model, 'services', 'vllm') as MapNode;
    assert.equal(basename(nodeAt(service, ...DEVICES, 0)!.origin.file), 'compose.x.vllm.nvidia.yml');
    assert.equal(basename(nodeAt(service, 'image')?.origin.file ?? nodeAt(service, 'build')!.origin.file), 'compose.vllm.yml');
    const key = (nodeAt(p.model, 'services') as MapNode).entries.get('vllm')!;
    assert.equal(basename(key.keyOrigin.file), 'compose.vllm.yml');
    assert.deepEqual(key.alsoAt?.map((o) => basename(o.file)), ['compose.x.vllm.nvidia.yml']);
    assert.equal((vllm.vllm!.volumes as Array<{ source: string }>)[1]!.source, join(dir, 'vllm-cache'));
  });

  it('speaches: compose.cuda-cdi.yaml extends compose.cuda.yaml extends compose.yaml; `devices: !override` keeps only the CDI request', () => {
    const dir = project({
      'speaches-ai__speaches__compose.yaml': 'compose.yaml',
      'speaches-ai__speaches__compose.cuda.yaml': 'compose.cuda.yaml',
      'speaches-ai__speaches__compose.cuda-cdi.yaml': 'compose.cuda-cdi.yaml',
    });
    const p = load(dir, ['compose.cuda-cdi.yaml']);
    const speaches = (composeConfig(p).services as Record<string, Record<string, unknown>>).speaches!;
    assert.deepEqual((speaches.deploy as { resources: unknown }).resources, { reservations: { devices: [{ capabilities: ['gpu'], driver: 'cdi', device_ids: ['nvidia.com/gpu=all'] }] } });
    assert.equal(speaches.image, 'ghcr.io/speaches-ai/speaches:latest-cuda-12.6.3');
    assert.deepEqual((speaches.build as { args: unknown }).args, { BASE_IMAGE: 'nvidia/cuda:12.6.3-base-ubuntu24.04' });
    assert.equal((speaches.healthcheck as { start_period: string }).start_period, '5s');
    // The same named volume from both CUDA files is mounted once.
    assert.equal((speaches.volumes as unknown[]).length, 1);
    const service = nodeAt(p.model, 'services', 'speaches');
    assert.equal(basename(nodeAt(service, ...DEVICES, 0)!.origin.file), 'compose.cuda-cdi.yaml');
    assert.equal(basename(nodeAt(service, 'healthcheck', 'start_period')!.origin.file), 'compose.yaml');
    assert.equal(basename(nodeAt(service, 'image')!.origin.file), 'compose.cuda.yaml');
    assert.deepEqual([...p.files.keys()].map((f) => basename(f)).sort(), ['compose.cuda-cdi.yaml', 'compose.cuda.yaml', 'compose.yaml']);
  });

  it('speaches: compose.cuda.yaml alone reserves every NVIDIA GPU', () => {
    const dir = project({ 'speaches-ai__speaches__compose.yaml': 'compose.yaml', 'speaches-ai__speaches__compose.cuda.yaml': 'compose.cuda.yaml' });
    const speaches = (composeConfig(load(dir, ['compose.cuda.yaml'])).services as Record<string, Record<string, unknown>>).speaches!;
    assert.deepEqual((speaches.deploy as { resources: unknown }).resources, { reservations: { devices: [{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }] } });
  });

  it('open-webui: docker-compose.gpu.yaml adds the GPU reservation to ollama (its driver and count interpolated)', () => {
    // open-webui's docker-compose.yaml is not in the corpus: a stand-in ollama service.
    const dir = project({ 'open-webui__open-webui__docker-compose.gpu.yaml': 'docker-compose.gpu.yaml' }, { 'docker-compose.yaml': 'services:\n  ollama:\n    image: ollama/ollama:latest\n' });
    const p = load(dir, ['docker-compose.yaml', 'docker-compose.gpu.yaml'], { OLLAMA_GPU_COUNT: '2' });
    const ollama = (composeConfig(p).services as Record<string, Record<string, unknown>>).ollama!;
    assert.deepEqual((ollama.deploy as { resources: unknown }).resources, { reservations: { devices: [{ driver: 'nvidia', count: 2, capabilities: ['gpu'] }] } });
    const count = nodeAt(p.model, 'services', 'ollama', ...DEVICES, 0, 'count');
    assert.equal(basename(count!.origin.file), 'docker-compose.gpu.yaml');
    assert.equal(count?.kind === 'scalar' && count.raw, '${OLLAMA_GPU_COUNT-1}');
  });
});
