/**
 * The language server reads the Dockerfile of a service's `build:` context beside the Compose file on disk,
 * on the main thread (small files) and on the analyzer worker (large ones), and for "Fix all".
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { yaml } from '../helpers';
import { LspSession } from './lspHarness';

const compose = yaml`
  services:
    llm:
      build: ./vllm-image
      command: ["--model", "Qwen/Qwen3-0.6B"]
      environment:
        GPU_MEMORY_UTILIZATION: "0.85"
`;

function stackDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-lsp-build-'));
  mkdirSync(join(dir, 'vllm-image'));
  writeFileSync(join(dir, 'vllm-image', 'Dockerfile'), 'FROM vllm/vllm-openai:v0.11.0\n');
  writeFileSync(join(dir, 'compose.yaml'), compose);
  return dir;
}

describe('language server: build: contexts on disk', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    // Every test's stack is a fresh folder under the temporary folder: that is the workspace.
    await lsp.initialize([tmpdir()]);
  });
  after(async () => lsp.close());

  it('a service built FROM vllm/vllm-openai gets the model-service rules', async () => {
    const uri = pathToFileURL(join(stackDir(), 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    const gpu = diagnostics.find((d) => d.code === 'gpu-reservation-missing');
    assert.ok(gpu, JSON.stringify(diagnostics.map((d) => d.code)));
    assert.deepEqual(gpu.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
    assert.ok(diagnostics.some((d) => d.code === 'env-ignored-by-engine'));
  });

  it('the same on the analyzer worker (a file above its threshold)', async () => {
    const padding = Array.from({ length: 400 }, (_, i) => `# padding line ${i} so that the analysis runs on the worker thread`).join('\n');
    const text = `${padding}\n${compose}`;
    assert.ok(text.length > 16 * 1024);
    const uri = pathToFileURL(join(stackDir(), 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', text);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    assert.ok(diagnostics.some((d) => d.code === 'gpu-reservation-missing'), JSON.stringify(diagnostics.map((d) => d.code)));
  });

  it('an unsaved document and a missing Dockerfile read nothing', async () => {
    const untitled = 'untitled:Untitled-1';
    await lsp.open(untitled, 'dockercompose', compose);
    const none = await lsp.diagnostics(untitled, { version: 1 });
    assert.ok(!none.some((d) => d.code === 'gpu-reservation-missing'));
    const uri = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'is-lsp-nobuild-')), 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', compose);
    const missing = await lsp.diagnostics(uri, { version: 1 });
    assert.ok(!missing.some((d) => d.code === 'gpu-reservation-missing'));
  });
  it('re-analyses an open Compose file when its Dockerfile or .env changes on disk (watched files)', async () => {
    const dir = stackDir();
    writeFileSync(join(dir, 'vllm-image', 'Dockerfile'), 'FROM python:3.12-slim\n');
    const uri = pathToFileURL(join(dir, 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', compose);
    const before = await lsp.diagnostics(uri, { version: 1 });
    assert.ok(!before.some((d) => d.code === 'gpu-reservation-missing'), 'a python image is no model service');

    const dockerfile = join(dir, 'vllm-image', 'Dockerfile');
    writeFileSync(dockerfile, 'FROM vllm/vllm-openai:v0.11.0\n');
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(dockerfile).href, type: FileChangeType.Changed }] });
    await lsp.diagnostics(uri, { match: (ds) => ds.some((d) => d.code === 'gpu-reservation-missing') });

    // The image named through .env: `${BASE}` resolves to whatever .env says now.
    const envUri = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'is-lsp-env-')), 'compose.yaml')).href;
    const envDir = new URL('.', envUri).pathname;
    writeFileSync(join(envDir, '.env'), 'BASE=python:3.12-slim\n');
    const byEnv = 'services:\n  llm:\n    image: ${BASE}\n';
    await lsp.open(envUri, 'dockercompose', byEnv);
    assert.ok(!(await lsp.diagnostics(envUri, { version: 1 })).some((d) => d.code === 'gpu-reservation-missing'));
    writeFileSync(join(envDir, '.env'), 'BASE=vllm/vllm-openai:v0.11.0\n');
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(envDir, '.env')).href, type: FileChangeType.Changed }] });
    await lsp.diagnostics(envUri, { match: (ds) => ds.some((d) => d.code === 'gpu-reservation-missing') });
  });
});
