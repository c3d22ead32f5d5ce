import { dirname } from 'node:path';
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analysisStoppedFindings, lspBudgetSeconds } from '../analysis/analysisBudget';
import { AnalysisResponse, runAnalysisRequest } from './analysisJob';
import { AnalysisLanes, SLOW_ANALYSIS_MS } from './analysisLanes';
import type { AnalyzerWorkerProxy } from './analyzerWorkerProxy';
import { toDiagnostic } from './diagnostics';
import { kindOf, uriPath } from './documentPaths';
import type { RuleDocsLink } from '../protocol';
import type { DocumentSettings } from './settings';

interface DocState {
  timer?: NodeJS.Timeout;
  immediate?: NodeJS.Immediate;
  /** How long the last analysis of this document took, to size the debounce. */
  lastCostMs: number;
  /** Version being analysed now, if any. */
  running?: number;
  /** The worker that keeps an analysis of this document (to redo only what an edit changes). */
  worker?: AnalyzerWorkerProxy;
  /** An analysis of it was slow or stopped: it stays on the heavy lane, away from cheap files. */
  slow?: boolean;
  /** Worker jobs in flight for this document; newer versions wait for them, then only the latest runs. */
  inFlight?: number;
  rerun?: boolean;
  /** What was last published for it: the same diagnostics for the same version are not sent again. */
  published?: { version: number; diagnostics: Diagnostic[] };
  /** The other files its last analysis read (its project's): when one changes, it is analysed again. */
  dependsOn?: ReadonlySet<string>;
  /** It was edited: the open files that read it are analysed once its own analysis of the latest version is done. */
  dependentsWaiting?: boolean;
}

/**
 * Debounce sized by what the file costs: a file analysed in under 50 ms (a file of a few hundred services, a file of
 * a 10-file project after a keystroke: issue 9) is analysed on the next tick, and keystrokes that come while it runs
 * are taken together in one run after it (validate's `rerun`); costlier ones wait for typing to pause, up to a
 * quarter of a second (a burst of keystrokes in a 5,000-service file then gets one run, no stale publish).
 */
export function debounceFor(lastCostMs: number): number {
  if (lastCostMs < 50) return 0;
  // Waiting half of what a run costs groups a burst of keystrokes into one run without doubling latency.
  return Math.min(250, Math.round(lastCostMs / 2));
}

/**
 * When each open document is analysed, on which lane, and whether its result is still worth publishing: one run per
 * document at a time, the latest version only, stale results dropped.
 */
export class AnalysisScheduler {
  private readonly states = new Map<string, DocState>();
  /** How diagnostics link their rule's page: set from the client's initializationOptions (server.ts). */
  docsLink: RuleDocsLink = 'web';

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: DocumentSettings,
    /** None: analyse inline, with no budget (ServerOptions.workerScript). */
    private readonly lanes: AnalysisLanes | undefined,
  ) {}

  schedule(doc: TextDocument, immediate = false): void {
    const state = this.states.get(doc.uri) ?? { lastCostMs: 0 };
    this.states.set(doc.uri, state);
    if (state.timer) clearTimeout(state.timer);
    const delay = immediate ? 0 : debounceFor(state.lastCostMs);
    const run = () => {
      state.timer = undefined;
      state.immediate = undefined;
      void this.validate(doc.uri);
    };
    if (state.immediate) clearImmediate(state.immediate);
    // setTimeout(0) waits a millisecond or more; a cheap file should not.
    if (delay === 0) state.immediate = setImmediate(run);
    else state.timer = setTimeout(run, delay);
  }

  /**
   * The document was edited: it is analysed, then the other open files of its project. Its own findings come first
   * (it is the file in front of the person), and theirs reuse the project it loaded.
   */
  scheduleEdited(doc: TextDocument): void {
    this.schedule(doc);
    this.states.get(doc.uri)!.dependentsWaiting = true;
  }

  /** Analyses every open document again now (settings, measured cold starts or workspace folders changed). */
  rescheduleAll(onlyCompose = false): void {
    this.documents
      .all()
      .filter((d) => !onlyCompose || kindOf(d) === 'compose')
      .forEach((d) => this.schedule(d, true));
  }

  /**
   * A file changed (an open document edited or closed, a file on disk): the open documents whose last analysis read
   * it (the other files of its project) are analysed again; `alsoBeside`: and those in its folder (a file created
   * on disk may be their override).
   */
  scheduleDependents(path: string, exceptUri?: string, alsoBeside = false): void {
    const folder = dirname(path);
    for (const [uri, state] of this.states) {
      if (uri === exceptUri) continue;
      const beside = alsoBeside && dirname(uriPath(uri) ?? '') === folder;
      if (!beside && !state.dependsOn?.has(path)) continue;
      const doc = this.documents.get(uri);
      if (doc) this.schedule(doc);
    }
  }

  /** Whether the document's analyses were slow or stopped: it belongs on the heavy lane. */
  isSlow(uri: string): boolean {
    return !!this.states.get(uri)?.slow;
  }

  /** The document closed: nothing more runs for it, and the worker forgets it. */
  close(uri: string): void {
    const state = this.states.get(uri);
    if (state?.timer) clearTimeout(state.timer);
    if (state?.immediate) clearImmediate(state.immediate);
    this.forgetOnWorker(uri, state);
    this.states.delete(uri);
  }

  private async validate(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    const state = this.states.get(uri);
    if (!doc || !state) return;
    const kind = kindOf(doc);
    if (!kind) {
      this.releaseDependents(uri, state);
      return;
    }
    const version = doc.version;
    if (state.running === version) return;
    if (state.inFlight) {
      // Queuing every keystroke on the worker would analyse versions nobody will see.
      state.rerun = true;
      return;
    }
    state.running = version;
    const { enabled, options, request } = await this.settings.inputsFor(doc, kind, state.dependsOn);
    if (!enabled) {
      this.releaseDependents(uri, state);
      state.running = undefined;
      this.forgetOnWorker(uri, state);
      state.published = undefined;
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const worker = this.lanes?.pick(request.text.length, !!state.slow);
    // Moved to the other lane (it grew, or was slow): the first one's kept analysis would only go stale.
    if (state.worker !== worker) this.forgetOnWorker(uri, state);
    state.worker = worker;
    let response: AnalysisResponse;
    if (worker) {
      state.inFlight = (state.inFlight ?? 0) + 1;
      response = await worker.run({ ...request, uri }, lspBudgetSeconds(request.text.length));
      state.inFlight--;
      if (state.rerun && state.inFlight === 0) {
        state.rerun = false;
        const latest = this.documents.get(uri);
        if (latest && latest.version !== version && this.states.get(uri) === state) this.schedule(latest, true);
      }
    } else {
      response = runAnalysisRequest({ ...request, id: 0 });
    }
    if (state.running === version) state.running = undefined;
    if (!response.error && response.stoppedAfterSeconds === undefined) state.dependsOn = response.projectFiles ? new Set(response.projectFiles) : undefined;
    if (response.stoppedAfterSeconds !== undefined || response.elapsedMs >= SLOW_ANALYSIS_MS) state.slow = true;
    // After a full analysis the worker kept, the next edit is most likely re-analysed incrementally: cheap.
    state.lastCostMs = response.kept && !response.incremental ? 0 : response.elapsedMs;
    // Past its budget the file gets one finding that says so, instead of holding a thread for as long as it likes.
    // Turned into diagnostics before the staleness check: for a file of thousands of findings that takes a while,
    // and an edit that arrives meanwhile must still be seen by the check.
    const findings = response.stoppedAfterSeconds !== undefined ? analysisStoppedFindings(response.stoppedAfterSeconds, options) : (response.findings ?? []);
    const diagnostics = response.error ? [] : findings.map((f) => toDiagnostic(f, this.docsLink));
    // Let edits that arrived while we analysed be read first, so the staleness check below sees them.
    await new Promise((resolve) => setImmediate(resolve));
    // Stale: the document changed (or closed) while we analysed; the newer version has its own run.
    const current = this.documents.get(uri);
    if (!current || current.version !== version) return;
    this.releaseDependents(uri, state);
    if (response.error) {
      this.connection.console.error(`inference-stack: analysis of ${uri} failed: ${response.error}`);
      return;
    }
    // Another file of the project changed and this one was analysed again: most often nothing changed for it, and
    // sending the same hundreds of diagnostics again only costs the editor (the Problems panel redraws).
    const previous = state.published;
    if (previous?.version === version && JSON.stringify(previous.diagnostics) === JSON.stringify(diagnostics)) return;
    state.published = { version, diagnostics };
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /** After an edited document's analysis of its latest version: the open files that read it, analysed again. */
  private releaseDependents(uri: string, state: DocState): void {
    if (!state.dependentsWaiting) return;
    state.dependentsWaiting = false;
    const path = uriPath(uri);
    if (path) this.scheduleDependents(path, uri);
  }

  private forgetOnWorker(uri: string, state: DocState | undefined): void {
    if (!state?.worker) return;
    state.worker.close(uri);
    state.worker = undefined;
  }
}
