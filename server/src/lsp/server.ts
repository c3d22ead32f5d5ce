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
import { kindFromLanguage } from '../core/fileKind';
import { fixAll } from '../core/fixAll';
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
import { AnalyzerWorker } from './analyzerWorker';
import { DiagnosticData, toDiagnostic } from './diagnostics';
import { ignoreLineEdit } from './ignoreEdit';

export interface ServerOptions {
  /** Script that runs analyses off the main thread (the server bundle itself); none: analyse inline. */
  workerScript?: string;
  /** Files at least this long (characters) are analysed on the worker. */
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
  const worker = serverOptions.workerScript ? new AnalyzerWorker(serverOptions.workerScript) : undefined;
  // Above a few hundred lines a full analysis costs more than handing the text to the worker, where the
  // incremental state re-parses only the edited service.
  const workerThreshold = serverOptions.workerThreshold ?? 16 * 1024;
  /** Compose file path ('' = every file) → service → measured seconds. */
  const measuredColdStarts = new Map<string, Record<string, number>>();
  let canPullSettings = false;
  let canRegisterConfiguration = false;

  connection.onInitialize((params) => {
    canPullSettings = !!params.capabilities.workspace?.configuration;
    canRegisterConfiguration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      },
      serverInfo: { name: 'inference-stack', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
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

  async function optionsFor(doc: TextDocument, kind: FileKind): Promise<{ enabled: boolean; options: AnalysisOptions }> {
    const settings = await settingsFor(doc.uri);
    const path = uriPath(doc.uri) ?? '';
    const measured = { ...measuredColdStarts.get(''), ...measuredColdStarts.get(path) };
    const options: AnalysisOptions = { rules: settings.rules ?? {}, measuredColdStarts: measured };
    if (typeof settings.coldStartSeconds === 'number' && settings.coldStartSeconds > 0) options.coldStartSeconds = settings.coldStartSeconds;
    if (kind === 'compose') {
      options.dotEnv = dotEnvFor(doc.uri);
      const dir = composeDirOf(doc.uri);
      if (dir !== undefined) options.buildContexts = fileBuildContexts(dir);
    }
    return { enabled: settings.enable !== false, options };
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
    const { enabled, options } = await optionsFor(doc, kind);
    if (!enabled) {
      state.running = undefined;
      forgetOnWorker(uri, state);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const text = doc.getText();
    const { buildContexts, ...plain } = options;
    const composeDir = buildContexts ? composeDirOf(uri) : undefined;
    const request: Omit<AnalysisRequest, 'id'> = {
      text,
      kind,
      options: { ...plain, dotEnv: options.dotEnv ? [...options.dotEnv] : undefined },
      ...(composeDir !== undefined ? { composeDir } : {}),
    };
    const onWorker = !!worker && text.length >= workerThreshold;
    if (!onWorker) forgetOnWorker(uri, state);
    state.onWorker = onWorker;
    let response: AnalysisResponse;
    if (onWorker) {
      state.inFlight = (state.inFlight ?? 0) + 1;
      response = await worker!.run({ ...request, uri });
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
    void connection.sendDiagnostics({ uri, version, diagnostics: (response.findings ?? []).map(toDiagnostic) });
  }

  function forgetOnWorker(uri: string, state: DocState | undefined): void {
    if (!state?.onWorker) return;
    state.onWorker = false;
    worker?.close(uri);
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
    // `only` may name source.fixAll, or our own sub-kind (the "Fix All" command asks for that).
    const fixAllAsked = !!only && wants(FIX_ALL_KIND);
    const fixAllOffered = ours.length || fixAllAsked ? await fixAllAction(doc) : undefined;
    if (fixAllOffered && (fixAllAsked || !only)) actions.push(fixAllOffered);
    if (fixAllOffered && ours.length && wants(CodeActionKind.QuickFix)) actions.push({ ...fixAllOffered, kind: CodeActionKind.QuickFix });
    return actions;
  }

  function ignoreAction(uri: string, lines: LineIndex, diagnostic: Diagnostic): CodeAction {
    const rule = String(diagnostic.code);
    return {
      title: `Ignore ${rule} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [ignoreLineEdit(lines, diagnostic.range.start.line, rule)] } },
    };
  }

  async function fixAllAction(doc: TextDocument): Promise<CodeAction | undefined> {
    const kind = kindOf(doc);
    if (!kind) return undefined;
    const { options } = await optionsFor(doc, kind);
    const text = doc.getText();
    // Every pass of preferred fixes (as the CLI's --fix), sent as the one edit that covers what changed.
    const fixed = fixAll(text, kind, options);
    const edit = minimalEdit(text, fixed.text);
    if (!edit) return undefined;
    return {
      title: `Fix all auto-fixable Inference Stack problems (${fixed.applied})`,
      kind: FIX_ALL_KIND,
      edit: { changes: { [doc.uri]: [edit] } },
    };
  }


  connection.onShutdown(() => worker?.dispose());
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

/** The folder of a Compose document on disk, where its `build:` contexts are; undefined for unsaved ones. */
function composeDirOf(uri: string): string | undefined {
  const path = uri.startsWith('file:') ? uriPath(uri) : undefined;
  return path ? dirname(path) : undefined;
}

/** The `.env` beside a Compose document on disk; empty for unsaved ones. */
function dotEnvFor(uri: string): Map<string, string> {
  const path = uri.startsWith('file:') ? uriPath(uri) : undefined;
  return path ? dotEnvBeside(path) : new Map();
}
