/** How pre-flight's issues are shown (preflightDialog.ts): no heading repeated, plain text, safe buttons first. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issueTitle, preflightDialog } from '../../client/src/stack/runner/preflightDialog';
import type { PreflightIssue } from '../../client/src/stack/stackTypes';

const GPU: PreflightIssue = {
  id: 'gpu-runtime-missing',
  severity: 'warning',
  service: 'vllm',
  title: 'vllm reserves a GPU, but the Docker engine has no NVIDIA runtime (runtimes: runc) and no nvidia-smi was found on this machine',
  steps: ['Install the toolkit: `sudo apt-get install -y nvidia-container-toolkit`.', 'If the engine provides GPUs another way (CDI, a remote engine), choose Start anyway.'],
  actions: ['start-anyway', 'open-toolkit-steps'],
};

const PORT: PreflightIssue = {
  id: 'port-in-use',
  severity: 'blocker',
  service: 'vllm',
  title: 'vllm: port 8000 (for container port 8000) is already in use on this machine',
  steps: ['Find what holds it: `docker ps --filter publish=8000/tcp`.'],
  actions: ['open-file', 'retry'],
};

describe('preflightDialog', () => {
  it('the GPU warning: "Start anyway" is not the first (default) button; the heading is not repeated; no backticks', () => {
    const d = preflightDialog('demo', [GPU]);
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.buttons.map((b) => b.label), ['NVIDIA Container Toolkit steps', 'Start anyway']);
    assert.equal(d.message, `demo may not start as it should: ${GPU.title}`);
    assert.ok(!d.detail.includes(GPU.title), d.detail);
    assert.equal(d.detail, "  • Install the toolkit: 'sudo apt-get install -y nvidia-container-toolkit'.\n  • If the engine provides GPUs another way (CDI, a remote engine), choose Start anyway.");
    assert.ok(!d.detail.includes('`'));
  });

  it('a blocker and a warning: the blocker heads, the warning follows with its own title, no Start anyway', () => {
    const d = preflightDialog('demo', [GPU, PORT]);
    assert.equal(d.severity, 'error');
    assert.equal(d.message, `Cannot start demo: ${PORT.title} (and 1 more below)`);
    assert.deepEqual(d.buttons.map((b) => b.action), ['open-toolkit-steps', 'open-file', 'retry']);
    const parts = d.detail.split('\n\n');
    assert.equal(parts[0], "  • Find what holds it: 'docker ps --filter publish=8000/tcp'.");
    assert.match(parts[1]!, /^⚠ vllm reserves a GPU/);
    assert.match(d.log, /^✖ vllm: port 8000/);
  });

  it('"Create .env from .env.example" comes first, named after the example', () => {
    const env: PreflightIssue = {
      id: 'variable-unset',
      severity: 'blocker',
      title: 'MODEL is not set, and Compose refuses the project without it',
      steps: ['…'],
      actions: ['create-env-file', 'open-file', 'retry'],
      envFile: { from: '/p/.env.sample', to: '/p/.env' },
    };
    const d = preflightDialog('demo', [PORT, env]);
    assert.deepEqual(d.buttons.map((b) => b.label), ['Create .env from .env.sample', 'Open Compose file', 'Retry']);
    assert.deepEqual(d.envFile, env.envFile);
    assert.match(d.detail, /✖ MODEL is not set/);
  });

  it('names an issue\'s service once', () => {
    assert.equal(issueTitle({ ...PORT, service: 'vllm', title: 'vllm asks for 64 CPUs' }), 'vllm asks for 64 CPUs');
    assert.equal(issueTitle({ ...PORT, service: 'vllm', title: 'port 8000 is in use' }), 'vllm: port 8000 is in use');
  });
});
