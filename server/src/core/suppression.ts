import type { LineIndex } from './lineIndex';

/**
 * `# inference-stack-ignore <id>[, <id>...]` on the line above a finding (or at the end of its line) silences
 * it; `# inference-stack-ignore-file <id>...` anywhere silences the rule in the whole file. `all` matches
 * every rule.
 */
export const IGNORE_DIRECTIVE = 'inference-stack-ignore';
const DIRECTIVE = /#\s*inference-stack-ignore(-file)?\b[ \t:]*([\w\-, \t]*)/;

export class Suppressions {
  private readonly byLine = new Map<number, Set<string>>();
  private readonly wholeFile = new Set<string>();

  constructor(text: string, lines: LineIndex) {
    // Cheap pre-check: most files have no directive, and this runs on every keystroke.
    if (!text.includes(IGNORE_DIRECTIVE)) return;
    for (let line = 0; line < lines.lineCount; line++) {
      const content = lines.lineText(line);
      const m = DIRECTIVE.exec(content);
      if (!m) continue;
      const ids = m[2]!.split(/[\s,]+/).filter(Boolean);
      const set = ids.length ? ids : ['all'];
      if (m[1]) {
        set.forEach((id) => this.wholeFile.add(id));
        continue;
      }
      const commentOnly = content.trimStart().startsWith('#');
      // A comment line covers the next line; a trailing comment covers its own line.
      const target = commentOnly ? line + 1 : line;
      const existing = this.byLine.get(target) ?? new Set<string>();
      set.forEach((id) => existing.add(id));
      this.byLine.set(target, existing);
    }
  }

  isSuppressed(ruleId: string, line: number): boolean {
    if (this.wholeFile.has(ruleId) || this.wholeFile.has('all')) return true;
    const ids = this.byLine.get(line);
    return !!ids && (ids.has(ruleId) || ids.has('all'));
  }
}
