import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Connection,
  Diagnostic,
  DidChangeConfigurationNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dotEnvBeside } from '../compose/dotEnvFile';
import { containingRoot, type ReadBoundary } from '../core/boundedFile';
import { kindFromLanguage } from '../core/fileKind';
import { analysisStoppedFindings, lspBudgetSeconds } from '../core/analysisBudget';
import { minimalEdit } from '../core/textDiff';
import { LineIndex } from '../core/lineIndex';
import type { AnalysisOptions } from '../core/options';
import { fileBuildContexts } from '../dockerfile/buildContextFiles';
import type { FileKind } from '../core/types';
import {
  DEFAULT_SETTINGS,
  DIAGNOSTIC_SOURCE,
  InferenceStackSettings,
  MEASURED_COLD_STARTS_NOTIFICATION,
  MeasuredColdStartsParams,
  SETTINGS_SECTION,
} from '../protocol';
import { AnalysisRequest, AnalysisResponse, runAnalysisRequest } from './analysisJob';
import { AnalysisLanes, SLOW_ANALYSIS_MS } from './analysisLanes';
import { DiagnosticData, toDiagnostic } from './diagnostics';
import { ignoreLineEdit } from './ignoreEdit';

export interface ServerOptions {
  /**
   * Script that runs analyses off the main thread (the server bundle itself). None: analyse inline, with no
   * budget (only for embeddings that have no worker script; main.ts always passes one).
   */
  workerScript?: string;
  /** Files at least this long (characters) are analysed on the heavy lane (analysisLanes.ts). */
  workerThreshold?: number;
}

interface DocState {
  timer?: NodeJS.Timeout;
  immediate?: NodeJS.Immediate;
  /** How long the last analysis of this document took, to size the debounce. */
  lastCostMs: number;
  /** Version being analysed now, if any. */
  running?: number;
  /** The worker keeps an analysis of this document (to redo only what an edit changes). */
  onWorker?: boolean;
  /** An analysis of it was slow or stopped: it stays on the heavy lane, away from cheap files. */
  slow?: boolean;
  /** Worker jobs in flight for this document; newer versions wait for them, then only the latest runs. */
  inFlight?: number;
  rerun?: boolean;
}

/**
 * Debounce sized by what the file costs: cheap files are analysed on the next tick (a keystroke gets
 * diagnostics in milliseconds); costly ones wait for typing to pause, up to half a second.
 */
/** Our fix-all code action kind; the client's "Fix All" command asks for exactly this. */
const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.inference-stack`;

export function debounceFor(lastCostMs: number): number {
  if (lastCostMs < 30) return 0;
  // Waiting half of what a run costs groups a burst of keystrokes into one run without doubling latency.
  return Math.min(250, Math.round(lastCostMs / 2));
}

export function startServer(connection: Connection, serverOptions: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocState>();
  const settingsCache = new Map<string, Promise<InferenceStackSettings>>();
  // Above a few hundred lines a full analysis costs more than handing the text to the heavy lane, where the
  // incremental state re-parses only the edited service.
  const lanes = serverOptions.workerScript ? new AnalysisLanes(serverOptions.workerScript, serverOptions.workerThreshold ?? 16 * 1024) : undefined;
  let canResolveCodeActions = false;
  /** Compose file path ('' = every file) → service → measured seconds. */
  const measuredColdStarts = new Map<string, Record<string, number>>();
  let canPullSettings = false;
  let canRegisterConfiguration = false;
  let canFollowFolders = false;
  /**
   * The workspace folders: a Compose file's `.env` and `build:` Dockerfiles are read only inside the folder that
   * holds it, and a document outside every folder gets no reads at all (a cloned repository cannot point us at
   * `../../..`, `/proc/self/environ` or a FIFO).
   */
  let roots: string[] = [];
  /** Refusals already logged (path + reason): analyses run on every keystroke. */
  const refusalsLogged = new Set<string>();

  connection.onInitialize((params) => {
    canPullSettings = !!params.capabilities.workspace?.configuration;
    canRegisterConfiguration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    canFollowFolders = !!params.capabilities.workspace?.workspaceFolders;
    canResolveCodeActions = !!params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit');
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folderPaths(folders);
    if (!folders.length && params.rootPath) roots = [params.rootPath];
    return {
      capabilities: {
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll], resolveProvider: true },
      },
      serverInfo: { name: 'inference-stack', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (canFollowFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(folderPaths(e.removed.map((f) => f.uri)));
        roots = [...roots.filter((r) => !removed.has(r)), ...folderPaths(e.added.map((f) => f.uri))];
        documents.all().filter((d) => kindOf(d) === 'compose').forEach((d) => schedule(d, true));
      });
    }
    if (canPullSettings && canRegisterConfiguration) {
      connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch((err: Error) => connection.console.warn(`inference-stack: could not register for settings changes: ${err.message}`));
    }
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    documents.all().forEach((d) => schedule(d, true));
  });

  // The client watches `.env` files and Dockerfiles (languageClient.ts): a Compose file's findings depend on both
  // (interpolation, build: contexts), so its analysis runs again when one changes on disk.
  connection.onDidChangeWatchedFiles(() => {
    documents.all().filter((d) => kindOf(d) === 'compose').forEach((d) => schedule(d, true));
  });

  connection.onNotification(MEASURED_COLD_STARTS_NOTIFICATION, (params: MeasuredColdStartsParams) => {
    measuredColdStarts.set(params.file ?? '', { ...params.services });
    documents.all().forEach((d) => schedule(d, true));
  });

  function kindOf(doc: TextDocument): FileKind | undefined {
    return kindFromLanguage(doc.languageId, uriPath(doc.uri) ?? doc.uri);
  }

  function settingsFor(uri: string): Promise<InferenceStackSettings> {
    if (!canPullSettings) return Promise.resolve(DEFAULT_SETTINGS);
    let cached = settingsCache.get(uri);
    if (!cached) {
      cached = connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then((s: Partial<InferenceStackSettings> | null) => ({ ...DEFAULT_SETTINGS, ...(s ?? {}) }))
        .catch(() => DEFAULT_SETTINGS);
      settingsCache.set(uri, cached);
    }
    return cached;
  }

  async function optionsFor(doc: TextDocument, kind: FileKind): Promise<{ enabled: boolean; options: AnalysisOptions; scope?: ReadScope }> {
    const settings = await settingsFor(doc.uri);
    const path = uriPath(doc.uri) ?? '';
    const measured = { ...measuredColdStarts.get(''), ...measuredColdStarts.get(path) };
    const options: AnalysisOptions = { rules: settings.rules ?? {}, measuredColdStarts: measured };
    if (typeof settings.coldStartSeconds === 'number' && settings.coldStartSeconds > 0) options.coldStartSeconds = settings.coldStartSeconds;
    const scope = kind === 'compose' ? readScopeOf(doc.uri) : undefined;
    if (kind === 'compose') options.dotEnv = scope ? dotEnvBeside(scope.file, boundaryFor(scope.root)) : new Map();
    if (scope) options.buildContexts = fileBuildContexts(dirname(scope.file), boundaryFor(scope.root));
    return { enabled: settings.enable !== false, options, ...(scope ? { scope } : {}) };
  }

  /** A Compose document on disk inside a workspace folder: its path and that folder; else nothing is read for it. */
  function readScopeOf(uri: string): ReadScope | undefined {
    const file = uri.startsWith('file:') ? uriPath(uri) : undefined;
    const root = file ? containingRoot(roots, file) : undefined;
    return file && root ? { file, root } : undefined;
  }

  function boundaryFor(root: string): ReadBoundary {
    return {
      root,
      onRefused: (path, refusal) => {
        const key = `${path}\0${refusal.reason}`;
        if (refusalsLogged.has(key)) return;
        refusalsLogged.add(key);
        connection.console.warn(`inference-stack: ${path} not read: ${refusal.message}`);
      },
    };
  }

  function schedule(doc: TextDocument, immediate = false): void {
    const state = states.get(doc.uri) ?? { lastCostMs: 0 };
    states.set(doc.uri, state);
    if (state.timer) clearTimeout(state.timer);
    const delay = immediate ? 0 : debounceFor(state.lastCostMs);
    const run = () => {
      state.timer = undefined;
      state.immediate = undefined;
      void validate(doc.uri);
    };
    if (state.immediate) clearImmediate(state.immediate);
    // setTimeout(0) waits a millisecond or more; a cheap file should not.
    if (delay === 0) state.immediate = setImmediate(run);
    else state.timer = setTimeout(run, delay);
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    const state = states.get(uri);
    if (!doc || !state) return;
    const kind = kindOf(doc);
    if (!kind) return;
    const version = doc.version;
    if (state.running === version) return;
    if (state.inFlight) {
      // Queuing every keystroke on the worker would analyse versions nobody will see.
      state.rerun = true;
      return;
    }
    state.running = version;
    const { enabled, options, request } = await requestFor(doc, kind);
    if (!enabled) {
      state.running = undefined;
      forgetOnWorker(uri, state);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const lane = lanes?.pick(request.text.length, !!state.slow);
    const onWorker = !!lane?.keepsState;
    if (!onWorker) forgetOnWorker(uri, state);
    state.onWorker = onWorker;
    let response: AnalysisResponse;
    if (lane) {
      state.inFlight = (state.inFlight ?? 0) + 1;
      response = await lane.worker.run(onWorker ? { ...request, uri } : request, lspBudgetSeconds(request.text.length));
      state.inFlight--;
      if (state.rerun && state.inFlight === 0) {
        state.rerun = false;
        const latest = documents.get(uri);
        if (latest && latest.version !== version && states.get(uri) === state) schedule(latest, true);
      }
    } else {
      response = runAnalysisRequest({ ...request, id: 0 });
    }
    if (state.running === version) state.running = undefined;
    if (response.stoppedAfterSeconds !== undefined || response.elapsedMs >= SLOW_ANALYSIS_MS) state.slow = true;
    // After a full analysis the worker kept, the next edit is most likely re-analysed incrementally: cheap.
    state.lastCostMs = response.kept && !response.incremental ? 0 : response.elapsedMs;
    // Let edits that arrived while we analysed be read first, so the staleness check below sees them.
    await new Promise((resolve) => setImmediate(resolve));
    // Stale: the document changed (or closed) while we analysed; the newer version has its own run.
    const current = documents.get(uri);
    if (!current || current.version !== version) return;
    if (response.error) {
      connection.console.error(`inference-stack: analysis of ${uri} failed: ${response.error}`);
      return;
    }
    // Past its budget the file gets one finding that says so, instead of holding a thread for as long as it likes.
    const findings = response.stoppedAfterSeconds !== undefined ? analysisStoppedFindings(response.stoppedAfterSeconds, options) : (response.findings ?? []);
    void connection.sendDiagnostics({ uri, version, diagnostics: findings.map(toDiagnostic) });
  }

  /** What a worker needs to analyse `doc` as it is now: plain data (a file reader does not cross threads). */
  async function requestFor(doc: TextDocument, kind: FileKind): Promise<{ enabled: boolean; options: AnalysisOptions; request: Omit<AnalysisRequest, 'id'> }> {
    const { enabled, options, scope } = await optionsFor(doc, kind);
    const { buildContexts: _reader, ...plain } = options;
    const request: Omit<AnalysisRequest, 'id'> = {
      text: doc.getText(),
      kind,
      options: { ...plain, dotEnv: options.dotEnv ? [...options.dotEnv] : undefined },
      ...(scope ? { composeDir: dirname(scope.file), readRoot: scope.root } : {}),
    };
    return { enabled, options, request };
  }

  function forgetOnWorker(uri: string, state: DocState | undefined): void {
    if (!state?.onWorker) return;
    state.onWorker = false;
    lanes?.forget(uri);
  }

  documents.onDidOpen((e) => schedule(e.document, true));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    const state = states.get(e.document.uri);
    if (state?.timer) clearTimeout(state.timer);
    if (state?.immediate) clearImmediate(state.immediate);
    forgetOnWorker(e.document.uri, state);
    states.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction(async (params) => codeActions(params));

  async function codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const actions: CodeAction[] = [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (wants(CodeActionKind.QuickFix)) {
      const lines = new LineIndex(doc.getText());
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
    if (only && wants(FIX_ALL_KIND)) {
      const fixAllOffered = await fixAllAction(doc);
      if (fixAllOffered) actions.push(fixAllOffered);
    } else if (ours.length && wants(CodeActionKind.QuickFix) && canResolveCodeActions) {
      const data: FixAllData = { fixAllOf: doc.uri };
      actions.push({ title: 'Fix all auto-fixable Inference Stack problems', kind: CodeActionKind.QuickFix, data });
    }
    return actions;
  }

  connection.onCodeActionResolve(async (action) => {
    const uri = (action.data as FixAllData | undefined)?.fixAllOf;
    const doc = uri === undefined ? undefined : documents.get(uri);
    const computed = doc ? await fixAllAction(doc) : undefined;
    return computed ? { ...action, edit: computed.edit } : action;
  });

  function ignoreAction(uri: string, lines: LineIndex, diagnostic: Diagnostic): CodeAction {
    const rule = String(diagnostic.code);
    return {
      title: `Ignore ${rule} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [ignoreLineEdit(lines, diagnostic.range.start.line, rule)] } },
    };
  }

  /** Every pass of preferred fixes (as the CLI's --fix) on a worker, within the budget, as one edit. */
  async function fixAllAction(doc: TextDocument): Promise<CodeAction | undefined> {
    const kind = kindOf(doc);
    if (!kind) return undefined;
    const version = doc.version;
    const { request } = await requestFor(doc, kind);
    const text = request.text;
    const seconds = lspBudgetSeconds(text.length);
    const lane = lanes?.pick(text.length, !!states.get(doc.uri)?.slow);
    const response = lane ? await lane.worker.run({ ...request, fixAll: true }, seconds) : runAnalysisRequest({ ...request, id: 0, fixAll: true });
    if (response.stoppedAfterSeconds !== undefined) connection.console.warn(`inference-stack: Fix All on ${doc.uri} stopped after ${seconds} s: the file is too costly to fix.`);
    const fixed = response.fixed;
    // An edit computed for an older version would land in the wrong place.
    if (!fixed || documents.get(doc.uri)?.version !== version) return undefined;
    const edit = minimalEdit(text, fixed.text);
    if (!edit) return undefined;
    return {
      title: `Fix all auto-fixable Inference Stack problems (${fixed.applied})`,
      kind: FIX_ALL_KIND,
      edit: { changes: { [doc.uri]: [edit] } },
    };
  }


  connection.onShutdown(() => lanes?.dispose());
  documents.listen(connection);
  connection.listen();
}

function uriPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(new URL(uri).pathname);
  } catch {
    return undefined;
  }
}

/** The lightbulb's Fix All entry: its edit is computed when picked. */
interface FixAllData {
  fixAllOf: string;
}

/** Where a Compose document's `.env` and `build:` Dockerfiles are read: beside `file`, inside `root`. */
interface ReadScope {
  file: string;
  root: string;
}

/** The file-system paths of workspace folder URIs (others, such as virtual file systems, hold nothing we read). */
function folderPaths(uris: readonly string[]): string[] {
  return uris.filter((u) => u.startsWith('file:')).map(uriPath).filter((p): p is string => p !== undefined);
}
