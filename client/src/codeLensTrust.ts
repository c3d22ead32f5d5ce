/**
 * The "Start inference stack" code lens is hidden while the workspace is untrusted (languageClient.ts middleware):
 * VS Code asks for code lenses again only when a document changes, so once trust is granted the language client's
 * code-lens providers of the open documents say their lenses changed, and the lens appears without an edit. No
 * `vscode` import here: a test drives it.
 */

/** The language client's code-lens feature, as much of it as is used (vscode-languageclient CodeLensFeature). */
export interface CodeLensFeature<Doc> {
  getProvider(document: Doc): { onDidChangeCodeLensEmitter: { fire(): void } } | undefined;
}

/** When `onDidGrantTrust` fires: each code-lens provider of `documents()` fires its change event, once. */
export function refreshCodeLensesOnTrust<Doc>(
  onDidGrantTrust: (listener: () => void) => { dispose(): void },
  documents: () => readonly Doc[],
  feature: () => CodeLensFeature<Doc>,
): { dispose(): void } {
  return onDidGrantTrust(() => {
    const lenses = feature();
    const providers = new Set(documents().map((d) => lenses.getProvider(d)));
    for (const provider of providers) provider?.onDidChangeCodeLensEmitter.fire();
  });
}
