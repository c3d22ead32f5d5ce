import type { Hover, HoverParams, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt } from '../compose/hovers';
import { dockerfileHoverAt } from '../dockerfile/hovers';
import { assistInputs } from './assistInputs';
import type { DocumentSettings } from './settings';

/** `textDocument/hover` for Compose files and Dockerfiles (compose/hovers.ts, dockerfile/hovers.ts write the text). */
export async function provideHover(documents: TextDocuments<TextDocument>, settings: DocumentSettings, params: HoverParams): Promise<Hover | null> {
  const inputs = await assistInputs(documents, settings, params.textDocument.uri);
  if (!inputs) return null;
  const { doc, kind, options } = inputs;
  const offset = doc.offsetAt(params.position);
  const found = kind === 'compose' ? hoverAt(doc.getText(), offset, options) : dockerfileHoverAt(doc.getText(), offset);
  if (!found) return null;
  return {
    contents: { kind: 'markdown', value: found.markdown },
    range: { start: doc.positionAt(found.span.start), end: doc.positionAt(found.span.end) },
  };
}
