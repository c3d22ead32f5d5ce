/** "Run Accuracy Probe", and the probe cases from settings that it and "Write Probe Script" send. */
import * as vscode from 'vscode';
import { apiKeyHow } from '../../../../server/src/engines/apiKey';
import { DEFAULT_PROBE_CASES, formatProbeRun, runProbe, validateCase, type ProbeCase } from '../../stack/probe/probe';
import { settingValue } from '../../stack/trust/trustPolicy';
import { invalidProbeCasesNotice, probeNotice } from '../../stack/views/notices';
import { showError, showInfo, withNotificationProgress } from '../notify';
import { pickService, serviceApi, settings, trusted, type Ctx } from './context';
import { tailLogs } from './tailLogs';

/** The probe cases from settings; invalid ones are reported (with "Open settings") instead of being sent. */
export function probeCases(): ProbeCase[] | undefined {
  // Its patterns run here: an untrusted workspace's own cases are not used (trustPolicy.ts).
  const cases = settingValue<ProbeCase[]>(settings().inspect<ProbeCase[]>('probe.cases'), vscode.workspace.isTrusted, [...DEFAULT_PROBE_CASES]);
  const errors = cases.map((c, i) => [c, i, validateCase(c)] as const).filter(([, , e]) => e);
  if (errors.length) {
    void showError(invalidProbeCasesNotice(errors), 'Open settings').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'inferenceStack.probe.cases');
    });
    return undefined;
  }
  return cases.length ? cases : [...DEFAULT_PROBE_CASES];
}

export async function probe(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Run Accuracy Probe', "sends requests with this workspace's settings to its containers")) return;
  const service = await pickService(ctx, arg, 'Probe which model service?', true);
  if (!service) return;
  const cases = probeCases();
  if (!cases) return;
  const { controller } = ctx;
  const api = await serviceApi(ctx, service);
  if (!api) return;
  const { planned, baseUrl, apiKey } = api;
  const run = await withNotificationProgress({ title: `Probing ${service} at ${baseUrl}` }, () =>
    runProbe({
      baseUrl,
      cases,
      ...(planned?.servedModelName ? { servedModelName: planned.servedModelName } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(planned?.engine && apiKeyHow(planned.engine) ? { apiKeyHow: apiKeyHow(planned.engine) } : {}),
      timeoutMs: 30_000,
    }),
  );
  controller.recordProbe(service, run);
  controller.output.appendLine(`probe ${service} (${baseUrl}${run.model ? `, model ${run.model}` : ''}):`);
  for (const line of formatProbeRun(run)) controller.output.appendLine(`  ${line}`);
  if (run.pass) {
    void showInfo(probeNotice(service, run));
    return;
  }
  const c = await showError(probeNotice(service, run), 'Show output', 'Tail logs');
  if (c === 'Show output') controller.output.show(true);
  else if (c === 'Tail logs') await tailLogs(ctx, service);
}
