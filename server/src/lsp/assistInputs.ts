import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisOptions } from '../core/analysisOptions';
import { kindOf } from './documentPaths';
import type { DocumentSettings } from './settings';

/**
 * What completion and hover need of an open Compose document: its text and the options an analysis would get (the
 * `.env` beside it, the measured cold starts, the cold-start and GPU settings). Undefined for other files and when
 * the extension is turned off for the document. Answered on the main thread, never queued behind an analysis.
 */
export async function assistInputs(documents: TextDocuments<TextDocument>, settings: DocumentSettings, uri: string): Promise<{ doc: TextDocument; options: AnalysisOptions } | undefined> {
  const doc = documents.get(uri);
  if (!doc || kindOf(doc) !== 'compose') return undefined;
  const { enabled, options } = await settings.inputsFor(doc, 'compose');
  // The document may have changed while the settings were pulled: answer for the text the editor has now.
  const now = documents.get(uri);
  return enabled && now ? { doc: now, options } : undefined;
}
