/**
 * The shapes the stack modules hand each other and the VS Code layer shows. Types only: the modules that fill them
 * are dockerApi.ts (connection and its problems), projectContainers.ts (containers of a Compose project), preflight.ts and
 * stackRunner.ts (start / stop), and the views read them. What a Compose file asks for (PlannedService, StackPlan) is
 * typed beside the plan, in server/src/compose/stackPlanTypes.ts.
 */

/** Why the Docker engine cannot be used; the sidebar shows it with a retry, never as a popup loop. */
export type DockerProblemId =
  | 'daemon-down' // nothing listens on the socket (ENOENT / ECONNREFUSED on a unix socket)
  | 'permission-denied' // EACCES on the socket: the user is not in the docker group
  | 'remote-unreachable' // tcp:// or a context's host does not answer (ECONNREFUSED, EHOSTUNREACH, ETIMEDOUT)
  | 'timeout' // the engine accepted the connection but did not answer in time
  | 'endpoint-invalid' // DOCKER_HOST / context cannot be used (resolveDockerEndpoint or toDockerodeOptions said no)
  | 'engine-error'; // the engine answered with an error

export interface DockerProblem {
  id: DockerProblemId;
  /** One sentence a person reads first, naming the endpoint: "Docker is not running at unix:///var/run/docker.sock". */
  title: string;
  /** What to do, in order. */
  steps: string[];
  /** The underlying error text (masked), for the output channel. */
  detail?: string;
  /** The endpoint in words (describeEndpoint). */
  endpoint?: string;
}

export interface EngineInfo {
  /** `docker version` server version. */
  version: string;
  /** Names of the engine's runtimes (`docker info` Runtimes): "nvidia" when the NVIDIA Container Toolkit set one up. */
  runtimes: string[];
  /** Whether the engine reports CDI spec dirs / an nvidia runtime: a GPU reservation can work. */
  gpuCapable: boolean;
  /** Engine OS/host name, for the sidebar tooltip. */
  name?: string;
  /** `docker info` NCPU: the CPUs the engine can give a container (a Docker Desktop VM's, not the host's). The engine
   *  refuses a container whose CPU limit is above it. */
  cpus?: number;
  /** `docker info` MemTotal, in bytes: the memory the engine's machine (or VM) has. */
  memoryBytes?: number;
}

export type ContainerState = 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'removing';
export type HealthState = 'starting' | 'healthy' | 'unhealthy';

export interface PublishedPort {
  /** Host address as the engine reports it ("0.0.0.0", "127.0.0.1", "::"). */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** One container of a Compose project, as the Services view shows it. */
export interface ServiceStatus {
  /** com.docker.compose.service */
  service: string;
  /** com.docker.compose.container-number (1 unless scaled). */
  replica: number;
  containerId: string;
  containerName: string;
  image: string;
  state: ContainerState;
  health?: HealthState;
  /** The output of the last healthcheck run, trimmed and masked. */
  lastHealthOutput?: string;
  lastHealthExitCode?: number;
  /** Epoch ms; undefined when never started. */
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  oomKilled?: boolean;
  restartCount: number;
  ports: PublishedPort[];
  /** The engine's own error for a container that could not start (State.Error), masked. */
  error?: string;
}

export type PreflightId =
  | 'docker-unreachable'
  | 'compose-missing'
  | 'gpu-runtime-missing'
  | 'bind-mount-missing'
  | 'port-in-use'
  | 'compose-file-invalid'
  | 'model-runner-unavailable'
  | 'gpu-device-missing'
  | 'gpu-oversubscribed'
  | 'gpu-memory-taken'
  | 'model-does-not-fit'
  | 'resource-limit-refused' // a CPU or memory value the engine refuses to create a container with (resourceCheck.ts)
  | 'memory-above-engine' // a memory limit or reservation above what the engine has: accepted, but unwise
  | 'image-unavailable' // an image the engine lacks and cannot pull, or must not (imageCheck.ts)
  | 'variable-unset'; // `${VAR}` nothing sets (variableCheck.ts)

export type PreflightAction = 'retry' | 'start-anyway' | 'open-toolkit-steps' | 'open-settings' | 'open-file' | 'install-compose' | 'create-env-file';

export interface PreflightIssue {
  id: PreflightId;
  /** A blocker stops the start; a warning offers "Start anyway". */
  severity: 'blocker' | 'warning';
  service?: string;
  title: string;
  steps: string[];
  actions: PreflightAction[];
  /** For 'create-env-file': the example to copy and the `.env` to create (absolute; beside the Compose file). */
  envFile?: { from: string; to: string };
}

/** A service's phase while the stack starts, in the order it moves through them. */
export type StartPhase =
  | 'waiting' // not created yet
  | 'creating'
  | 'starting' // container running, no engine milestone yet
  | 'loading' // the engine logs that it loads weights / compiles / warms up
  | 'healthy' // healthcheck passed
  | 'running' // no healthcheck: running is as far as we can tell
  | 'paused'
  | 'unhealthy'
  | 'restarting'
  | 'exited'
  | 'failed'; // a fatal engine error in its logs

export interface ServiceProgress {
  service: string;
  phase: StartPhase;
  /** The detail under the phase: the engine milestone ("Loading weights took 12.3 s"), the fatal error, the exit code. */
  detail?: string;
  /** ms since this service's container started (or since `up` when not started yet). */
  elapsedMs: number;
  /** Seconds from container start to first healthy, once measured. */
  coldStartSeconds?: number;
}

export type StartOutcome =
  | { kind: 'ready'; services: ServiceProgress[]; coldStarts: Record<string, number> }
  | { kind: 'failed'; services: ServiceProgress[]; coldStarts: Record<string, number>; reason: string }
  | { kind: 'compose-error'; exitCode: number | null; verbatim: string; explanations: { title: string; explanation: string; steps: string[] }[] }
  | { kind: 'blocked'; issues: PreflightIssue[] }
  | { kind: 'cancelled'; services: ServiceProgress[] }
  | { kind: 'timeout'; services: ServiceProgress[] };
