/** The context key that shows "Choose Compose Profiles" (issue 12 item 9): hidden only for a project known to declare none. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planStack } from '../../server/src/compose/stackPlan';
import { profilesContext } from '../../client/src/stack/views/menuContext';

const withProfiles = planStack('services:\n  cpu:\n    image: ollama/ollama:0.6.5\n    profiles: [cpu]\n  gpu:\n    image: ollama/ollama:0.6.5\n    profiles: [gpu-nvidia]\n', '/p/s/compose.yaml');
const without = planStack('services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n', '/p/s/compose.yaml');
const unreadable = planStack('services:\n  vllm: [\n', '/p/s/compose.yaml');

describe('profilesContext', () => {
  it('declared for a project whose services name profiles, none for one without', () => {
    assert.equal(profilesContext({ kind: 'ready' }, withProfiles), 'declared');
    assert.equal(profilesContext({ kind: 'docker-down', problem: { title: 'x', steps: [] } as never }, withProfiles), 'declared');
    assert.equal(profilesContext({ kind: 'ready' }, without), 'none');
    assert.equal(profilesContext({ kind: 'connecting' }, without), 'none');
  });

  it('unknown (the command stays offered, and says what it finds) with no plan, no file or an unreadable one', () => {
    assert.equal(profilesContext({ kind: 'no-compose-file' }, undefined), undefined);
    assert.equal(profilesContext({ kind: 'connecting' }, undefined), undefined);
    assert.equal(profilesContext({ kind: 'plan-error', message: 'cannot read' }, unreadable), undefined);
    assert.equal(profilesContext({ kind: 'ready' }, { ...without, project: '' }), undefined);
  });
});
