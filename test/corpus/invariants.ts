/**
 * Invariants every analysis must keep, whatever the input: shared by the corpus test and the property tests.
 * Each check returns a list of readable problems (empty when all is well) instead of throwing at the first,
 * so one failing test shows everything wrong with a file at once.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
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

/**
 * One entry of a reviewed snapshot: the finding's snapshot line and the reviewer's one-line reason. The reason says
 * why the finding is true as the file's author would see it, or starts with `debatable: `; an empty reason means
 * nobody has reviewed the finding yet, and `false: ` marks a false positive that the rule must stop reporting.
 */
export interface ReviewedFinding {
  finding: string;
  reason: string;
}

/** A reviewed snapshot: file key → its findings, each with its reason. */
export type ReviewedSnapshot = Record<string, ReviewedFinding[]>;

/** Reasons that mark a finding as debatable or false (case-insensitive prefix). */
export const DEBATABLE = /^debatable:/i;
export const FALSE_POSITIVE = /^false:/i;

/**
 * Reads a reviewed snapshot, or undefined when there is none. Throws with a readable message when the file is not
 * `{ "<file>": [{ "finding": "...", "reason": "..." }, ...] }` (an old snapshot of bare lines, a hand-edit gone wrong).
 */
export function readReviewedSnapshot(path: string): ReviewedSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const bad = (why: string) => new Error(`${path}: ${why}; each file maps to [{ "finding": "...", "reason": "..." }, ...]`);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad('not an object');
  for (const [key, entries] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(entries)) throw bad(`"${key}" is not a list`);
    entries.forEach((e: unknown, i) => {
      const entry = e as Partial<ReviewedFinding> | null;
      if (!entry || typeof entry !== 'object' || typeof entry.finding !== 'string' || typeof entry.reason !== 'string') {
        throw bad(`"${key}" entry ${i + 1} is not { finding, reason } with two strings`);
      }
      const extra = Object.keys(entry).filter((k) => k !== 'finding' && k !== 'reason');
      if (extra.length) throw bad(`"${key}" entry ${i + 1} has unknown keys ${extra.join(', ')}`);
    });
  }
  return parsed as ReviewedSnapshot;
}

/**
 * The snapshot to write for the findings of now: every finding keeps the reason of an equal line in the previous
 * snapshot (each previous entry used once), a new finding gets an empty reason (which the test then rejects until a
 * person writes one), and entries whose finding is gone are dropped.
 */
export function mergeReviews(previous: ReviewedSnapshot | undefined, actual: Record<string, string[]>): ReviewedSnapshot {
  const out: ReviewedSnapshot = {};
  for (const [key, lines] of Object.entries(actual)) {
    const left = [...(previous?.[key] ?? [])];
    out[key] = lines.map((finding) => {
      const i = left.findIndex((e) => e.finding === finding);
      const reason = i >= 0 ? left.splice(i, 1)[0]!.reason : '';
      return { finding, reason };
    });
  }
  return out;
}

/** The snapshot as JSON with one entry per line, so a diff shows each finding beside its reason. */
export function formatReviewedSnapshot(snapshot: ReviewedSnapshot): string {
  const files = Object.entries(snapshot).map(([key, entries]) => {
    if (!entries.length) return `  ${JSON.stringify(key)}: []`;
    const rows = entries.map((e) => `    { "finding": ${JSON.stringify(e.finding)}, "reason": ${JSON.stringify(e.reason)} }`);
    return `  ${JSON.stringify(key)}: [\n${rows.join(',\n')}\n  ]`;
  });
  return `{\n${files.join(',\n')}\n}\n`;
}

/**
 * Everything wrong between a reviewed snapshot and the findings of now: drift (a new finding, a reviewed finding
 * that is gone, a file added or removed), findings with no reason, and findings marked false.
 */
export function reviewProblems(expected: ReviewedSnapshot, actual: Record<string, string[]>): { drift: string[]; unreviewed: string[]; falsePositives: string[] } {
  const lines = Object.fromEntries(Object.entries(expected).map(([k, entries]) => [k, entries.map((e) => e.finding)]));
  // A finding that is gone shows the reason it had, to carry over by hand when it only moved or was reworded.
  const drift: string[] = [];
  let key = '';
  for (const d of snapshotDiff(lines, actual)) {
    if (!d.startsWith('  ')) key = d.replace(/:( new file.*| in the snapshot.*)?$/, '');
    const gone = d.startsWith('  - ') ? expected[key]?.find((e) => e.finding === d.slice(4)) : undefined;
    drift.push(gone?.reason ? `${d}\n      (its reason: ${gone.reason})` : d);
  }
  const unreviewed: string[] = [];
  const falsePositives: string[] = [];
  for (const [key, entries] of Object.entries(expected)) {
    for (const e of entries) {
      if (!e.reason.trim()) unreviewed.push(`${key}: ${e.finding}`);
      else if (FALSE_POSITIVE.test(e.reason.trim())) falsePositives.push(`${key}: ${e.finding}\n    ${e.reason}`);
    }
  }
  return { drift, unreviewed, falsePositives };
}

/**
 * The test of a reviewed snapshot: UPDATE_SNAPSHOT=1 rewrites it (keeping the reasons of unchanged findings);
 * otherwise it fails on drift, on a finding with no reason and on a finding marked false, each listed.
 */
export function checkReviewedSnapshot(path: string, actual: Record<string, string[]>): void {
  const name = relative(REPO_ROOT, path).split(sep).join('/');
  if (process.env.UPDATE_SNAPSHOT === '1') {
    const merged = mergeReviews(readReviewedSnapshot(path), actual);
    writeFileSync(path, formatReviewedSnapshot(merged));
    const missing = Object.values(merged).flat().filter((e) => !e.reason.trim()).length;
    if (missing) console.log(`${name}: ${missing} finding(s) have an empty reason: review each against its file and write one.`);
    return;
  }
  const expected = readReviewedSnapshot(path);
  if (!expected) throw new Error(`no snapshot at ${path}: run with UPDATE_SNAPSHOT=1, then review every finding and write its reason`);
  const { drift, unreviewed, falsePositives } = reviewProblems(expected, actual);
  const parts: string[] = [];
  if (drift.length) {
    parts.push(`findings drifted from ${name} (- reviewed but no longer found, + found but not in the snapshot).\n` +
      `Review every line; rerun with UPDATE_SNAPSHOT=1 (it keeps the reasons of unchanged findings and leaves new ones empty).\n${drift.join('\n')}`);
  }
  if (unreviewed.length) {
    parts.push(`${unreviewed.length} finding(s) in ${name} have no reason: read each against its file, then write why it is true ` +
      `(or "debatable: ...") in its "reason"; a false one is fixed in the rule instead.\n${unreviewed.map((u) => `  ${u}`).join('\n')}`);
  }
  if (falsePositives.length) {
    parts.push(`${falsePositives.length} finding(s) in ${name} are marked false: fix the rule (and add the case to its own test) until they ` +
      `disappear, then rerun with UPDATE_SNAPSHOT=1.\n${falsePositives.map((f) => `  ${f}`).join('\n')}`);
  }
  if (parts.length) throw new Error(parts.join('\n\n'));
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
