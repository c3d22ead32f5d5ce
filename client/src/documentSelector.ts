/**
 * The documents the editor syncs with the language server: Compose files and Dockerfiles (analysed), `.env` (analysed
 * beside a Compose file) and `.gitignore` (never analysed: a fix edits it, and must see its unsaved text). No `vscode`
 * here, so a test can read it.
 */
import { COMPOSE_FILE_GLOBS, SIDE_FILE_GLOBS } from '../../server/src/core/fileKind';

/** A language (and a glob), or a glob in any language: what the language client's document selector takes. */
export type SyncedDocumentFilter = { language: string; pattern?: string } | { language?: undefined; pattern: string };

export const DOCUMENT_SELECTOR: readonly SyncedDocumentFilter[] = [
  { language: 'dockercompose' },
  { language: 'dockerfile' },
  ...COMPOSE_FILE_GLOBS.map((pattern) => ({ language: 'yaml', pattern })),
  // In any language the editor gives them (`.env`: plaintext, properties, dotenv; `.gitignore`: ignore).
  ...SIDE_FILE_GLOBS.map((pattern) => ({ pattern })),
];
