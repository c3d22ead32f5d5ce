import { ChildProcess, spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  Diagnostic,
  InitializeRequest,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  ConfigurationRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  ShutdownRequest,
  ExitNotification,
} from 'vscode-languageserver-protocol/node';

export const SERVER = join(__dirname, '..', '..', '..', 'dist', 'server.js');

/**
 * A real LSP client talking to dist/server.js over stdio, as an editor would. Settings answered from
 * `settings`; diagnostics collected per uri so a test can wait for the one it expects (no sleeps).
 */
export class LspSession {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly waiters: Array<{ match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  readonly published: PublishDiagnosticsParams[] = [];

  /** `env`: added to this process's environment for the server (HF_ENDPOINT of a fake Hub). */
  constructor(public settings: Record<string, unknown> = {}, env: Record<string, string> = {}) {
    this.process = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    const reader = new StreamMessageReader(this.process.stdout!);
    // A message cut off when the server is killed would otherwise re-arm vscode-jsonrpc's partial-message timer every
    // 10 s for ever, and the test file's process would never exit (seen in CI: the last test of a file left the server
    // writing a big publishDiagnostics).
    reader.partialMessageTimeout = 0;
    this.connection = createProtocolConnection(reader, new StreamMessageWriter(this.process.stdin!));
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      for (const w of [...this.waiters]) {
        if (w.match(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.connection.listen();
  }

  /**
   * `folders`: the workspace folders (paths); a Compose file's `.env` and Dockerfiles are read only inside one.
   * `initializationOptions`: what the extension's client sends (protocol.ts InitializationOptions); none by default.
   */
  async initialize(folders: readonly string[] = [], initializationOptions?: unknown): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      ...(initializationOptions === undefined ? {} : { initializationOptions }),
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } } } },
      workspaceFolders: folders.length ? folders.map((f) => ({ uri: pathToFileURL(f).href, name: basename(f) })) : null,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  replace(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Resolves with the first diagnostics for `uri` (at `version`, if given) that satisfy `match`. */
  diagnostics(uri: string, opts: { version?: number; match?: (d: Diagnostic[]) => boolean; timeoutMs?: number } = {}): Promise<Diagnostic[]> {
    const match = (p: PublishDiagnosticsParams) =>
      p.uri === uri && (opts.version === undefined || p.version === opts.version) && (!opts.match || opts.match(p.diagnostics));
    const already = this.published.find(match);
    if (already) return Promise.resolve(already.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${opts.timeoutMs ?? 10000} ms`)), opts.timeoutMs ?? 10000);
      this.waiters.push({ match, resolve: (p) => (clearTimeout(timer), resolve(p.diagnostics)) });
    });
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } finally {
      this.connection.dispose();
      this.process.kill();
    }
  }
}
