/**
 * The language server on a Compose file of several YAML documents (`---`): no `yaml-syntax` for the second document,
 * the findings of the services as compose-go merges the documents (loader/loader.go loadYamlFile at
 * compose-spec/compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2), each in the document that wrote the value, the
 * other document named (relatedInformation); an edit that adds the GPU in the second document clears the finding; an
 * untitled document too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspHarness';

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"]\n';
const gpu = (count: number) =>
  `services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: ${count}\n              capabilities: [gpu]\n`;
const NO_GPU = 'services:\n  vllm:\n    ports: ["8000:8000"]\n';

const gpuCodes = (d: Diagnostic[]) => d.map((x) => String(x.code)).filter((c) => c.startsWith('gpu-') || c === 'yaml-syntax');

describe('language server: a Compose file of several YAML documents', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize([tmpdir()]);
  });
  after(async () => lsp.close());

  it('publishes the merged services\' findings at the document that wrote the value; an edit in the second document re-checks them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'is-lsp-documents-'));
    const file = join(dir, 'compose.yaml');
    const text = `${BASE}---\n${gpu(1)}`;
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await lsp.open(uri, 'dockercompose', text);
    const first = await lsp.diagnostics(uri, { version: 1 });
    assert.deepEqual(gpuCodes(first), ['gpu-count-below-parallelism'], JSON.stringify(first));
    const finding = first.find((d) => d.code === 'gpu-count-below-parallelism')!;
    assert.deepEqual(finding.range.start, { line: 12, character: 21 });
    assert.deepEqual(finding.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]), [[uri, 3, '--tensor-parallel-size 2 is set in compose.yaml:4']]);
    // The second document loses its GPU (not saved): the service lacks it, said at its first key.
    await lsp.replace(uri, `${BASE}---\n${NO_GPU}`, 2);
    const without = await lsp.diagnostics(uri, { version: 2 });
    assert.deepEqual(gpuCodes(without), ['gpu-reservation-missing']);
    assert.deepEqual(without.find((d) => d.code === 'gpu-reservation-missing')!.range.start, { line: 1, character: 2 });
    await lsp.replace(uri, `${BASE}---\n${gpu(2)}`, 3);
    assert.deepEqual(gpuCodes(await lsp.diagnostics(uri, { version: 3 })), []);
  });

  it('an untitled document of two documents is checked merged too', async () => {
    const uri = 'untitled:Untitled-documents';
    await lsp.open(uri, 'dockercompose', `${BASE}---\n${gpu(2)}`);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    assert.deepEqual(gpuCodes(diagnostics), []);
    assert.ok(diagnostics.some((d) => d.code === 'healthcheck-missing'), JSON.stringify(diagnostics));
    // Related information about an untitled document's other part would point at no file: left out.
    assert.ok(diagnostics.every((d) => (d.relatedInformation ?? []).length === 0));
  });
});
