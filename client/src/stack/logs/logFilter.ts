/**
 * Which log lines a log terminal shows (issue 12, "logs worth reading"): at or above the chosen level, holding the
 * text filter when one is set, and without the access-log lines of health and metrics requests unless asked for. A
 * model server's log is otherwise mostly those: the healthcheck every few seconds, the Probe & metrics view's
 * `/metrics` reads every five.
 */
import { atLeast, type LogLevel, type LogLine } from './logLines';

export interface LogView {
  level: LogLevel;
  /** Case-insensitive substring; empty or undefined: no text filter. */
  text?: string;
  /** Show the access-log lines of health and metrics requests (hidden by default). */
  showProbeRequests: boolean;
}

/**
 * The health and metrics endpoints (server/src/engines/engines.ts health paths: `/health` of vLLM, SGLang, TGI,
 * llama.cpp and TEI, Triton's `/v2/health/ready`, Ollama's `/`; NVIDIA NIM's documented `/v1/health/ready|live`;
 * Prometheus' `/metrics`; `/ping` and `/healthz` of gateways).
 */
const PROBE_PATH = String.raw`\/(?:health(?:z|\/ready|\/live)?|v[12]\/health\/(?:ready|live)|ping|metrics)?(?=[\s"?]|$)`;

/**
 * An access-log line of a GET or HEAD request to a health or metrics endpoint, as uvicorn (vLLM, SGLang, NIM:
 * `INFO:     127.0.0.1:53422 - "GET /health HTTP/1.1" 200 OK`), Gin (Ollama: `| GET      "/metrics"`) or llama.cpp's
 * server (`request: GET /health 127.0.0.1 200`) write them.
 */
const PROBE_REQUEST = new RegExp(String.raw`\b(?:GET|HEAD)\s+"?${PROBE_PATH}`);

export function isProbeRequest(line: string): boolean {
  return PROBE_REQUEST.test(line);
}

export function shows(line: Pick<LogLine, 'level' | 'line'>, view: LogView): boolean {
  if (!atLeast(line.level, view.level)) return false;
  if (!view.showProbeRequests && isProbeRequest(line.line)) return false;
  return !view.text || line.line.toLowerCase().includes(view.text.toLowerCase());
}
