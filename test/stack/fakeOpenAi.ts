// A small OpenAI-compatible server on 127.0.0.1 (port 0) that answers the way vLLM does, for probe tests.
// Shapes (server/src/engines/facts/vllm-server.json and vLLM serving_engine.py `_check_model`):
//  - GET /v1/models -> {"object": "list", "data": [{"id": <served name>, "object": "model", ...}]}
//  - unknown model  -> 404 {"error": {"message": "The model `x` does not exist.", "type": "NotFoundError", "param": "model", "code": 404}}
//    (older vLLM: flat {"object": "error", "message": ..., "type": "NotFoundError", "param": null, "code": 404})
//  - --api-key set and no/wrong Bearer on /v1/* -> 401 {"error": "Unauthorized"}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode = 'right' | 'wrong' | 'cut' | 'garbage' | 'hang' | 'error500';

export interface FakeOpenAi {
  url: string;
  mode: Mode;
  models: string[];
  apiKey?: string;
  oldErrorFormat: boolean;
  requests: { method: string; path: string; authorization?: string; body?: any }[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function completion(model: string, content: string, finish: string) {
  return {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1, model,
    choices: [{ index: 0, message: { role: 'assistant', content, reasoning_content: null }, finish_reason: finish }],
    usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
  };
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const state: Omit<FakeOpenAi, 'url' | 'close'> = { mode: 'right', models: ['qwen'], oldErrorFormat: false, requests: [] };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try { body = raw ? JSON.parse(raw) : undefined; } catch { body = raw; }
      const path = (req.url ?? '/').split('?')[0]!;
      state.requests.push({ method: req.method ?? '', path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body });
      if (state.apiKey && path.startsWith('/v1') && req.headers.authorization !== `Bearer ${state.apiKey}`) {
        return send(res, 401, { error: 'Unauthorized' });
      }
      if (state.mode === 'hang') return; // never answers; the client's timeout must fire
      if (path === '/v1/models' && req.method === 'GET') {
        return send(res, 200, { object: 'list', data: state.models.map((id) => ({ id, object: 'model', created: 1, owned_by: 'vllm', root: id, parent: null })) });
      }
      if (path === '/v1/chat/completions' && req.method === 'POST') {
        if (state.mode === 'garbage') return send(res, 200, '<html><body>proxy says hello</body></html>', 'text/html');
        if (state.mode === 'error500') return send(res, 500, { error: { message: 'EngineCore encountered an issue.', type: 'InternalServerError', param: null, code: 500 } });
        if (!state.models.includes(body?.model)) {
          const message = `The model \`${body?.model}\` does not exist.`;
          return send(res, 404, state.oldErrorFormat
            ? { object: 'error', message, type: 'NotFoundError', param: null, code: 404 }
            : { error: { message, type: 'NotFoundError', param: 'model', code: 404 } });
        }
        if (state.mode === 'right') return send(res, 200, completion(body.model, '2 + 2 = 4', 'stop'));
        if (state.mode === 'wrong') return send(res, 200, completion(body.model, 'The answer is 5.', 'stop'));
        if (state.mode === 'cut') return send(res, 200, completion(body.model, 'Let me think step by step about', 'length'));
      }
      return send(res, 404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fake = state as FakeOpenAi;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections(); // hung requests would otherwise keep close() waiting
    server.close(() => resolve());
  });
  return fake;
}

/** A port on 127.0.0.1 that nothing listens on (bound, read, released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
