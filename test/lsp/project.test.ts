/**
 * The language server analyses a Compose file within its project: the Problems of a base file lose what its
 * override supplies, an edit to the override (open, unsaved) re-publishes the base, a file changed on disk too, and
 * a finding the merged project traces to the override names the base (relatedInformation).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Diagnostic, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspHarness';

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"]\n';
const gpu = (count: number) =>
  `services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: ${count}\n              capabilities: [gpu]\n`;
const NO_GPU = 'services:\n  vllm:\n    environment:\n      VLLM_LOGGING_LEVEL: INFO\n';

function folder(override: string): { base: string; override: string } {
  const dir = mkdtempSync(join(tmpdir(), 'is-lsp-project-'));
  writeFileSync(join(dir, 'compose.yaml'), BASE);
  writeFileSync(join(dir, 'compose.override.yaml'), override);
  return { base: join(dir, 'compose.yaml'), override: join(dir, 'compose.override.yaml') };
}

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code));
const has = (rule: string) => (d: Diagnostic[]) => codes(d).includes(rule);
const lacks = (rule: string) => (d: Diagnostic[]) => !codes(d).includes(rule);

/** The first diagnostics published for `uri` after the first `after` publications (of any document). */
async function nextPublish(lsp: LspSession, uri: string, after: number): Promise<Diagnostic[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const next = lsp.published.slice(after).find((p) => p.uri === uri);
    if (next) return next.diagnostics;
    if (Date.now() > deadline) throw new Error(`no new diagnostics for ${uri}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('language server: a Compose file within its project', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize([tmpdir()]);
  });
  after(async () => lsp.close());

  it('publishes no gpu-reservation-missing on the base whose override reserves the GPUs; editing the override re-publishes the base', async () => {
    const files = folder(gpu(2));
    const base = pathToFileURL(files.base).href;
    const override = pathToFileURL(files.override).href;
    await lsp.open(base, 'dockercompose', BASE);
    const first = await lsp.diagnostics(base, { version: 1 });
    assert.deepEqual(codes(first).filter((c) => c.startsWith('gpu-')), []);
    await lsp.open(override, 'dockercompose', gpu(2));
    assert.deepEqual(codes(await lsp.diagnostics(override, { version: 1 })).filter((c) => c.startsWith('gpu-')), []);
    // The override loses its GPU in the editor (not saved): the base, unchanged, gets the finding.
    const unchanged = lsp.published.length;
    await lsp.replace(override, NO_GPU, 2);
    const again = await nextPublish(lsp, base, unchanged);
    assert.ok(has('gpu-reservation-missing')(again), JSON.stringify(again));
    const finding = again.find((d) => d.code === 'gpu-reservation-missing')!;
    assert.deepEqual(finding.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
    assert.deepEqual(finding.relatedInformation?.map((r) => [r.location.uri, r.message]), [[override, '"vllm" is also defined in compose.override.yaml:2']]);
    const before = lsp.published.length;
    await lsp.replace(override, gpu(2), 3);
    assert.ok(lacks('gpu-reservation-missing')(await nextPublish(lsp, base, before)), 'the GPU is back in the override');
  });

  it('does not send the base the same diagnostics again when an edit of the override changes nothing for it', async () => {
    const files = folder(NO_GPU);
    const base = pathToFileURL(files.base).href;
    const override = pathToFileURL(files.override).href;
    await lsp.open(base, 'dockercompose', BASE);
    assert.ok(has('gpu-reservation-missing')(await lsp.diagnostics(base, { version: 1 })));
    await lsp.open(override, 'dockercompose', NO_GPU);
    await lsp.diagnostics(override, { version: 1 });
    // The base is analysed again after each override edit; its diagnostics are the same, so nothing is sent for it.
    await new Promise((r) => setTimeout(r, 300));
    const quiet = lsp.published.length;
    await lsp.replace(override, NO_GPU.replace('INFO', 'DEBUG'), 2);
    await lsp.diagnostics(override, { version: 2 });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(lsp.published.slice(quiet).map((p) => p.uri), [override]);
    // An edit that changes the base's findings is sent.
    await lsp.replace(override, gpu(2), 3);
    assert.ok(lacks('gpu-reservation-missing')(await nextPublish(lsp, base, quiet)));
  });

  it('reports count: 1 in the override, below the base\'s tensor parallel size, naming the base', async () => {
    const files = folder(gpu(1));
    const override = pathToFileURL(files.override).href;
    await lsp.open(override, 'dockercompose', gpu(1));
    const [d, ...rest] = (await lsp.diagnostics(override, { version: 1 })).filter((x) => x.code === 'gpu-count-below-parallelism');
    assert.equal(rest.length, 0);
    assert.ok(d);
    assert.deepEqual(d.range, { start: { line: 7, character: 21 }, end: { line: 7, character: 22 } });
    // The value the count is compared with, where the base writes it (the "2" after --tensor-parallel-size).
    const col = BASE.split('\n')[3]!.lastIndexOf('"2"');
    assert.deepEqual(d.relatedInformation, [
      { location: { uri: pathToFileURL(files.base).href, range: { start: { line: 3, character: col }, end: { line: 3, character: col + 3 } } }, message: '--tensor-parallel-size 2 is set in compose.yaml:4' },
    ]);
  });

  it('analyses the open base again when its override changes on disk', async () => {
    const files = folder(gpu(2));
    const base = pathToFileURL(files.base).href;
    await lsp.open(base, 'dockercompose', BASE);
    assert.ok(lacks('gpu-reservation-missing')(await lsp.diagnostics(base, { version: 1 })));
    writeFileSync(files.override, NO_GPU);
    const before = lsp.published.length;
    await lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(files.override).href, type: FileChangeType.Changed }] });
    assert.ok(has('gpu-reservation-missing')(await nextPublish(lsp, base, before)));
  });
});
