import { basename, dirname, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ClientCapabilities,
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Connection,
  CreateFile,
  Diagnostic,
  Range,
  TextDocumentEdit,
  TextDocuments,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lspBudgetSeconds } from '../analysis/analysisBudget';
import { SideFiles, type SideFileAccess, type SideFileChange } from '../analysis/sideFiles';
import { isInside } from '../core/boundedFile';
import { LineIndex } from '../core/lineIndex';
import type { Fix } from '../core/types';
import { minimalEdit } from '../core/textDiff';
import { DIAGNOSTIC_SOURCE, FIX_ALL_CODE_ACTION_KIND, FIX_ALL_DONE_COMMAND } from '../protocol';
import { runAnalysisRequest } from './analysisJob';
import type { AnalysisLanes } from './analysisLanes';
import type { DiagnosticData } from './diagnostics';
import { kindOf, uriPath } from './documentPaths';
import { ignoreLineEdit } from './ignoreEdit';
import type { DocumentSettings } from './settings';
import { plainText } from '../core/plainText';

/** The lightbulb's Fix All entry: its edit is computed when picked. */
interface FixAllData {
  fixAllOf: string;
}

/** Quick fixes of our diagnostics, "Ignore … on this line", and Fix All (as the lightbulb entry and as a source action). */
export class CodeActions {
  /** Whether the client resolves a code action's edit when it is picked (codeAction/resolve). */
  canResolve = false;
  /** Whether the client takes `documentChanges` (edits of several files, checked against their versions). */
  canDocumentChanges = false;
  /** Whether it creates files in them (`resourceOperations` has `create`): a fix that writes a new `.env` needs it. */
  canCreateFiles = false;
  /** Whether it shows an action it cannot apply, with why (`disabled`), rather than none. */
  canShowDisabled = false;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: DocumentSettings,
    private readonly lanes: AnalysisLanes | undefined,
    private readonly isSlow: (uri: string) => boolean,
  ) {}

  /** What the client can do with a code action, from its `initialize` capabilities. */
  useClientCapabilities(capabilities: ClientCapabilities): void {
    this.canResolve = !!capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit');
    this.canDocumentChanges = !!capabilities.workspace?.workspaceEdit?.documentChanges;
    this.canCreateFiles = this.canDocumentChanges && !!capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create');
    this.canShowDisabled = !!capabilities.textDocument?.codeAction?.disabledSupport;
  }

  async provide(params: CodeActionParams): Promise<CodeAction[]> {
    const doc = this.documents.get(params.textDocument.uri);
    if (!doc) return [];
    const actions: CodeAction[] = [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (wants(CodeActionKind.QuickFix)) {
      const lines = documentLines(doc);
      for (const diagnostic of ours) {
        const data = diagnostic.data as DiagnosticData | undefined;
        // A fix that moves text into another file reads it at its offsets: only while they still hold (the range the
        // editor shows is the one analysed), or a shifted slice would go to `.env` and the secret be lost.
        const stale = !!data?.at && !sameRange(data.at, diagnostic.range);
        for (const fix of data?.fixes ?? []) {
          const edit = stale && fix.sideEdits?.length ? 'The file changed since it was checked: try again in a moment.' : this.fixEdit(doc, fix);
          if (typeof edit === 'string') {
            // A fix that would lose what it moves (no `.env` can be written) is not offered; shown greyed out with why
            // where the editor can.
            if (this.canShowDisabled) actions.push({ title: plainText(fix.title), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: edit } });
            continue;
          }
          actions.push({ title: plainText(fix.title), kind: CodeActionKind.QuickFix, isPreferred: fix.preferred, diagnostics: [diagnostic], edit });
        }
        actions.push(ignoreAction(doc.uri, lines, diagnostic));
      }
    }
    // `only` may name source.fixAll, or our own sub-kind (the "Fix All" command asks for that). Fix All re-analyses
    // the file up to ten times: it is computed only when asked for, never for the lightbulb, which gets an entry
    // whose edit is computed once picked (codeAction/resolve).
    if (only && wants(FIX_ALL_CODE_ACTION_KIND)) {
      const fixAllOffered = await this.fixAllAction(doc);
      if (fixAllOffered) actions.push(fixAllOffered);
    } else if (ours.length && wants(CodeActionKind.QuickFix) && this.canResolve) {
      const data: FixAllData = { fixAllOf: doc.uri };
      actions.push({ title: 'Fix all auto-fixable Inference Stack problems', kind: CodeActionKind.QuickFix, data });
    }
    return actions;
  }

  /** The lightbulb's Fix All entry, picked: its edit, computed now. */
  async resolve(action: CodeAction): Promise<CodeAction> {
    const uri = (action.data as FixAllData | undefined)?.fixAllOf;
    const doc = uri === undefined ? undefined : this.documents.get(uri);
    const computed = doc ? await this.fixAllAction(doc) : undefined;
    return computed ? { ...action, edit: computed.edit, ...(computed.command ? { command: computed.command } : {}) } : action;
  }

  /** Every pass of preferred fixes (as the CLI's --fix) on a worker, within the budget, as one edit. */
  private async fixAllAction(doc: TextDocument): Promise<CodeAction | undefined> {
    const kind = kindOf(doc);
    if (!kind) return undefined;
    const version = doc.version;
    const { request } = await this.settings.inputsFor(doc, kind);
    const text = request.text;
    const seconds = lspBudgetSeconds(text.length);
    const worker = this.lanes?.pick(text.length, this.isSlow(doc.uri));
    const sideFiles = kind === 'compose' ? this.sideFileAccess(doc) : undefined;
    const fixRequest = { ...request, fixAll: true, ...(sideFiles ? { sideFiles } : {}) };
    const response = worker ? await worker.run(fixRequest, seconds) : runAnalysisRequest({ ...fixRequest, id: 0 });
    if (response.stoppedAfterSeconds !== undefined) this.connection.console.warn(`inference-stack: Fix All on ${doc.uri} stopped after ${seconds} s: the file is too costly to fix.`);
    const fixed = response.fixed;
    // An edit computed for an older version would land in the wrong place.
    if (!fixed || this.documents.get(doc.uri)?.version !== version) return undefined;
    // Why a fix that writes beside the file was left out (names and reasons, never a value).
    for (const why of fixed.notMade) this.connection.console.info(`inference-stack: Fix All on ${doc.uri}: ${why}`);
    const edit = minimalEdit(text, fixed.text);
    if (!edit) return undefined;
    const workspaceEdit = this.workspaceEdit(doc, [edit], fixed.sideChanges);
    if (typeof workspaceEdit === 'string') {
      this.connection.console.info(`inference-stack: Fix All on ${doc.uri} not offered: ${workspaceEdit}`);
      return undefined;
    }
    // What it changes beside the file, by name (never a value): ".env: HF_TOKEN added".
    const folder = dirname(uriPath(doc.uri) ?? '');
    const beside = fixed.sideChanges.map((c) => `${relative(folder, c.path).split(sep).join('/')}: ${c.notes.join(', ')}`);
    // Said once the edit is applied: what Fix All changed, in the file and beside it.
    const name = basename(uriPath(doc.uri) ?? doc.uri);
    const summary = [`Fix All made ${fixed.applied} fix${fixed.applied === 1 ? '' : 'es'} in ${name}`, ...beside].join('; ');
    return {
      title: `Fix all auto-fixable Inference Stack problems (${[String(fixed.applied), ...beside].join('; ')})`,
      kind: FIX_ALL_CODE_ACTION_KIND,
      edit: workspaceEdit,
      command: { title: 'What Fix All changed', command: FIX_ALL_DONE_COMMAND, arguments: [`${summary}.`] },
    };
  }

  /** The edit of one quick fix, with the files it writes beside the document; a string: why it cannot be made. */
  private fixEdit(doc: TextDocument, fix: Fix): WorkspaceEdit | string {
    if (!fix.sideEdits?.length) return { changes: { [doc.uri]: fix.edits } };
    const access = this.sideFileAccess(doc);
    if (!access) return 'The file is not saved inside a workspace folder: there is no .env beside it to keep the value in.';
    const side = new SideFiles(access);
    const made = side.apply(fix, doc.getText());
    if (!made.ok) return `Not made: ${made.reason}.`;
    return this.workspaceEdit(doc, fix.edits, side.changes());
  }

  /** Where a Compose document on disk inside a workspace folder may have files written beside it; else undefined. */
  private sideFileAccess(doc: TextDocument): SideFileAccess | undefined {
    const path = doc.uri.startsWith('file:') ? uriPath(doc.uri) : undefined;
    const root = this.settings.readRootOf(doc.uri);
    if (!path || !root) return undefined;
    // The editor's texts of the files that may be read: those of the document's folder and the folders above it.
    const open: Array<[string, string]> = [];
    for (const other of this.documents.all()) {
      const otherPath = other.uri.startsWith('file:') ? uriPath(other.uri) : undefined;
      if (otherPath && otherPath !== path && isInside(root, otherPath) && isInside(dirname(otherPath), path)) open.push([otherPath, other.getText()]);
    }
    return { dir: dirname(path), root, open, canCreate: this.canCreateFiles };
  }

  /**
   * `edits` of the document and the files beside it that change, as one WorkspaceEdit: `documentChanges` where the
   * client takes them (a file created first, then each file's edit, each open one checked against its version),
   * else `changes` when every file exists; a string (why) when the client cannot apply it, or when a file beside
   * is open with another text than the one its edit was computed from (edited while Fix All ran on a worker).
   */
  private workspaceEdit(doc: TextDocument, edits: TextEdit[], changes: readonly SideFileChange[]): WorkspaceEdit | string {
    if (!changes.length) return { changes: { [doc.uri]: edits } };
    const openByPath = new Map(this.documents.all().flatMap((d) => (d.uri.startsWith('file:') ? [[uriPath(d.uri), d] as const] : [])));
    const sideEdits: Array<{ change: SideFileChange; uri: string; version: number | null; edit: TextEdit }> = [];
    for (const c of changes) {
      const open = openByPath.get(c.path);
      // The edit's offsets are those of `before`: the editor applies it to the text it has, at the version named here.
      if (open && open.getText() !== c.before) return `${c.file} changed while the fix was computed: try again.`;
      const uri = open?.uri ?? pathToFileURL(c.path).href;
      const edit = c.before === undefined ? TextEdit.insert({ line: 0, character: 0 }, c.after) : (minimalEdit(c.before, c.after) ?? TextEdit.insert({ line: 0, character: 0 }, ''));
      sideEdits.push({ change: c, uri, version: open?.version ?? null, edit });
    }
    const cannot = 'The editor cannot apply edits of several files.';
    if (this.canDocumentChanges) {
      if (!this.canCreateFiles && changes.some((c) => c.before === undefined)) return cannot;
      return {
        documentChanges: [
          ...sideEdits.flatMap((s) => [
            ...(s.change.before === undefined ? [CreateFile.create(s.uri, { ignoreIfExists: true })] : []),
            TextDocumentEdit.create({ uri: s.uri, version: s.version }, [s.edit]),
          ]),
          TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, edits),
        ],
      };
    }
    if (changes.some((c) => c.before === undefined)) return cannot;
    return { changes: Object.fromEntries([...sideEdits.map((s) => [s.uri, [s.edit]] as const), [doc.uri, edits] as const]) };
  }
}

/**
 * The lines of the open document as the ignore edit reads them, from the document's own line offsets: indexing the
 * whole text again took tens of milliseconds of each lightbulb in a 5,000-service file.
 */
function documentLines(doc: TextDocument): Pick<LineIndex, 'lineText' | 'eol'> {
  return {
    lineText: (line) => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/(?:\r\n?|\n)$/, ''),
    eol: () => (doc.getText().indexOf('\r\n') >= 0 ? '\r\n' : '\n'),
  };
}

function ignoreAction(uri: string, lines: Pick<LineIndex, 'lineText' | 'eol'>, diagnostic: Diagnostic): CodeAction {
  const rule = String(diagnostic.code);
  return {
    title: `Ignore ${rule} on this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [uri]: [ignoreLineEdit(lines, diagnostic.range.start.line, rule)] } },
  };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
