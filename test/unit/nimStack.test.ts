/**
 * NVIDIA NIM in the stack commands: planned as a model service with its own API port, readiness, metrics path and
 * served model name (nim-facts.json), and its metrics read where NIM serves them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planStack } from '../../server/src/compose/stackPlan';
import { scrapeMetrics } from '../../client/src/stack/probe/metricsScrape';
import { trackerEngine } from '../../client/src/stack/runner/stackRunner';
import { yaml } from '../helpers';

const compose = yaml`
  services:
    nim:
      image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3
      environment:
        NGC_API_KEY: \${NGC_API_KEY}
        NIM_SERVED_MODEL_NAME: llama-8b
      volumes:
        - ~/.cache/nim:/opt/nim/.cache
      ports: ["8000:8000"]
      gpus: all
`;

describe('NVIDIA NIM in the stack plan', () => {
  it('is a model service on port 8000 with NIM_SERVED_MODEL_NAME and /v1/metrics', () => {
    const [nim] = planStack(compose, '/work/app/compose.yaml').services;
    assert.equal(nim!.engine, 'nim');
    assert.equal(nim!.isModelService, true);
    assert.equal(nim!.apiPort, 8000);
    assert.equal(nim!.servedModelName, 'llama-8b');
    assert.equal(nim!.metricsPath, '/v1/metrics');
    assert.equal(trackerEngine(nim!), 'nim', "NIM's own start-up lines, then the vLLM lines it prints");
  });

  it('scrapes /v1/metrics, not /metrics', async () => {
    const [nim] = planStack(compose, '/work/app/compose.yaml').services;
    const urls: string[] = [];
    const fetch = (async (url: string) => {
      urls.push(url);
      return new Response('# HELP x\n', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    const result = await scrapeMetrics('http://127.0.0.1:8000', nim!, { trusted: true, fetch });
    assert.equal(result.ok, true);
    assert.deepEqual(urls, ['http://127.0.0.1:8000/v1/metrics']);
  });
});
