import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CodeAction, CodeActionRequest, DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { yaml } from '../helpers';
import { LspSession } from './lspHarness';

const compose = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1
`;

describe('language server over stdio (dist/server.js)', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize();
  });
  after(async () => lsp.close());

  it('publishes diagnostics with rule id, docs link and source on open', async () => {
    const uri = 'file:///tmp/stack/compose.yaml';
    await lsp.open(uri, 'yaml', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    const d = diagnostics.find((x) => x.code === 'gpu-capabilities-missing');
    assert.ok(d, JSON.stringify(diagnostics));
    assert.equal(d.source, 'inference-stack');
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.deepEqual(d.range, { start: { line: 7, character: 14 }, end: { line: 7, character: 20 } });
    assert.match(d.codeDescription!.href, /docs\/rules\/gpu-capabilities-missing\.md$/);
  });

  it('offers a preferred quick fix that makes the diagnostic go away once applied', async () => {
    const uri = 'file:///tmp/stack2/docker-compose.yml';
    await lsp.open(uri, 'yaml', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    const target = diagnostics.find((x) => x.code === 'gpu-capabilities-missing')!;
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(actions.some((a) => a.title === 'Ignore gpu-capabilities-missing on this line'));
    const doc = TextDocument.create(uri, 'yaml', 1, compose);
    const fixed = TextDocument.applyEdits(doc, preferred[0]!.edit!.changes![uri]!);
    await lsp.replace(uri, fixed, 2);
    const after2 = await lsp.diagnostics(uri, { version: 2 });
    assert.equal(after2.filter((x) => x.code === 'gpu-capabilities-missing').length, 0);
  });

  it('honours per-rule settings pulled from the client', async () => {
    lsp.settings = { enable: true, rules: { 'gpu-capabilities-missing': 'off' } };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const uri = 'file:///tmp/stack3/compose.yml';
    await lsp.open(uri, 'yaml', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    assert.equal(diagnostics.filter((x) => x.code === 'gpu-capabilities-missing').length, 0);
    lsp.settings = { enable: true, rules: {} };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });

  it('reports broken YAML with positions and still runs the rules on what parsed', async () => {
    const uri = 'file:///tmp/stack4/compose.yaml';
    await lsp.open(uri, 'yaml', compose + '  broken: [unclosed\n');
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    assert.ok(diagnostics.some((d) => d.code === 'yaml-syntax'), JSON.stringify(diagnostics));
  });

  it('keeps answering requests while a multi-megabyte file is analysed', async () => {
    const service = (i: number) => `  svc${i}:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "org/model-${i}"]\n`;
    const big = 'services:\n' + Array.from({ length: 20000 }, (_, i) => service(i)).join('');
    assert.ok(big.length > 1_000_000);
    const bigUri = 'file:///tmp/big/compose.yaml';
    await lsp.open(bigUri, 'yaml', big);
    const small = 'file:///tmp/small/compose.yaml';
    const started = Date.now();
    await lsp.open(small, 'yaml', compose);
    await lsp.diagnostics(small, { version: 1 });
    const smallDone = Date.now() - started;
    await lsp.diagnostics(bigUri, { version: 1, timeoutMs: 60000 });
    const bigDone = Date.now() - started;
    assert.ok(smallDone < bigDone, `small file (${smallDone} ms) waited for the big one (${bigDone} ms)`);
  });
});
