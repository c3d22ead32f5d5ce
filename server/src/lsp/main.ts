import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { IncrementalStore } from '../analysis/incrementalStore';
import { runAnalysisRequest, WorkerMessage } from './analysisJob';
import { startServer } from './server';

/**
 * Entry point of dist/server.js. The same bundle is the language server (stdio or IPC, as the client
 * chooses) and, when started as a worker thread with role 'analyzer', the off-thread analyzer for big files.
 */
if (!isMainThread && (workerData as { role?: string } | undefined)?.role === 'analyzer') {
  // Analyses of open Compose files are kept here, so an edit re-analyses only the service it touched.
  const store = new IncrementalStore();
  parentPort!.on('message', (message: WorkerMessage) => {
    if ('type' in message) store.close(message.uri);
    else parentPort!.postMessage(runAnalysisRequest(message, store));
  });
} else {
  const connection = createConnection(ProposedFeatures.all);
  // A failed promise somewhere must not take the server (and every diagnostic) down with it.
  process.on('unhandledRejection', (reason) => connection.console.error(`inference-stack: unhandled rejection: ${String(reason)}`));
  startServer(connection, { workerScript: __filename });
}
