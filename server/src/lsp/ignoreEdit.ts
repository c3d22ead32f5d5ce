import type { TextEdit } from '../core/types';
import { IGNORE_DIRECTIVE } from '../core/suppression';
import type { LineIndex } from '../core/lineIndex';

/** The edit behind "Ignore <rule> on this line": a comment line above, at the same indentation. */
export function ignoreLineEdit(lines: Pick<LineIndex, 'lineText' | 'eol'>, line: number, ruleId: string): TextEdit {
  const indent = /^[ \t]*/.exec(lines.lineText(line))![0];
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}# ${IGNORE_DIRECTIVE} ${ruleId}${lines.eol()}` };
}
