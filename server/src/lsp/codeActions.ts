import { CodeAction, CodeActionKind, CodeActionParams, Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lspBudgetSeconds } from '../analysis/analysisBudget';
import { LineIndex } from '../core/lineIndex';
import { minimalEdit } from '../core/textDiff';
import { DIAGNOSTIC_SOURCE, FIX_ALL_CODE_ACTION_KIND } from '../protocol';
import { runAnalysisRequest } from './analysisJob';
import type { AnalysisLanes } from './analysisLanes';
import type { DiagnosticData } from './diagnostics';
import { kindOf } from './documentPaths';
import { ignoreLineEdit } from './ignoreEdit';
import type { DocumentSettings } from './settings';

/** The lightbulb's Fix All entry: its edit is computed when picked. */
interface FixAllData {
  fixAllOf: string;
}

/** Quick fixes of our diagnostics, "Ignore … on this line", and Fix All (as the lightbulb entry and as a source action). */
export class CodeActions {
  /** Whether the client resolves a code action's edit when it is picked (codeAction/resolve). */
  canResolve = false;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: DocumentSettings,
    private readonly lanes: AnalysisLanes | undefined,
    private readonly isSlow: (uri: string) => boolean,
  ) {}

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
        for (const fix of data?.fixes ?? []) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            isPreferred: fix.preferred,
            diagnostics: [diagnostic],
            edit: { changes: { [doc.uri]: fix.edits } },
          });
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
    return computed ? { ...action, edit: computed.edit } : action;
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
    const response = worker ? await worker.run({ ...request, fixAll: true }, seconds) : runAnalysisRequest({ ...request, id: 0, fixAll: true });
    if (response.stoppedAfterSeconds !== undefined) this.connection.console.warn(`inference-stack: Fix All on ${doc.uri} stopped after ${seconds} s: the file is too costly to fix.`);
    const fixed = response.fixed;
    // An edit computed for an older version would land in the wrong place.
    if (!fixed || this.documents.get(doc.uri)?.version !== version) return undefined;
    const edit = minimalEdit(text, fixed.text);
    if (!edit) return undefined;
    return {
      title: `Fix all auto-fixable Inference Stack problems (${fixed.applied})`,
      kind: FIX_ALL_CODE_ACTION_KIND,
      edit: { changes: { [doc.uri]: [edit] } },
    };
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
