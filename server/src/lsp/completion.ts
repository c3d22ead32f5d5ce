import {
  CompletionItem,
  CompletionItemKind,
  CompletionItemTag,
  CompletionList,
  InsertTextFormat,
  InsertTextMode,
  type CompletionParams,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { completionsAt } from '../compose/completions';
import { dockerfileCompletionsAt } from '../dockerfile/completions';
import { docFor, type DocRef, type Suggestion, type SuggestionKind } from '../engines/engineSuggestions';
import { modelsInCache } from '../core/hfCacheModels';
import { assistInputs } from './assistInputs';
import type { DocumentSettings } from './settings';

const KINDS: Record<SuggestionKind, CompletionItemKind> = {
  flag: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  variable: CompletionItemKind.Variable,
  snippet: CompletionItemKind.Snippet,
  service: CompletionItemKind.Reference,
};

/** Characters after which the editor asks without a word typed: a flag's dashes, `=` of `--flag=`, a list's space. */
export const COMPLETION_TRIGGERS = ['-', '=', ' '];

/** `textDocument/completion` for Compose files and Dockerfiles (compose/completions.ts, dockerfile/completions.ts decide what to offer). */
export async function provideCompletion(documents: TextDocuments<TextDocument>, settings: DocumentSettings, params: CompletionParams): Promise<CompletionList | null> {
  const inputs = await assistInputs(documents, settings, params.textDocument.uri);
  if (!inputs) return null;
  const { doc, kind, options, readRoot } = inputs;
  const offset = doc.offsetAt(params.position);
  // Model ids from the Hugging Face caches the service mounts, read only inside the workspace folder of the file.
  const listModels = readRoot === undefined ? undefined : (folder: string) => modelsInCache(folder, readRoot);
  const found = kind === 'compose' ? completionsAt(doc.getText(), offset, options, listModels) : { items: dockerfileCompletionsAt(doc.getText(), offset), incomplete: false };
  if (!found.items.length) return null;
  return { isIncomplete: found.incomplete, items: found.items.map((s) => toItem(doc, s)) };
}

function toItem(doc: TextDocument, s: Suggestion): CompletionItem {
  const range = { start: doc.positionAt(s.replace.start), end: doc.positionAt(s.replace.end) };
  return {
    label: s.label,
    kind: KINDS[s.kind],
    ...(s.detail !== undefined ? { detail: s.detail } : {}),
    ...(s.documentation !== undefined ? { documentation: { kind: 'markdown', value: s.documentation } } : {}),
    ...(s.doc ? { data: s.doc } : {}),
    ...(s.deprecated ? { tags: [CompletionItemTag.Deprecated] } : {}),
    ...(s.filterText !== undefined ? { filterText: s.filterText } : {}),
    sortText: s.sortText,
    textEdit: { range, newText: s.insertText },
    insertTextFormat: s.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    // Lines after the first (snippets of nested keys) are written relative to the cursor's line.
    ...(s.insertText.includes('\n') ? { insertTextMode: InsertTextMode.adjustIndentation } : {}),
  };
}

/** `completionItem/resolve`: the documentation of the item the editor shows. */
export function resolveCompletion(item: CompletionItem): CompletionItem {
  const ref = item.data as DocRef | undefined;
  const value = ref && typeof ref.engine === 'string' ? docFor(ref) : undefined;
  return value === undefined ? item : { ...item, documentation: { kind: 'markdown', value } };
}
