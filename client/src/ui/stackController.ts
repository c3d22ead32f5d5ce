/**
 * One object per window that knows where the stack stands: the chosen Compose file (workspace state), its plan, the
 * Docker connection, the project's observer (docker/projectObserver.ts: one events stream and one relist loop, never
 * polling, shared with a Start, the log terminals and the cold-start meter), the progress of a Start under way, the
 * last probe runs, metrics and GPUs. Views and the status bar read `input()` and redraw on `onDidChange`; decisions
 * about what to show are in sidebarModel.ts.
 *
 * Docker unreachable is a state (shown in the Services view with a Retry row), never a popup: connection failures
 * here only change `state`. The observer's events watch reconnects by itself (projectEvents.ts backoff) and a
 * reconnection re-lists, so a daemon that comes back is noticed without the person pressing Retry.
 */
import * as vscode from 'vscode';
import { checkEngine, connectDockerFromProcess, type DockerConnection } from '../stack/docker/dockerApi';
import { GPU_LIST_COMMAND, GPU_QUERY_COMMAND, readGpuState, type GpuState } from '../stack/gpu/gpus';
import { scrapeMetrics, type ServiceMetrics } from '../stack/probe/metricsScrape';
import { MetricsWindow } from '../stack/probe/metricsWindow';
import type { ProbeRun } from '../stack/probe/probe';
import type { ProcessRunner } from '../stack/process/processRunner';
import { ProjectObserver } from '../stack/docker/projectObserver';
import { serviceBaseUrl, type SidebarInput, type StackState, type StartFailure, type TimedProbeRun } from '../stack/views/sidebarModel';
import { withActiveProfiles } from '../stack/runner/profiles';
import { planOffThread } from '../stack/plan/planOffThread';
import { isUnreadable } from '../stack/plan/readPlan';
import type { ServiceProgress, ServiceStatus } from '../stack/stackTypes';
import type { StackPlan } from '../../../server/src/compose/stackPlanTypes';
import { chosenFiles, COMPOSE_FILE_KEY, storedFiles } from './chosenComposeFile';
import type { ColdStartStore } from './coldStarts';
import type { EngineResourcesReporter } from './engineResources';
import type { LocalGpuReporter } from './localGpus';
import { findComposeFiles } from './workspaceFiles';

const GPU_TIMEOUT_MS = 10_000;
/** Workspace state: the Compose profiles chosen per Compose file ({ [file]: string[] }). */
const PROFILES_KEY = 'inferenceStack.profiles';

export class StackController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  state: StackState = { kind: 'no-compose-file' };
  plan: StackPlan | undefined;
  statuses: ServiceStatus[] = [];
  connection: DockerConnection | undefined;
  gpu: GpuState | undefined;
  private probes: Record<string, TimedProbeRun> = {};
  private metrics: Record<string, ServiceMetrics> = {};
  /** Each model service's recent /metrics pages: the view shows the last minute. */
  private readonly metricWindows = new Map<string, MetricsWindow>();
  /** The progress of a Start under way, shown in the views too. */
  private progress: ServiceProgress[] | undefined;
  /** The last Start's failure, until the next Start or Stop (the Services view and the status bar show it). */
  private startFailure: StartFailure | undefined;
  /** Restarts by "Restart Service", per service, since the project was chosen or last stopped. */
  private restartsByYou: Record<string, number> = {};
  private observer: ProjectObserver | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly runner: ProcessRunner,
    readonly coldStarts: ColdStartStore,
    readonly output: vscode.OutputChannel,
    /** Where the machine's readings go to reach the language server (the GPUs, the engine's CPUs and memory). */
    private readonly readings: { localGpus?: LocalGpuReporter; engineResources?: EngineResourcesReporter } = {},
  ) {}

  /** The chosen Compose file (the first, when several were chosen): the stack's profiles and cold starts are kept
   *  under it. */
  get composeFile(): string | undefined {
    return this.composeFiles?.[0];
  }

  /** The chosen Compose files: one (it stands for its project, override included) or several, in merge order. */
  get composeFiles(): string[] | undefined {
    return chosenFiles(this.context.workspaceState.get(COMPOSE_FILE_KEY));
  }

  async setComposeFile(files: string | readonly string[]): Promise<void> {
    const list = typeof files === 'string' ? [files] : [...files];
    const file = list[0];
    // Probe results and metrics belong to the services of one stack.
    if (list.join('\n') !== (this.composeFiles ?? []).join('\n')) this.forgetRun();
    await this.context.workspaceState.update(COMPOSE_FILE_KEY, storedFiles(list));
    this.coldStarts.sendFor(file);
    await this.refresh();
  }

  /** The profiles chosen for `file` (undefined: never asked; COMPOSE_PROFILES then stands). */
  chosenProfiles(file: string): string[] | undefined {
    return this.context.workspaceState.get<Record<string, string[]>>(PROFILES_KEY, {})[file];
  }

  /** Remembers the profiles for `file`; the plan and the views follow. */
  async setProfiles(file: string, profiles: readonly string[]): Promise<void> {
    const all = this.context.workspaceState.get<Record<string, string[]>>(PROFILES_KEY, {});
    await this.context.workspaceState.update(PROFILES_KEY, { ...all, [file]: [...profiles] });
    if (file === this.composeFile) await this.refresh();
  }

  input(): SidebarInput {
    return {
      state: this.state,
      ...(this.plan ? { plan: this.plan } : {}),
      statuses: this.statuses,
      coldStarts: this.coldStarts.get(this.composeFile),
      probes: this.probes,
      metrics: this.metrics,
      now: Date.now(),
      ...(this.progress ? { progress: this.progress } : {}),
      ...(this.startFailure ? { startFailure: this.startFailure } : {}),
      restartsByYou: this.restartsByYou,
    };
  }

  /**
   * What belonged to the containers of a run of the stack: probe results, metrics, the last Start's failure and the
   * restarts counted here. Forgotten on Stop and when another project is chosen, so nothing stale is shown.
   */
  forgetRun(): void {
    this.probes = {};
    this.metrics = {};
    this.metricWindows.clear();
    this.startFailure = undefined;
    this.restartsByYou = {};
    this.fire();
  }

  /** The last Start failed (undefined: a new Start began). */
  noteStartFailure(failure: StartFailure | undefined): void {
    this.startFailure = failure;
    this.fire();
  }

  /** "Restart Service" restarted `service`: Docker's restart count does not count it. */
  noteRestart(service: string): void {
    this.restartsByYou = { ...this.restartsByYou, [service]: (this.restartsByYou[service] ?? 0) + 1 };
    this.fire();
  }

  /**
   * The chosen Compose file, else the workspace's only one, adopted (that is the stack, no need to ask); undefined
   * when there are several or none and nothing was chosen.
   */
  async adoptComposeFile(): Promise<string | undefined> {
    if (this.composeFile) return this.composeFile;
    const found = await findComposeFiles(2);
    if (found.length !== 1 || this.disposed) return undefined;
    await this.setComposeFile(found[0]!.fsPath);
    return this.composeFile;
  }

  /** Re-reads the Compose file, connects if needed and re-lists. The Retry row and the Refresh command land here. */
  async refresh(): Promise<void> {
    const files = this.composeFiles;
    if (!files) {
      // setComposeFile refreshes again, with the file.
      if (await this.adoptComposeFile()) return;
      this.closeWatch();
      this.plan = undefined;
      this.statuses = [];
      this.setState({ kind: 'no-compose-file' });
      return;
    }
    if (this.state.kind === 'docker-down') {
      // Retry: resolve the endpoint again (DOCKER_HOST or the docker context may have changed meanwhile). The same
      // endpoint keeps its connection and observer: a Start and the log terminals are following it.
      const again = connectDockerFromProcess();
      if (!again.ok || again.connection.endpoint.host !== this.connection?.endpoint.host) {
        this.closeWatch();
        this.connection = undefined;
      }
    }
    const plan = await this.loadPlan(files);
    if (this.disposed) return;
    if (isUnreadable(plan)) {
      // Nothing to list without a project name: the views show why the file was not planned.
      this.closeWatch();
      this.statuses = [];
      this.setState({ kind: 'plan-error', message: plan.parseError ?? `cannot read ${plan.file}` });
      return;
    }
    if (!this.connection) {
      const connected = connectDockerFromProcess();
      if (!connected.ok) {
        this.setState({ kind: 'docker-down', problem: connected.problem });
        return;
      }
      for (const w of connected.warnings) this.output.appendLine(`Docker endpoint: ${w}`);
      this.connection = connected.connection;
    }
    if (this.state.kind !== 'ready') this.setState({ kind: 'connecting' });
    const engine = await checkEngine(this.connection);
    if (this.disposed) return;
    this.ensureWatch();
    if (!engine.ok) {
      this.setState({ kind: 'docker-down', problem: engine.problem });
      return;
    }
    // resource-limits-missing sizes its fix from the engine's CPUs and memory.
    void this.readings.engineResources?.update(engine.info);
    await this.relist();
  }

  /**
   * The plan of the chosen file's project (or of the files chosen, in order), read and planned on a worker thread
   * with a deadline (planOffThread.ts); a project that cannot be read, is too large, takes too long or that Compose
   * refuses still gives a plan (with parseError).
   */
  async loadPlan(files: string | readonly string[]): Promise<StackPlan> {
    const list = typeof files === 'string' ? [files] : files;
    const file = list[0]!;
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const { plan, notes } = await planOffThread({ file, ...(list.length > 1 ? { files: list } : {}), roots, env: { ...process.env } });
    for (const note of notes) this.output.appendLine(`Compose file: ${note}`);
    const chosen = this.chosenProfiles(file);
    this.plan = chosen && plan.declaredProfiles ? withActiveProfiles(plan, chosen) : plan;
    return this.plan;
  }

  /**
   * The observer of `project` on `conn`: the one the views follow, replaced when the project or the connection
   * changed (another Compose file, a Retry). A Start and the log terminals take it from here.
   */
  observe(project: string, conn: DockerConnection): ProjectObserver {
    if (this.observer && this.observer.project === project && this.observer.connection === conn) return this.observer;
    this.closeWatch();
    const observer = new ProjectObserver(conn, project);
    observer.subscribe({
      onStatuses: (statuses) => {
        this.statuses = [...statuses];
        this.setState({ kind: 'ready' });
      },
      onListFailed: (problem) => this.setState({ kind: 'docker-down', problem }),
      onDisconnected: (problem) => this.setState({ kind: 'docker-down', problem }),
      onColdStart: (measured) => this.recordColdStart(measured.service, measured.seconds),
    });
    this.observer = observer;
    return observer;
  }

  private ensureWatch(): void {
    const project = this.plan?.project;
    if (project && this.connection) this.observe(project, this.connection);
  }

  private recordColdStart(service: string, seconds: number): void {
    const file = this.composeFile;
    if (!file) return;
    this.output.appendLine(`${service} healthy ${seconds} s after its container started (cold start measured)`);
    void this.coldStarts.record(file, { [service]: seconds }).then(() => this.fire());
  }

  private closeWatch(): void {
    this.observer?.dispose();
    this.observer = undefined;
  }

  scheduleRelist(): void {
    this.observer?.scheduleRelist();
  }

  /** Lists the project's containers now (through the observer). */
  async relist(): Promise<void> {
    this.ensureWatch();
    await this.observer?.relist();
  }

  /** A Start's progress while it runs (undefined: it ended); the views show its phases. */
  noteStartProgress(progress: ServiceProgress[] | undefined): void {
    this.progress = progress;
    if (progress) this.startFailure = undefined;
    this.fire();
  }

  recordProbe(service: string, run: ProbeRun): void {
    this.probes = { ...this.probes, [service]: { run, at: Date.now() } };
    this.fire();
  }

  /** The engine's host for URLs of published ports: the tcp/ssh endpoint's host, else this machine. */
  engineHost(): string {
    const host = this.connection?.endpoint.host ?? '';
    const m = /^(?:tcp|ssh|https?):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(host);
    return m ? m[1]!.replace(/^\[|\]$/g, '') : '127.0.0.1';
  }

  /** The Docker endpoint when it is another machine's (its GPUs are not the ones nvidia-smi shows here). */
  remoteEngine(): string | undefined {
    const host = this.engineHost();
    return ['127.0.0.1', 'localhost', '::1'].includes(host) ? undefined : this.connection?.endpoint.host;
  }

  /** http://host:port of a service's API, when published. */
  baseUrl(service: string): string | undefined {
    const planned = this.plan?.services.find((s) => s.name === service);
    const status = this.statuses.find((s) => s.service === service && s.state === 'running') ?? this.statuses.find((s) => s.service === service);
    return serviceBaseUrl(status, planned, this.engineHost());
  }

  /** Scrapes /metrics of every running model service (only while the Probe & metrics view is visible). */
  async refreshMetrics(): Promise<void> {
    // Model services by image, and any service probed (an engine the plan did not recognise by its image).
    const services = this.plan?.services.filter((s) => s.isModelService || this.probes[s.name]) ?? [];
    const next: Record<string, ServiceMetrics> = {};
    await Promise.all(services.map(async (s) => {
      const base = this.baseUrl(s.name);
      if (!base || !this.statuses.some((c) => c.service === s.name && c.state === 'running')) return;
      let window = this.metricWindows.get(s.name);
      if (!window) this.metricWindows.set(s.name, (window = new MetricsWindow()));
      next[s.name] = await scrapeMetrics(base, s, { trusted: vscode.workspace.isTrusted, window });
    }));
    if (this.disposed) return;
    this.metrics = next;
    this.fire();
  }

  /** Runs nvidia-smi on this machine (only while the GPUs view is visible). */
  async refreshGpus(): Promise<void> {
    const query = await this.runner.exec(GPU_QUERY_COMMAND, { timeoutMs: GPU_TIMEOUT_MS });
    const list = query.exitCode === 0 && !query.error ? await this.runner.exec(GPU_LIST_COMMAND, { timeoutMs: GPU_TIMEOUT_MS }) : undefined;
    if (this.disposed) return;
    this.gpu = readGpuState(query, list);
    void this.readings.localGpus?.update(this.gpu);
    this.fire();
  }

  private setState(state: StackState): void {
    this.state = state;
    this.fire();
  }

  fire(): void {
    if (!this.disposed) this.changed.fire();
  }

  dispose(): void {
    this.disposed = true;
    this.closeWatch();
    this.changed.dispose();
  }
}
