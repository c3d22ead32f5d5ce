import { fileURLToPath } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isInside } from '../core/boundedFile';
import { kindFromLanguage } from '../core/fileKind';
import type { FileKind } from '../core/types';

/** The file-system path of a document URI (a non-file URI gives its path part); undefined when it is malformed. */
export function uriPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(new URL(uri).pathname);
  } catch {
    return undefined;
  }
}

/** The file-system paths of workspace folder URIs (others, such as virtual file systems, hold nothing we read). */
export function folderPaths(uris: readonly string[]): string[] {
  return uris.filter((u) => u.startsWith('file:')).map(uriPath).filter((p): p is string => p !== undefined);
}

/** What an open document is to us: its language id first, then its name. */
export function kindOf(doc: TextDocument): FileKind | undefined {
  return kindFromLanguage(doc.languageId, uriPath(doc.uri) ?? doc.uri);
}

/** A YAML file (any Compose file, override or fragment): a change to it concerns only the projects that read it. */
export function isComposeLikePath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** The open Compose and `.env` documents inside `root`, as (path, text): a project is loaded with these texts. */
export function openTextsInside(documents: TextDocuments<TextDocument>, root: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const doc of documents.all()) {
    const kind = kindOf(doc);
    const path = doc.uri.startsWith('file:') ? uriPath(doc.uri) : undefined;
    if (path && (kind === 'compose' || kind === 'dotenv') && isInside(root, path)) out.push([path, doc.getText()]);
  }
  return out;
}
