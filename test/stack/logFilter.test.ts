// What a log terminal shows: health and metrics requests hidden unless asked for, the level, the text filter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProbeRequest, shows } from '../../client/src/stack/logs/logFilter';
import { LogLineParser } from '../../client/src/stack/logs/logLines';

const PROBES = [
  // vLLM 0.11 (uvicorn access log behind the process prefix), as `docker logs` shows it.
  '(APIServer pid=1) INFO:     127.0.0.1:53422 - "GET /health HTTP/1.1" 200 OK',
  '(APIServer pid=1) INFO:     172.18.0.5:40112 - "GET /metrics HTTP/1.1" 200 OK',
  // SGLang / older vLLM: uvicorn alone.
  'INFO:     127.0.0.1:38614 - "GET /health HTTP/1.1" 200 OK',
  'INFO:     127.0.0.1:38614 - "HEAD /health HTTP/1.1" 200 OK',
  // Triton and NIM style endpoints; a query string.
  'INFO:     127.0.0.1:38614 - "GET /v2/health/ready HTTP/1.1" 200 OK',
  'INFO:     127.0.0.1:38614 - "GET /v1/health/live?verbose=0 HTTP/1.1" 200 OK',
  // Ollama (Gin): its health path is "/".
  '[GIN] 2026/12/07 - 04:10:02 | 200 |      31.2µs |       127.0.0.1 | HEAD     "/"',
  '[GIN] 2026/12/07 - 04:10:02 | 200 |      31.2µs |       127.0.0.1 | GET      "/metrics"',
  // llama.cpp server.
  'srv  log_server_r: request: GET /health 127.0.0.1 200',
];
const REAL = [
  '(APIServer pid=1) INFO:     172.18.0.5:40112 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
  'INFO:     172.18.0.5:40112 - "GET /v1/models HTTP/1.1" 200 OK',
  'INFO:     172.18.0.5:40112 - "GET /healthcheck-extra HTTP/1.1" 404 Not Found',
  '[GIN] 2026/12/07 - 04:10:02 | 200 |   1.2s |       172.18.0.3 | POST     "/api/chat"',
  '(APIServer pid=1) INFO 12-07 04:10:02 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Running: 0 reqs',
];

const line = (text: string) => new LogLineParser().parse(text);

describe('log terminal filter', () => {
  it('knows the health and metrics requests of vLLM, SGLang, Triton, NIM, Ollama and llama.cpp, and nothing else', () => {
    assert.deepEqual(PROBES.filter((l) => !isProbeRequest(l)), []);
    assert.deepEqual(REAL.filter(isProbeRequest), []);
  });

  it('hides them by default; the switch shows them', () => {
    const view = { level: 'info' as const, showProbeRequests: false };
    assert.deepEqual(PROBES.map(line).filter((l) => shows(l, view)), []);
    assert.equal(REAL.map(line).filter((l) => shows(l, view)).length, REAL.length);
    assert.equal(PROBES.map(line).filter((l) => shows(l, { ...view, showProbeRequests: true })).length, PROBES.length);
  });

  it('the text filter is a case-insensitive substring, with the level', () => {
    const view = { level: 'info' as const, showProbeRequests: false, text: 'CHAT/completions' };
    assert.deepEqual(REAL.map(line).filter((l) => shows(l, view)).map((l) => l.line), [REAL[0]]);
    const warnings = { level: 'warning' as const, showProbeRequests: true };
    assert.deepEqual([...PROBES, ...REAL].map(line).filter((l) => shows(l, warnings)), []);
    assert.equal(shows(line('ERROR 12-07 04:10:02 [engine.py:1] CUDA out of memory'), warnings), true);
  });
});
