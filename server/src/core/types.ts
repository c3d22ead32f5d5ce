/** Shared vocabulary of the linter: pure data, no LSP or VS Code types. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** 0-based line, UTF-16 column: the LSP convention. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Half-open span of UTF-16 offsets into the document text. */
export interface Span {
  start: number;
  end: number;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  preferred: boolean;
  edits: TextEdit[];
  /** Edits of files beside the analysed one, made with it (the fix is whole or not at all): see SideEdit. */
  sideEdits?: SideEdit[];
}

/**
 * An edit of a file beside the analysed one that a fix makes together with its own edits, resolved against that
 * file's text when the fix is applied (analysis/sideFiles.ts): `file` is relative to the analysed file's folder.
 * Only what to do is said here, never a secret: a finding's fixes travel to the editor and into JSON output, so a
 * value moved out of the analysed file is named by where it is written there, not copied.
 * - `env`: `name` is set in the dotenv file `file` to the text that edit number `edit` of the fix replaces, from
 *   `start` to `end` within it, as Compose reads it in the analysed file (`$$` is one `$`); appended (the file
 *   created when missing), or written into an empty `NAME=`. Nothing is written when the file already sets it to that
 *   value, and the fix is not made when it sets it to another.
 * - `git-ignored`: `file` must be git-ignored: when no `.gitignore` from the analysed file's folder up to the
 *   workspace (or repository) top ignores it, a line naming it is added to the `.gitignore` of the analysed file's
 *   folder (created when missing).
 */
export type SideEdit =
  | { kind: 'env'; file: string; name: string; value: { edit: number; start: number; end: number } }
  | { kind: 'git-ignored'; file: string };

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  /** Other places involved (the other files of a project that define the same service): LSP relatedInformation. */
  relatedInformation?: RelatedInformation[];
}

/** A place in another file that a finding points to (an absolute path: core types know no URIs). */
export interface RelatedInformation {
  file: string;
  range: Range;
  message: string;
}

/** A replacement of `start`..`end` (UTF-16 offsets) by `newText`: applying fixes, the client's file edits. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** A fix as rules build it: offsets, turned into positions by the analyzer. */
export interface SpanEdit {
  span: Span;
  newText: string;
}

export interface SpanFix {
  title: string;
  /**
   * At most one fix per finding is preferred; the analyzer marks the first one that does not say `false` if a rule
   * marks none. `false`: never preferred (Fix All and `lint --fix` leave it to a person).
   */
  preferred?: boolean;
  edits: SpanEdit[];
  /** Edits of files beside the analysed one (its `.env`, its `.gitignore`), made with this fix. */
  sideEdits?: SideEdit[];
}

/** `dotenv`: the `.env` beside a Compose file, read only by the rules that say so (`dotenv-invalid`). */
export type FileKind = 'compose' | 'dockerfile' | 'dotenv';

export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  /** One line, shown in the rule list and the settings description. */
  title: string;
  /** Which kinds of file the rule reads. */
  appliesTo: readonly FileKind[];
  fixable: boolean;
  /**
   * The rule says nothing about a Compose file with a YAML syntax error anywhere (it reads the whole document):
   * an incremental analysis hides its findings while a service is broken, as a full analysis would not make them.
   */
  silentOnSyntaxErrors?: boolean;
}

export interface Report {
  span: Span;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. an out-of-range value is an error). */
  severity?: Severity;
  fixes?: SpanFix[];
  /** Other places involved, copied to the finding (analysis/projectAnalysis.ts sets them; rules do not). */
  related?: RelatedInformation[];
  /**
   * The other values the finding was judged with (the `--tensor-parallel-size 2` a GPU count is compared to). In a
   * project of several files, those written in another file become the finding's related information there
   * ("--tensor-parallel-size 2 is set in compose.yaml:4").
   */
  involves?: InvolvedValue[];
}

/** A value a finding read, besides the one it reports: where it is written, and how to name it to the reader. */
export interface InvolvedValue {
  span: Span;
  /** As the reader would recognise it, e.g. `--tensor-parallel-size 2`. */
  what: string;
}

export type Reporter = (report: Report) => void;
