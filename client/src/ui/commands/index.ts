/**
 * The stack commands. Each one gathers what the person chose, calls the same functions the Docker tests call
 * (stackRunner.ts startStack / stopStack / restartService, probe.ts runProbe, probeScript.ts) and shows the outcome.
 * Commands that start or stop containers check workspace trust here as well as through `enablement`.
 */
import * as vscode from 'vscode';
import { uriExists } from './uriExists';
import { mayEditInWorkspace, writeWorkspaceFile } from './workspaceWrite';
import { DOCKERFILE_GLOB, EXCLUDE, findComposeFiles } from './workspaceFiles';
import { dirname, join, relative } from 'node:path';
import { findComposeCommand, type ComposeCommand } from '../stack/composeCommand';
import { connectDockerFromProcess, type DockerConnection } from '../stack/dockerApi';
import { applyEnv } from '../stack/dockerEndpoint';
import { LOG_LEVELS, type LogLevel } from '../stack/logLines';
import { nodePreflightDeps } from '../stack/preflight';
import { describeActiveProfiles, profileChoices, withActiveProfiles } from '../stack/profiles';
import { DEFAULT_PROBE_CASES, formatProbeRun, runProbe, validateCase, type ProbeCase } from '../stack/probe';
import { probeHealthcheckEdit, type OffsetEdit } from '../stack/healthcheckEdit';
import { composeProbeHealthcheckEdit } from '../stack/composeHealthcheckEdit';
import { buildProbeScript, composeHealthcheck, dockerfileHealthcheck } from '../stack/probeScript';
import { invalidProbeCasesNotice, noProbePortNotice, probeNotice, startFailedNotice } from '../stack/notices';
import { progressText, type Row } from '../stack/sidebarModel';
import { ownPortsOf, restartService, startStack, stopStack } from '../stack/stackRunner';
import type { PlannedService, PreflightAction, PreflightIssue, StackPlan, StartOutcome } from '../stack/stackTypes';
import { requestApiKey, settingValue } from '../stack/trustPolicy';
import { isComposeName } from '../stack/untrustedText';
import type { LogTerminals } from './logTerminal';
import { newStack } from './newStackCommand';
import { showError, showInfo, showWarning, withNotificationProgress } from './notify';
import type { StackCommand } from './stackIds';
import type { StackController } from './stackController';

const TOOLKIT_URL = 'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html';
const COMPOSE_INSTALL_URL = 'https://docs.docker.com/compose/install/';

export interface Ctx {
  controller: StackController;
  logs: LogTerminals;
  extensionUri: vscode.Uri;
}

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('inferenceStack');
}

/** `inferenceStack.composeCommand` from the person's own settings only: it names a program to run (machine-scoped). */
function composeSetting(): string {
  return settingValue(settings().inspect<string>('composeCommand'), false, '');
}

/** A service name from a command argument: a row of a view (context menu), a name (row command), or nothing.
 *  Anything but a Compose name is nothing: the name goes into messages and requests. */
function serviceArg(arg: unknown): string | undefined {
  const service = typeof arg === 'string' ? arg : (arg as Row | undefined)?.service;
  return typeof service === 'string' && isComposeName(service) ? service : undefined;
}

function trusted(action: string, what = 'runs containers'): boolean {
  if (vscode.workspace.isTrusted) return true;
  void showWarning(`Inference Stack: ${action} ${what} and is not available in an untrusted workspace.`, 'Manage Workspace Trust').then((c) => {
    if (c) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** The handler of every stack command; extension.ts registers the ids at activation and forwards to these. */
export function stackCommandHandlers(ctx: Ctx): Record<StackCommand, (...args: unknown[]) => unknown> {
  return {
    'inferenceStack.start': () => start(ctx),
    'inferenceStack.stop': () => stop(ctx),
    'inferenceStack.restartService': (arg) => restart(ctx, serviceArg(arg)),
    'inferenceStack.tailLogs': (arg) => tailLogs(ctx, serviceArg(arg)),
    'inferenceStack.runProbe': (arg) => probe(ctx, serviceArg(arg)),
    'inferenceStack.refresh': () => ctx.controller.refresh(),
    'inferenceStack.chooseComposeFile': () => chooseComposeFile(ctx, true),
    'inferenceStack.chooseProfiles': () => chooseProfilesCommand(ctx),
    'inferenceStack.setLogLevel': () => setLogLevel(ctx),
    'inferenceStack.writeProbeScript': () => writeProbeScript(ctx),
    'inferenceStack.newStack': () => newStack(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Compose file, connection, compose command
// ---------------------------------------------------------------------------------------------------------------

/** The remembered Compose file, or a QuickPick over the workspace's Compose files (remembered per workspace). */
async function chooseComposeFile(ctx: Ctx, always: boolean): Promise<string | undefined> {
  const current = ctx.controller.composeFile;
  if (current && !always) return current;
  const unique = await findComposeFiles();
  if (unique.length === 0) {
    const c = await showWarning('Inference Stack: no Compose file (compose.yaml, docker-compose.yml, *.compose.yaml) in this workspace.', 'Open a file…');
    if (!c) return undefined;
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Compose files': ['yml', 'yaml'] } });
    if (!picked?.[0]) return undefined;
    await ctx.controller.setComposeFile(picked[0].fsPath);
    return picked[0].fsPath;
  }
  let file: string | undefined;
  if (unique.length === 1 && !always) file = unique[0]!.fsPath;
  else {
    const item = await vscode.window.showQuickPick(
      unique.map((u) => ({ label: vscode.workspace.asRelativePath(u), description: u.fsPath === current ? 'current' : '', file: u.fsPath })),
      { title: 'Inference Stack: Compose file of the stack', placeHolder: 'Remembered for this workspace' },
    );
    file = item?.file;
  }
  if (file) await ctx.controller.setComposeFile(file);
  return file;
}

/**
 * The plan with the profiles to start: the remembered choice, else (for a file that declares profiles) a pick,
 * preselected from COMPOSE_PROFILES. Undefined when the person dismissed the pick.
 */
async function withProfiles(ctx: Ctx, plan: StackPlan, always: boolean): Promise<StackPlan | undefined> {
  if (!plan.declaredProfiles) {
    if (always) void showInfo(`Inference Stack: ${vscode.workspace.asRelativePath(plan.file)} declares no profiles: every service starts.`);
    return plan;
  }
  if (!always && ctx.controller.chosenProfiles(plan.file) !== undefined) return plan;
  const active = plan.activeProfiles ?? [];
  const picked = await vscode.window.showQuickPick(
    profileChoices(plan).map(({ profile, services }) => ({ label: profile, description: services.join(', '), picked: active.includes(profile) || active.includes('*') })),
    {
      canPickMany: true,
      title: `Inference Stack: Compose profiles for ${plan.project}`,
      placeHolder: 'Services without profiles always start; check the profiles whose services start with them (remembered for this file)',
    },
  );
  if (!picked) return undefined;
  await ctx.controller.setProfiles(plan.file, picked.map((p) => p.label));
  return withActiveProfiles(plan, picked.map((p) => p.label));
}

async function chooseProfilesCommand(ctx: Ctx): Promise<void> {
  const plan = await planFor(ctx);
  if (plan) await withProfiles(ctx, plan, true);
}

async function planFor(ctx: Ctx): Promise<StackPlan | undefined> {
  const file = await chooseComposeFile(ctx, false);
  if (!file) return undefined;
  const plan = await ctx.controller.loadPlan(file);
  // A file Compose refuses (it does not parse, or names a service in a way Compose does not accept) is not acted on.
  if (plan.parseError) {
    void showError(`Inference Stack: ${plan.parseError}`);
    return undefined;
  }
  return plan;
}

/** The controller's connection, else a new one; a failure is shown once (the person asked for something). */
async function connection(ctx: Ctx): Promise<DockerConnection | undefined> {
  if (ctx.controller.connection) return ctx.controller.connection;
  const r = connectDockerFromProcess();
  if (r.ok) return r.connection;
  await showProblem(r.problem.title, r.problem.steps, ctx);
  return undefined;
}

async function composeCommand(ctx: Ctx, conn: DockerConnection): Promise<ComposeCommand | undefined> {
  const lookup = await findComposeCommand({
    exec: ctx.controller.runner.exec,
    setting: composeSetting(),
    env: applyEnv(process.env, conn.composeEnv),
  });
  if (lookup.found) return lookup.command;
  ctx.controller.output.appendLine(lookup.message);
  for (const h of lookup.install) ctx.controller.output.appendLine(`  ${h}`);
  const c = await showError(`Inference Stack: ${lookup.message}`, 'Install Compose', 'Open settings', 'Show output');
  if (c === 'Install Compose') void vscode.env.openExternal(vscode.Uri.parse(COMPOSE_INSTALL_URL));
  else if (c === 'Open settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'inferenceStack.composeCommand');
  else if (c === 'Show output') ctx.controller.output.show(true);
  return undefined;
}

async function showProblem(title: string, steps: readonly string[], ctx: Ctx): Promise<void> {
  ctx.controller.output.appendLine(title);
  for (const s of steps) ctx.controller.output.appendLine(`  • ${s}`);
  const c = await showError(`Inference Stack: ${title}`, { modal: false }, 'Retry', 'Show output');
  if (c === 'Retry') await ctx.controller.refresh();
  else if (c === 'Show output') ctx.controller.output.show(true);
}

// ---------------------------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------------------------

/** What start and stop both need, each step reported to the person when it fails: trust, plan, engine, compose. */
async function prepare(ctx: Ctx, action: string): Promise<{ plan: StackPlan; conn: DockerConnection; compose: ComposeCommand } | undefined> {
  if (!trusted(action)) return undefined;
  const plan = await planFor(ctx);
  const conn = plan && (await connection(ctx));
  const compose = conn && (await composeCommand(ctx, conn));
  return plan && conn && compose ? { plan, conn, compose } : undefined;
}

async function start(ctx: Ctx, acceptWarnings = false): Promise<void> {
  const ready = await prepare(ctx, 'Start Inference Stack');
  if (!ready) return;
  const { conn, compose } = ready;
  const plan = await withProfiles(ctx, ready.plan, false);
  if (!plan) return;
  const profiles = describeActiveProfiles(plan);
  const { controller } = ctx;
  const ownPorts = ownPortsOf(controller.statuses);
  const timeoutMs = Math.max(10, settings().get<number>('startTimeoutSeconds', 900)) * 1000;
  controller.output.appendLine(`── ${new Date().toLocaleTimeString()} start ${plan.project} (${plan.file}${profiles ? `, ${profiles}` : ''}) with ${compose.argv.join(' ')} ${compose.version} on ${conn.description}`);

  const outcome = await withNotificationProgress(
    { title: `Starting ${plan.project}${profiles ? ` (${profiles})` : ''}`, cancellable: true },
    async (progress, token) => {
      // Cancelling stops the waiting only: the containers keep starting (startStack's contract).
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await startStack({
          plan,
          connection: conn,
          compose,
          run: controller.runner.run,
          preflight: nodePreflightDeps(conn, { composeSetting: composeSetting(), exec: controller.runner.exec, ownPorts }),
          acceptWarnings,
          signal: abort.signal,
          timeoutMs,
          onProgress: (services) => progress.report({ message: progressText(services) }),
          onOutput: (line) => controller.output.appendLine(line),
        });
      } finally {
        sub.dispose();
      }
    },
  );
  controller.scheduleRelist();
  await showOutcome(ctx, plan, outcome, timeoutMs);
}

async function showOutcome(ctx: Ctx, plan: StackPlan, outcome: StartOutcome, timeoutMs: number): Promise<void> {
  const { controller } = ctx;
  const out = controller.output;
  switch (outcome.kind) {
    case 'ready': {
      await controller.coldStarts.record(plan.file, outcome.coldStarts);
      const measured = Object.entries(outcome.coldStarts).map(([s, secs]) => `${s} healthy in ${Math.round(secs)} s`);
      out.appendLine(`ready${measured.length ? `: ${measured.join(', ')}` : ''}`);
      const c = await showInfo(`${plan.project} is ready${measured.length ? ` (${measured.join(', ')})` : ''}.`, 'Run Accuracy Probe');
      if (c) await vscode.commands.executeCommand('inferenceStack.runProbe');
      return;
    }
    case 'failed': {
      if (Object.keys(outcome.coldStarts).length) await controller.coldStarts.record(plan.file, outcome.coldStarts);
      out.appendLine(`failed: ${outcome.reason}`);
      const bad = outcome.services.find((s) => s.phase === 'failed' || s.phase === 'exited' || s.phase === 'unhealthy' || s.phase === 'restarting');
      const c = await showError(startFailedNotice(plan.project, outcome.reason), ...(bad ? ['Tail logs'] : []), 'Show output');
      if (c === 'Tail logs' && bad) await tailLogs(ctx, bad.service);
      else if (c === 'Show output') out.show(true);
      return;
    }
    case 'compose-error': {
      out.appendLine(`compose exited with ${outcome.exitCode ?? 'no exit code'}:`);
      out.appendLine(outcome.verbatim);
      for (const e of outcome.explanations) {
        out.appendLine(`→ ${e.title}: ${e.explanation}`);
        for (const s of e.steps) out.appendLine(`    • ${s}`);
      }
      const first = outcome.explanations[0];
      const message = first ? `${first.title}. ${first.explanation}` : `docker compose up failed (exit ${outcome.exitCode ?? '?'}): see the output for compose's own message.`;
      const c = await showError(`Inference Stack: ${message}`, 'Show output');
      if (c) out.show(true);
      return;
    }
    case 'blocked':
      await showPreflight(ctx, plan, outcome.issues);
      return;
    case 'cancelled':
      void showInfo(`Stopped waiting for ${plan.project}; its containers keep starting. The Services view follows them.`);
      return;
    case 'timeout': {
      const c = await showWarning(
        `${plan.project} is not ready after ${Math.round(timeoutMs / 1000)} s (${progressText(outcome.services)}). It may still be loading; see inferenceStack.startTimeoutSeconds.`,
        'Tail logs', 'Open settings',
      );
      const slow = outcome.services.find((s) => s.phase !== 'healthy' && s.phase !== 'running');
      if (c === 'Tail logs' && slow) await tailLogs(ctx, slow.service);
      else if (c === 'Open settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'inferenceStack.startTimeoutSeconds');
    }
  }
}

const ACTION_LABELS: Readonly<Record<PreflightAction, string>> = {
  retry: 'Retry',
  'start-anyway': 'Start anyway',
  'open-toolkit-steps': 'NVIDIA Container Toolkit steps',
  'open-settings': 'Open settings',
  'open-file': 'Open Compose file',
  'install-compose': 'Install Compose',
};

/** Pre-flight issues as one modal: blockers first, each with its steps; the actions of all of them. */
async function showPreflight(ctx: Ctx, plan: StackPlan, issues: readonly PreflightIssue[]): Promise<void> {
  const blockers = issues.filter((i) => i.severity === 'blocker');
  const ordered = [...blockers, ...issues.filter((i) => i.severity === 'warning')];
  const detail = ordered.map((i) => `${i.severity === 'blocker' ? '✖' : '⚠'} ${i.service ? `${i.service}: ` : ''}${i.title}\n${i.steps.map((s) => `  • ${s}`).join('\n')}`).join('\n\n');
  ctx.controller.output.appendLine(`pre-flight:\n${detail}`);
  let actions = [...new Set(ordered.flatMap((i) => i.actions))];
  // "Start anyway" only when nothing blocks.
  if (blockers.length) actions = actions.filter((a) => a !== 'start-anyway');
  const head = ordered[0]!;
  const title = ordered.length > 1 ? `${head.title} (and ${ordered.length - 1} more)` : head.title;
  const show = blockers.length ? showError : showWarning;
  const choice = await show(`Cannot start ${plan.project}: ${title}`, { modal: true, detail }, ...actions.map((a) => ACTION_LABELS[a]));
  const action = actions.find((a) => ACTION_LABELS[a] === choice);
  switch (action) {
    case 'retry':
      await ctx.controller.refresh();
      return start(ctx);
    case 'start-anyway':
      return start(ctx, true);
    case 'open-toolkit-steps':
      return openToolkitSteps(ctx);
    case 'open-settings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'inferenceStack');
      return;
    case 'open-file':
      await vscode.window.showTextDocument(vscode.Uri.file(plan.file));
      return;
    case 'install-compose':
      await vscode.env.openExternal(vscode.Uri.parse(COMPOSE_INSTALL_URL));
      return;
    default:
      return;
  }
}

async function openToolkitSteps(ctx: Ctx): Promise<void> {
  const doc = vscode.Uri.joinPath(ctx.extensionUri, 'docs', 'stack', 'nvidia-toolkit.md');
  try {
    await vscode.workspace.fs.stat(doc);
    await vscode.commands.executeCommand('markdown.showPreview', doc);
  } catch {
    await vscode.env.openExternal(vscode.Uri.parse(TOOLKIT_URL));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Stop, restart
// ---------------------------------------------------------------------------------------------------------------

async function stop(ctx: Ctx): Promise<void> {
  const ready = await prepare(ctx, 'Stop Inference Stack');
  if (!ready) return;
  const { plan, conn, compose } = ready;
  const { controller } = ctx;
  const down = (removeVolumes?: 'yes-remove-volumes') =>
    withNotificationProgress({ title: `Stopping ${plan.project}${removeVolumes ? ' and removing its volumes' : ''}` }, () =>
      stopStack({ plan, connection: conn, compose, run: controller.runner.run, onOutput: (l) => controller.output.appendLine(l), ...(removeVolumes ? { removeVolumes } : {}) }),
    );
  const result = await down();
  controller.scheduleRelist();
  if (!result.ok) {
    reportComposeFailure(ctx, 'docker compose down', result);
    return;
  }
  const c = await showInfo(`Stopped ${plan.project}. Its volumes (model caches) were kept.`, 'Remove volumes…');
  if (c !== 'Remove volumes…') return;
  // A separate, deliberate path: volumes hold model caches of tens of GB.
  const typed = await vscode.window.showInputBox({
    title: `Remove the volumes of ${plan.project}`,
    prompt: `This deletes the project's named volumes, model caches included. Type the project name "${plan.project}" to confirm.`,
    placeHolder: plan.project,
    validateInput: (v) => (v === plan.project ? undefined : `Type ${plan.project} exactly to remove its volumes`),
  });
  if (typed !== plan.project) return;
  const removed = await down('yes-remove-volumes');
  controller.scheduleRelist();
  if (removed.ok) void showInfo(`Removed the volumes of ${plan.project}.`);
  else reportComposeFailure(ctx, 'docker compose down -v', removed);
}

function reportComposeFailure(ctx: Ctx, what: string, r: { verbatim: string; explanations: readonly { title: string; explanation: string; steps: readonly string[] }[] }): void {
  const out = ctx.controller.output;
  out.appendLine(`${what} failed:`);
  out.appendLine(r.verbatim);
  for (const e of r.explanations) out.appendLine(`→ ${e.title}: ${e.explanation}\n${e.steps.map((s) => `    • ${s}`).join('\n')}`);
  const first = r.explanations[0];
  void showError(`Inference Stack: ${what} failed${first ? `: ${first.title}` : ''}.`, 'Show output').then((c) => c && out.show(true));
}

async function pickService(ctx: Ctx, service: string | undefined, title: string, modelOnly: boolean): Promise<string | undefined> {
  if (service) return service;
  if (!ctx.controller.plan) await ctx.controller.refresh();
  const planned = ctx.controller.plan?.services ?? [];
  // A model service is known by its image; with none recognised, any service may be the one to probe.
  const onlyModels = modelOnly && planned.some((s) => s.isModelService);
  const names = new Set([...planned.filter((s) => !onlyModels || s.isModelService).map((s) => s.name), ...(onlyModels ? [] : ctx.controller.statuses.map((s) => s.service))]);
  if (names.size === 0) {
    const parseError = ctx.controller.plan?.parseError;
    void showWarning(parseError ? `Inference Stack: ${parseError}` : 'Inference Stack: no service in the chosen Compose file.');
    return undefined;
  }
  if (names.size === 1) return [...names][0];
  return vscode.window.showQuickPick([...names], { title });
}

async function restart(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Restart Service')) return;
  const service = await pickService(ctx, arg, 'Restart which service?', false);
  const conn = await connection(ctx);
  const project = ctx.controller.plan?.project;
  if (!service || !conn || !project) return;
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Restarting ${service}` }, () => restartService({ connection: conn, project, service }));
  ctx.controller.scheduleRelist();
  if (!r.ok) await showProblem(`could not restart ${service}: ${r.problem.title}`, r.problem.steps, ctx);
}

// ---------------------------------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------------------------------

async function tailLogs(ctx: Ctx, arg: string | undefined): Promise<void> {
  // From the palette the model services come first: the command is about the engine's logs (menus name any service).
  const service = await pickService(ctx, arg, 'Tail the logs of which service?', true);
  if (!service) return;
  if (!ctx.controller.connection) await ctx.controller.refresh();
  const conn = ctx.controller.connection;
  const project = ctx.controller.plan?.project;
  if (!conn || !project) {
    if (ctx.controller.state.kind === 'docker-down') void showError(`Inference Stack: ${ctx.controller.state.problem.title}`);
    return;
  }
  ctx.logs.show(conn.docker, project, service);
}

async function setLogLevel(ctx: Ctx): Promise<void> {
  const current = ctx.logs.level;
  const picked = await vscode.window.showQuickPick(
    LOG_LEVELS.map((l) => ({ label: l, description: l === current ? 'current' : '' })),
    { title: 'Inference Stack: show log lines at this level and above' },
  );
  if (picked) await ctx.logs.setLevel(picked.label as LogLevel);
}

// ---------------------------------------------------------------------------------------------------------------
// Probe
// ---------------------------------------------------------------------------------------------------------------

/** The probe cases from settings; invalid ones are reported (with "Open settings") instead of being sent. */
function probeCases(): ProbeCase[] | undefined {
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

async function probe(ctx: Ctx, arg: string | undefined): Promise<void> {
  if (!trusted('Run Accuracy Probe', "sends requests with this workspace's settings to its containers")) return;
  const service = await pickService(ctx, arg, 'Probe which model service?', true);
  if (!service) return;
  const cases = probeCases();
  if (!cases) return;
  const { controller } = ctx;
  if (controller.statuses.length === 0) await controller.refresh();
  const planned = controller.plan?.services.find((s) => s.name === service);
  const baseUrl = controller.baseUrl(service);
  if (!baseUrl) {
    void showError(noProbePortNotice(service, planned?.apiPort));
    return;
  }
  // A key from the shell environment goes only to a trusted workspace's service (trustPolicy.ts).
  const apiKey = requestApiKey(planned, vscode.workspace.isTrusted);
  const run = await withNotificationProgress({ title: `Probing ${service} at ${baseUrl}` }, () =>
    runProbe({
      baseUrl,
      cases,
      ...(planned?.servedModelName ? { servedModelName: planned.servedModelName } : {}),
      ...(apiKey ? { apiKey } : {}),
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

// ---------------------------------------------------------------------------------------------------------------
// Probe script
// ---------------------------------------------------------------------------------------------------------------

type ProbeTarget = { kind: 'dockerfile'; uri: vscode.Uri } | { kind: 'compose'; file: string; service: string } | { kind: 'script-only' };

/** Where the probe goes: a Dockerfile's HEALTHCHECK, the model service's healthcheck in the Compose file (when its
 *  image has python3), or only the script. Undefined when the person dismissed the pick. */
async function pickProbeTarget(ctx: Ctx, model: PlannedService | undefined): Promise<ProbeTarget | undefined> {
  const dockerfiles = await vscode.workspace.findFiles(DOCKERFILE_GLOB, EXCLUDE, 50);
  const composeFile = ctx.controller.composeFile;
  const items: (vscode.QuickPickItem & { target: ProbeTarget })[] = dockerfiles.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), description: 'HEALTHCHECK of this image', target: { kind: 'dockerfile', uri } }));
  if (model?.imageHasPython && composeFile) {
    items.unshift({ label: `${model.name} in ${vscode.workspace.asRelativePath(composeFile)}`, description: 'mount the script, healthcheck in the Compose file', target: { kind: 'compose', file: composeFile, service: model.name } });
  }
  if (!items.length) return { kind: 'script-only' };
  items.push({ label: 'Only write the script', target: { kind: 'script-only' } });
  const picked = await vscode.window.showQuickPick(items, { title: 'Where does the accuracy probe run as the healthcheck? (the script is written next to it)' });
  return picked?.target;
}

async function writeProbeScript(ctx: Ctx): Promise<void> {
  const cases = probeCases();
  if (!cases) return;
  const { controller } = ctx;
  // The workspace's only Compose file is the stack's, as the Services view takes it.
  const composeFile = await controller.adoptComposeFile();
  if (!controller.plan && composeFile) await controller.loadPlan(composeFile);
  const model = controller.plan?.services.find((s) => s.isModelService);
  const target = await pickProbeTarget(ctx, model);
  if (!target) return;
  const folder = target.kind === 'dockerfile' ? dirname(target.uri.fsPath) : controller.composeFile ? dirname(controller.composeFile) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    void showError('Inference Stack: open a folder first: the probe script is written into the workspace.');
    return;
  }
  const built = buildProbeScript({
    cases,
    url: `http://localhost:${model?.apiPort ?? 8000}`,
    ...(model?.servedModelName ? { servedModelName: model.servedModelName } : {}),
  });
  if (!built.ok) {
    void showError(`Inference Stack: cannot build the probe script: ${built.errors.join('; ')}`);
    return;
  }
  const script = vscode.Uri.file(join(folder, 'probe.py'));
  if (await uriExists(script)) {
    const c = await showWarning(`${vscode.workspace.asRelativePath(script)} exists. Replace it?`, { modal: true }, 'Replace');
    if (c !== 'Replace') return;
  }
  // Never through a probe.py symlink, nor into a folder whose real path is outside the workspace.
  if (!writeWorkspaceFile(script.fsPath, built.script)) return;
  if (target.kind === 'script-only') {
    await vscode.window.showTextDocument(script);
    return;
  }
  const into = target.kind === 'dockerfile' ? vscode.workspace.asRelativePath(target.uri) : `${target.service} in ${vscode.workspace.asRelativePath(target.file)}`;
  const add = target.kind === 'dockerfile' ? 'Add HEALTHCHECK' : 'Add healthcheck';
  const c = await showInfo(`Wrote ${vscode.workspace.asRelativePath(script)}. Add it to ${into} as the ${target.kind === 'dockerfile' ? 'HEALTHCHECK' : 'healthcheck'}?`, add, 'Open script');
  if (c === 'Open script') await vscode.window.showTextDocument(script);
  if (c !== add) return;
  // Start period: twice the measured cold start when there is one (what healthcheck-start-period-short asks for).
  const cold = model ? controller.coldStarts.get(controller.composeFile)[model.name] : undefined;
  const timing = cold ? { startPeriod: `${Math.ceil(cold * 2)}s` } : {};
  const fileUri = target.kind === 'dockerfile' ? target.uri : vscode.Uri.file(target.file);
  if (!mayEditInWorkspace(fileUri.fsPath)) return;
  const doc = await vscode.workspace.openTextDocument(fileUri);
  const hostFile = relative(dirname(fileUri.fsPath), script.fsPath).split('\\').join('/');
  let change: OffsetEdit;
  let replaced: boolean;
  if (target.kind === 'dockerfile') {
    // In place of the final stage's own HEALTHCHECK (Docker keeps only the last one), else at the end.
    ({ edit: change, replaced } = probeHealthcheckEdit(doc.getText(), dockerfileHealthcheck({ hostFile, ...timing })));
  } else {
    const lines = composeHealthcheck({ hostFile, ...timing });
    const r = composeProbeHealthcheckEdit(doc.getText(), target.service, lines);
    if (!r.ok) {
      controller.output.appendLine(`Add to ${target.service} in ${target.file}:\nvolumes:\n  - ${lines.volume}\n${lines.healthcheck}`);
      void showError(`Inference Stack: ${r.reason}. probe.py is written; the lines to add are in the output.`, 'Show output').then((o) => o && controller.output.show(true));
      return;
    }
    ({ edit: change, replaced } = r);
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(fileUri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.newText);
  if (!(await vscode.workspace.applyEdit(edit))) return;
  const editor = await vscode.window.showTextDocument(doc);
  const at = doc.positionAt(change.start);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  const what = target.kind === 'dockerfile' ? `the HEALTHCHECK of ${into}` : `the healthcheck of ${into}`;
  void showInfo(replaced ? `Replaced ${what} with the accuracy probe.` : `Added the accuracy probe as ${what}.`);
}
