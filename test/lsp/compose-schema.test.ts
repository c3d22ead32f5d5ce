/**
 * Compose schema validation as an editor sees it (issue 10 item 3): the squiggle's range and words, its quick fix,
 * a typo typed into one service of an open file (the incremental re-check), and the setting that turns it off.
 */
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
      restarx: unless-stopped
      depends_on:
        proxy:
          condition: service_started
    proxy:
      image: nginx:1.27
`;

describe('compose-schema over LSP (dist/server.js)', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize();
  });
  after(async () => lsp.close());

  it('squiggles a misspelt key at the key, and its quick fix renames it', async () => {
    const uri = 'file:///tmp/stack-schema/compose.yaml';
    await lsp.open(uri, 'dockercompose', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1, match: (d) => d.some((x) => x.code === 'compose-schema') });
    const [target, ...rest] = diagnostics.filter((d) => d.code === 'compose-schema');
    assert.equal(rest.length, 0);
    // The rule writes code spans (`restarx`); VS Code shows a diagnostic as plain text, so the LSP sends quotes.
    assert.equal(target!.message, "'restarx' is not a service attribute. Did you mean 'restart'?");
    assert.equal(target!.severity, DiagnosticSeverity.Error);
    assert.deepEqual(target!.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 11 } });

    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: target!.range,
      context: { diagnostics: [target!] },
    })) as CodeAction[];
    const preferred = actions.filter((a) => a.isPreferred);
    assert.deepEqual(preferred.map((a) => a.title), ['Rename to restart']);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, compose), preferred[0]!.edit!.changes![uri]!);
    assert.ok(fixed.includes('    restart: unless-stopped\n'), fixed);
    await lsp.replace(uri, fixed, 2);
    const after2 = await lsp.diagnostics(uri, { version: 2 });
    assert.deepEqual(after2.filter((d) => d.code === 'compose-schema'), []);

    // A typo typed into one service: the value is checked again, at its place.
    const typed = fixed.replace('condition: service_started', 'condition: service_healty');
    await lsp.replace(uri, typed, 3);
    const after3 = await lsp.diagnostics(uri, { version: 3 });
    const found = after3.filter((d) => d.code === 'compose-schema');
    assert.deepEqual(found.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character]), [[6, 19, 33]]);
    assert.match(String(found[0]!.message), /^'depends_on\.proxy\.condition: service_healty' must be one of .* Did you mean 'service_healthy'\?$/);
  });

  it('is off when the setting turns it off', async () => {
    const off = new LspSession({ enable: true, rules: { 'compose-schema': 'off' } });
    try {
      await off.initialize();
      const uri = 'file:///tmp/stack-schema-off/compose.yaml';
      await off.open(uri, 'dockercompose', compose);
      const diagnostics = await off.diagnostics(uri, { version: 1 });
      assert.deepEqual(diagnostics.filter((d) => d.code === 'compose-schema'), []);
    } finally {
      await off.close();
    }
  });
});
