// The merged project rendered as one Compose text (compose/project/render.ts): it parses, it holds the merged
// values as written (before interpolation), and each key and value traces back to the file that wrote it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { boundedReader, loadProject } from '../../server/src/compose/project';
import { renderProject, renderedNodeAt } from '../../server/src/compose/project/render';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-render-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:${TAG:-v0.11.0}\n    command: ["--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"]\n';
const OVERRIDE = 'services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n';

describe('renderProject', () => {
  const dir = project({ 'compose.yaml': BASE, 'compose.override.yaml': OVERRIDE });
  const loaded = loadProject({ cwd: dir, environment: new Map() }, boundedReader({ root: dir }));
  const rendered = renderProject(loaded.model);

  it('is Compose YAML with the merged service, strings as written before interpolation', () => {
    const doc = parseDocument(rendered.text);
    assert.deepEqual(doc.errors, []);
    const vllm = doc.toJS().services.vllm;
    assert.equal(vllm.image, 'vllm/vllm-openai:${TAG:-v0.11.0}');
    assert.equal(vllm.deploy.resources.reservations.devices[0].driver, 'nvidia');
  });

  it('traces each value to the file that wrote it', () => {
    const at = (needle: string) => {
      const offset = rendered.text.indexOf(needle);
      assert.ok(offset >= 0, needle);
      return renderedNodeAt(rendered, offset)!;
    };
    const image = at('"vllm/vllm-openai');
    assert.equal(image.origin.file, join(dir, 'compose.yaml'));
    assert.equal(BASE.slice(image.origin.range[0], image.origin.range[1]), 'vllm/vllm-openai:${TAG:-v0.11.0}');
    const driver = at('"nvidia"');
    assert.equal(driver.origin.file, join(dir, 'compose.override.yaml'));
    assert.equal(OVERRIDE.slice(driver.origin.range[0], driver.origin.range[1]), 'nvidia');
    const key = at('vllm:');
    assert.equal(key.role, 'key');
    assert.equal(key.origin.file, join(dir, 'compose.yaml'), 'a service key is where the service was first defined');
  });
});
