/**
 * Messages shown as plain text in VS Code (issue 12 item 9, "Markdown backticks shown literally"): a code span reads
 * 'x' in a diagnostic, its related information and a quick fix's title; the CLI and the rule snapshots keep the
 * backticks (analyze() is unchanged).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainText } from '../../server/src/core/plainText';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { lint } from '../helpers';

describe('plainText', () => {
  it('turns code spans into quotes, and leaves everything else as it was', () => {
    assert.equal(plainText('Reserve 2 GPUs under `deploy.resources.reservations.devices`.'), "Reserve 2 GPUs under 'deploy.resources.reservations.devices'.");
    assert.equal(plainText("`restarx` is not a service attribute. Did you mean `restart`?"), "'restarx' is not a service attribute. Did you mean 'restart'?");
    assert.equal(plainText("Probe with `vllm's probe`"), 'Probe with "vllm\'s probe"');
    assert.equal(plainText('no code here, "quoted" and \'quoted\''), 'no code here, "quoted" and \'quoted\'');
    // A lone backtick, or one across lines, is not a code span: left alone.
    assert.equal(plainText('a ` b'), 'a ` b');
    assert.equal(plainText('a `b\nc` d'), 'a `b\nc` d');
  });

  it('a diagnostic of a real finding carries no Markdown backticks; the finding itself keeps them for the CLI', () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    runtime: nvidia\n';
    const finding = lint(text).find((f) => f.rule === 'gpu-legacy-runtime')!;
    assert.match(finding.message, /`runtime: nvidia`/);
    const message = String(toDiagnostic(finding).message);
    assert.match(message, /only through 'runtime: nvidia'/);
    assert.ok(!message.includes('`'), message);
  });
});
