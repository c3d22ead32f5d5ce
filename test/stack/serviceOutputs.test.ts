/**
 * The per-service actions' outputs (client/src/ui/serviceOutputs.ts): "Try the Model" opens one output channel per
 * service and "Show Container Inspect" one document provider; when the stack feature is disposed (the extension
 * stops, the window reloads), they go with it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { INSPECT_SCHEME, ServiceOutputs, type ServiceOutputsHost } from '../../client/src/ui/serviceOutputs';

/** VS Code's side, recording each channel and provider made and whether it was disposed. */
function fakeHost() {
  const channels: Array<{ name: string; lines: string[]; disposed: boolean }> = [];
  const providers: Array<{ scheme: string; provider: vscode.TextDocumentContentProvider; disposed: boolean }> = [];
  const host: ServiceOutputsHost = {
    createOutputChannel: (name) => {
      const channel = { name, lines: [] as string[], disposed: false };
      channels.push(channel);
      return { name, appendLine: (l: string) => channel.lines.push(l), dispose: () => void (channel.disposed = true) } as unknown as vscode.OutputChannel;
    },
    registerTextDocumentContentProvider: (scheme, provider) => {
      const entry = { scheme, provider, disposed: false };
      providers.push(entry);
      return { dispose: () => void (entry.disposed = true) };
    },
    uri: (parts) => ({ ...parts, toString: () => `${parts.scheme}:${parts.path}?${parts.query}` }) as unknown as vscode.Uri,
  };
  return { host, channels, providers };
}

describe('the per-service actions\' outputs', () => {
  it('Try the Model keeps one masked channel per service; Show Container Inspect serves its documents from one provider', () => {
    const { host, channels, providers } = fakeHost();
    const outputs = new ServiceOutputs(host);
    assert.equal(outputs.tryChannel('vllm'), outputs.tryChannel('vllm'));
    outputs.tryChannel('tgi').appendLine('HF_TOKEN=hf_Qm7tZr2LpXw9KcVb4NyHd8FgJs3Ae6UoTi');
    assert.deepEqual(channels.map((c) => c.name), ['Inference Stack: Try vllm', 'Inference Stack: Try tgi']);
    assert.ok(!channels[1]!.lines.join('').includes('hf_Qm7t'), 'masked');
    const first = outputs.inspectDocumentUri('vllm', 1, '{"Id":"abc"}');
    outputs.inspectDocumentUri('vllm', 1, '{"Id":"def"}');
    assert.deepEqual(providers.map((p) => p.scheme), [INSPECT_SCHEME]);
    assert.equal(providers[0]!.provider.provideTextDocumentContent(first, {} as vscode.CancellationToken), '{"Id":"abc"}');
  });

  it('disposed with the stack feature: every Try channel and the inspect provider are disposed, the texts forgotten', () => {
    const { host, channels, providers } = fakeHost();
    const outputs = new ServiceOutputs(host);
    outputs.tryChannel('vllm');
    outputs.tryChannel('tgi');
    const uri = outputs.inspectDocumentUri('vllm', 1, '{}');
    outputs.dispose();
    assert.deepEqual(channels.map((c) => [c.name, c.disposed]), [['Inference Stack: Try vllm', true], ['Inference Stack: Try tgi', true]]);
    assert.deepEqual(providers.map((p) => p.disposed), [true]);
    assert.equal(providers[0]!.provider.provideTextDocumentContent(uri, {} as vscode.CancellationToken), '');
  });
});
