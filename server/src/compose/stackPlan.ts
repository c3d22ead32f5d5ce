/**
 * What a Compose file asks the engine for, read with the language server's own parser (composeFile, service,
 * volumes, interpolation, healthcheck): the project name, and per service the engine, GPU request, bind mounts,
 * published ports, served model name, API port and key. Pre-flight (client/src/stack/runner/preflight.ts) checks these
 * against the host before `up`; the runner and the views use the names and ports. Pure: text, path,
 * environment and an injected Dockerfile reader in, plan out.
 *
 * Sources: compose.json (`ports`, `interpolation`, `name`); docker/compose docs "Specify a project name" and the
 * compose-go loader (`NormalizeProjectName`: lowercase, keep [a-z0-9_-], trim leading `_`/`-`); docker-compose
 * 1.29.2 compose/cli/command.py `get_project_name` (lowercase, keep [-_a-z0-9]: the same, minus the trim).
 */
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { isComposeName } from './composeName';
import type { BuildContextReader } from '../core/analysisOptions';
import { allFlags } from './commandEdits';
import { apiKeySource, oneKey, type ApiKeySource } from '../engines/apiKey';
import { parseCompose, type ComposeFile } from './composeFile';
import { readHealthcheck, imageHealthcheck, servingPort } from './healthcheck';
import { parseDotEnv } from './dotenv';
import { interpolate } from './interpolation';
import { labelledEngine } from './engineLabel';
import { gpuPlacement } from './gpuPlacement';
import { serviceFitInput } from './serviceFit';
import { describeService, findFlag, type ServiceInfo } from './service';
import { splitShortVolume } from './volumes';
import { mountedFolders } from './mountedFolders';
import { plannedModels } from './models';
import { plannedResources } from './resourcePlan';
import { parseShortPort, portRange, protocolOf } from './ports';
import type { PlannedPort, PlannedService, StackPlan } from './stackPlanTypes';
import type { ValueView } from './yamlView';

export interface PlanOptions {
  /** The shell environment compose would see (process.env); it wins over `.env`, as in compose. */
  env?: Record<string, string | undefined>;
  /** The `.env` file beside the Compose file, if any: its text, or its variables (dotEnvFile.ts dotEnvBeside). */
  dotEnv?: string | ReadonlyMap<string, string>;
  /** For `~` in bind mounts; default env.HOME. */
  homedir?: string;
  /**
   * Reads the Dockerfiles of `build:` contexts (relative to the Compose file's folder), so that a service built
   * FROM an engine image gets that engine; the caller passes dockerfile/buildContextFiles.ts `fileBuildContexts`.
   */
  buildContexts?: BuildContextReader;
  /**
   * Where an offset of `text` was written, as "file:line:column" for a parseError; default the offset's place in
   * `file`. The project plan (projectPlan.ts) plans a rendered text and names the file the value came from.
   */
  locate?: (offset: number) => string;
}

/** compose-go loader NormalizeProjectName; empty when nothing usable is left (compose then refuses the name). */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

/**
 * The project name compose uses, in compose's order (docs "Specify a project name"): `-p` (not here),
 * COMPOSE_PROJECT_NAME (shell, then `.env`), the top-level `name:`, else the Compose file's folder name.
 * The runner passes the result as `-p`, so v1 (which ignores `name:`) and v2 agree.
 */
export function projectNameFor(file: string, topLevelName: string | undefined, vars: ReadonlyMap<string, string>): string {
  const candidates = [vars.get('COMPOSE_PROJECT_NAME'), topLevelName, basename(dirname(resolvePath(file)))];
  for (const c of candidates) {
    const n = c ? normalizeProjectName(c) : '';
    if (n) return n;
  }
  return 'default';
}

function servicePorts(info: ServiceInfo, vars: ReadonlyMap<string, string>): PlannedPort[] {
  const out: PlannedPort[] = [];
  for (const item of info.service.map.seq('ports')?.items() ?? []) {
    const long = item.asMap();
    if (long) {
      const str = (key: string) => {
        const raw = long.text(key);
        return raw === undefined ? undefined : interpolate(raw, vars);
      };
      const target = portRange(str('target') ?? '');
      const published = str('published');
      const protocol = protocolOf(str('protocol'));
      if (!target || target.length !== 1 || !published || !protocol) continue;
      for (const hostPort of portRange(published) ?? []) out.push({ hostIp: str('host_ip') ?? '', hostPort, containerPort: target[0]!, protocol });
      continue;
    }
    const raw = item.text;
    const spec = raw === undefined ? undefined : interpolate(raw, vars);
    if (spec) out.push(...parseShortPort(spec));
  }
  return out;
}

function isReadOnlyMode(mode: string | undefined): boolean {
  return (mode ?? '').split(',').includes('ro');
}

function bindMounts(info: ServiceInfo, vars: ReadonlyMap<string, string>, composeDir: string, home: string | undefined): PlannedService['bindMounts'] {
  const { folders, entry } = mountedFolders(info, vars, composeDir, home);
  // Read-only is in the short form's mode or the long form's read_only; find each mount's item by its span.
  const items = new Map<number, ValueView>((entry?.value.asSeq()?.items() ?? []).map((i) => [i.at.start, i]));
  const out: PlannedService['bindMounts'] = [];
  for (const { path, mount } of folders) {
    if (mount.target === undefined) continue;
    const item = items.get(mount.at.start);
    const long = item?.asMap();
    const readOnly = long
      ? long.text('read_only') === 'true'
      : isReadOnlyMode(item?.text !== undefined ? splitShortVolume(item.text)?.mode : undefined);
    out.push({ hostPath: path, containerPath: mount.target, readOnly });
  }
  return out;
}

function firstValue(value: string | undefined, vars: ReadonlyMap<string, string>): string | undefined {
  if (value === undefined) return undefined;
  const v = interpolate(value, vars)?.trim();
  return v ? v : undefined;
}

/** vLLM's API key: --api-key wins over VLLM_API_KEY (vllm-cli-flags.json); `- VLLM_API_KEY` with no value comes from
 *  the shell. */
function serviceApiKey(source: ApiKeySource, flags: ReturnType<typeof allFlags>, info: ServiceInfo, vars: ReadonlyMap<string, string>): string | undefined {
  const envEntry = source.env === undefined ? undefined : info.env.find((e) => e.name === source.env);
  const value = firstValue(findFlag(flags, [source.flag])?.value, vars)
    ?? (envEntry ? (envEntry.value === undefined ? vars.get(envEntry.name) : firstValue(envEntry.value, vars)) : undefined);
  return value === undefined ? undefined : oneKey(source, value);
}

/** `fileVars`: the `.env` alone, to tell a value the workspace wrote from one the shell environment gave. */
function planService(file: ComposeFile, info: ServiceInfo, vars: ReadonlyMap<string, string>, fileVars: ReadonlyMap<string, string>, composeDir: string, home: string | undefined, reader?: BuildContextReader): PlannedService {
  const flags = allFlags(file, info);
  // The stack features (probe, metrics, milestones) follow the label; the linter takes it only as a model service.
  const labelled = info.engine ? undefined : labelledEngine(info.service.map);
  const engine = info.engine ?? labelled;
  const health = readHealthcheck(info);
  const planned: PlannedService = {
    name: info.service.name,
    // The sidebar watches a GPU workload's cold start too, whatever serves in it.
    isModelService: info.isModelService || info.isGpuWorkload || labelled !== undefined,
    requestsGpu: info.gpu.any,
    bindMounts: bindMounts(info, vars, composeDir, home),
    publishedPorts: servicePorts(info, vars),
    hasHealthcheck: health ? !health.disabled : imageHealthcheck(info) !== undefined,
  };
  // Compose pulls an image it does not have; a service it builds is not pulled (pre-flight's image check).
  const image = info.build ? undefined : firstValue(info.image, vars);
  if (image) planned.image = image;
  const pullPolicy = firstValue(info.service.map.text('pull_policy'), vars);
  if (pullPolicy) planned.pullPolicy = pullPolicy;
  const resources = plannedResources(info.service.map, vars);
  if (resources) planned.resources = resources;
  const restart = firstValue(info.service.map.text('restart'), vars);
  if (restart) planned.restart = restart;
  const profiles = (info.service.map.seq('profiles')?.items() ?? []).map((p) => firstValue(p.text, vars)).filter((p): p is string => p !== undefined);
  if (profiles.length) planned.profiles = profiles;
  if (info.engine?.imageHasPython3) planned.imageHasPython = true;
  const placement = gpuPlacement(info, vars);
  if (placement) planned.gpuPlacement = { gpus: placement.gpus, share: placement.share, shareFrom: placement.shareFrom, replicas: placement.replicas };
  const fit = placement ? serviceFitInput(file, info, { reader }) : undefined;
  if (fit?.known) planned.fit = fit.input;
  if (engine) {
    planned.engine = engine.id;
    const port = servingPort(info, engine, vars);
    if (typeof port === 'number') planned.apiPort = port;
    if (engine.metricsPath) planned.metricsPath = engine.metricsPath;
  }
  if (engine?.id === 'nim') {
    // NIM names the model it serves from NIM_SERVED_MODEL_NAME (nim-facts.json `env_vars`).
    const entry = info.env.find((e) => e.name === 'NIM_SERVED_MODEL_NAME');
    const served = firstValue(entry?.value, vars);
    if (served) planned.servedModelName = served;
  }
  if (engine?.id === 'vllm' || engine?.id === 'sglang') {
    const served = firstValue(findFlag(flags, ['--served-model-name'])?.value, vars);
    if (served) planned.servedModelName = served;
  }
  const keySource = engine ? apiKeySource(engine.id) : undefined;
  if (keySource) {
    const key = serviceApiKey(keySource, flags, info, vars);
    if (key) {
      planned.apiKey = key;
      if (keySource.env) planned.apiKeyEnv = keySource.env;
    }
    // Another key without the shell environment: the shell gave it, so it is the person's secret, not the workspace's.
    if (key && serviceApiKey(keySource, flags, info, fileVars) !== key) planned.apiKeyFromEnvironment = true;
  }
  return planned;
}

/** COMPOSE_PROFILES: comma-separated profile names (compose's cli flag default); blanks dropped. */
export function parseProfileList(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(',').map((p) => p.trim()).filter(Boolean))];
}

/** Reads a Compose file into a StackPlan. Never throws: a file that does not parse gives `parseError`. */
export function planStack(text: string, file: string, opts: PlanOptions = {}): StackPlan {
  const absFile = resolvePath(file);
  const dotEnv = typeof opts.dotEnv === 'string' ? parseDotEnv(opts.dotEnv) : (opts.dotEnv ?? new Map<string, string>());
  // compose.json interpolation: the shell environment wins over `.env`.
  const vars = new Map(dotEnv);
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) vars.set(k, v);
  const home = opts.homedir ?? opts.env?.HOME;
  const parsed = parseCompose(text, vars);
  const rawName = parsed.root?.text('name');
  const topName = rawName === undefined ? undefined : interpolate(rawName, vars);
  const plan: StackPlan = { file: absFile, files: [absFile], project: projectNameFor(absFile, topName, vars), services: [] };
  const locate = opts.locate ?? ((offset: number) => {
    const pos = parsed.lines.positionAt(offset);
    return `${absFile}:${pos.line + 1}:${pos.character + 1}`;
  });
  const firstError = parsed.syntaxErrors[0];
  if (firstError) {
    plan.parseError = `${locate(firstError.span.start)}: ${firstError.message}`;
    return plan;
  }
  if (!parsed.root || !parsed.root.has('services')) {
    plan.parseError = `${absFile}: not a Compose file (no top-level "services:" map)`;
    return plan;
  }
  // Compose refuses the whole file over one such name; a name is never used (nor shown) unless it is a Compose name.
  const badName = parsed.services.find((s) => !isComposeName(s.name));
  if (badName) {
    plan.parseError = `${locate(badName.keyAt.start)}: not a valid service name: Compose accepts only letters, digits, ".", "_" and "-" in service names, and refuses this file`;
    return plan;
  }
  const composeDir = dirname(absFile);
  plan.services = parsed.services.map((s) => planService(parsed, describeService(s, vars, opts.buildContexts), vars, dotEnv, composeDir, home, opts.buildContexts));
  const models = plannedModels(parsed, vars);
  if (models.length) plan.models = models;
  const declared = [...new Set(plan.services.flatMap((s) => s.profiles ?? []))].sort();
  if (declared.length) plan.declaredProfiles = declared;
  // Only what the file declares (and `*`): the start passes these as --profile flags.
  const fromEnv = parseProfileList(vars.get('COMPOSE_PROFILES')).filter((p) => p === '*' || declared.includes(p));
  if (fromEnv.length) plan.activeProfiles = fromEnv;
  return plan;
}
