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
  /** The API key the engine demands (--api-key, VLLM_API_KEY), resolved with .env, for the probe only: never shown. */
  apiKey?: string;
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
}
