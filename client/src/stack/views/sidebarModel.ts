/**
 * What the three sidebar views and the status bar show, as plain data: the VS Code layer (client/src/ui/) only turns
 * these rows into TreeItems. Every decision (labels, icons, menus via contextValue, what counts as healthy, the
 * summary text) is made here, from the stack modules' own types, so it is tested without VS Code.
 *
 * Tooltips are plain text (the views pass them as strings, never as MarkdownString), and everything that came from a
 * container (health output, engine errors) goes through maskSecrets again: a row must never show a token.
 */

import { describeGpu, NO_GPU_HINTS, type Gpu, type GpuState } from '../gpu/gpus';
import { maskSecrets } from '../logs/mask';
import type { ServiceMetrics } from '../probe/metricsScrape';
import { quoteText, type ProbeRun } from '../probe/probe';
import { startedServices } from '../runner/profiles';
import { PHASE_WORDS, servicePhase } from '../runner/servicePhase';
import type { DockerProblem, ServiceProgress, ServiceStatus, StartPhase } from '../stackTypes';
import type { PlannedService, StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import { gpuLoad, pastWholeGpu } from '../../../../server/src/compose/gpuPlacement';

/** A codicon and, optionally, the theme colour id that tints it. */
export interface RowIcon {
  id: string;
  color?: string;
}

export interface Row {
  /** Stable across refreshes (TreeItem.id), so expanded rows stay expanded. */
  id: string;
  label: string;
  description?: string;
  /** Plain text. */
  tooltip?: string;
  icon?: RowIcon;
  /** Drives the view/item/context menus (package.json `when: viewItem =~ ...`). */
  contextValue?: string;
  /** A command run when the row is clicked. */
  command?: { command: string; title: string; arguments?: unknown[] };
  children?: Row[];
  /** With children: start expanded. */
  expanded?: boolean;
  /** The service a row belongs to, for commands invoked from its context menu. */
  service?: string;
}

/** Where the stack stands as the controller knows it. */
export type StackState =
  | { kind: 'no-compose-file' }
  | { kind: 'connecting' }
  | { kind: 'docker-down'; problem: DockerProblem }
  /** The Compose file was not planned (unreadable, too large, too slow to read): nothing to list until it is. */
  | { kind: 'plan-error'; message: string }
  | { kind: 'ready' };

/** A probe run and when it ended (epoch ms). */
export interface TimedProbeRun {
  run: ProbeRun;
  at: number;
}

export interface SidebarInput {
  state: StackState;
  plan?: StackPlan;
  statuses: readonly ServiceStatus[];
  /** Service -> seconds, measured at the last start. */
  coldStarts?: Readonly<Record<string, number>>;
  probes?: Readonly<Record<string, TimedProbeRun>>;
  metrics?: Readonly<Record<string, ServiceMetrics>>;
  /** Epoch ms, for uptimes. */
  now: number;
  /** The progress of a Start under way (its phases read the engine's logs too). */
  progress?: readonly ServiceProgress[];
  /** The last Start's failure, kept until the next Start or Stop: a failure before any container exists (an image
   *  missing, a limit the engine refuses, pre-flight) leaves nothing else to show. */
  startFailure?: StartFailure;
  /** Restarts by "Restart Service" since this window followed the project (Docker counts only its policy's). */
  restartsByYou?: Readonly<Record<string, number>>;
}

export interface StartFailure {
  /** One line: what failed. */
  title: string;
  /** What to do, one step per line (compose's explanation, pre-flight's steps). */
  steps: readonly string[];
  at: number;
}

// Theme colour ids (https://code.visualstudio.com/api/references/theme-color).
const GREEN = 'testing.iconPassed';
const RED = 'testing.iconFailed';
const YELLOW = 'list.warningForeground';
const GREY = 'disabledForeground';

export const RETRY_COMMAND = 'inferenceStack.refresh';
export const START_COMMAND = 'inferenceStack.start';
export const PROBE_COMMAND = 'inferenceStack.runProbe';
export const CHOOSE_FILE_COMMAND = 'inferenceStack.chooseComposeFile';

// ---------------------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------------------

/** "42s", "3m 12s", "2h 5m", "1d 3h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Seconds as a latency: "85 ms", "1.24 s". */
export function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

/** "0.0.0.0:8000->8000/tcp" as docker ps writes it. */
export function formatPort(p: ServiceStatus['ports'][number]): string {
  const host = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${host}:${p.hostPort}->${p.containerPort}/${p.protocol}`;
}

function oneLine(text: string, max = 120): string {
  const clean = maskSecrets(text).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function masked(text: string): string {
  return text.split('\n').map((l) => maskSecrets(l)).join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// A container's phase, shared by the rows, the summary and the start's progress (runner/servicePhase.ts)
// ---------------------------------------------------------------------------------------------------------------

/**
 * A container's phase: during a Start, the one its progress reports for the service (it reads the engine's logs:
 * "loading weights"), else the one its container shows. A scaled service's progress stands for its slowest
 * replica, so each of its rows shows its own container.
 */
function phaseOf(c: ServiceStatus | undefined, progress: ServiceProgress | undefined, replicas: number): { phase: StartPhase; detail?: string; elapsedMs?: number } {
  if (progress && replicas <= 1) return progress;
  return servicePhase(c ? { status: c } : {});
}

const PHASE_ICON: Readonly<Record<StartPhase, RowIcon>> = {
  healthy: { id: 'pass-filled', color: GREEN },
  running: { id: 'circle-filled', color: GREEN },
  waiting: { id: 'circle-outline', color: GREY },
  creating: { id: 'loading~spin' },
  starting: { id: 'loading~spin' },
  loading: { id: 'loading~spin' },
  paused: { id: 'debug-pause', color: YELLOW },
  unhealthy: { id: 'error', color: RED },
  restarting: { id: 'debug-restart', color: YELLOW },
  exited: { id: 'circle-slash', color: RED },
  failed: { id: 'error', color: RED },
};

/** A Start's phase on its way up carries the Start's clock. */
function clocked(p: { phase: StartPhase; elapsedMs?: number }): boolean {
  return p.elapsedMs !== undefined && (p.phase === 'creating' || p.phase === 'starting' || p.phase === 'loading');
}

/** "loading weights 0:42", "exited (1)", "healthy": the phase's words, the exit code, the start's clock. */
function phaseText(p: { phase: StartPhase; elapsedMs?: number }, c: ServiceStatus | undefined): string {
  const words = PHASE_WORDS[p.phase];
  if (p.phase === 'exited' && c?.exitCode !== undefined) return `${words} (${c.exitCode})`;
  return clocked(p) ? `${words} ${formatClock(p.elapsedMs!)}` : words;
}

/** The services the views list: those the plan starts (its active profiles), in its order, then the project's other
 *  containers (a profiled service started earlier, a service the file no longer names). */
function serviceNames(plan: StackPlan | undefined, statuses: readonly ServiceStatus[]): string[] {
  const names = plan ? startedServices(plan).map((s) => s.name) : [];
  for (const s of statuses) if (!names.includes(s.service)) names.push(s.service);
  return names;
}

function containersOf(statuses: readonly ServiceStatus[], service: string): ServiceStatus[] {
  return statuses.filter((s) => s.service === service).sort((a, b) => a.replica - b.replica);
}

// ---------------------------------------------------------------------------------------------------------------
// Services view
// ---------------------------------------------------------------------------------------------------------------

/** The Services view: the stack's state when it is not 'ready', else one row per container (or planned service). */
export function serviceRows(input: SidebarInput): Row[] {
  const { state } = input;
  if (state.kind === 'no-compose-file') return []; // the view's welcome content offers the choice
  if (state.kind === 'connecting') return [{ id: 'connecting', label: 'Connecting to Docker…', icon: { id: 'loading~spin' } }];
  if (state.kind === 'docker-down') return dockerDownRows(state.problem);
  if (state.kind === 'plan-error') return planErrorRows(state.message);
  const names = serviceNames(input.plan, input.statuses);
  if (names.length === 0) {
    return [{ id: 'empty', label: input.plan?.parseError ? 'The Compose file does not parse' : 'No services in the Compose file', ...(input.plan?.parseError ? { tooltip: input.plan.parseError } : {}), icon: { id: 'warning', color: YELLOW } }];
  }
  const rows: Row[] = input.startFailure ? startFailureRows(input.startFailure, input.now, input.plan?.file) : [];
  for (const name of names) {
    const planned = input.plan?.services.find((s) => s.name === name);
    const containers = containersOf(input.statuses, name);
    if (containers.length === 0) rows.push(serviceRow(name, planned, undefined, containers.length, input));
    else for (const c of containers) rows.push(serviceRow(name, planned, c, containers.length, input));
  }
  rows.push(...modelRows(input.plan));
  return rows;
}

/** The models Docker Model Runner serves the project (`models:`, `provider:` services), after its services. */
function modelRows(plan: StackPlan | undefined): Row[] {
  return (plan?.models ?? []).filter((m) => m.source === 'models').map((m) => {
    const users = m.usedBy.length ? `used by ${m.usedBy.join(', ')}` : 'used by no service';
    return {
      id: `model/${m.name}`,
      label: m.name,
      description: [m.model, users].filter(Boolean).join(' · '),
      tooltip: `Model ${m.name}${m.model ? ` (${m.model})` : ''}, served by Docker Model Runner; ${users}.`,
      icon: { id: 'hubot' },
      contextValue: 'model',
    };
  });
}

/** The last Start's failure above the services: what failed, when, the steps, and a Retry (Start again, this project
 *  whatever the active editor shows). */
function startFailureRows(f: StartFailure, now: number, file: string | undefined): Row[] {
  const steps = f.steps.map((step, i) => ({ id: `start-failed/step/${i}`, label: oneLine(step, 200), tooltip: maskSecrets(step), icon: { id: 'arrow-small-right' } }));
  return [
    {
      id: 'start-failed',
      label: 'Start failed',
      description: `${oneLine(f.title, 200)} · ${ago(now - f.at)}`,
      tooltip: masked([`Start failed ${ago(now - f.at)}: ${f.title}`, ...f.steps.map((s) => `• ${s}`)].join('\n')),
      icon: { id: 'error', color: RED },
      contextValue: 'start.failed',
      children: [...steps, { id: 'start-failed/retry', label: 'Retry', icon: { id: 'play' }, command: { command: START_COMMAND, title: 'Start Inference Stack', ...(file ? { arguments: [file] } : {}) } }],
      expanded: true,
    },
  ];
}

/** "just now", "3 min ago", "2 h ago": how old a result is. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

function planErrorRows(message: string): Row[] {
  return [
    { id: 'plan-error', label: 'The Compose file cannot be read', description: oneLine(message, 200), tooltip: maskSecrets(message), icon: { id: 'error', color: RED } },
    { id: 'plan-error/retry', label: 'Retry', icon: { id: 'refresh' }, command: { command: RETRY_COMMAND, title: 'Retry' } },
  ];
}

function dockerDownRows(problem: DockerProblem): Row[] {
  const steps = problem.steps.map((s, i) => ({ id: `docker-down/step/${i}`, label: oneLine(s, 200), tooltip: maskSecrets(s), icon: { id: 'arrow-small-right' } }));
  return [
    {
      id: 'docker-down',
      label: problem.title,
      tooltip: masked([problem.title, ...problem.steps.map((s) => `• ${s}`), ...(problem.detail ? ['', problem.detail] : [])].join('\n')),
      icon: { id: 'error', color: RED },
      contextValue: 'docker.down',
      children: steps,
      expanded: true,
    },
    { id: 'docker-down/retry', label: 'Retry', icon: { id: 'refresh' }, command: { command: RETRY_COMMAND, title: 'Retry' }, contextValue: 'docker.retry' },
  ];
}

function serviceRow(name: string, planned: PlannedService | undefined, c: ServiceStatus | undefined, replicas: number, input: SidebarInput): Row {
  const phase = phaseOf(c, input.progress?.find((p) => p.service === name), replicas);
  const model = planned?.isModelService ? '.model' : '';
  const label = replicas > 1 && c ? `${name} #${c.replica}` : name;
  const cold = input.coldStarts?.[name];
  const uptime = c?.state === 'running' && c.startedAt ? formatDuration(input.now - c.startedAt) : undefined;

  const descParts: string[] = [phaseText(phase, c)];
  if (uptime && !clocked(phase)) descParts.push(uptime);
  const restarts = (c?.restartCount ?? 0) + (c ? (input.restartsByYou?.[name] ?? 0) : 0);
  if (restarts > 0) descParts.push(`${restarts} restart${restarts === 1 ? '' : 's'}`);
  if (c?.ports.length) descParts.push(portsShort(c.ports));

  const children: Row[] = [];
  const id = `service/${name}/${c?.replica ?? 0}`;
  const child = (key: string, label: string, description: string, icon: string, tooltip?: string): void => {
    children.push({ id: `${id}/${key}`, label, description, icon: { id: icon }, ...(tooltip ? { tooltip } : {}), service: name });
  };
  if (c) {
    child('state', 'State', c.state + (c.exitCode !== undefined && c.state !== 'running' ? ` (exit ${c.exitCode}${c.oomKilled ? ', out of memory' : ''})` : ''), 'symbol-event');
    if (c.health) {
      const out = c.lastHealthOutput ? oneLine(c.lastHealthOutput) : '';
      child('health', 'Health', `${c.health}${out ? ` · ${out}` : ''}`, 'heart', c.lastHealthOutput ? masked(`Last healthcheck (exit ${c.lastHealthExitCode ?? '?'}):\n${c.lastHealthOutput}`) : undefined);
    } else if (planned && !planned.hasHealthcheck) {
      child('health', 'Health', 'no healthcheck', 'heart');
    }
    if (uptime) child('uptime', 'Uptime', uptime, 'clock');
    child('restarts', 'Restarts', restartWords(c.restartCount, input.restartsByYou?.[name] ?? 0), 'debug-restart', 'By the restart policy (Docker\'s count for this container) and by "Restart Service" from this window.');
    child('ports', 'Ports', c.ports.length ? c.ports.map(formatPort).join(', ') : 'none published', 'plug');
    child('image', 'Image', c.image, 'package');
    if (c.error) child('error', 'Error', oneLine(c.error), 'error', masked(c.error));
  } else {
    child('state', 'State', 'not created: start the stack', 'circle-outline');
    if (planned?.publishedPorts.length) child('ports', 'Ports', planned.publishedPorts.map((p) => `${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', '), 'plug');
  }
  if (cold !== undefined) child('cold', 'Cold start', `${Math.round(cold)} s (measured)`, 'watch', 'Container start to first healthy, measured at the last start from this window. The language server uses it for healthcheck-start-period-short.');
  else if (planned?.isModelService) child('cold', 'Cold start', 'not measured yet', 'watch', 'Measured the next time "Start Inference Stack" brings this service to healthy.');

  const tooltipLines = [
    `${name}${c ? ` (${c.containerName})` : ''}${planned?.engine ? ` · ${planned.engine}` : ''}`,
    `${phaseText(phase, c)}${c?.health ? `, health ${c.health}` : ''}${phase.detail ? ` · ${oneLine(phase.detail, 300)}` : ''}`,
    ...(c?.lastHealthOutput ? [`Last healthcheck: ${oneLine(c.lastHealthOutput, 300)}`] : []),
    ...(uptime ? [`Up ${uptime}`] : []),
    ...(c ? [`Restarts: ${restartWords(c.restartCount, input.restartsByYou?.[name] ?? 0)}`] : []),
    ...(c?.ports.length ? [`Ports: ${c.ports.map(formatPort).join(', ')}`] : []),
    ...(cold !== undefined ? [`Cold start: ${Math.round(cold)} s (measured)`] : []),
    ...(c?.error ? [`Error: ${oneLine(c.error, 300)}`] : []),
  ];
  return {
    id,
    label,
    description: descParts.join(' · '),
    tooltip: tooltipLines.join('\n'),
    icon: PHASE_ICON[phase.phase],
    // A service without a container has no logs to tail and nothing to restart: another prefix keeps those menus off.
    contextValue: c ? `service${model}.${c.state}` : `planned${model}`,
    children,
    service: name,
  };
}

/** "3", or "3 (1 by Restart Service)". */
function restartWords(byPolicy: number, byYou: number): string {
  return byYou ? `${byPolicy + byYou} (${byYou} by Restart Service)` : String(byPolicy);
}

function portsShort(ports: ServiceStatus['ports']): string {
  const seen = [...new Set(ports.map((p) => `:${p.hostPort}`))];
  return seen.length > 3 ? `${seen.slice(0, 3).join(' ')} +${seen.length - 3}` : seen.join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// The base URL a probe or a metrics scrape uses
// ---------------------------------------------------------------------------------------------------------------

/**
 * http://<host>:<published port> for a service's API port: the port published for `planned.apiPort` (else the only
 * tcp port). Host addresses that mean "all interfaces" become `engineHost` (the engine's own host for a tcp/ssh
 * endpoint, else 127.0.0.1). Undefined when the API port is not published.
 */
export function serviceBaseUrl(status: ServiceStatus | undefined, planned: PlannedService | undefined, engineHost = '127.0.0.1'): string | undefined {
  // The engine lists a port once per address family (0.0.0.0 and ::): prefer the IPv4 entry of the API port.
  const ports = (status?.ports ?? []).filter((p) => p.protocol === 'tcp').sort((a, b) => Number(a.hostIp.includes(':')) - Number(b.hostIp.includes(':')));
  const containerPorts = [...new Set(ports.map((p) => p.containerPort))];
  const apiPort = planned?.apiPort ?? (containerPorts.length === 1 ? containerPorts[0] : undefined);
  const port = ports.find((p) => p.containerPort === apiPort);
  if (!port) return undefined;
  const any = port.hostIp === '' || port.hostIp === '0.0.0.0' || port.hostIp === '::';
  const host = any ? engineHost : port.hostIp;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port.hostPort}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Probe & metrics view
// ---------------------------------------------------------------------------------------------------------------

/** One row per model service: the last probe (pass/fail, each case's answer and latency) and its engine metrics. */
export function probeRows(input: SidebarInput): Row[] {
  const planned = input.plan?.services.filter((s) => s.isModelService) ?? [];
  const names = planned.map((s) => s.name);
  for (const name of Object.keys(input.probes ?? {})) if (!names.includes(name)) names.push(name);
  return names.map((name) => probeServiceRow(name, input));
}

function probeServiceRow(name: string, input: SidebarInput): Row {
  const probe = input.probes?.[name];
  const metrics = input.metrics?.[name];
  const id = `probe/${name}`;
  const children: Row[] = [];
  let description: string;
  let icon: RowIcon;
  let tooltip: string;
  if (!probe) {
    description = 'not probed yet';
    icon = { id: 'beaker' };
    tooltip = `${name}: run "Run Accuracy Probe" to check that it answers correctly.`;
    children.push({ id: `${id}/run`, label: 'Run accuracy probe', icon: { id: 'play' }, command: { command: PROBE_COMMAND, title: 'Run Accuracy Probe', arguments: [name] }, service: name });
  } else {
    const { run } = probe;
    const failed = run.results.filter((r) => !r.pass);
    const latency = run.results.reduce((a, r) => a + r.latencyMs, 0);
    description = `${run.pass ? `pass · ${latency} ms` : `fail: ${failureShort(run)}`} · ${ago(input.now - probe.at)}`;
    icon = run.pass ? { id: 'pass-filled', color: GREEN } : { id: 'error', color: RED };
    tooltip = [
      `${name}: ${run.pass ? 'probe passed' : `${failed.length} of ${run.results.length} case(s) failed`}${run.model ? ` (model ${run.model})` : ''}`,
      ...run.results.map((r) => (r.pass ? `PASS ${r.name} (${r.latencyMs} ms): ${r.answer ?? ''}` : `FAIL ${r.name}: ${r.failure?.message ?? 'failed'}`)),
      `at ${new Date(probe.at).toLocaleTimeString()}`,
    ].map((l) => maskSecrets(l)).join('\n');
    run.results.forEach((r, i) => {
      children.push({
        id: `${id}/case/${i}`,
        label: r.name,
        description: r.pass ? `${oneLine(r.answer ?? '', 60)} · ${r.latencyMs} ms` : oneLine(r.failure?.message ?? 'failed', 100),
        tooltip: maskSecrets(r.pass ? `Answer: ${r.answer ?? ''}\nLatency: ${r.latencyMs} ms` : `${r.failure?.message ?? 'failed'}${r.answer !== undefined ? `\nAnswer: ${r.answer}` : ''}\nLatency: ${r.latencyMs} ms`),
        icon: r.pass ? { id: 'check', color: GREEN } : { id: 'close', color: RED },
        service: name,
      });
    });
  }
  if (metrics) {
    const container = input.statuses.find((c) => c.service === name);
    const phase = phaseOf(container, input.progress?.find((p) => p.service === name), 1).phase;
    children.push(...metricRows(id, name, metrics, phase === 'creating' || phase === 'starting' || phase === 'loading'));
  }
  return { id, label: name, description, tooltip, icon, contextValue: 'probe.service', children, expanded: true, service: name };
}

function failureShort(run: ProbeRun): string {
  const f = run.modelFailure ?? run.results.find((r) => !r.pass)?.failure;
  if (!f) return 'failed';
  switch (f.kind) {
    case 'http':
      return `HTTP ${f.status}`;
    case 'timeout':
      return `timeout (${Math.round(f.timeoutMs / 1000)} s)`;
    case 'connection':
      return `cannot connect (${f.code})`;
    case 'no-such-model':
      return `no such model "${f.model}"`;
    case 'wrong-answer':
      return `wrong answer ${quoteText(oneLine(f.answer, 40))}`;
    case 'malformed':
      return 'not an OpenAI answer';
    case 'invalid-case':
      return 'invalid probe case';
  }
}

/** "12 req" over "the last 60 s" or "since the server started" (one scrape so far). */
function windowWords(m: Extract<ServiceMetrics, { ok: true }>): string {
  return m.windowSeconds === undefined ? 'since the server started' : `in the last ${Math.round(m.windowSeconds)} s`;
}

function perSecond(v: number | undefined, unit: string): string | undefined {
  if (v === undefined) return undefined;
  return `${v >= 10 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 1 ? 1 : 2)} ${unit}/s`;
}

function metricRows(parent: string, service: string, m: ServiceMetrics, loading: boolean): Row[] {
  if (!m.ok) {
    // While the engine loads its weights its port is closed: that is the state, not an error.
    if (loading) return [{ id: `${parent}/metrics`, label: 'Metrics', description: 'waiting for the model to load', tooltip: maskSecrets(m.error), icon: { id: 'loading~spin' }, service }];
    return [{ id: `${parent}/metrics`, label: 'Metrics', description: oneLine(m.error, 100), tooltip: maskSecrets(m.error), icon: { id: 'graph', color: GREY }, service }];
  }
  const s = m.summary;
  if (!s.engineMetrics) {
    return [{ id: `${parent}/metrics`, label: 'Metrics', description: 'no vllm: metrics', tooltip: '/metrics has no vllm: series: the server runs with --disable-log-stats, or it is not vLLM.', icon: { id: 'graph', color: GREY }, service }];
  }
  const rows: Row[] = [];
  const t = s.ttft;
  const when = windowWords(m);
  const pct = (v: number | undefined) => (v === undefined ? '–' : formatSeconds(v));
  rows.push({
    id: `${parent}/ttft`,
    label: 'TTFT',
    description: t.count === 0 ? `no requests ${when}` : `p50 ${pct(t.p50)} · p95 ${pct(t.p95)} · p99 ${pct(t.p99)} (${t.count} req)`,
    tooltip: `Time to first token over ${t.count} request(s) ${when}, from the histogram buckets (bucket interpolation, as Prometheus' histogram_quantile).${s.reset ? ' The server restarted in the window: counted since the restart.' : ''}`,
    icon: { id: 'watch' },
    service,
  });
  const rate = perSecond(m.requestsPerSecond, 'req');
  rows.push({
    id: `${parent}/requests`,
    label: 'Requests',
    description: [rate, `${s.running ?? '–'} running`, `${s.waiting ?? '–'} waiting`].filter(Boolean).join(' · '),
    tooltip: `Running and waiting: now.${rate ? ` Rate: completed first tokens ${when}.` : ''}`,
    icon: { id: 'pulse' },
    service,
  });
  const generated = perSecond(m.generationTokensPerSecond, 'tok');
  const prompt = perSecond(m.promptTokensPerSecond, 'tok');
  if (generated || prompt) {
    rows.push({
      id: `${parent}/tokens`,
      label: 'Tokens',
      description: [generated && `${generated} generated`, prompt && `${prompt} prompt`].filter(Boolean).join(' · '),
      tooltip: `vllm:generation_tokens_total and vllm:prompt_tokens_total ${when}.`,
      icon: { id: 'symbol-text' },
      service,
    });
  }
  rows.push({
    id: `${parent}/kv`,
    label: 'KV cache',
    description: s.kvCacheUsage === undefined ? '–' : `${(s.kvCacheUsage * 100).toFixed(1)}% used`,
    ...(s.used.kvCacheUsage ? { tooltip: `From ${s.used.kvCacheUsage}` } : {}),
    icon: { id: 'database', ...(s.kvCacheUsage !== undefined && s.kvCacheUsage > 0.9 ? { color: YELLOW } : {}) },
    service,
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// GPUs view
// ---------------------------------------------------------------------------------------------------------------

/**
 * One row per GPU (MIG devices under it), or the explicit "no NVIDIA GPU found" state; undefined: not read yet.
 * `remoteEngine`: the Docker endpoint when it is another machine's. nvidia-smi runs here, so the rows are this
 * machine's GPUs, not the engine's: a first row says so instead of letting them pass for the stack's.
 */
export function gpuRows(state: GpuState | undefined, remoteEngine?: string, plan?: Pick<StackPlan, 'services' | 'activeProfiles'>): Row[] {
  // The plan's GPU ids are the engine host's: placed on this machine's GPUs only when the engine runs here.
  const rows = localGpuRows(state, remoteEngine ? undefined : plan);
  if (!remoteEngine) return rows;
  const note: Row = {
    id: 'gpu/remote-engine',
    label: 'GPUs of this machine',
    description: `the Docker engine is ${remoteEngine}`,
    tooltip: masked(`The stack runs on the engine at ${remoteEngine}; nvidia-smi runs on this machine, so these are not its GPUs. Run nvidia-smi on the engine's host to see those.`),
    icon: { id: 'info' },
    contextValue: 'gpu.remote',
  };
  return [note, ...rows];
}

function localGpuRows(state: GpuState | undefined, plan: Pick<StackPlan, 'services' | 'activeProfiles'> | undefined): Row[] {
  if (!state) return [{ id: 'gpu/loading', label: 'Reading nvidia-smi…', icon: { id: 'loading~spin' } }];
  if (state.kind === 'no-gpu') {
    const hint = NO_GPU_HINTS[state.reason];
    return [{ id: 'gpu/none', label: 'No NVIDIA GPU found', description: hint, tooltip: `${hint}\n\n${maskSecrets(state.message)}`, icon: { id: 'circle-slash', color: GREY }, contextValue: 'gpu.none' }];
  }
  if (state.kind === 'error') {
    return [{ id: 'gpu/error', label: 'nvidia-smi failed', description: oneLine(state.message, 100), tooltip: masked(state.message), icon: { id: 'error', color: RED }, contextValue: 'gpu.error' }];
  }
  return state.gpus.map((gpu) => {
    const { label, description } = describeGpu(gpu);
    const memShare = gpu.memoryUsedMiB !== undefined && gpu.memoryTotalMiB ? gpu.memoryUsedMiB / gpu.memoryTotalMiB : undefined;
    const children: Row[] = [
      ...gpu.migDevices.map((d) => ({ id: `gpu/${gpu.index}/mig/${d.index}`, label: `MIG ${d.index}: ${d.profile}`, description: d.uuid, icon: { id: 'circuit-board' } })),
      ...planRows(gpu, plan),
    ];
    return {
      id: `gpu/${gpu.uuid ?? gpu.index}`,
      label,
      description,
      tooltip: [label, description, ...(gpu.uuid ? [gpu.uuid] : []), ...(gpu.migEnabled ? ['MIG mode enabled: utilization is per MIG device and not reported here.'] : [])].join('\n'),
      icon: { id: 'circuit-board', ...(memShare !== undefined && memShare > 0.95 ? { color: YELLOW } : {}) },
      contextValue: 'gpu',
      ...(children.length ? { children } : {}),
    };
  });
}

/** A share of a GPU as a 10-cell bar: "▇▇▇▇▇▇▇▇▇░". */
function shareBar(share: number): string {
  const cells = Math.max(0, Math.min(10, Math.round(share * 10)));
  return '▇'.repeat(cells) + '░'.repeat(10 - cells);
}

/**
 * The GPU plan under one GPU: the model services of the stack placed on it (by `device_ids`, `count`,
 * CUDA_VISIBLE_DEVICES and their parallel ranks: compose/gpuPlacement.ts) with their memory shares as bars, and a
 * warning row when the shares add up past all of it (gpu-oversubscribed says the same in the editor).
 */
function planRows(gpu: Gpu, plan: Pick<StackPlan, 'services' | 'activeProfiles'> | undefined): Row[] {
  const ids = new Set([String(gpu.index), ...(gpu.uuid ? [gpu.uuid] : [])]);
  // Only what `up` starts with the chosen profiles.
  const placed = (plan ? startedServices(plan) : []).filter((s) => s.gpuPlacement?.gpus.some((id) => ids.has(id)));
  const rows: Row[] = placed.map((s) => {
    const p = s.gpuPlacement!;
    const share = gpuLoad(p);
    return {
      id: `gpu/${gpu.index}/plan/${s.name}`,
      label: s.name,
      description: `${shareBar(share)} ${Math.round(share * 100)}%`,
      tooltip: masked(`${s.name} takes ${p.replicas > 1 ? `${p.replicas} × ` : ''}${p.shareFrom} of this GPU's memory when it starts.`),
      icon: { id: 'server-process' },
      contextValue: 'gpu.plan',
    };
  });
  const total = placed.reduce((sum, s) => sum + gpuLoad(s.gpuPlacement!), 0);
  if (pastWholeGpu(total)) {
    rows.push({
      id: `gpu/${gpu.index}/plan/over`,
      label: `Shares add up to ${Math.round(total * 100)}%`,
      description: 'the service that starts last will not fit',
      tooltip: 'Each engine takes its share of the GPU\'s total memory when it starts; the one that starts last finds too little free and stops. Give each service its own GPU with device_ids, or lower the shares.',
      icon: { id: 'warning', color: YELLOW },
      contextValue: 'gpu.plan.over',
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Status bar
// ---------------------------------------------------------------------------------------------------------------

export interface StatusSummary {
  text: string;
  tooltip: string;
  /** Codicon id for the `$(id)` prefix. */
  icon: string;
  /** Status bar background: 'error' and 'warning' map to statusBarItem.errorBackground / warningBackground. */
  severity: 'ok' | 'warning' | 'error' | 'none';
}

/** "2/2 healthy", "1/2 healthy · 1 starting", "Docker not running", "stack stopped". */
export function statusSummary(input: SidebarInput): StatusSummary {
  const { state } = input;
  if (state.kind === 'no-compose-file') return { text: 'no stack', tooltip: 'Inference Stack: no Compose file chosen', icon: 'server-environment', severity: 'none' };
  if (state.kind === 'connecting') return { text: 'connecting…', tooltip: 'Inference Stack: connecting to Docker', icon: 'loading~spin', severity: 'none' };
  if (state.kind === 'docker-down') {
    const text = state.problem.id === 'daemon-down' ? 'Docker not running' : state.problem.id === 'permission-denied' ? 'Docker permission denied' : 'Docker unreachable';
    return { text, tooltip: maskSecrets(state.problem.title), icon: 'error', severity: 'error' };
  }
  if (state.kind === 'plan-error') return { text: 'Compose file unreadable', tooltip: `Inference Stack: ${maskSecrets(state.message)}`, icon: 'error', severity: 'error' };
  const names = serviceNames(input.plan, input.statuses);
  const counts = new Map<StartPhase, number>();
  let total = 0;
  for (const name of names) {
    const containers = containersOf(input.statuses, name);
    const progress = input.progress?.find((p) => p.service === name);
    for (const c of containers.length ? containers : [undefined]) {
      total++;
      const k = phaseOf(c, progress, containers.length).phase;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const count = (...phases: StartPhase[]): number => phases.reduce((n, k) => n + (counts.get(k) ?? 0), 0);
  // The project and, when it is made of several files, which (the status bar says what it is about).
  const files = input.plan?.files ?? [];
  const project = `${input.plan?.project ?? 'stack'}${files.length > 1 ? ` (${files.map((f) => f.split(/[\\/]/).pop()).join(' + ')})` : ''}`;
  // The status bar names the project it is about (the Services view's description names its files too).
  const name = input.plan?.project ? `${oneLine(input.plan.project, 24)}: ` : '';
  const anyContainer = input.statuses.length > 0;
  const up = count('healthy', 'running');
  const live = up + count('creating', 'starting', 'loading', 'unhealthy', 'restarting', 'paused');
  const failed = count('failed');
  if (failed && live === 0) {
    return { text: `${name}${failed}/${total} failed to start`, tooltip: `Inference Stack: ${project}\n${input.statuses.filter((c) => c.error).map((c) => `${c.service}: ${oneLine(c.error!, 300)}`).join('\n')}`, icon: 'error', severity: 'error' };
  }
  if (input.startFailure && live === 0) {
    return { text: `${name}start failed`, tooltip: `Inference Stack: ${project}\nStart failed ${ago(input.now - input.startFailure.at)}: ${maskSecrets(oneLine(input.startFailure.title, 300))}`, icon: 'error', severity: 'error' };
  }
  if (!anyContainer || live === 0) {
    return { text: name ? `${name}stopped` : 'stack stopped', tooltip: `Inference Stack: ${project} is not running${anyContainer ? ' (containers exited)' : ''}`, icon: 'debug-stop', severity: anyContainer ? 'warning' : 'none' };
  }
  const parts = [`${up}/${total} healthy`];
  const order: StartPhase[] = ['creating', 'starting', 'loading', 'paused', 'unhealthy', 'restarting', 'exited', 'failed', 'waiting'];
  for (const k of order) if (counts.get(k)) parts.push(`${counts.get(k)} ${PHASE_WORDS[k]}`);
  // A failed accuracy probe of the running containers (one from before a container's start is stale): a 200 with a
  // wrong answer is worse than a 500, so the status bar says so.
  const probeFailed = Object.entries(input.probes ?? {}).filter(([service, p]) => !p.run.pass && containersOf(input.statuses, service).every((c) => !c.startedAt || c.startedAt <= p.at)).map(([service]) => service);
  if (probeFailed.length) parts.push(`probe failed (${probeFailed.join(', ')})`);
  const bad = count('unhealthy', 'restarting', 'exited', 'failed') + probeFailed.length;
  const starting = count('creating', 'starting', 'loading');
  return {
    text: name + parts.join(' · '),
    tooltip: `Inference Stack: ${project}\n${names.map((n) => `${n}: ${containersOf(input.statuses, n).map((c, _, all) => phaseText(phaseOf(c, input.progress?.find((p) => p.service === n), all.length), c)).join(', ') || PHASE_WORDS.waiting}`).join('\n')}`,
    icon: bad ? 'warning' : starting ? 'loading~spin' : 'pass',
    severity: bad ? 'error' : starting || up < total ? 'warning' : 'ok',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Start progress (the notification's message)
// ---------------------------------------------------------------------------------------------------------------

/** "m:ss" (or "h:mm:ss"). */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60) % 60);
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** "vllm: loading weights 0:42 · proxy: waiting": each service's phase and, once it started, its elapsed time. */
export function progressText(services: readonly ServiceProgress[]): string {
  return services
    .map((s) => {
      const done = s.phase === 'healthy' && s.coldStartSeconds !== undefined;
      const time = s.phase === 'waiting' ? '' : done ? ` in ${Math.round(s.coldStartSeconds!)} s` : ` ${formatClock(s.elapsedMs)}`;
      return `${s.service}: ${PHASE_WORDS[s.phase]}${time}`;
    })
    .join(' · ');
}
