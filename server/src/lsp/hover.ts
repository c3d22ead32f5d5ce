import type { Hover, HoverParams, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt } from '../compose/hovers';
import { assistInputs } from './assistInputs';
import type { DocumentSettings } from './settings';

/** `textDocument/hover` for Compose files (compose/hovers.ts writes the text). */
export async function provideHover(documents: TextDocuments<TextDocument>, settings: DocumentSettings, params: HoverParams): Promise<Hover | null> {
  const inputs = await assistInputs(documents, settings, params.textDocument.uri);
  if (!inputs) return null;
  const { doc, options } = inputs;
  const found = hoverAt(doc.getText(), doc.offsetAt(params.position), options);
  if (!found) return null;
  return {
    contents: { kind: 'markdown', value: found.markdown },
    range: { start: doc.positionAt(found.span.start), end: doc.positionAt(found.span.end) },
  };
}
