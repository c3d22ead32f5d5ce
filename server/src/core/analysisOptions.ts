import type { Severity } from './types';

export type RuleSetting = Severity | 'off';

/** Everything that shapes an analysis besides the text itself. Same for the server, the CLI and tests. */
export interface AnalysisOptions {
  /** `inferenceStack.coldStartSeconds` / `--cold-start`: the expected model cold start in seconds. */
  coldStartSeconds?: number;
  /** Cold starts measured by the client at the last real start, keyed by service name. */
  measuredColdStarts?: Readonly<Record<string, number>>;
  /** Per-rule severity or 'off' (`inferenceStack.rules`). */
  rules?: Readonly<Record<string, RuleSetting>>;
  /** Variables of the `.env` file beside the Compose file. */
  dotEnv?: ReadonlyMap<string, string>;
  /**
   * Reads the Dockerfiles of services' local `build:` contexts, so that a service built `FROM vllm/vllm-openai`
   * is known to run vLLM. Injected, so the analysis stays pure: the server, the CLI and the stack plan read files
   * beside the Compose file (dockerfile/buildContextFiles.ts), tests hand in a map. None: only
   * `dockerfile_inline` is read.
   */
  buildContexts?: BuildContextReader;
  /**
   * The analysed file's path (only its base name is read): `compose.override.yaml` is a fragment of a project.
   * The server and the CLI set it; none: the name tells nothing.
   */
  fileName?: string;
  /** The project the file belongs to, from the project loader; none: the file is judged alone. */
  project?: ProjectContext;
  /**
   * The GPU the stack will run on (`inferenceStack.gpu` / `inference-stack fit --gpu`): memory per GPU as nvidia-smi
   * reports it, the table's name when one was named, and how many the host has when known; `from` says where it
   * came from when messages should tell (this machine's nvidia-smi). None: the memory rules (model-does-not-fit,
   * kv-cache-below-max-model-len, gpu-device-missing) stay quiet; a GPU is never guessed.
   */
  gpu?: { name?: string; memoryBytes: number; count?: number; from?: string };
  /**
   * How many GPUs the machine the stack starts on has (this machine's nvidia-smi, or `--gpus N`), for
   * gpu-device-missing; `from` names the source in messages. None: that rule stays quiet.
   */
  hostGpus?: { count: number; from: string };
  /**
   * What the Docker engine the stacks start on has (`docker info` NCPU and MemTotal, sent by the extension when it last
   * reached the engine: ENGINE_RESOURCES_NOTIFICATION). resource-limits-missing sizes its fix from it; none: the fix
   * writes placeholders. The CLI does not set it (it may run where no stack runs: CI).
   */
  engineResources?: { cpus?: number; memoryBytes?: number };
  /**
   * config.json texts of models the table lacks, fetched from the Hugging Face Hub where the person allowed network
   * access (`inference-stack fit --hub`), by model id. Never filled otherwise.
   */
  hubModelConfigs?: Readonly<Record<string, string>>;
}

/** What the other files of the analysed file's project contribute (files named with `-f`, overrides, includes). */
export interface ProjectContext {
  /**
   * Names defined in the project's OTHER files (and their includes), by top-level section: a reference to one of
   * them is not undefined, though this file does not define it.
   */
  definedElsewhere: {
    services: ReadonlySet<string>;
    networks: ReadonlySet<string>;
    volumes: ReadonlySet<string>;
    configs: ReadonlySet<string>;
    secrets: ReadonlySet<string>;
    models: ReadonlySet<string>;
  };
  /**
   * The project is this file alone, read as several YAML documents (which Compose merges): it may still be one of
   * the files a person names with `-f`, so a name no document defines is reported only where the file could stand
   * alone, as without a project.
   */
  fileAlone?: boolean;
}

/** Where the Dockerfile of a Compose `build:` comes from; relative paths are resolved by whoever made it. */
export interface BuildContextReader {
  /**
   * The text of `dockerfile` (as written in `build.dockerfile`, `Dockerfile` when unset: relative to the context
   * unless absolute) in the local build context `context` (as written: relative to the Compose file's folder
   * unless absolute). Undefined when it cannot be read: missing, not a file, or too large. Never throws.
   */
  readDockerfile(context: string, dockerfile: string): string | undefined;
  /**
   * The text of another file the Compose file names (a bind mount's source: vLLM's `--config` YAML), `path` as
   * written: relative to the Compose file's folder unless absolute. Same limits as a Dockerfile. Absent from a
   * reader made for Dockerfiles alone: nothing else is read then.
   */
  readFile?(path: string): string | undefined;
}
