/**
 * What we know about each serving engine, in one typed table. Every entry names where it was read
 * (see server/src/engines/facts/serving-engines.json, vllm-cli-flags.json, vllm-env.json and their `source` fields).
 */
import { VLLM_ENV_VARS, VLLM_FLAGS } from './vllmFacts.generated';
import type { Launcher } from './engineArgv';

export type EngineId = 'vllm' | 'tgi' | 'sglang' | 'ollama' | 'llamacpp' | 'triton' | 'tei' | 'nim';

export interface EngineSpec {
  id: EngineId;
  name: string;
  /** Where the facts below were read. */
  source: string;
  /** Matched against the image reference without its tag or digest. */
  images: readonly RegExp[];
  /**
   * Matched against the tag of any image: images built on the engine's that name it and its release in their tag
   * (`myorg/inference:vllm-openai-v0.9.1`).
   */
  releaseTags?: readonly RegExp[];
  /** Matched against the entrypoint and command joined by spaces. */
  commands: readonly RegExp[];
  /** The words that start the engine's server: its arguments follow them. */
  launchers: readonly Launcher[];
  /** What the image's ENTRYPOINT already runs, so a `command:` holds only its arguments. */
  imageEntrypoint: readonly string[];
  defaultPort: number;
  healthPath: string;
  /** Prometheus metrics on the API port, when not at `/metrics`. */
  metricsPath?: string;
  /** A Compose healthcheck `test` that works inside the engine's own image (curl is there unless noted). */
  healthTest(port: number): string[];
  /** Container paths where the engine keeps downloaded weights (mount a volume at one of these). */
  cachePaths: readonly string[];
  /** Flags that name the model to serve. */
  modelFlags: readonly string[];
  tensorParallelFlags: readonly string[];
  pipelineParallelFlags: readonly string[];
  /** Env vars that set the same sizes, for engines configured from env (TGI's NUM_SHARD, NIM's NIM_TENSOR_PARALLEL_SIZE). */
  tensorParallelEnv?: string;
  pipelineParallelEnv?: string;
  /**
   * Data parallelism in one container multiplies the GPUs it uses (each replica holds tensor × pipeline GPUs):
   * the size flags, the "replicas on this node" flags that win over them, and the flags that make this container a
   * single rank of an externally balanced group (then it holds one replica). Absent for engines where it is not so.
   */
  dataParallel?: { sizeFlags: readonly string[]; localSizeFlags: readonly string[]; singleRankFlags: readonly string[] };
  /**
   * True when the engine reads its settings from environment variables (TGI, TEI, llama.cpp's LLAMA_ARG_*);
   * false when only its command line counts (vLLM, SGLang).
   */
  settingsFromEnv: boolean;
  /** Env vars people set expecting a setting, which the engine never reads, mapped to the flag that works. */
  ignoredEnvToFlag: Readonly<Record<string, string>>;
  /** The engine's GPU memory share setting, when it has one. */
  gpuMemoryFlag?: { flag: string; default?: number; env?: string };
  /** Whether the engine serves models on GPUs by default (CPU-only engines need no reservation). */
  needsGpu: boolean;
  /**
   * Whether `python3` is on the PATH of the engine's own image, so the accuracy probe (probe.py) can run inside it as
   * the healthcheck (serving-engines.json `image_python3`). A custom image labelled as the engine gives no such promise.
   */
  imageHasPython3: boolean;
  /**
   * Whether curl, wget and python3 are in the engine's own image, for a healthcheck to run (true: shipped, false: not,
   * absent: unknown). Where tags differ (hardware variants on other base images), the first entry whose `tags` matches
   * the image's tag (`latest` when none) counts; no entry: unknown. `source` names the fact.
   */
  imageTools: readonly { tags?: RegExp; curl?: boolean; wget?: boolean; python3?: boolean; source: string }[];
  /** Every flag the engine accepts, when the full list is known (vLLM); undefined means "do not check". */
  knownFlags?: ReadonlySet<string>;
}

const curl = (port: number, path: string) => ['CMD', 'curl', '-fsS', `http://localhost:${port}${path}`];

/** vLLM options people put in env vars, which vLLM never reads (vllm-env.json claim_checks). */
const VLLM_ENV_LOOKALIKES: Record<string, string> = {
  GPU_MEMORY_UTILIZATION: '--gpu-memory-utilization',
  VLLM_GPU_MEMORY_UTILIZATION: '--gpu-memory-utilization',
  MAX_MODEL_LEN: '--max-model-len',
  VLLM_MAX_MODEL_LEN: '--max-model-len',
  MAX_NUM_SEQS: '--max-num-seqs',
  VLLM_MAX_NUM_SEQS: '--max-num-seqs',
  TENSOR_PARALLEL_SIZE: '--tensor-parallel-size',
  VLLM_TENSOR_PARALLEL_SIZE: '--tensor-parallel-size',
  PIPELINE_PARALLEL_SIZE: '--pipeline-parallel-size',
  DTYPE: '--dtype',
  VLLM_DTYPE: '--dtype',
  QUANTIZATION: '--quantization',
  VLLM_QUANTIZATION: '--quantization',
  MAX_NUM_BATCHED_TOKENS: '--max-num-batched-tokens',
  SERVED_MODEL_NAME: '--served-model-name',
  VLLM_SERVED_MODEL_NAME: '--served-model-name',
  KV_CACHE_DTYPE: '--kv-cache-dtype',
  ENFORCE_EAGER: '--enforce-eager',
  TRUST_REMOTE_CODE: '--trust-remote-code',
  VLLM_TRUST_REMOTE_CODE: '--trust-remote-code',
  VLLM_MODEL: '--model',
  MODEL_NAME: '--model',
  VLLM_HOST: '--host',
};

const SGLANG_ENV_LOOKALIKES: Record<string, string> = {
  MEM_FRACTION_STATIC: '--mem-fraction-static',
  SGLANG_MEM_FRACTION_STATIC: '--mem-fraction-static',
  GPU_MEMORY_UTILIZATION: '--mem-fraction-static',
  TP_SIZE: '--tp-size',
  TENSOR_PARALLEL_SIZE: '--tp-size',
  CONTEXT_LENGTH: '--context-length',
  MODEL_PATH: '--model-path',
};

/** `vllm-openai-v0.9.1`, `vllm-0.10.1-cu128`: a derived image that says which vLLM release it carries. */
const VLLM_RELEASE_TAG = /(^|[-_.])vllm(-openai)?[-_]v?\d+\.\d+/i;

export const VLLM: EngineSpec = {
  id: 'vllm',
  name: 'vLLM',
  source: 'vllm-project/vllm 52a31cce (2026-05-27): arg_utils.py, cli_args.py, envs.py, docker/Dockerfile',
  images: [/(^|\/)vllm\/vllm-openai$/, /(^|\/)vllm-openai(-nonroot)?$/, /(^|\/)vllm\/vllm-(tpu|cpu|rocm)$/, /(^|\/)rocm\/vllm(-dev)?$/],
  releaseTags: [VLLM_RELEASE_TAG],
  commands: [/(^|\s|\/)vllm\s+serve\b/, /\bvllm\.entrypoints\.openai\.api_server\b/, /\bvllm\.entrypoints\.api_server\b/],
  launchers: [{ program: /(^|\/)vllm$/, subcommand: 'serve' }, { pythonModule: /^vllm\.entrypoints\.(openai\.)?api_server$/ }],
  imageEntrypoint: ['vllm', 'serve'],
  defaultPort: 8000,
  healthPath: '/health',
  healthTest: (port) => curl(port, '/health'),
  cachePaths: ['/root/.cache/huggingface', '/home/vllm/.cache/huggingface'],
  modelFlags: ['--model'],
  tensorParallelFlags: ['--tensor-parallel-size', '-tp'],
  pipelineParallelFlags: ['--pipeline-parallel-size', '-pp'],
  // vllm-cli-flags.json: --data-parallel-size/-dp, --data-parallel-size-local/-dpl ("DP replicas on this node"),
  // --data-parallel-rank/-dpn ("DP rank of this instance; enables external-LB mode").
  dataParallel: { sizeFlags: ['--data-parallel-size', '-dp'], localSizeFlags: ['--data-parallel-size-local', '-dpl'], singleRankFlags: ['--data-parallel-rank', '-dpn'] },
  settingsFromEnv: false,
  ignoredEnvToFlag: VLLM_ENV_LOOKALIKES,
  gpuMemoryFlag: { flag: '--gpu-memory-utilization', default: 0.92 },
  needsGpu: true,
  imageHasPython3: true,
  imageTools: [{ curl: true, python3: true, source: 'vllm-env.json vllm_openai_image.tools_in_image (docker/Dockerfile at 52a31cce)' }],
  knownFlags: new Set(VLLM_FLAGS.flatMap((f) => [f.flag, ...f.aliases, ...(f.negatable ? [f.flag.replace(/^--/, '--no-')] : [])])),
};

export const TGI: EngineSpec = {
  id: 'tgi',
  name: 'Hugging Face TGI',
  source: 'huggingface/text-generation-inference db931fcf (v3.3.7+1): launcher/src/main.rs, Dockerfile',
  images: [/(^|\/)huggingface\/text-generation-inference$/],
  commands: [/\btext-generation-launcher\b/],
  launchers: [{ program: /(^|\/)text-generation-launcher$/ }],
  imageEntrypoint: ['/tgi-entrypoint.sh'],
  defaultPort: 80,
  healthPath: '/health',
  healthTest: (port) => curl(port, '/health'),
  cachePaths: ['/data'],
  modelFlags: ['--model-id'],
  tensorParallelFlags: ['--num-shard'],
  pipelineParallelFlags: [],
  tensorParallelEnv: 'NUM_SHARD',
  settingsFromEnv: true,
  ignoredEnvToFlag: { GPU_MEMORY_UTILIZATION: '--cuda-memory-fraction' },
  gpuMemoryFlag: { flag: '--cuda-memory-fraction', default: 1, env: 'CUDA_MEMORY_FRACTION' },
  needsGpu: true,
  imageHasPython3: true,
  // The -trtllm, -rocm, -intel-*, -neuron and -gaudi tags are built on other bases: unknown.
  imageTools: [{ tags: /^(?!.*-(?:trtllm|rocm|intel-xpu|intel-cpu|neuron|gaudi)$)/, curl: true, wget: false, python3: true, source: 'tgi-flags.json image.ships (Dockerfile at db931fcf, on nvidia/cuda base)' }],
};

export const SGLANG: EngineSpec = {
  id: 'sglang',
  name: 'SGLang',
  source: 'sgl-project/sglang 8905cbd4 (2026-07-20): server_args.py, http_server.py, docker/compose.yaml',
  images: [/(^|\/)lmsysorg\/sglang$/],
  commands: [/\bsglang\.launch_server\b/, /(^|\s|\/)sglang\s+serve\b/],
  launchers: [{ pythonModule: /^sglang\.launch_server$/ }, { program: /(^|\/)sglang$/, subcommand: 'serve' }],
  imageEntrypoint: [],
  defaultPort: 30000,
  healthPath: '/health',
  healthTest: (port) => curl(port, '/health'),
  cachePaths: ['/root/.cache/huggingface'],
  modelFlags: ['--model-path', '--model'],
  tensorParallelFlags: ['--tp-size', '--tensor-parallel-size', '--tp'],
  pipelineParallelFlags: ['--pp-size', '--pipeline-parallel-size'],
  settingsFromEnv: false,
  ignoredEnvToFlag: SGLANG_ENV_LOOKALIKES,
  gpuMemoryFlag: { flag: '--mem-fraction-static' },
  needsGpu: true,
  imageHasPython3: true,
  imageTools: [{ curl: true, wget: true, python3: true, source: 'sglang-flags.json image.ships (docker/Dockerfile at 8905cbd4)' }],
};

export const OLLAMA: EngineSpec = {
  id: 'ollama',
  name: 'Ollama',
  source: 'ollama/ollama fb307609 (v0.33.0-rc2): Dockerfile, envconfig/config.go, server/routes.go',
  images: [/(^|\/)ollama\/ollama$/],
  commands: [/(^|\s|\/)ollama\s+serve\b/],
  launchers: [{ program: /(^|\/)ollama$/, subcommand: 'serve' }],
  imageEntrypoint: ['/bin/ollama'],
  defaultPort: 11434,
  healthPath: '/',
  // The image has no curl (ubuntu + ca-certificates only); `ollama list` asks the server and fails when it is down.
  healthTest: () => ['CMD', 'ollama', 'list'],
  cachePaths: ['/root/.ollama'],
  modelFlags: [],
  tensorParallelFlags: [],
  pipelineParallelFlags: [],
  settingsFromEnv: true,
  ignoredEnvToFlag: {},
  needsGpu: false,
  imageHasPython3: false,
  imageTools: [{ curl: false, wget: false, python3: false, source: 'ollama-flags.json image.ships: its Dockerfile at fb307609 adds only ca-certificates, libvulkan1 and libopenblas0 to ubuntu:24.04' }],
};

export const LLAMACPP: EngineSpec = {
  id: 'llamacpp',
  name: 'llama.cpp server',
  source: 'ggml-org/llama.cpp 3f545bec (2026-08-22): tools/server/README.md, .devops/cuda.Dockerfile',
  images: [/(^|\/)ggml-org\/llama\.cpp$/, /(^|\/)ggerganov\/llama\.cpp$/],
  commands: [/(^|\s|\/)llama-server\b/],
  launchers: [{ program: /(^|\/)llama-server$/ }],
  imageEntrypoint: ['/app/llama-server'],
  defaultPort: 8080,
  healthPath: '/health',
  healthTest: (port) => curl(port, '/health'),
  cachePaths: ['/models', '/root/.cache/llama.cpp'],
  modelFlags: ['-m', '--model', '-hf', '--hf-repo', '-mu', '--model-url'],
  tensorParallelFlags: [],
  pipelineParallelFlags: [],
  settingsFromEnv: true,
  ignoredEnvToFlag: {},
  needsGpu: false,
  imageHasPython3: false,
  // cuda, cpu and vulkan.Dockerfile install libgomp1 and curl on nvidia/cuda or ubuntu, the full stage adds python3;
  // the rocm, intel, openvino, musa… tags start from bases that may have wget: unknown.
  imageTools: [
    { tags: /^(?:server|light)(?:-cuda\d*|-vulkan)?(?:-b\d+)?$/, curl: true, wget: false, python3: false, source: 'llamacpp-flags.json image.ships (.devops/cuda.Dockerfile at 3f545bec)' },
    { tags: /^full(?:-cuda\d*|-vulkan)?(?:-b\d+)?$/, curl: true, wget: false, python3: true, source: 'llamacpp-flags.json image (.devops/cuda.Dockerfile at 3f545bec, full stage)' },
  ],
};

export const TRITON: EngineSpec = {
  id: 'triton',
  name: 'NVIDIA Triton Inference Server',
  source: 'triton-inference-server/server e1db8a60 (2.73.0dev): command_line_parser.cc, http_server.cc',
  images: [/(^|\/)tritonserver$/],
  commands: [/(^|\s|\/)tritonserver\b/],
  launchers: [{ program: /(^|\/)tritonserver$/ }],
  imageEntrypoint: [],
  defaultPort: 8000,
  healthPath: '/v2/health/ready',
  healthTest: (port) => curl(port, '/v2/health/ready'),
  cachePaths: ['/models'],
  modelFlags: ['--model-repository'],
  tensorParallelFlags: [],
  pipelineParallelFlags: [],
  settingsFromEnv: false,
  ignoredEnvToFlag: {},
  needsGpu: true,
  imageHasPython3: true,
  imageTools: [{ curl: true, wget: true, python3: true, source: 'triton-flags.json image.ships (build.py at e1db8a60)' }],
};

export const TEI: EngineSpec = {
  id: 'tei',
  name: 'Hugging Face TEI',
  source: 'huggingface/text-embeddings-inference 0d124dc9 (v1.9.3+18): router/src/main.rs, Dockerfile-cuda',
  images: [/(^|\/)huggingface\/text-embeddings-inference$/],
  commands: [/\btext-embeddings-router\b/],
  launchers: [{ program: /(^|\/)text-embeddings-router$/ }],
  imageEntrypoint: ['./entrypoint.sh'],
  defaultPort: 80,
  healthPath: '/health',
  healthTest: (port) => curl(port, '/health'),
  cachePaths: ['/data'],
  modelFlags: ['--model-id'],
  tensorParallelFlags: [],
  pipelineParallelFlags: [],
  settingsFromEnv: true,
  ignoredEnvToFlag: {},
  needsGpu: true,
  imageHasPython3: false,
  // The cpu-ipex, xpu-ipex and hpu tags are built on Intel bases: unknown.
  imageTools: [{ tags: /^(?!(?:cpu-ipex|xpu-ipex|hpu)-)/, curl: true, wget: false, python3: false, source: 'tei-flags.json images[].tools (Dockerfile, Dockerfile-cuda at 0d124dc9)' }],
};

/**
 * NVIDIA NIM: closed source, so its facts come from NVIDIA's NIM docs and NVIDIA's own Compose files
 * (facts/nim-facts.json names each page and repository). One engine for every `nvcr.io/nim/...` image: the LLM
 * NIMs and the Triton-based ones (embedding, reranking) share the cache, port and health endpoints.
 */
export const NIM: EngineSpec = {
  id: 'nim',
  name: 'NVIDIA NIM',
  source: 'docs.nvidia.com/nim/large-language-models (1.x and 2.x), NVIDIA-AI-Blueprints and NVIDIA/GenerativeAIExamples Compose files: facts/nim-facts.json',
  images: [/^nvcr\.io\/nim\//],
  commands: [/(^|\s|\/)nim-serve\b/, /\/opt\/nim\/start_server\.sh\b/],
  launchers: [],
  imageEntrypoint: [],
  defaultPort: 8000,
  healthPath: '/v1/health/ready',
  // nim-facts.json `health.metrics`: /v1/metrics on the API port (the 24.05 docs' /metrics is gone).
  metricsPath: '/v1/metrics',
  // NVIDIA's own Compose files run curl inside NIM 1.x and 2.0 images (nim-facts.json `images.ships`).
  healthTest: (port) => curl(port, '/v1/health/ready'),
  cachePaths: ['/opt/nim/.cache'],
  modelFlags: [],
  tensorParallelFlags: [],
  pipelineParallelFlags: [],
  tensorParallelEnv: 'NIM_TENSOR_PARALLEL_SIZE',
  pipelineParallelEnv: 'NIM_PIPELINE_PARALLEL_SIZE',
  settingsFromEnv: true,
  ignoredEnvToFlag: {},
  needsGpu: true,
  imageHasPython3: true,
  imageTools: [{ curl: true, python3: true, source: "nim-facts.json images.ships (NVIDIA's own Compose files run them)" }],
};

export const ENGINES: readonly EngineSpec[] = [VLLM, TGI, SGLANG, OLLAMA, LLAMACPP, TRITON, TEI, NIM];

/** vLLM reads only these env vars (plus HF_* from huggingface_hub); source: vllm/envs.py. */
export const VLLM_ENV_VAR_NAMES: ReadonlySet<string> = new Set(VLLM_ENV_VARS);

/** Splits `registry/name:tag@digest` into name, tag and digest. */
export function parseImageRef(ref: string): { name: string; tag?: string; digest?: string } {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest.toLowerCase(), ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The tag of an engine's image, which tells its release; undefined when not pinned or only known at build or `up`. */
export function releaseTag(image: string | undefined): string | undefined {
  return image && !image.includes('$') ? parseImageRef(image).tag : undefined;
}

export function engineForImage(image: string): EngineSpec | undefined {
  const { name, tag } = parseImageRef(image);
  return ENGINES.find((e) => e.images.some((re) => re.test(name)) || (tag !== undefined && !!e.releaseTags?.some((re) => re.test(tag))));
}

export function engineForCommand(commandLine: string): EngineSpec | undefined {
  return ENGINES.find((e) => e.commands.some((re) => re.test(commandLine)));
}

/** An engine and what gave it away. */
export interface DetectedEngine {
  spec: EngineSpec;
  by: 'command' | 'image';
}

/**
 * The engine a container runs (Compose service or Dockerfile alike): what its command line starts wins over
 * what its image is, since a command can run another engine than the image's own.
 */
export function detectEngine(commandLine: string, image: string | undefined): DetectedEngine | undefined {
  const byCommand = commandLine ? engineForCommand(commandLine) : undefined;
  if (byCommand) return { spec: byCommand, by: 'command' };
  const byImage = image ? engineForImage(image) : undefined;
  return byImage ? { spec: byImage, by: 'image' } : undefined;
}
