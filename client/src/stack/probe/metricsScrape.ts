/**
 * One read of a model service's /metrics for the Probe & metrics view: the page summarised (metrics.ts), or why there
 * is none. The API key goes along only where trustPolicy.ts allows it.
 */
import { summarizeText } from './metrics';
import type { MetricsWindow, WindowedSummary } from './metricsWindow';
import type { FetchLike } from './probe';
import type { PlannedService } from '../../../../server/src/compose/stackPlanTypes';
import { requestApiKey } from '../trust/trustPolicy';

export const METRICS_TIMEOUT_MS = 3000;

/** The last metrics scrape of a service: a summary (over the window, when there is one), or why there is none. */
export type ServiceMetrics = ({ ok: true; at: number } & WindowedSummary) | { ok: false; error: string; at: number };

export interface ScrapeOptions {
  /** vscode.workspace.isTrusted. */
  trusted: boolean;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** The service's recent scrapes: the summary is about the last minute, not since the server started. */
  window?: MetricsWindow;
}

/** GET the service's metrics page (`${base}/metrics`, NIM's `/v1/metrics`); never throws. */
export async function scrapeMetrics(base: string, service: PlannedService, opts: ScrapeOptions): Promise<ServiceMetrics> {
  const url = `${base}${service.metricsPath ?? '/metrics'}`;
  const apiKey = requestApiKey(service, opts.trusted);
  const withheld = service.apiKey !== undefined && apiKey === undefined;
  try {
    const res = await (opts.fetch ?? fetch)(url, {
      signal: AbortSignal.timeout(opts.timeoutMs ?? METRICS_TIMEOUT_MS),
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    });
    const text = await res.text();
    const at = Date.now();
    if (res.ok) return { ok: true, ...(opts.window ? opts.window.push(text, at) : { summary: summarizeText(text) }), at };
    const hint = res.status === 401 && withheld ? ' (the API key comes from your environment: trust the workspace to send it)' : '';
    return { ok: false, error: `${url}: HTTP ${res.status}${hint}`, at: Date.now() };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    return { ok: false, error: `cannot read ${url} (${cause})`, at: Date.now() };
  }
}
