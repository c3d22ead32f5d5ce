/**
 * Invariants every analysis must keep, whatever the input: shared by the corpus test and the property tests.
 * Each check returns a list of readable problems (empty when all is well) instead of throwing at the first,
 * so one failing test shows everything wrong with a file at once.
 */
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDocument } from 'yaml';
import { YAML_OPTIONS } from '../../server/src/compose/composeFile';
import type { FileKind, Finding, Range } from '../../server/src/core/types';

/** The repository root, from the compiled test's folder (<out>/test/corpus). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Lines as the LSP counts them: \n, \r\n and a lone \r all end a line (same as core/lineIndex.ts). */
export function documentLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function fmt(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** Why a range is not inside the document, or undefined when it is. */
export function rangeProblem(lines: readonly string[], range: Range): string | undefined {
  for (const p of [range.start, range.end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `bad position in ${fmt(range)}`;
    if (p.line >= lines.length) return `line ${p.line} past the last line ${lines.length - 1} in ${fmt(range)}`;
    if (p.character > lines[p.line]!.length) return `character ${p.character} past the end (${lines[p.line]!.length}) of line ${p.line} in ${fmt(range)}`;
  }
  const { start, end } = range;
  if (start.line > end.line || (start.line === end.line && start.character > end.character)) return `start after end in ${fmt(range)}`;
  return undefined;
}

/** No internal errors, and every finding's range and every fix edit's range lies inside the document. */
export function findingProblems(text: string, findings: readonly Finding[]): string[] {
  const lines = documentLines(text);
  const problems: string[] = [];
  for (const f of findings) {
    const where = `${f.rule} at ${fmt(f.range)}`;
    if (f.rule === 'internal-error') problems.push(`internal-error: ${f.message}`);
    const bad = rangeProblem(lines, f.range);
    if (bad) problems.push(`${where}: finding range ${bad}`);
    for (const fix of f.fixes) {
      for (const e of fix.edits) {
        const badEdit = rangeProblem(lines, e.range);
        if (badEdit) problems.push(`${where}: fix "${fix.title}" edit ${badEdit}`);
      }
    }
    if (f.fixes.length && f.fixes.filter((x) => x.preferred).length !== 1) problems.push(`${where}: ${f.fixes.filter((x) => x.preferred).length} preferred fixes (want exactly 1)`);
  }
  return problems;
}

/** The YAML errors of a text, parsed as the linter parses Compose files. */
export function yamlErrors(text: string): string[] {
  return parseDocument(text, YAML_OPTIONS).errors.map((e) => `${e.code}: ${e.message.split('\n')[0]}`);
}

export function dockerfileInstructionCount(text: string): number {
  return DockerfileParser.parse(text).getInstructions().length;
}

/**
 * Does `fixed` still parse as well as `original` did? Compose: no YAML error that the original did not have.
 * Dockerfile: dockerfile-ast still parses it, and it keeps at least as many instructions as the original had
 * outside the lines the fix touched (a fix may rewrite or remove the instruction it is about, nothing else).
 */
export function parseRegression(kind: FileKind, original: string, fixed: string, touchedLines: ReadonlySet<number> = new Set()): string | undefined {
  if (kind === 'compose') {
    const before = new Set(yamlErrors(original));
    const added = yamlErrors(fixed).filter((e) => !before.has(e));
    return added.length ? `new YAML errors: ${added.join('; ')}` : undefined;
  }
  let after: number;
  try {
    after = dockerfileInstructionCount(fixed);
  } catch (err) {
    return `dockerfile-ast failed: ${(err as Error).message}`;
  }
  const untouched = DockerfileParser.parse(original)
    .getInstructions()
    .filter((i) => {
      const r = i.getRange();
      for (let l = r.start.line; l <= r.end.line; l++) if (touchedLines.has(l)) return false;
      return true;
    }).length;
  return after < untouched ? `instructions dropped: ${after} left, ${untouched} were outside the fix` : undefined;
}
