/**
 * The language server checks a `.env` that sits beside a Compose file (dotenv-invalid, and no other rule), whatever
 * language the editor gives it, and nothing else named `.env`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspHarness';

const TOKEN = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const broken = `MODEL=org/m\nHF_TOKEN="${TOKEN}\nPORT=8000\n`;

function folder(withCompose: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-lsp-dotenv-'));
  if (withCompose) writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: busybox:1.36\n');
  writeFileSync(join(dir, '.env'), broken);
  return dir;
}

describe('language server: .env beside a Compose file', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize([tmpdir()]);
  });
  after(async () => lsp.close());

  for (const languageId of ['dotenv', 'plaintext', 'properties']) {
    it(`reports what Compose cannot read at its position, never the value (${languageId})`, async () => {
      const uri = pathToFileURL(join(folder(true), '.env')).href;
      await lsp.open(uri, languageId, broken);
      const diagnostics = await lsp.diagnostics(uri, { version: 1 });
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity, d.message, d.range]),
        [['dotenv-invalid', DiagnosticSeverity.Error, 'failed to read .env: unterminated quoted value', { start: { line: 1, character: 9 }, end: { line: 1, character: 9 + 1 + TOKEN.length } }]],
      );
      assert.ok(!JSON.stringify(diagnostics).includes(TOKEN));
    });
  }

  it('clears the finding once the quote is closed', async () => {
    const uri = pathToFileURL(join(folder(true), '.env')).href;
    await lsp.open(uri, 'dotenv', broken);
    assert.equal((await lsp.diagnostics(uri, { version: 1 })).length, 1);
    await lsp.replace(uri, broken.replace(`${TOKEN}\n`, `${TOKEN}"\n`), 2);
    assert.deepEqual(await lsp.diagnostics(uri, { version: 2 }), []);
  });

  it('leaves a .env with no Compose file beside it alone', async () => {
    const uri = pathToFileURL(join(folder(false), '.env')).href;
    await lsp.open(uri, 'dotenv', broken);
    // Not analysed: the server clears the document's diagnostics (without a version).
    assert.deepEqual(await lsp.diagnostics(uri), []);
  });
});
