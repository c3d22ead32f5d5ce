/**
 * Metrics about now (issue 12): vLLM's counters and histograms count from the server's start, so percentiles drift
 * ever more slowly and say nothing about the last minute. The window keeps the pages of successive scrapes and
 * summarises what happened between the newest one and the one at least `windowMs` older (metrics.ts
 * summarizeInterval): percentiles, request and token counts of the last minute, their rates, and "no requests" when
 * the window is idle. Until a second scrape exists the summary is the cumulative one, and says so.
 */
import { parseExposition, summarize, summarizeInterval, type Exposition, type MetricsSummary } from './metrics';

export const DEFAULT_WINDOW_MS = 60_000;

export interface WindowedSummary {
  summary: MetricsSummary;
  /** Seconds the summary covers; undefined: since the server started (only one scrape so far). */
  windowSeconds?: number;
  /** Completed first tokens (requests) per second over the window. */
  requestsPerSecond?: number;
  generationTokensPerSecond?: number;
  promptTokensPerSecond?: number;
}

export class MetricsWindow {
  private readonly pages: { at: number; page: Exposition }[] = [];

  constructor(private readonly windowMs = DEFAULT_WINDOW_MS) {}

  /** Takes a scrape (epoch ms) and summarises the window that ends with it. */
  push(text: string, at: number): WindowedSummary {
    const page = parseExposition(text);
    // The baseline: the newest page at least a window old, else the oldest kept (the window is still filling).
    while (this.pages.length >= 2 && at - this.pages[1]!.at >= this.windowMs) this.pages.shift();
    const base = this.pages[0];
    this.pages.push({ at, page });
    if (!base || at <= base.at) return { summary: summarize(page) };
    const seconds = (at - base.at) / 1000;
    const summary = summarizeInterval(base.page, page);
    const rate = (n: number | undefined) => (n === undefined ? undefined : n / seconds);
    const out: WindowedSummary = { summary, windowSeconds: seconds };
    const requests = rate(summary.ttft.count);
    const generated = rate(summary.generationTokens);
    const prompt = rate(summary.promptTokens);
    if (requests !== undefined) out.requestsPerSecond = requests;
    if (generated !== undefined) out.generationTokensPerSecond = generated;
    if (prompt !== undefined) out.promptTokensPerSecond = prompt;
    return out;
  }
}
