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

/** A reader that sees only `text`, at `file`: a Compose text loaded alone, nothing beside it read. */
export function textOnlyReader(file: string, text: string): ProjectReader {
  const nothing: ProjectReader = { read: () => ({ ok: false, refusal: { reason: 'missing', message: 'missing' } }), kind: () => undefined };
  return overlayReader(nothing, new Map([[file, text]]));
}
