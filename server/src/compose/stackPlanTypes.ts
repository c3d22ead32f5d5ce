/**
 * What a Compose file asks for (the stack plan, compose/stackPlan.ts), as pre-flight, the start runner and the views
 * read it. The client imports these types from here: the plan and its shape live together.
 */
import type { EngineId } from '../engines/engines';
import type { ServiceFitInput } from './serviceFit';

/** A host port a service publishes, as the Compose file says. */
export interface PlannedPort {
  /** "" = all interfaces. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

/** What a Compose file asks for, read from its YAML (the language server's parser), for pre-flight and the views. */
export interface PlannedService {
  name: string;
  /** The engine, when the image (or the service's `inference-stack.engine` label) names a known one. */
  engine?: EngineId;
  isModelService: boolean;
  /** GPUs requested: deploy.resources.reservations.devices with gpu capability, `gpus:`, or `runtime: nvidia`. */
  requestsGpu: boolean;
  /** Host folders bind-mounted into the service, absolute (resolved against the Compose file's folder). */
  bindMounts: { hostPath: string; containerPath: string; readOnly: boolean }[];
  /** Published host ports (compose/ports.ts). */
  publishedPorts: PlannedPort[];
  /** --served-model-name (first) for vLLM/SGLang, when the command gives one. */
  servedModelName?: string;
  /** The container port the engine serves its API on (engine default or --port). */
  apiPort?: number;
  /** Where the engine serves Prometheus metrics on the API port, when not `/metrics` (NIM: `/v1/metrics`). */
  metricsPath?: string;
  hasHealthcheck: boolean;
  /** The API key the engine demands (--api-key, or its env var: engines/apiKey.ts), resolved with .env, for the probe
   *  only: never shown. */
  apiKey?: string;
  /** The env var the engine reads its key from (VLLM_API_KEY, API_KEY, LLAMA_API_KEY), when it has one. */
  apiKeyEnv?: string;
  /** The API key's value came from the extension host's environment (`${VAR}` or a bare `- VLLM_API_KEY` resolved from
   *  the shell): sent only to a trusted workspace's services (trustPolicy.ts requestApiKey). */
  apiKeyFromEnvironment?: true;
  /** `restart:` as written ("no", "always", "on-failure[:N]", "unless-stopped"), interpolated; absent = "no". */
  restart?: string;
  /** The engine's own image has python3 (EngineSpec.imageHasPython3), so the accuracy probe script can run inside it;
   *  a labelled custom image gives no such promise. */
  imageHasPython?: boolean;
  /** `profiles:`: compose starts the service only when one of them is active (absent = always starts). */
  profiles?: string[];
  /** The host GPUs its engine runs on and the share of each it takes, when the file says so for certain
   *  (compose/gpuPlacement.ts): the GPUs view's plan. */
  gpuPlacement?: { gpus: string[]; share: number; shareFrom: string; replicas: number };
  /** What vLLM's memory estimate needs besides the GPU (compose/serviceFit.ts), when the file says it all: pre-flight
   *  runs it on the GPU the service will use. */
  fit?: ServiceFitInput['input'];
  /** `image:` interpolated, for a service without `build:` (Compose pulls it when the engine lacks it); absent when a
   *  variable it needs is unset. */
  image?: string;
  /** `pull_policy:` as written, interpolated ("always", "never", "missing", "build", "daily"…); absent = missing. */
  pullPolicy?: string;
  /** The CPU and memory limits and reservations Compose applies to each container (compose/resourcePlan.ts). */
  resources?: PlannedResources;
}

/** A value of a service's resources, with the key that set it as written ("deploy.resources.limits.cpus", "cpus"). */
export interface PlannedAmount {
  value: number;
  /** The text as written (interpolated): `"8"`, `32g`. */
  text: string;
  key: string;
}

/**
 * What Compose applies to each container of a service (per container: replicas do not add up), as docker compose and
 * docker-compose do: `deploy.resources.limits` over the legacy `cpus` and `mem_limit`, `reservations.memory` over
 * `mem_reservation`. `reservations.cpus` is not applied outside Swarm and is not here.
 */
export interface PlannedResources {
  /** CPUs (NanoCPUs / 1e9). */
  cpus?: PlannedAmount;
  /** `cpuset:`: the host CPUs the container may run on, as written ("0-3,6"); `value` is how many it names. */
  cpuset?: PlannedAmount;
  /** Bytes. */
  memoryLimit?: PlannedAmount;
  memoryReservation?: PlannedAmount;
}

/** A `${VAR}` of the project's Compose files that neither the shell nor the env files set (compose/unsetVariables.ts). */
export interface PlannedVariable {
  name: string;
  /** `${VAR:?message}` / `${VAR?message}`: Compose refuses the project; else it warns and uses "". */
  required: boolean;
  /** Where it is first written: "file:line:column". */
  at: string;
}

/**
 * A model Docker Model Runner serves for the project (compose/models.ts): a top-level `models:` entry, or a
 * `provider:` service of `type: model`. Pre-flight checks `docker model` answers when there is one.
 */
export interface PlannedModel {
  /** The top-level key, or the provider service's name. */
  name: string;
  /** The OCI reference Model Runner pulls (`ai/smollm2`), interpolated; absent when not written. */
  model?: string;
  /** The services that use it (`models:`, or `depends_on` a provider service). */
  usedBy: string[];
  source: 'models' | 'provider';
}

export interface StackPlan {
  /** Absolute path of the Compose file: the first of `files`, the one the stack is remembered by. */
  file: string;
  /** The Compose files of the project, absolute, in merge order: `-f` each for every compose command. */
  files: string[];
  /** `--env-file` each: set only when Compose run on `files` would not find them itself (not the `.env` beside the
   *  first file), e.g. the `.env` that named them in `COMPOSE_FILE` from another folder. */
  envFiles?: string[];
  /** `--project-directory`: set only when it is not the first file's folder. */
  projectDirectory?: string;
  /** The Compose project name, as compose derives it (name:, COMPOSE_PROJECT_NAME, else the folder's name). */
  project: string;
  services: PlannedService[];
  /** The models Docker Model Runner serves for it; absent when none. */
  models?: PlannedModel[];
  /** Every profile a service names, sorted; absent when none does. */
  declaredProfiles?: string[];
  /**
   * The profiles a start activates (`--profile` each): those of COMPOSE_PROFILES (shell, then `.env`) the file
   * declares, or the person's choice (profiles.ts withActiveProfiles). Absent = none: only services without
   * `profiles:` start.
   */
  activeProfiles?: string[];
  /** Compose refuses the project (the YAML does not parse, a file is missing, an `extends` cycle…): its message. */
  parseError?: string;
  /** The variables the project's Compose files use that nothing sets, each once, in the order written; absent when
   *  none (or the plan was made from one text: planStack). */
  unsetVariables?: PlannedVariable[];
}
