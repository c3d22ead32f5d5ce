import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
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
