/**
 * The startup phase of a model service, read from its log lines, and the fatal errors that end a startup,
 * turned into an explanation a person can act on.
 *
 * Every text below is quoted from server/src/engines/facts/vllm-server.json (`startup_milestones`, `fatal_errors`; vLLM
 * 52a31cce, uvicorn e6c7ce79) or server/src/engines/facts/serving-engines.json (ready log markers of other engines); the
 * `upstream` field names the file the facts read it from. The few texts from elsewhere say so in `upstream`.
 * Container phases before the first log line (creating, starting) and "healthy" come from Docker, not from here.
 */
import type { EngineId } from '../../../../server/src/engines/engines';

/** The engines whose start-up log lines we know (the tables below). */
export type MilestoneEngineId = Extract<EngineId, 'vllm' | 'sglang' | 'tgi' | 'tei' | 'triton' | 'nim'>;

/** In startup order; a service only moves forward, except that a new banner (a restart) starts over. */
export const STARTUP_PHASES = [
  'starting',
  'loading-weights',
  'weights-loaded',
  'compiling',
  'allocating-kv-cache',
  'capturing-cuda-graphs',
  'api-starting',
  'ready',
] as const;
export type StartupPhase = (typeof STARTUP_PHASES)[number];

export const PHASE_LABELS: Readonly<Record<StartupPhase, string>> = {
  starting: 'starting',
  'loading-weights': 'loading weights',
  'weights-loaded': 'weights loaded',
  compiling: 'compiling (torch.compile)',
  'allocating-kv-cache': 'allocating KV cache',
  'capturing-cuda-graphs': 'capturing CUDA graphs',
  'api-starting': 'starting API server',
  ready: 'ready',
};

/** Numbers a milestone line carries. */
export interface MilestoneDetails {
  model?: string;
  version?: string;
  architecture?: string;
  maxModelLen?: number;
  weightsGiB?: number;
  weightsSeconds?: number;
  compileSeconds?: number;
  kvCacheGiB?: number;
  kvCacheTokens?: number;
  maxConcurrency?: number;
  cudaGraphSeconds?: number;
  cudaGraphGiB?: number;
  engineInitSeconds?: number;
  url?: string;
  pid?: number;
}

interface MilestoneDef {
  id: string;
  phase: StartupPhase | 'stopping';
  re: RegExp;
  /** Upstream file the fact was read from (facts `file`). */
  upstream: string;
  details?: (m: RegExpExecArray) => MilestoneDetails;
  /** This line begins a run of the server: seen after ready/failed, it means the container restarted. */
  startsRun?: boolean;
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s.replace(/,/g, '')));
/** Drops undefined fields (exactOptionalPropertyTypes-friendly, and deepEqual-friendly in tests). */
function defined(d: Record<string, string | number | undefined>): MilestoneDetails {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && !(typeof v === 'number' && Number.isNaN(v))) out[k] = v;
  return out as MilestoneDetails;
}

/** vllm-server.json `startup_milestones`, in order. */
const VLLM_MILESTONES: readonly MilestoneDef[] = [
  // 'vLLM server version %s, serving model %s'; before 2026-01-23 (PR #32796) 'vLLM API server version %s'.
  { id: 'banner', phase: 'starting', re: /\bvLLM (?:API )?server version (\S+?)(?:, serving model (\S+))?$/, upstream: 'vllm/entrypoints/utils.py', startsRun: true,
    details: (m) => defined({ version: m[1], model: m[2] }) },
  { id: 'args', phase: 'starting', re: /\bnon-default args: /, upstream: 'vllm/entrypoints/utils.py', startsRun: true },
  { id: 'architecture', phase: 'starting', re: /\bResolved architecture: (\S+)/, upstream: 'vllm/config/model.py', details: (m) => defined({ architecture: m[1] }) },
  { id: 'max-model-len', phase: 'starting', re: /\bUsing max model len ([\d,]+)/, upstream: 'vllm/config/model.py', details: (m) => defined({ maxModelLen: num(m[1]) }) },
  { id: 'engine-init', phase: 'starting', re: /\bInitializing a V1 LLM engine \(v([^)]+)\) with config: /, upstream: 'vllm/v1/engine/core.py', details: (m) => defined({ version: m[1] }) },
  { id: 'weights-start', phase: 'loading-weights', re: /\bStarting to load model (.+?)\.\.\.\s*$/, upstream: 'vllm/v1/worker/gpu_model_runner.py', details: (m) => defined({ model: m[1] }) },
  { id: 'weights-read', phase: 'weights-loaded', re: /\bLoading weights took ([\d.]+) seconds/, upstream: 'vllm/model_executor/model_loader/default_loader.py' },
  // 'Model loading took %s GiB memory and %.6f seconds'; earlier 'took %.4f GB and %.6f seconds', V2 runner 'took %s GiB and'.
  { id: 'weights-loaded', phase: 'weights-loaded', re: /\bModel loading took ([\d.]+) Gi?B(?: memory)? and ([\d.]+) seconds/, upstream: 'vllm/v1/worker/gpu_model_runner.py',
    details: (m) => defined({ weightsGiB: num(m[1]), weightsSeconds: num(m[2]) }) },
  { id: 'dynamo', phase: 'compiling', re: /\bDynamo bytecode transform time: ([\d.]+) s/, upstream: 'vllm/compilation/backends.py' },
  { id: 'compile-range', phase: 'compiling', re: /\bCompiling a graph for compile range .+ takes ([\d.]+) s/, upstream: 'vllm/compilation/backends.py' },
  { id: 'compile-total', phase: 'compiling', re: /\btorch\.compile took ([\d.]+) s in total/, upstream: 'vllm/compilation/monitor.py', details: (m) => defined({ compileSeconds: num(m[1]) }) },
  { id: 'kv-memory', phase: 'allocating-kv-cache', re: /\bAvailable KV cache memory: ([\d.]+) GiB/, upstream: 'vllm/v1/worker/gpu_worker.py', details: (m) => defined({ kvCacheGiB: num(m[1]) }) },
  { id: 'cuda-graph-profiling', phase: 'allocating-kv-cache', re: /\bCUDA graph memory profiling is enabled\b/, upstream: 'vllm/v1/worker/gpu_worker.py' },
  { id: 'kv-size', phase: 'allocating-kv-cache', re: /\bGPU KV cache size: ([\d,]+) tokens/, upstream: 'vllm/v1/core/kv_cache_utils.py', details: (m) => defined({ kvCacheTokens: num(m[1]) }) },
  { id: 'max-concurrency', phase: 'allocating-kv-cache', re: /\bMaximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x/, upstream: 'vllm/v1/core/kv_cache_utils.py',
    details: (m) => defined({ maxConcurrency: num(m[2]) }) },
  { id: 'cuda-graphs', phase: 'capturing-cuda-graphs', re: /\bCapturing CUDA graphs\b/, upstream: 'vllm/v1/worker/gpu_model_runner.py' },
  { id: 'cuda-graphs-done', phase: 'capturing-cuda-graphs', re: /\bGraph capturing finished in (\d+) secs?, took ([\d.]+) GiB/, upstream: 'vllm/v1/worker/gpu_model_runner.py',
    details: (m) => defined({ cudaGraphSeconds: num(m[1]), cudaGraphGiB: num(m[2]) }) },
  { id: 'engine-ready', phase: 'api-starting', re: /\binit engine \(profile, create kv cache, warmup model\) took ([\d.]+) s/, upstream: 'vllm/v1/engine/core.py',
    details: (m) => defined({ engineInitSeconds: num(m[1]) }) },
  { id: 'supported-tasks', phase: 'api-starting', re: /\bSupported tasks: /, upstream: 'vllm/entrypoints/openai/api_server.py' },
  // Three wordings, all matched: 'Starting vLLM server on %s' (now), 'Starting vLLM API server %d on %s'
  // (2025-05-30..2026-03-04), 'Starting vLLM API server on http://%s:%d' (2025-02-13..2025-05-30).
  { id: 'api-server', phase: 'api-starting', re: /\bStarting vLLM (?:API )?server (?:\d+ )?on (\S+)/, upstream: 'vllm/entrypoints/openai/api_server.py', details: (m) => defined({ url: m[1] }) },
  { id: 'routes', phase: 'api-starting', re: /\bAvailable routes are:/, upstream: 'vllm/entrypoints/launcher.py' },
  { id: 'uvicorn-started', phase: 'api-starting', re: /\bStarted server process \[(\d+)\]/, upstream: 'uvicorn/server.py', details: (m) => defined({ pid: num(m[1]) }) },
  { id: 'uvicorn-waiting', phase: 'api-starting', re: /\bWaiting for application startup\./, upstream: 'uvicorn/lifespan/on.py' },
  // The READY marker. 'Uvicorn running on ...' is NOT printed by recent vLLM (pre-bound socket, PR #13113).
  { id: 'ready', phase: 'ready', re: /\bApplication startup complete\./, upstream: 'uvicorn/lifespan/on.py' },
  { id: 'shutdown', phase: 'stopping', re: /\b(?:Shutting down FastAPI HTTP server\.|Waiting for application shutdown\.|Application shutdown complete\.)/, upstream: 'vllm/entrypoints/launcher.py, uvicorn' },
];

/**
 * NVIDIA NIM for LLMs: its own lines around the engine it runs, from published start-ups of NIM 24.05 and 1.0.0
 * (mpaulgreen/nvidia-kserve-poc 34f3aba7 nim-runtime-published/a100/24.05/pvc/logs/pod-1.log and in-memory/log-2.txt, vLLM
 * backend; NVIDIA/nim-deploy#24, TensorRT-LLM backend; NVIDIA/nim-deploy#27 and RHEcosystemAppEng/kserve-nim-playground
 * for the model workspace). The vLLM backend of those releases (vLLM 0.4) prints the older forms of vLLM's lines;
 * NIM 2.x runs today's vLLM, whose lines follow. No 2.x start-up log of NIM's own was found: there, "ready" comes
 * from /v1/health/ready or Uvicorn.
 */
const NIM_MILESTONES: readonly MilestoneDef[] = [
  { id: 'nim-banner', phase: 'starting', re: /\bNVIDIA Inference Microservice LLM NIM Version (\S+)/, upstream: 'NIM 1.0.0 start-up log (mpaulgreen/nvidia-kserve-poc pod-1.log)', startsRun: true,
    details: (m) => defined({ version: m[1] }) },
  { id: 'nim-profile', phase: 'starting', re: /\bSelected profile: \S+ \(([^)]+)\)/, upstream: 'NIM 24.05/1.0.0 ngc_injector.py (pod-1.log, NVIDIA/nim-deploy#62)' },
  { id: 'nim-workspace', phase: 'loading-weights', re: /\bPreparing model workspace\. This step might download additional files/, upstream: 'NIM 1.0.0/1.1.2 ngc_injector.py (pod-1.log, NVIDIA/nim-deploy#27)' },
  { id: 'nim-workspace-ready', phase: 'loading-weights', re: /\bModel workspace is now ready\. It took ([\d.]+) seconds/, upstream: 'NIM 1.0.0 (pod-1.log, RHEcosystemAppEng/kserve-nim-playground)' },
  // vLLM 0.4 inside NIM 1.0: 'Loading model weights took %.4f GB'; '# GPU blocks: %d, # CPU blocks: %d'.
  { id: 'nim-vllm-weights', phase: 'weights-loaded', re: /\bLoading model weights took ([\d.]+) GB/, upstream: 'vLLM 0.4 model_runner.py, as NIM 1.0.0 prints it (pod-1.log)',
    details: (m) => defined({ weightsGiB: num(m[1]) }) },
  { id: 'nim-vllm-blocks', phase: 'allocating-kv-cache', re: /# GPU blocks: (\d+), # CPU blocks: \d+/, upstream: 'vLLM 0.4 executor, as NIM 1.0.0 prints it (pod-1.log)' },
  { id: 'nim-vllm-graphs', phase: 'capturing-cuda-graphs', re: /\bCapturing the model for CUDA graphs\b/, upstream: 'vLLM 0.4 model_runner.py, as NIM 1.0.0 prints it (pod-1.log)' },
  { id: 'nim-trtllm-engine', phase: 'weights-loaded', re: /\[TensorRT-LLM\]\[INFO\] Loaded engine size: (\d+) MiB/, upstream: 'TensorRT-LLM, as NIM 1.0 prints it (NVIDIA/nim-deploy#24)' },
  { id: 'nim-trtllm-kv', phase: 'allocating-kv-cache', re: /\[TensorRT-LLM\]\[INFO\] Max tokens in paged KV cache: (\d+)/, upstream: 'TensorRT-LLM, as NIM 1.0 prints it (NVIDIA/nim-deploy#24)',
    details: (m) => defined({ kvCacheTokens: num(m[1]) }) },
  { id: 'nim-endpoints', phase: 'api-starting', re: /\bServing endpoints:\s*$/, upstream: 'NIM 1.0.0 api_server.py (pod-1.log)' },
  { id: 'nim-uvicorn', phase: 'ready', re: /\bUvicorn running on (\S+)/, upstream: 'uvicorn, the last line of a NIM 1.0.0 start-up (pod-1.log)', details: (m) => defined({ url: m[1] }) },
];

/** serving-engines.json: the log lines other engines print on their way up (only those the facts name). */
const OTHER_MILESTONES: Readonly<Record<Exclude<MilestoneEngineId, 'vllm' | 'nim'>, readonly MilestoneDef[]>> = {
  sglang: [
    { id: 'ready', phase: 'ready', re: /The server is fired up and ready to roll!/, upstream: 'sgl-project/sglang python/sglang/srt/entrypoints/http_server.py' },
  ],
  tgi: [
    { id: 'shard-ready', phase: 'weights-loaded', re: /\bShard ready\b/, upstream: 'huggingface/text-generation-inference launcher/src/main.rs' },
    { id: 'webserver', phase: 'api-starting', re: /\bStarting Webserver\b/, upstream: 'huggingface/text-generation-inference launcher/src/main.rs' },
    { id: 'ready', phase: 'ready', re: /\bConnected\s*$/, upstream: 'huggingface/text-generation-inference router/src/server.rs' },
  ],
  tei: [
    { id: 'backend', phase: 'loading-weights', re: /\bStarting model backend\b/, upstream: 'huggingface/text-embeddings-inference router/src/lib.rs' },
    { id: 'warmup', phase: 'compiling', re: /\bWarming up model\b/, upstream: 'huggingface/text-embeddings-inference router/src/lib.rs' },
    { id: 'http', phase: 'api-starting', re: /\bStarting HTTP server: (\S+)/, upstream: 'huggingface/text-embeddings-inference router/src/http/server.rs', details: (m) => defined({ url: m[1] }) },
    { id: 'ready', phase: 'ready', re: /\bReady\s*$/, upstream: 'huggingface/text-embeddings-inference router/src/http/server.rs' },
  ],
  triton: [
    { id: 'grpc', phase: 'api-starting', re: /\bStarted GRPCInferenceService at (\S+)/, upstream: 'triton-inference-server/server src/grpc/grpc_server.h' },
    { id: 'metrics', phase: 'api-starting', re: /\bStarted Metrics Service at (\S+)/, upstream: 'triton-inference-server/server' },
    { id: 'ready', phase: 'ready', re: /\bStarted HTTPService at (\S+)/, upstream: 'triton-inference-server/server src/http_server.cc', details: (m) => defined({ url: m[1] }) },
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Fatal errors

export interface FatalErrorDef {
  id: string;
  re: RegExp;
  /** What happened and what to do, with the line's own numbers filled in. */
  explain: (m: RegExpExecArray) => string;
  upstream: string;
  /** Generic "it failed, see above" lines: they never replace a specific cause found earlier. */
  generic?: boolean;
  /** A warning worth showing, not the end of the startup. */
  warningOnly?: boolean;
}

const MEMORY_DOCS = 'https://docs.vllm.ai/en/latest/configuration/conserving_memory/';

/** vllm-server.json `fatal_errors` (plus the two PyTorch texts and argparse's, as named there and in vllm-cli-flags.json). */
export const FATAL_ERRORS: readonly FatalErrorDef[] = [
  { id: 'gpu-memory-taken', upstream: 'vllm/v1/worker/utils.py',
    re: /Free memory on device (\S+) \(([\d.]+)\/([\d.]+) GiB\) on startup is less than desired GPU memory utilization \(([\d.]+), ([\d.]+) GiB\)/,
    explain: (m) => `The GPU (${m[1]}) has only ${m[2]} of ${m[3]} GiB free, but --gpu-memory-utilization ${m[4]} asks for ${m[5]} GiB. Another process or model service is using that GPU: stop it, or lower --gpu-memory-utilization.` },
  { id: 'weights-oom', upstream: 'vllm/v1/worker/gpu_model_runner.py',
    re: /Failed to load model - not enough GPU memory\./,
    explain: () => `The model's weights do not fit in GPU memory. Use a GPU with more memory, more GPUs (--tensor-parallel-size), or a quantized model (--quantization). See ${MEMORY_DOCS}` },
  { id: 'cuda-oom', upstream: 'PyTorch (text named in vllm-server.json fatal_errors note; PyTorch source not read)',
    re: /\bCUDA out of memory\b/,
    explain: () => `The GPU ran out of memory. Lower --gpu-memory-utilization if other processes share the GPU, or reduce --max-model-len / --max-num-seqs, or use more GPUs or a quantized model. See ${MEMORY_DOCS}` },
  { id: 'no-kv-cache-memory', upstream: 'vllm/v1/core/kv_cache_utils.py',
    re: /No available memory for the cache blocks\./,
    explain: () => 'After loading the weights no GPU memory is left for the KV cache. Raise --gpu-memory-utilization (if the GPU is not shared), or use a smaller or quantized model, or more GPUs.' },
  { id: 'kv-cache-too-small', upstream: 'vllm/v1/core/kv_cache_utils.py',
    re: /To serve at least one request with the model's max seq len \((\d+)\).*?estimated maximum model length is (\d+)/s,
    explain: (m) => `The KV cache cannot hold one request of ${m[1]} tokens; about ${m[2]} fit. Set --max-model-len ${m[2]} (or lower), or raise --gpu-memory-utilization.` },
  { id: 'max-model-len-too-large', upstream: 'vllm/config/model.py',
    re: /User-specified max_model_len \((\d+)\) is greater than the derived max_model_len/,
    explain: (m) => `--max-model-len ${m[1]} is longer than the model supports (per its config.json). Lower it; VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 overrides the check, at the risk of wrong output.` },
  { id: 'unknown-quantization', upstream: 'vllm/config/model.py',
    re: /Unknown quantization method: ([^\s.]+)/,
    explain: (m) => `vLLM has no quantization method "${m[1]}". Fix --quantization (or remove it: vLLM reads the method from a quantized checkpoint).` },
  { id: 'quantization-mismatch', upstream: 'vllm/config/model.py',
    re: /Quantization method specified in the model config \(([^)]*)\) does not match the quantization method specified in the `quantization` argument \(([^)]*)\)/,
    explain: (m) => `The checkpoint is quantized with ${m[1]}, but --quantization says ${m[2]}. Remove --quantization or set it to ${m[1]}.` },
  { id: 'quantization-unsupported-gpu', upstream: 'vllm/config/vllm.py',
    re: /The quantization method (\S+) is not supported for the current GPU\. Minimum capability: (\d+)\. Current capability: (\d+)/,
    explain: (m) => `${m[1]} needs GPU compute capability ${m[2]}, this GPU has ${m[3]}. Use another quantization (or none), or a newer GPU.` },
  { id: 'dtype-unsupported-quantization', upstream: 'vllm/config/vllm.py',
    re: /(\S+) is not supported for quantization method (\S+)\. Supported dtypes:/,
    explain: (m) => `--dtype ${m[1]} cannot be used with ${m[2]} quantization; set --dtype to one the error lists.` },
  { id: 'bfloat16-old-gpu', upstream: 'vllm/platforms/cuda.py',
    re: /Bfloat16 is only supported on GPUs with compute capability of at least 8\.0\. Your (.+?) GPU has compute capability ([\d.]+)/,
    explain: (m) => `The ${m[1]} GPU (compute capability ${m[2]}) has no bfloat16. Add --dtype half to the command.` },
  { id: 'no-gpu', upstream: 'vllm/config/device.py (issues vllm-project/vllm#8885, #10717, #12847, #13946)',
    re: /Failed to infer device type/,
    explain: () => 'The container sees no GPU. Reserve one in the Compose file (deploy.resources.reservations.devices with driver: nvidia, capabilities: [gpu]) and check that the NVIDIA Container Toolkit is installed and configured for Docker.' },
  { id: 'no-cuda-gpus', upstream: 'PyTorch (text named in vllm-server.json fatal_errors note; vLLM has no own message)',
    re: /No CUDA GPUs are available/,
    explain: () => 'The container sees no GPU. Reserve one in the Compose file (deploy.resources.reservations.devices with driver: nvidia, capabilities: [gpu]) and check the NVIDIA Container Toolkit and CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES.' },
  { id: 'trust-remote-code', upstream: 'vllm/transformers_utils/config.py',
    re: /Failed to load the model config\. If the model is a custom model/,
    explain: () => 'The model needs its own code from the Hub. Add --trust-remote-code if you trust the model repository (it runs that code).' },
  // NVIDIA NIM for LLMs (published logs, see NIM_MILESTONES): no profile runs on these GPUs, cache, NGC download.
  { id: 'nim-no-profile', upstream: 'NIM 24.05 (mpaulgreen/nvidia-kserve-poc 34f3aba7 nim-runtime-published/a100/24.05/errors.txt); NIM 2.x (NVIDIA-AI-Blueprints/nemotron-voice-agent troubleshooting docs)',
    re: /Unable to select compatible engine for platform|Could not match a profile in manifest/,
    explain: () => 'NIM found no model profile it can run on these GPUs (GPU model, count, or free memory), or none matching NIM_MODEL_PROFILE / NIM_TAGS_SELECTOR. Run the image with `list-model-profiles` to see which fit, free the GPU, give the service more GPUs, or pick a profile that fits.' },
  { id: 'nim-low-memory', upstream: 'NIM 24.05 ngc_profile.py (mpaulgreen/nvidia-kserve-poc 34f3aba7 nim-runtime-published/a100/24.05/errors.txt)', warningOnly: true,
    re: /Detected additional (\d+) compatible profile\(s\) that are currently not runnable due to low free GPU memory/,
    explain: (m) => `${m[1]} model profile(s) would run here but for the GPU memory already in use: another process or service holds the GPU.` },
  { id: 'nim-cache-not-writable', upstream: 'NIM 1.0.0 nim-llm-check-cache-env (NVIDIA/nim-deploy#16)',
    re: /Unable to write to NIM_CACHE_PATH \(([^)]*)\)/,
    explain: (m) => `NIM cannot write its cache at ${m[1]}: the mounted folder belongs to another user or is read-only. Make it writable for the container's user (NVIDIA's docs run with \`-u $(id -u)\` on a folder that user owns).` },
  { id: 'nim-download-failed', upstream: 'NIM 1.0.0/1.1.2 model download (NVIDIA/nim-deploy#27, Clarifai/clarifai-python#444)',
    re: /\bErrors fetching files\b|One or more errors fetching files/i,
    explain: () => 'NIM could not download the model from NGC. Check that NGC_API_KEY reaches the container and has access to this model, and that the container can reach api.ngc.nvidia.com.' },
  { id: 'nim-ngc-refused', upstream: 'NIM 1.x download (NVIDIA-AI-Blueprints/video-search-and-summarization#1470)',
    re: /HTTP status client error \((\d{3}) [^)]*\) for url \((https:\/\/api\.ngc\.nvidia\.com\/\S*)\)/,
    explain: (m) => `NGC refused the model download with HTTP ${m[1]}${m[1] === '451' ? ' (not available in this region)' : ''}. Check NGC_API_KEY and this model's availability to your NGC organisation.` },
  { id: 'startup-timeout', upstream: 'vllm/v1/engine/core_client.py',
    re: /Timed out waiting for engine core processes to start\./,
    explain: () => 'The engine did not start within VLLM_ENGINE_READY_TIMEOUT_S (default 600 s), often because loading large weights is slow. Set VLLM_ENGINE_READY_TIMEOUT_S higher, or put the model on faster storage.' },
  { id: 'auto-tool-choice-parser', upstream: 'vllm/entrypoints/openai/cli_args.py',
    re: /--enable-auto-tool-choice requires --tool-call-parser/,
    explain: () => '--enable-auto-tool-choice needs --tool-call-parser <name> for the model family (e.g. hermes, llama3_json, mistral).' },
  { id: 'log-outputs-without-requests', upstream: 'vllm/entrypoints/openai/cli_args.py',
    re: /--enable-log-outputs requires --enable-log-requests/,
    explain: () => 'Add --enable-log-requests, or remove --enable-log-outputs.' },
  { id: 'vllm-port-uri', upstream: 'vllm/envs.py',
    re: /VLLM_PORT '([^']*)' appears to be a URI/,
    explain: (m) => `VLLM_PORT is "${m[1]}", a URI, not a port number. On Kubernetes a service named "vllm" injects VLLM_PORT; rename the service or set VLLM_PORT to a number.` },
  { id: 'unrecognized-arguments', upstream: 'Python argparse (vllm-cli-flags.json how_flags_are_parsed.unknown_options)',
    re: /\bunrecognized arguments: (.+?)\s*$/,
    explain: (m) => `vLLM does not know ${m[1]}: misspelt, or removed in this vLLM version. Remove or rename it (the Compose file's diagnostics show which flags are unknown).` },
  { id: 'port-in-use', upstream: 'vllm/entrypoints/launcher.py',
    re: /\bport (\S+) is used by process (\S+) launched with command:/,
    explain: (m) => `Port ${m[1]} is taken by process ${m[2]} in the container. Set a different --port, or stop the other process.` },
  { id: 'address-in-use', upstream: "Python's OSError text for EADDRINUSE (not from the facts)",
    re: /\[Errno 98\] Address already in use/,
    explain: () => 'The port is already in use inside the container. Set a different --port, or stop the other server.' },
  { id: 'engine-init-failed', upstream: 'vllm/v1/engine/utils.py', generic: true,
    re: /Engine core initialization failed\. See root cause above\./,
    explain: () => 'The engine process failed while starting. The first error above it is the cause.' },
  { id: 'engine-dead', upstream: 'vllm/v1/engine/exceptions.py, vllm/v1/engine/core.py', generic: true,
    re: /\b(?:EngineCore encountered an issue\. See stack trace \(above\) for the root cause\.|EngineCore failed to start\.|EngineCore encountered a fatal error\.)/,
    explain: () => 'The engine process died. The first error above it is the cause; /health now answers 503 and the server stops unless VLLM_KEEP_ALIVE_ON_ENGINE_DEATH=1.' },
  { id: 'unknown-env-var', upstream: 'vllm/envs.py validate_environ', warningOnly: true,
    re: /Unknown vLLM environment variable detected: (\S+)/,
    explain: (m) => `${m[1]} is not a variable vLLM reads (misspelt or removed); it has no effect.` },
];

export interface FatalError {
  id: string;
  explanation: string;
  /** The log line, as it was (already masked by the pipeline). */
  line: string;
  upstream: string;
  generic: boolean;
  warningOnly: boolean;
}

/** One combined expression per table: one scan decides whether a line is worth trying each entry on. */
function anyOf(defs: readonly { re: RegExp }[]): RegExp {
  return new RegExp(defs.map((d) => `(?:${d.re.source})`).join('|'), 's');
}
const ANY_FATAL = anyOf(FATAL_ERRORS);

/** The fatal error (or notable warning) a line states, if any. */
export function matchFatalError(line: string): FatalError | undefined {
  if (!ANY_FATAL.test(line)) return undefined;
  for (const def of FATAL_ERRORS) {
    const m = def.re.exec(line);
    if (m) return { id: def.id, explanation: def.explain(m), line, upstream: def.upstream, generic: !!def.generic, warningOnly: !!def.warningOnly };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Milestones and the tracker

export interface Milestone {
  id: string;
  phase: StartupPhase | 'stopping';
  details: MilestoneDetails;
  upstream: string;
  startsRun: boolean;
}

/** NIM's own lines first; then today's vLLM lines, which NIM 2.x (vLLM inside) prints as they are. */
const NIM_WITH_VLLM: readonly MilestoneDef[] = [...NIM_MILESTONES, ...VLLM_MILESTONES];

function milestonesFor(engine: MilestoneEngineId): readonly MilestoneDef[] {
  return engine === 'vllm' ? VLLM_MILESTONES : engine === 'nim' ? NIM_WITH_VLLM : OTHER_MILESTONES[engine];
}
const ANY_MILESTONE = new Map<MilestoneEngineId, RegExp>();

/** The startup milestone a line marks, if any (`engine` picks the table; default vLLM). */
export function matchMilestone(line: string, engine: MilestoneEngineId = 'vllm'): Milestone | undefined {
  const defs = milestonesFor(engine);
  let any = ANY_MILESTONE.get(engine);
  if (!any) ANY_MILESTONE.set(engine, (any = anyOf(defs)));
  if (!any.test(line)) return undefined;
  for (const def of defs) {
    const m = def.re.exec(line);
    if (m) return { id: def.id, phase: def.phase, details: def.details ? def.details(m) : {}, upstream: def.upstream, startsRun: !!def.startsRun };
  }
  return undefined;
}

export type StartupState = StartupPhase | 'failed' | 'stopping';

export type StartupEvent =
  | { kind: 'milestone'; milestone: Milestone; phase: StartupState; phaseChanged: boolean; at: number }
  | { kind: 'failed'; error: FatalError; at: number }
  | { kind: 'warning'; error: FatalError; at: number }
  | { kind: 'restarted'; at: number };

export interface StartupTrackerOptions {
  engine?: MilestoneEngineId;
  /** Milliseconds, for the timeline (default Date.now; tests pass a fake). */
  now?: () => number;
}

/**
 * Follows one service's log lines (masked, ANSI-free text) and keeps its startup state: the phase, the numbers
 * the milestones carried, when each phase began, and the cause of a failure. The phase only moves forward; a
 * banner or "non-default args" line after ready or failed means the container restarted, and tracking starts over.
 */
export class StartupTracker {
  private readonly engine: MilestoneEngineId;
  private readonly now: () => number;
  state: StartupState = 'starting';
  details: MilestoneDetails = {};
  /** When each phase was entered, in order. */
  timeline: { phase: StartupState; at: number }[] = [];
  failure: FatalError | undefined;
  warnings: FatalError[] = [];

  constructor(options: StartupTrackerOptions = {}) {
    this.engine = options.engine ?? 'vllm';
    this.now = options.now ?? Date.now;
  }

  /** Feeds one line; returns what it changed (nothing for most lines). */
  feed(line: string): StartupEvent[] {
    const at = this.now();
    const events: StartupEvent[] = [];
    const fatal = matchFatalError(line);
    if (fatal) {
      if (fatal.warningOnly) {
        this.warnings.push(fatal);
        events.push({ kind: 'warning', error: fatal, at });
      } else if (!this.failure || (this.failure.generic && !fatal.generic)) {
        // Keep the first specific cause: "Engine core initialization failed" comes after the real error.
        this.failure = fatal;
        this.enter('failed', at);
        events.push({ kind: 'failed', error: fatal, at });
      }
      return events;
    }
    const milestone = matchMilestone(line, this.engine);
    if (!milestone) return events;
    if (milestone.startsRun && (this.state === 'ready' || this.state === 'failed' || this.state === 'stopping')) {
      this.reset();
      events.push({ kind: 'restarted', at });
    }
    Object.assign(this.details, milestone.details);
    const changed = this.advance(milestone.phase, at);
    events.push({ kind: 'milestone', milestone, phase: this.state, phaseChanged: changed, at });
    return events;
  }

  /** Seconds from the first line to ready (the cold start as the engine logs it), once ready. */
  get secondsToReady(): number | undefined {
    const first = this.timeline[0];
    const ready = this.timeline.find((t) => t.phase === 'ready');
    return first && ready ? (ready.at - first.at) / 1000 : undefined;
  }

  private advance(phase: StartupPhase | 'stopping', at: number): boolean {
    if (this.timeline.length === 0) this.timeline.push({ phase: 'starting', at });
    if (this.state === 'failed') return false;
    if (phase === 'stopping') return this.enter('stopping', at);
    if (this.state === 'stopping') return false;
    if (STARTUP_PHASES.indexOf(phase) <= STARTUP_PHASES.indexOf(this.state)) return false;
    return this.enter(phase, at);
  }

  private enter(state: StartupState, at: number): boolean {
    if (this.state === state && this.timeline.length > 0) return false;
    if (this.timeline.length === 0 && state !== 'starting') this.timeline.push({ phase: 'starting', at });
    this.state = state;
    this.timeline.push({ phase: state, at });
    return true;
  }

  private reset(): void {
    this.state = 'starting';
    this.details = {};
    this.timeline = [];
    this.failure = undefined;
    this.warnings = [];
  }
}
