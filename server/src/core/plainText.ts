/**
 * Messages are written with Markdown code spans (`deploy.resources`), which read well in the CLI's output and in a
 * Markdown hover. VS Code shows a diagnostic's message, a quick fix's title, a notification and a dialog as plain
 * text, where the backticks would show as they are: there a code span reads 'deploy.resources' (in double quotes when
 * it holds a single quote).
 */
export function plainText(text: string): string {
  if (!text.includes('`')) return text;
  return text.replace(/`([^`\n]+)`/g, (_, code: string) => (code.includes("'") ? `"${code}"` : `'${code}'`));
}
