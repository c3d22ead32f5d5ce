/**
 * The rule link of a diagnostic over LSP: the extension's client asks for command links in initializationOptions
 * (languageClient.ts) and gets `command:inferenceStack.openRuleDoc?…`; a client that asks for nothing gets the
 * published page (server.test.ts checks that one too).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPEN_RULE_DOC_COMMAND, type InitializationOptions } from '../../server/src/protocol';
import { docsUrl } from '../../server/src/rules/docsUrl';
import { LspSession } from './lspHarness';

const compose = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["Qwen/Qwen3-0.6B", "--max-model-len", "8192"]\n';

async function firstDiagnostic(options: InitializationOptions | undefined, uri: string) {
  const lsp = new LspSession({ enable: true, rules: {} });
  try {
    await lsp.initialize([], options);
    await lsp.open(uri, 'yaml', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1, match: (ds) => ds.some((d) => d.code === 'healthcheck-missing') });
    return diagnostics.find((d) => d.code === 'healthcheck-missing')!;
  } finally {
    await lsp.close();
  }
}

describe('the rule link, as the client asked for it', () => {
  it('the extension\'s client (ruleDocs: command) gets a command link to the shipped page', async () => {
    const d = await firstDiagnostic({ ruleDocs: 'command' }, 'file:///tmp/rule-link/compose.yaml');
    const href = d.codeDescription!.href;
    assert.ok(href.startsWith(`command:${OPEN_RULE_DOC_COMMAND}?`), href);
    assert.deepEqual(JSON.parse(decodeURIComponent(href.slice(href.indexOf('?') + 1))), ['healthcheck-missing', docsUrl('healthcheck-missing')]);
  });

  it('any other client gets the published page', async () => {
    const d = await firstDiagnostic(undefined, 'file:///tmp/rule-link-web/compose.yaml');
    assert.equal(d.codeDescription!.href, docsUrl('healthcheck-missing'));
  });
});
