/**
 * Markdown for editor popups (hover, completion docs). Text that comes from a user's file must stay text: a
 * service named `[x](command:…)` must not become a link, `<img>` must not become HTML, `*` must not turn bold.
 */

/**
 * Escapes what gives text a meaning in CommonMark (and GitHub's tables and strike-through): emphasis, code, links
 * and images (`[`, `]`; a `(` is harmless without them), HTML (`<`, `&`), and a block marker at the start. Line
 * breaks become spaces: the text stays on the line it is put on.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([-+#=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/**
 * Inline code for text from a file: a code span cannot be escaped from inside, so it is fenced with one more
 * backtick than the longest run it holds (CommonMark 6.1), and padded when it starts or ends with one.
 */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
