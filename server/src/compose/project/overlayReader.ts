import type { ProjectReader } from './context';

/**
 * A reader that sees `texts` (absolute path → text: the editor's open documents, unsaved edits included) in place
 * of what `base` reads on disk: a project is loaded as the person sees it in the editor.
 */
export function overlayReader(base: ProjectReader, texts: ReadonlyMap<string, string>): ProjectReader {
  if (texts.size === 0) return base;
  return {
    read: (path) => {
      const text = texts.get(path);
      return text !== undefined ? { ok: true, text } : base.read(path);
    },
    kind: (path) => (texts.has(path) ? 'file' : base.kind(path)),
    ...(base.home !== undefined ? { home: base.home } : {}),
  };
}
