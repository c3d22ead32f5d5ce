import { CodeActionKind, Connection, DidChangeConfigurationNotification, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ENGINE_RESOURCES_NOTIFICATION, EngineResourcesParams, LOCAL_GPUS_NOTIFICATION, LocalGpusParams, MEASURED_COLD_STARTS_NOTIFICATION, MeasuredColdStartsParams, SETTINGS_SECTION } from '../protocol';
import { ruleDocsLinkFrom } from '../rules/docsUrl';
import { AnalysisLanes } from './analysisLanes';
import { CodeActions } from './codeActions';
import { COMPLETION_TRIGGERS, provideCompletion, resolveCompletion } from './completion';
import { folderPaths, isComposeLikePath, openTextsInside, uriPath } from './documentPaths';
import { provideHover } from './hover';
import { HubLookups } from './hubLookups';
import { HubModelConfigs } from './hubModels';
import { InlayHints } from './inlayHints';
import { Navigation } from './navigation';
import { NavigationDocuments } from './navigationIndex';
import { AnalysisScheduler } from './scheduling';
import { DocumentSettings } from './settings';

export interface ServerOptions {
  /**
   * Script that runs analyses off the main thread (the server bundle itself). None: analyse inline, with no
   * budget (only for embeddings that have no worker script; main.ts always passes one).
   */
  workerScript?: string;
  /** Files at least this long (characters) are analysed on the heavy lane (analysisLanes.ts). */
  workerThreshold?: number;
}

/**
 * The language server's wiring: LSP messages in, to the settings (settings.ts), the analysis scheduler
 * (scheduling.ts) and the code actions (codeActions.ts); diagnostics out.
 */
export function startServer(connection: Connection, serverOptions: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  // Above a few hundred lines a full analysis costs more than handing the text to the heavy lane, where the
  // incremental state re-parses only the edited service.
  const lanes = serverOptions.workerScript ? new AnalysisLanes(serverOptions.workerScript, serverOptions.workerThreshold ?? 16 * 1024) : undefined;
  const settings = new DocumentSettings(connection);
  settings.openTexts = (root) => openTextsInside(documents, root);
  const scheduler = new AnalysisScheduler(connection, documents, settings, lanes);
  const codeActions = new CodeActions(connection, documents, settings, lanes, (uri) => scheduler.isSlow(uri));
  const navigations = new NavigationDocuments(documents, settings);
  const navigation = new Navigation(navigations, () => settings.roots);
  const inlayHints = new InlayHints(navigations, settings);
  const hubModels = new HubModelConfigs(() => {
    scheduler.rescheduleAll();
    if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
  });
  settings.hubModels = hubModels;
  const hubLookups = new HubLookups(settings, navigations, hubModels);
  let canRefreshInlayHints = false;
  let canRegisterConfiguration = false;
  let canFollowFolders = false;

  connection.onInitialize((params) => {
    settings.canPull = !!params.capabilities.workspace?.configuration;
    canRegisterConfiguration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    canFollowFolders = !!params.capabilities.workspace?.workspaceFolders;
    codeActions.useClientCapabilities(params.capabilities);
    canRefreshInlayHints = !!params.capabilities.workspace?.inlayHint?.refreshSupport;
    scheduler.docsLink = ruleDocsLinkFrom(params.initializationOptions);
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    settings.roots = folderPaths(folders);
    if (!folders.length && params.rootPath) settings.roots = [params.rootPath];
    return {
      capabilities: {
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll], resolveProvider: true },
        completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: true },
        hoverProvider: true,
        documentLinkProvider: { resolveProvider: false },
        documentSymbolProvider: { label: 'Compose' },
        codeLensProvider: { resolveProvider: false },
        definitionProvider: true,
        inlayHintProvider: true,
      },
      serverInfo: { name: 'inference-stack', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (canFollowFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(folderPaths(e.removed.map((f) => f.uri)));
        settings.roots = [...settings.roots.filter((r) => !removed.has(r)), ...folderPaths(e.added.map((f) => f.uri))];
        scheduler.rescheduleAll(true);
      });
    }
    if (settings.canPull && canRegisterConfiguration) {
      connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch((err: Error) => connection.console.warn(`inference-stack: could not register for settings changes: ${err.message}`));
    }
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    scheduler.rescheduleAll();
    if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
  });

  // The client watches `.env` files and Dockerfiles (languageClient.ts): a Compose file's findings depend on both
  // (interpolation, build: contexts), so its analysis runs again when one changes on disk.
  // A Compose file changed on disk: the open documents of its project, and those beside it (it may be a new
  // override), are analysed again; the others need not be.
  connection.onDidChangeWatchedFiles((params) => {
    settings.diskEpoch++;
    const paths = params.changes.map((c) => uriPath(c.uri));
    if (paths.every((p) => p !== undefined && isComposeLikePath(p))) paths.forEach((p) => scheduler.scheduleDependents(p!, undefined, true));
    else scheduler.rescheduleAll(true);
  });

  connection.onNotification(MEASURED_COLD_STARTS_NOTIFICATION, (params: MeasuredColdStartsParams) => {
    settings.setMeasuredColdStarts(params);
    scheduler.rescheduleAll();
    if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
  });

  connection.onNotification(LOCAL_GPUS_NOTIFICATION, (params: LocalGpusParams) => {
    settings.setLocalGpus(params);
    scheduler.rescheduleAll();
    if (canRefreshInlayHints) void connection.languages.inlayHint.refresh();
  });

  connection.onNotification(ENGINE_RESOURCES_NOTIFICATION, (params: EngineResourcesParams) => {
    settings.setEngineResources(params);
    scheduler.rescheduleAll();
  });

  documents.onDidOpen((e) => {
    scheduler.schedule(e.document, true);
    hubLookups.soon(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    scheduler.scheduleEdited(e.document);
    hubLookups.soon(e.document.uri);
  });
  documents.onDidClose((e) => {
    scheduler.close(e.document.uri);
    // Its project's other files now read it from the disk.
    const path = uriPath(e.document.uri);
    if (path) scheduler.scheduleDependents(path);
    settings.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction((params) => codeActions.provide(params));
  connection.onCodeActionResolve((action) => codeActions.resolve(action));
  connection.onCompletion((params) => provideCompletion(documents, settings, params));
  connection.onCompletionResolve((item) => resolveCompletion(item));
  connection.onHover((params) => provideHover(documents, settings, params));
  connection.onDocumentLinks((params, token) => navigation.links(params, token));
  connection.onDocumentSymbol((params, token) => navigation.symbols(params, token));
  connection.onCodeLens((params, token) => navigation.startLens(params, token));
  connection.onDefinition((params) => navigation.definition(params));
  connection.languages.inlayHint.on((params) => inlayHints.provide(params));

  connection.onShutdown(() => lanes?.dispose());
  documents.listen(connection);
  connection.listen();
}
