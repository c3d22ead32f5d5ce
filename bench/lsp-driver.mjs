// A minimal LSP client over stdio, just enough to time a language server the way an editor drives it:
// open a document, send keystrokes, wait for publishDiagnostics, send requests. Both servers under test
// (ours and yaml-language-server) are driven by this same code so their numbers compare.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import lsp from 'vscode-languageserver-protocol/node';
import { sleep } from './stats.mjs';

const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = lsp;

const CLIENT_CAPABILITIES = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: false },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } },
      isPreferredSupport: true,
      dataSupport: true,
    },
  },
};

export class LspClient {
  /**
   * @param {object} spec
   * @param {string} spec.command executable
   * @param {string[]} spec.args
   * @param {(item: {section?: string, scopeUri?: string}) => unknown} spec.configuration answer to one
   *   workspace/configuration item (servers pull their settings this way)
   */
  constructor(spec) {
    this.spec = spec;
    this.waiters = new Set();
    this.lastPublishAt = new Map(); // uri -> ms
    this.publishCount = new Map(); // uri -> count
    this.published = []; // {uri, version} of every publish, in arrival order
    this.configurationAnswered = 0;
    this.stderr = '';
  }

  /** Spawns the server and starts listening; `spawnedAt` is the start of "server start" timings. */
  start() {
    this.spawnedAt = performance.now();
    this.child = spawn(this.spec.command, this.spec.args, { cwd: this.spec.cwd, env: this.spec.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    const reader = new StreamMessageReader(this.child.stdout);
    // A message cut off when the server stops would re-arm vscode-jsonrpc's partial-message timer for ever.
    reader.partialMessageTimeout = 0;
    const conn = createProtocolConnection(reader, new StreamMessageWriter(this.child.stdin));
    conn.onRequest('workspace/configuration', (params) => {
      this.configurationAnswered++;
      return params.items.map((item) => this.spec.configuration(item) ?? null);
    });
    // Requests a real editor answers; refusing them would send servers down error paths.
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/workspaceFolders', () => null);
    conn.onNotification('textDocument/publishDiagnostics', (params) => this.onDiagnostics(params));
    conn.onNotification(() => {}); // logMessage, telemetry, custom notifications: ignored
    conn.onError(() => {});
    conn.listen();
    this.conn = conn;
    return this;
  }

  async initialize(rootUri) {
    const result = await this.conn.sendRequest('initialize', { processId: process.pid, rootUri, capabilities: CLIENT_CAPABILITIES, workspaceFolders: null });
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  onDiagnostics(params) {
    const at = performance.now(); // stamped on arrival, before any other work
    this.lastPublishAt.set(params.uri, at);
    this.publishCount.set(params.uri, (this.publishCount.get(params.uri) ?? 0) + 1);
    this.published.push({ uri: params.uri, version: params.version, at });
    for (const w of [...this.waiters]) {
      if (w.uri === params.uri && w.accept(params)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve({ params, at });
      }
    }
  }

  /** Resolves with the first publishDiagnostics for `uri` that `accept` takes; `{timeout: true}` after timeoutMs. */
  waitForDiagnostics(uri, accept, timeoutMs) {
    return new Promise((resolve) => {
      const w = { uri, accept, resolve };
      w.timer = setTimeout(() => {
        this.waiters.delete(w);
        resolve({ timeout: true });
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Waits until `uri` has had no diagnostics for `quietMs` (drains late publishes of earlier runs). */
  async settle(uri, quietMs) {
    for (;;) {
      const idle = performance.now() - (this.lastPublishAt.get(uri) ?? 0);
      if (idle >= quietMs) return;
      await sleep(quietMs - idle);
    }
  }

  open(uri, languageId, text, version = 1) {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** One incremental edit: replace [start, end) on one line with `text`. */
  changeRange(uri, version, line, startChar, endChar, text) {
    return this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: startChar }, end: { line, character: endChar } }, text }],
    });
  }

  /** One didChange of several edits (as a multi-cursor edit sends them): `{line, start, end, text}` each. */
  change(uri, version, edits) {
    return this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: edits.map(({ line, start, end, text }) => ({ range: { start: { line, character: start }, end: { line, character: end } }, text })),
    });
  }

  close(uri) {
    return this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  notify(method, params) {
    return this.conn.sendNotification(method, params);
  }

  request(method, params) {
    return this.conn.sendRequest(method, params);
  }

  /** Polite shutdown, then a kill if the server lingers (a hung server must not hang the benchmark). */
  async stop() {
    const polite = (async () => {
      try {
        await this.conn.sendRequest('shutdown');
        await this.conn.sendNotification('exit');
      } catch {
        /* already gone */
      }
    })();
    await Promise.race([polite, sleep(3000)]);
    const exited = await Promise.race([this.exited.then(() => true), sleep(2000).then(() => false)]);
    if (!exited) this.child.kill('SIGKILL');
    this.conn.dispose();
  }
}
