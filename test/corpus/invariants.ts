/**
 * Invariants every analysis must keep, whatever the input: shared by the corpus test and the property tests.
 * Each check returns a list of readable problems (empty when all is well) instead of throwing at the first,
 * so one failing test shows everything wrong with a file at once.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** One snapshot line: 1-based line:column as editors show them, rule, severity, start of the message. */
export function snapshotLine(f: Finding): string {
  const msg = f.message.replace(/\s+/g, ' ');
  return `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.rule} ${f.severity} | ${msg.length > 80 ? `${msg.slice(0, 79)}…` : msg}`;
}

/** A readable per-file diff: lines only in the snapshot (-) and lines only in the actual findings (+). */
export function snapshotDiff(expected: Record<string, string[]>, actual: Record<string, string[]>): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const exp = expected[key];
    const act = actual[key];
    if (!exp) {
      out.push(`${key}: new file, not in the snapshot`, ...(act ?? []).map((l) => `  + ${l}`));
      continue;
    }
    if (!act) {
      out.push(`${key}: in the snapshot but no longer in the corpus`);
      continue;
    }
    const removed = multisetMinus(exp, act);
    const added = multisetMinus(act, exp);
    if (removed.length || added.length) out.push(`${key}:`, ...removed.map((l) => `  - ${l}`), ...added.map((l) => `  + ${l}`));
  }
  return out;
}

function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const n = counts.get(x) ?? 0;
    if (n > 0) {
      counts.set(x, n - 1);
      return false;
    }
    return true;
  });
}

/** A project folder with corpus Compose files (corpus name → upstream name) and other files. */
export function project(corpus: Record<string, string>, other: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-corpus-project-'));
  for (const [from, to] of Object.entries(corpus)) copyFileSync(join(REPO_ROOT, 'test', 'corpus', 'files', 'compose', from), join(dir, to));
  for (const [name, text] of Object.entries(other)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
