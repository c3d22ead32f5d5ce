import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lint } from '../helpers';

const examples = join(__dirname, '..', '..', '..', 'examples');
const read = (path: string) => readFileSync(join(examples, path), 'utf8');

describe('examples/', () => {
  it('first-attempt shows each mistake it was written to show', () => {
    const compose = new Set(lint(read('first-attempt/docker-compose.yml')).map((f) => f.rule));
    for (const rule of ['gpu-legacy-runtime', 'env-ignored-by-engine', 'healthcheck-start-period-short', 'secret-literal', 'depends-on-unhealthy-model']) {
      assert.ok(compose.has(rule), `${rule} missing from first-attempt/docker-compose.yml`);
    }
    const docker = new Set(lint(read('first-attempt/Dockerfile'), 'dockerfile').map((f) => f.rule));
    assert.ok(docker.has('dockerfile-model-weights-baked'));
  });

  it('production has no finding at warning or error', () => {
    const serious = (text: string, kind: 'compose' | 'dockerfile') => lint(text, kind).filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(serious(read('production/compose.yaml'), 'compose'), []);
    assert.deepEqual(serious(read('production/Dockerfile'), 'dockerfile'), []);
  });
});
