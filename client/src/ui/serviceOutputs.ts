/**
 * What the per-service actions (commands/serviceActions.ts) open in VS Code and keep: each service's "Try the Model"
 * output channel, and the provider of the read-only "Show Container Inspect" documents with their texts. Owned by
 * the stack feature (stackFeature.ts) and disposed with it, so nothing is left behind when the extension stops.
 * VS Code's calls are handed in (ServiceOutputsHost): no `vscode` import here, so a test can count what is disposed.
 */
import type * as vscode from 'vscode';
import { maskedOutputChannel } from './maskedOutput';

export const INSPECT_SCHEME = 'inference-stack-inspect';

/** The inspect texts kept: an inspect is a few KiB, and a closed document is asked for again only when reopened. */
const KEPT_INSPECTS = 20;

export interface ServiceOutputsHost {
  createOutputChannel(name: string): vscode.OutputChannel;
  registerTextDocumentContentProvider(scheme: string, provider: vscode.TextDocumentContentProvider): vscode.Disposable;
  uri(parts: { scheme: string; path: string; query: string }): vscode.Uri;
}

export class ServiceOutputs implements vscode.Disposable {
  private readonly tries = new Map<string, vscode.OutputChannel>();
  private readonly inspectTexts = new Map<string, string>();
  private inspectProvider: vscode.Disposable | undefined;
  private inspectCount = 0;

  constructor(private readonly host: ServiceOutputsHost) {}

  /** The output channel of a service's tries ("Inference Stack: Try vllm"), masked like the stack's own. */
  tryChannel(service: string): vscode.OutputChannel {
    let channel = this.tries.get(service);
    if (!channel) this.tries.set(service, (channel = maskedOutputChannel(this.host.createOutputChannel(`Inference Stack: Try ${service}`))));
    return channel;
  }

  /** A read-only document per inspect (the provider answers from memory; nothing is written to disk). */
  inspectDocumentUri(service: string, replica: number, text: string): vscode.Uri {
    this.inspectProvider ??= this.host.registerTextDocumentContentProvider(INSPECT_SCHEME, {
      provideTextDocumentContent: (uri) => this.inspectTexts.get(uri.toString()) ?? '',
    });
    const uri = this.host.uri({ scheme: INSPECT_SCHEME, path: `/${service}-${replica}.inspect.json`, query: String(++this.inspectCount) });
    this.inspectTexts.set(uri.toString(), text);
    for (const key of [...this.inspectTexts.keys()].slice(0, Math.max(0, this.inspectTexts.size - KEPT_INSPECTS))) this.inspectTexts.delete(key);
    return uri;
  }

  dispose(): void {
    for (const channel of this.tries.values()) channel.dispose();
    this.tries.clear();
    this.inspectProvider?.dispose();
    this.inspectProvider = undefined;
    this.inspectTexts.clear();
  }
}
