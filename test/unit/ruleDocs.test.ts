/**
 * A diagnostic's rule link (issue 12 item 8): the extension's client asks for command links (initializationOptions
 * ruleDocs: 'command') and gets `command:inferenceStack.openRuleDoc?[id, published page]`, which opens the page the
 * extension ships in the Markdown preview; any other client, and the CLI's SARIF, get the published page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatSarif } from '../../server/src/cli/format';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { OPEN_RULE_DOC_COMMAND } from '../../server/src/protocol';
import { DOCS_BASE, docsUrl, ruleDocsHref, ruleDocsLinkFrom } from '../../server/src/rules/docsUrl';
import { RULES } from '../../server/src/rules/registry';
import { ruleDocRequest, shippedRulePage } from '../../client/src/stack/views/ruleDocs';
import type { Finding } from '../../server/src/core/types';

const root = join(__dirname, '..', '..', '..');

/** The arguments VS Code's command opener hands the command: the URI's query, decoded, as JSON (openerService.ts). */
function commandArgs(href: string): { command: string; args: unknown[] } {
  const m = /^command:([^?]+)\?(.*)$/.exec(href);
  assert.ok(m, href);
  return { command: m[1]!, args: JSON.parse(decodeURIComponent(m[2]!)) as unknown[] };
}

const finding: Finding = {
  rule: 'healthcheck-missing',
  severity: 'warning',
  message: 'Model service "vllm" has no healthcheck.',
  range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } },
  fixes: [],
};

describe('the rule link a diagnostic carries', () => {
  it('is the published page unless the client asks for command links', () => {
    for (const options of [undefined, null, {}, { ruleDocs: 'web' }, { ruleDocs: 'markdown' }, { ruleDocs: true }, 'command']) assert.equal(ruleDocsLinkFrom(options), 'web', JSON.stringify(options));
    assert.equal(ruleDocsLinkFrom({ ruleDocs: 'command' }), 'command');
    assert.equal(ruleDocsHref('healthcheck-missing'), `${DOCS_BASE}healthcheck-missing.md`);
    assert.equal(ruleDocsHref('healthcheck-missing', 'web'), docsUrl('healthcheck-missing'));
    assert.match(docsUrl('healthcheck-missing'), /^https:\/\/[^\s]+\/docs\/rules\/healthcheck-missing\.md$/);
    assert.equal(toDiagnostic(finding).codeDescription?.href, docsUrl('healthcheck-missing'));
  });

  it("for the extension's client, is a command link whose arguments name the rule and its published page", () => {
    const href = toDiagnostic(finding, 'command').codeDescription!.href;
    assert.equal(href, ruleDocsHref('healthcheck-missing', 'command'));
    // A URI VS Code parses whole: no space, no character a URI must escape left bare.
    assert.match(href, /^command:inferenceStack\.openRuleDoc\?[A-Za-z0-9%._~-]+$/);
    const { command, args } = commandArgs(href);
    assert.equal(command, OPEN_RULE_DOC_COMMAND);
    assert.deepEqual(args, ['healthcheck-missing', docsUrl('healthcheck-missing')]);
    assert.deepEqual(ruleDocRequest(args), { ruleId: 'healthcheck-missing', webUrl: docsUrl('healthcheck-missing') });
  });

  it('opens a page the extension ships, for every rule', () => {
    for (const id of [...RULES.map((r) => r.meta.id), 'yaml-syntax', 'file-too-large', 'too-many-findings', 'analysis-stopped']) {
      const request = ruleDocRequest(commandArgs(ruleDocsHref(id, 'command')).args);
      assert.ok(request, id);
      assert.ok(existsSync(join(root, ...shippedRulePage(request.ruleId))), `${id}: no ${shippedRulePage(id).join('/')}`);
    }
  });

  it('the command opens nothing it was not meant to: a rule id, and an https page only', () => {
    for (const args of [[], [42], ['../../../etc/passwd'], ['a/b'], ['Healthcheck-Missing'], ['x'.repeat(81)], ['-x'], [' healthcheck-missing']]) {
      assert.equal(ruleDocRequest(args), undefined, JSON.stringify(args));
    }
    assert.deepEqual(ruleDocRequest(['secret-literal', 'file:///etc/passwd']), { ruleId: 'secret-literal' });
    assert.deepEqual(ruleDocRequest(['secret-literal', 'command:workbench.action.terminal.sendSequence']), { ruleId: 'secret-literal' });
    assert.deepEqual(ruleDocRequest(['secret-literal']), { ruleId: 'secret-literal' });
    // An https page, but not the rule's own: not opened.
    assert.deepEqual(ruleDocRequest(['secret-literal', 'https://evil.example/secret-literal.md']), { ruleId: 'secret-literal' });
  });

  it("the CLI's SARIF names the published page (the CLI has no VS Code)", () => {
    const sarif = JSON.parse(formatSarif([], '0.0.0')) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri: string }> } } }> };
    for (const r of sarif.runs[0]!.tool.driver.rules) assert.equal(r.helpUri, docsUrl(r.id));
  });
});
