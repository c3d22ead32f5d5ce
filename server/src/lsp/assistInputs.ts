import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisOptions } from '../core/analysisOptions';
import { kindOf } from './documentPaths';
import type { DocumentSettings } from './settings';

/** The files completion and hover answer in. */
export type AssistKind = 'compose' | 'dockerfile';

/**
 * What completion and hover need of an open Compose file or Dockerfile: its text, its kind and the options an
 * analysis would get (for Compose: the `.env` beside it, the measured cold starts, the cold-start and GPU settings).
 * Undefined for other files and when the extension is turned off for the document. Answered on the main thread,
 * never queued behind an analysis.
 */
export async function assistInputs(
  documents: TextDocuments<TextDocument>,
  settings: DocumentSettings,
  uri: string,
): Promise<{ doc: TextDocument; kind: AssistKind; options: AnalysisOptions; readRoot: string | undefined } | undefined> {
  const doc = documents.get(uri);
  const kind = doc && kindOf(doc);
  if (!doc || (kind !== 'compose' && kind !== 'dockerfile')) return undefined;
  const { enabled, options } = await settings.inputsFor(doc, kind);
  // The document may have changed while the settings were pulled: answer for the text the editor has now.
  const now = documents.get(uri);
  return enabled && now ? { doc: now, kind, options, readRoot: settings.readRootOf(uri) } : undefined;
}
