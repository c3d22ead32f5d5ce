/**
 * "Run Load Test": the same load generator as `inference-stack load` (server/src/load) against a model service's
 * published API port, with a cancellable progress notification; the result block goes to the output channel and
 * its headline to a notification.
 */
import * as vscode from 'vscode';
import { listedModel } from '../../../../server/src/load/listedModel';
import { runLoad } from '../../../../server/src/load/loadTest';
import { formatSummary } from '../../../../server/src/load/report';
import { showError, showInfo, withNotificationProgress } from '../notify';
import { pickService, serviceApi, trusted, type Ctx } from './context';

const PRESETS = [
  { label: 'Quick', description: '4 clients, 40 requests', concurrency: 4, requests: 40 },
  { label: 'Busy', description: '16 clients, 320 requests', concurrency: 16, requests: 320 },
  { label: 'One at a time', description: '1 client, 10 requests (latency without queueing)', concurrency: 1, requests: 10 },
];

export async function loadTest(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Run Load Test', 'sends requests to its containers')) return;
  const service = await pickService(ctx, arg, 'Load-test which model service?', true);
  if (!service) return;
  const { controller } = ctx;
  const api = await serviceApi(ctx, service);
  if (!api) return;
  const { planned, baseUrl, apiKey } = api;
  const preset = await vscode.window.showQuickPick(PRESETS, { title: `Load test of ${service} (${baseUrl})` });
  if (!preset) return;
  const model = planned?.servedModelName ?? (await listedModel(baseUrl, apiKey)).model;
  if (!model) {
    void showError(`Inference Stack: ${baseUrl}/v1/models names no model: is ${service} up?`);
    return;
  }
  const outcome = await withNotificationProgress({ title: `Load test of ${service}`, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await runLoad({
        baseUrl, model, concurrency: preset.concurrency, requests: preset.requests, promptTokens: 128, maxTokens: 128,
        signal: abort.signal,
        ...(apiKey ? { apiKey } : {}),
        onProgress: (done, errors) => progress.report({ message: `${done}/${preset.requests} requests${errors ? `, ${errors} failed` : ''}`, increment: 100 / preset.requests }),
      });
    } finally {
      sub.dispose();
    }
  });
  const s = outcome.summary;
  controller.output.appendLine(`load test ${service} (${baseUrl}, model ${model}, ${preset.concurrency} clients):`);
  controller.output.appendLine(formatSummary(s));
  const headline = `${service}: ${s.requests} requests, TTFT p50 ${Math.round(s.ttft_ms.p50)} ms / p95 ${Math.round(s.ttft_ms.p95)} ms, ${s.output_tokens_per_s.toFixed(0)} tokens/s${s.errors ? `, ${s.errors} failed` : ''}.`;
  const show = s.requests === 0 ? showError : showInfo;
  const c = await show(`Load test: ${headline}`, 'Show output');
  if (c) controller.output.show(true);
}
