import { dirname } from 'node:path';
import type { Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { composeFileBeside, dotEnvBeside } from '../compose/dotEnvFile';
import type { AnalysisOptions } from '../core/analysisOptions';
import type { HubModelConfigs } from './hubModels';
import { LOCAL_GPUS_FROM, targetFromLocal, targetFromSetting, type TargetGpu } from '../engines/fit/gpuFacts';
import { containingRoot, type ReadBoundary } from '../core/boundedFile';
import type { FileKind } from '../core/types';
import { fileBuildContexts } from '../dockerfile/buildContextFiles';
import { DEFAULT_SETTINGS, EngineResourcesParams, InferenceStackSettings, LocalGpusParams, MeasuredColdStartsParams, SETTINGS_SECTION } from '../protocol';
import type { AnalysisRequest } from './analysisJob';
import { uriPath } from './documentPaths';

/** Where a Compose document's `.env` and `build:` Dockerfiles are read: beside `file`, inside `root`. */
interface ReadScope {
  file: string;
  root: string;
}

/** What an analysis of one document needs besides its text. */
export interface DocumentInputs {
  enabled: boolean;
  options: AnalysisOptions;
  /** The same as plain data for a worker thread (a file reader does not cross threads). */
  request: Omit<AnalysisRequest, 'id'>;
}

/**
 * Everything besides the text that shapes a document's analysis: the client's settings (pulled per document and
 * cached until they change), the cold starts the client measured, and the workspace folders, which bound reads.
 */
export class DocumentSettings {
  /** Whether the client answers `workspace/configuration`; otherwise every document gets the defaults. */
  canPull = false;
  /**
   * The workspace folders: a Compose file's `.env` and `build:` Dockerfiles are read only inside the folder that
   * holds it, and a document outside every folder gets no reads at all (a cloned repository cannot point us at
   * `../../..`, `/proc/self/environ` or a FIFO).
   */
  roots: string[] = [];
  private readonly cache = new Map<string, Promise<InferenceStackSettings>>();
  /** Compose file path ('' = every file) → service → measured seconds. */
  private readonly measuredColdStarts = new Map<string, Record<string, number>>();
  /** Refusals already logged (path + reason): analyses run on every keystroke. */
  private readonly refusalsLogged = new Set<string>();
  /**
   * The open documents' texts (absolute path → text) inside a workspace folder: a project is loaded with what the
   * editor shows, unsaved edits included (set by server.ts).
   */
  openTexts: (root: string) => Array<[string, string]> = () => [];
  /** Bumped when a watched file changes on disk (a Dockerfile, a `.env`): the workers redo their merged analyses. */
  diskEpoch = 0;

  constructor(private readonly connection: Connection) {}

  /** The settings changed: pull them again. */
  clear(): void {
    this.cache.clear();
  }

  /** A document closed. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** Configs fetched from the Hub (set by server.ts; read only where `inferenceStack.modelFacts.fromHub` is on). */
  hubModels: HubModelConfigs | undefined;

  /** This machine's GPUs (LOCAL_GPUS_NOTIFICATION): the target when `inferenceStack.gpu` names none. */
  private localGpus: TargetGpu | undefined;

  setLocalGpus(params: LocalGpusParams): void {
    this.localGpus = targetFromLocal(Array.isArray(params.gpus) ? params.gpus : []);
  }

  /** The Docker engine's CPUs and memory (ENGINE_RESOURCES_NOTIFICATION): resource-limits-missing sizes its fix from them. */
  private engineResources: AnalysisOptions['engineResources'];

  setEngineResources(params: EngineResourcesParams): void {
    const whole = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined);
    const cpus = whole(params?.cpus);
    const memoryBytes = whole(params?.memoryBytes);
    this.engineResources = cpus || memoryBytes ? { ...(cpus ? { cpus } : {}), ...(memoryBytes ? { memoryBytes } : {}) } : undefined;
  }

  setMeasuredColdStarts(params: MeasuredColdStartsParams): void {
    this.measuredColdStarts.set(params.file ?? '', { ...params.services });
  }

  /** `dependsOn`: the files the document's last analysis read (its project's), whose open texts it is sent. */
  async inputsFor(doc: TextDocument, kind: FileKind, dependsOn?: ReadonlySet<string>): Promise<DocumentInputs> {
    const { enabled, options, scope } = await this.optionsFor(doc, kind);
    const { buildContexts: _reader, ...plain } = options;
    const request: Omit<AnalysisRequest, 'id'> = {
      text: doc.getText(),
      kind,
      options: { ...plain, dotEnv: options.dotEnv ? [...options.dotEnv] : undefined },
      ...(scope ? { composeDir: dirname(scope.file), readRoot: scope.root } : {}),
      ...(scope && kind === 'compose' ? { project: { file: scope.file, root: scope.root, open: this.projectTexts(scope, dependsOn), epoch: this.diskEpoch } } : {}),
    };
    return { enabled, options, request };
  }

  /**
   * The open texts a project analysis of `scope.file` may read: those of its folder (its override, its `.env`) and
   * of the files its last analysis read; not every open document, which would be copied to the worker on every
   * keystroke.
   */
  private projectTexts(scope: ReadScope, dependsOn: ReadonlySet<string> | undefined): Array<[string, string]> {
    const folder = dirname(scope.file);
    return this.openTexts(scope.root).filter(([path]) => path !== scope.file && (dirname(path) === folder || !!dependsOn?.has(path)));
  }

  /** Whether the person allowed config.json of unknown models to be fetched from the Hub (machine setting, default off). */
  async hubAllowed(uri: string): Promise<boolean> {
    const settings = await this.settingsFor(uri);
    return settings.enable !== false && settings.modelFacts?.fromHub === true;
  }

  /** Whether the document's inlay hints are shown (`inferenceStack.inlayHints.enabled`, default on). */
  async inlayHintsEnabled(uri: string): Promise<boolean> {
    const settings = await this.settingsFor(uri);
    return settings.enable !== false && settings.inlayHints?.enabled !== false;
  }

  private settingsFor(uri: string): Promise<InferenceStackSettings> {
    if (!this.canPull) return Promise.resolve(DEFAULT_SETTINGS);
    let cached = this.cache.get(uri);
    if (!cached) {
      cached = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then((s: Partial<InferenceStackSettings> | null) => ({ ...DEFAULT_SETTINGS, ...(s ?? {}) }))
        .catch(() => DEFAULT_SETTINGS);
      this.cache.set(uri, cached);
    }
    return cached;
  }

  private async optionsFor(doc: TextDocument, kind: FileKind): Promise<{ enabled: boolean; options: AnalysisOptions; scope?: ReadScope }> {
    const settings = await this.settingsFor(doc.uri);
    const path = uriPath(doc.uri) ?? '';
    const measured = { ...this.measuredColdStarts.get(''), ...this.measuredColdStarts.get(path) };
    const options: AnalysisOptions = { rules: settings.rules ?? {}, measuredColdStarts: measured };
    // Rules read the name (an override file is a fragment of a project); an unsaved document has none.
    if (kind === 'compose' && path) options.fileName = path;
    if (typeof settings.coldStartSeconds === 'number' && settings.coldStartSeconds > 0) options.coldStartSeconds = settings.coldStartSeconds;
    // A GPU named in the settings may be another machine's: this machine's count then says nothing.
    const named = targetFromSetting(settings.gpu);
    const gpu = named ?? this.localGpus;
    if (gpu) options.gpu = gpu;
    if (!named && this.localGpus?.count) options.hostGpus = { count: this.localGpus.count, from: LOCAL_GPUS_FROM };
    if (settings.modelFacts?.fromHub === true && this.hubModels) options.hubModelConfigs = this.hubModels.snapshot();
    if (kind === 'compose' && this.engineResources) options.engineResources = this.engineResources;
    const scope = kind === 'compose' ? this.readScopeOf(doc.uri) : undefined;
    if (kind === 'compose') options.dotEnv = scope ? dotEnvBeside(scope.file, this.boundaryFor(scope.root)) : new Map();
    if (scope) options.buildContexts = fileBuildContexts(dirname(scope.file), this.boundaryFor(scope.root));
    // A `.env` is checked only where Compose reads it: beside a Compose file, inside a workspace folder.
    const readByCompose = kind !== 'dotenv' || (this.readScopeOf(doc.uri) !== undefined && composeFileBeside(path));
    return { enabled: settings.enable !== false && readByCompose, options, ...(scope ? { scope } : {}) };
  }

  /** The workspace folder a document on disk is read within; undefined: nothing beside it is read. */
  readRootOf(uri: string): string | undefined {
    return this.readScopeOf(uri)?.root;
  }

  /** A Compose document on disk inside a workspace folder: its path and that folder; else nothing is read for it. */
  private readScopeOf(uri: string): ReadScope | undefined {
    const file = uri.startsWith('file:') ? uriPath(uri) : undefined;
    const root = file ? containingRoot(this.roots, file) : undefined;
    return file && root ? { file, root } : undefined;
  }

  private boundaryFor(root: string): ReadBoundary {
    return {
      root,
      onRefused: (path, refusal) => {
        const key = `${path}\0${refusal.reason}`;
        if (this.refusalsLogged.has(key)) return;
        this.refusalsLogged.add(key);
        this.connection.console.warn(`inference-stack: ${path} not read: ${refusal.message}`);
      },
    };
  }
}
