/**
 * The edits a fix makes to files beside the analysed one (core/types.ts SideEdit: a secret moved into `.env`, `.env`
 * added to `.gitignore`), resolved against those files as they stand. A SideFiles holds its own copy of each file it
 * touched, so several fixes (Fix All, `lint --fix`) are resolved one after the other and never write a line twice; a
 * fix whose side edits cannot all be made is not made at all, and why is said in plain words that never hold a value.
 *
 * Reads go through core/boundedFile.ts (inside the root, a regular file, at most 1 MiB); a file to be written must
 * pass core/safeWrite.ts's writeRefusal (not a symlink, not outside the root). Nothing is written here: the caller
 * writes the changes (the CLI through safeWrite.ts, the language server as a WorkspaceEdit the editor applies).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import ignore from 'ignore';
import { parseDotEnv } from '../compose/dotenv';
import { setDotEnvVariable } from '../compose/dotenvEdit';
import { hasInterpolation, literalPart } from '../compose/interpolation';
import { MAX_SIDE_FILE_BYTES, readBoundedText } from '../core/boundedFile';
import { LineIndex } from '../core/lineIndex';
import { writeRefusal } from '../core/safeWrite';
import type { Fix, SideEdit } from '../core/types';

/** Where the analysed file is, and what may be read and written beside it. Plain data: it crosses to workers. */
export interface SideFileAccess {
  /** The analysed file's folder (absolute): side edits name files relative to it. */
  dir: string;
  /**
   * Reads and writes stay inside this folder (the workspace folder, the CLI's project folder), and `.gitignore` files
   * are looked for from `dir` up to it (or to the repository's top, the folder with `.git`, if that comes first).
   * Undefined: anywhere, up to the repository's top.
   */
  root: string | undefined;
  rootLabel?: string;
  /** Texts that stand for what is on disk (the editor's unsaved documents): absolute path, text. */
  open?: ReadonlyArray<[string, string]>;
  /** False when the files cannot be created (an editor without `create` resource operations): such a fix is not made. */
  canCreate?: boolean;
}

/** One file the side edits change. */
export interface SideFileChange {
  /** Absolute. */
  path: string;
  /** As the side edits name it, relative to the analysed file's folder (`.env`, `.gitignore`). */
  file: string;
  /** Its text before (as read: disk or open document); undefined: the file does not exist and is created. */
  before: string | undefined;
  after: string;
  /** What changed, in words that name variables and entries, never values: "HF_TOKEN added", ".env added". */
  notes: string[];
}

export type SideApplied = { ok: true } | { ok: false; reason: string; conflict?: boolean };

interface FileState {
  path: string;
  file: string;
  before: string | undefined;
  text: string | undefined;
  notes: string[];
}

class Refused extends Error {
  constructor(
    readonly reason: string,
    readonly conflict = false,
  ) {
    super(reason);
  }
}

export class SideFiles {
  private files = new Map<string, FileState>();
  private readonly open: ReadonlyMap<string, string>;
  private indexed: { text: string; lines: LineIndex } | undefined;

  constructor(readonly access: SideFileAccess) {
    this.open = new Map(access.open ?? []);
  }

  /**
   * Makes every side edit of `fix` on this object's copies of the files, or none of them (then says why; `conflict`:
   * the dotenv file sets the variable to another value). `text`: the analysed file's text that the fix's edits apply to.
   */
  apply(fix: Pick<Fix, 'edits' | 'sideEdits'>, text: string): SideApplied {
    if (!fix.sideEdits?.length) return { ok: true };
    const saved = this.files;
    this.files = new Map([...saved].map(([k, v]) => [k, { ...v, notes: [...v.notes] }]));
    try {
      // Fix All resolves every fix of a pass against one text: its line index is made once.
      if (this.indexed?.text !== text) this.indexed = { text, lines: new LineIndex(text) };
      const lines = this.indexed.lines;
      for (const edit of fix.sideEdits) this.one(edit, fix, text, lines);
      return { ok: true };
    } catch (err) {
      this.files = saved;
      if (err instanceof Refused) return { ok: false, reason: err.reason, ...(err.conflict ? { conflict: true } : {}) };
      throw err;
    }
  }

  /** The files changed so far, dotenv files first (the value is kept before anything refers to it). */
  changes(): SideFileChange[] {
    const out: SideFileChange[] = [];
    for (const state of this.files.values()) {
      if (state.text === undefined || state.text === state.before) continue;
      out.push({ path: state.path, file: state.file, before: state.before, after: state.text, notes: [...state.notes] });
    }
    return out.sort((a, b) => Number(basename(a.path) === '.gitignore') - Number(basename(b.path) === '.gitignore'));
  }

  /** The variables of the dotenv file `file` as the edits so far left it; undefined when none changed it. */
  dotEnv(file = '.env'): Map<string, string> | undefined {
    const state = this.files.get(resolve(this.access.dir, file));
    return state?.text !== undefined && state.text !== state.before ? parseDotEnv(state.text) : undefined;
  }

  private one(edit: SideEdit, fix: Pick<Fix, 'edits'>, text: string, lines: LineIndex): void {
    if (edit.kind === 'env') {
      const value = valueOf(edit, fix, text, lines);
      const state = this.state(edit.file);
      const set = setDotEnvVariable(state.text, edit.name, value);
      if (set.kind === 'conflict') throw new Refused(`${edit.file} sets ${edit.name} to another value`, true);
      if (set.kind === 'unreadable') throw new Refused(`${edit.file} would not read ${edit.name} back (an error in ${edit.file} stops Compose's parser before the end)`);
      if (set.kind === 'changed') {
        state.notes.push(set.how === 'filled' ? `${edit.name} set (it was empty)` : `${edit.name} added`);
        state.text = set.text;
      }
      return;
    }
    this.gitIgnored(edit.file);
  }

  /** Makes sure `file` is git-ignored; refuses when a `.gitignore` un-ignores it on purpose (`!.env`). */
  private gitIgnored(file: string): void {
    const target = resolve(this.access.dir, file);
    const verdict = this.ignoreVerdict(target);
    if (verdict.ignored) return;
    if (verdict.unignoredBy) throw new Refused(`${verdict.unignoredBy} un-ignores ${file} (a "!" line): what is written there would be committed`);
    const state = this.state('.gitignore');
    const entry = relative(this.access.dir, target).split(sep).join('/');
    const current = state.text ?? '';
    const eol = current.includes('\r\n') ? '\r\n' : '\n';
    state.text = current + (current === '' || current.endsWith('\n') ? '' : eol) + entry + eol;
    state.notes.push(`${entry} added`);
  }

  /**
   * Whether the `.gitignore` files from the analysed file's folder up to the top ignore `target`, as git reads them:
   * a deeper file's verdict over a higher one's, the last matching line of a file over the ones above it.
   */
  private ignoreVerdict(target: string): { ignored: boolean; unignoredBy?: string } {
    const folders: string[] = [];
    const top = this.access.root === undefined ? undefined : resolve(this.access.root);
    for (let folder = resolve(this.access.dir); ; folder = dirname(folder)) {
      folders.push(folder);
      if (folder === top || existsSync(join(folder, '.git')) || dirname(folder) === folder) break;
      if (top !== undefined && relative(top, folder).startsWith('..')) break;
    }
    let ignored = false;
    let unignoredBy: string | undefined;
    for (const folder of folders.reverse()) {
      const path = join(folder, '.gitignore');
      const text = this.peek(path);
      if (!text) continue;
      const verdict = ignore({ ignorecase: false }).add(text).test(relative(folder, target).split(sep).join('/'));
      if (verdict.ignored) {
        ignored = true;
        unignoredBy = undefined;
      } else if (verdict.unignored) {
        ignored = false;
        unignoredBy = relative(this.access.dir, path).split(sep).join('/') || '.gitignore';
      }
    }
    return { ignored, ...(unignoredBy ? { unignoredBy } : {}) };
  }

  /** The text of a file only read (a `.gitignore` above): this object's copy, the open document, or the disk. */
  private peek(path: string): string | undefined {
    const own = this.files.get(path);
    if (own) return own.text;
    if (this.open.has(path)) return this.open.get(path);
    const read = readBoundedText(path, { root: this.access.root, ...(this.access.rootLabel ? { rootLabel: this.access.rootLabel } : {}) }, MAX_SIDE_FILE_BYTES);
    return read.ok ? read.text : undefined;
  }

  /** This object's copy of `file`, read the first time; refused when it may not be written. */
  private state(file: string): FileState {
    const path = resolve(this.access.dir, file);
    const known = this.files.get(path);
    if (known) return known;
    const boundary = { root: this.access.root, ...(this.access.rootLabel ? { rootLabel: this.access.rootLabel } : {}) };
    const refused = writeRefusal(path, boundary);
    if (refused) throw new Refused(`${file} ${refused.why}`);
    let before: string | undefined;
    if (this.open.has(path)) before = this.open.get(path);
    else {
      const read = readBoundedText(path, boundary, MAX_SIDE_FILE_BYTES);
      if (read.ok) before = read.text;
      else if (read.refusal.reason !== 'missing') throw new Refused(`${file} was not read: ${read.refusal.message}`);
      // (A dangling symlink reads as missing: writeRefusal refused it above.)
      else if (this.access.canCreate === false) throw new Refused(`${file} does not exist and the editor cannot create files`);
    }
    const state: FileState = { path, file, before, text: before, notes: [] };
    this.files.set(path, state);
    return state;
  }
}

/** The value an `env` side edit moves: the text the fix's edit replaces, from `start` to `end`, as Compose reads it. */
function valueOf(edit: Extract<SideEdit, { kind: 'env' }>, fix: Pick<Fix, 'edits'>, text: string, lines: LineIndex): string {
  const target = fix.edits[edit.value.edit];
  if (!target) throw new Refused(`the fix does not say where the value of ${edit.name} is`);
  const from = lines.offsetAt(target.range.start);
  const to = lines.offsetAt(target.range.end);
  const { start, end } = edit.value;
  if (start < 0 || end < start || from + end > to) throw new Refused(`the fix does not say where the value of ${edit.name} is`);
  const raw = text.slice(from + start, from + end);
  // Not a literal (a reference crept in): moving it would move a reference, not a value.
  if (!raw || hasInterpolation(raw)) throw new Refused(`the value of ${edit.name} is not a literal`);
  return literalPart(raw);
}
