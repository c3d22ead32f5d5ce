// What "New inference stack…" knows about each engine it can scaffold: the pinned image, the container port,
// where weights are cached, how the model and the GPU count go on the command line, and where metrics are.
// Ports, health paths and cache paths come from the linter's engine table (server/src/engines/engines.ts, itself
// from server/src/engines/facts/serving-engines.json), so the scaffold and the rules cannot disagree.
//
// Image tags are pinned (image-unpinned): each one is a release seen in use in public Compose files and docs.
//  - vllm/vllm-openai:v0.21.0: in server/src/engines/vllmReleases.ts, the release of the flag facts (vllm-cli-flags.json).
//  - ghcr.io/huggingface/text-generation-inference:3.3.5: the README example (serving-engines.json, TGI docs_run_example).
//  - lmsysorg/sglang:v0.5.9, ollama/ollama:0.13.5, ghcr.io/ggml-org/llama.cpp:server[-cuda]-b10644: build tags in use.

import { EngineId, EngineSpec, LLAMACPP, OLLAMA, SGLANG, TGI, VLLM } from '../engines/engines';

/** The engines "New Inference Stack…" can scaffold. */
export type ScaffoldEngineId = Extract<EngineId, 'vllm' | 'tgi' | 'sglang' | 'ollama' | 'llamacpp'>;

export const SCAFFOLD_ENGINE_IDS: readonly ScaffoldEngineId[] = ['vllm', 'tgi', 'sglang', 'ollama', 'llamacpp'];

/** One QuickPick item of the engine question, with what the later questions default to. */
export interface EngineChoice {
  id: ScaffoldEngineId;
  label: string;
  description: string;
  detail: string;
  /** The model the model question starts with: small and not gated, so the stack starts without a token. */
  defaultModel: string;
  /** What to type at the model question. */
  modelPrompt: string;
  /** The host port the port question starts with (the engine's usual published port). */
  defaultPort: number;
  /** Whether gpuCount 0 (CPU only) is possible. */
  supportsCpu: boolean;
  /** Whether the engine serves Prometheus metrics (the Prometheus question is skipped when not). */
  hasMetrics: boolean;
  /** Whether the image has python3 (EngineSpec.imageHasPython3), so the accuracy probe can run inside it as the healthcheck. */
  hasPython: boolean;
}

export const ENGINE_CHOICES: readonly EngineChoice[] = [
  {
    id: 'vllm',
    label: 'vLLM',
    description: 'vllm/vllm-openai',
    detail: 'High-throughput OpenAI-compatible server; NVIDIA GPU required. Tensor parallel across the GPUs you pick.',
    defaultModel: 'Qwen/Qwen2.5-1.5B-Instruct',
    modelPrompt: 'Hugging Face model id (owner/name)',
    defaultPort: 8000,
    supportsCpu: false,
    hasMetrics: true,
    hasPython: VLLM.imageHasPython3,
  },
  {
    id: 'tgi',
    label: 'Hugging Face TGI',
    description: 'huggingface/text-generation-inference',
    detail: 'Text Generation Inference (maintenance mode upstream); NVIDIA GPU required. Shards across the GPUs you pick.',
    defaultModel: 'Qwen/Qwen2.5-1.5B-Instruct',
    modelPrompt: 'Hugging Face model id (owner/name)',
    defaultPort: 8080,
    supportsCpu: false,
    hasMetrics: true,
    hasPython: TGI.imageHasPython3,
  },
  {
    id: 'sglang',
    label: 'SGLang',
    description: 'lmsysorg/sglang',
    detail: 'Fast serving with RadixAttention; NVIDIA GPU required. Tensor parallel across the GPUs you pick.',
    defaultModel: 'Qwen/Qwen2.5-1.5B-Instruct',
    modelPrompt: 'Hugging Face model id (owner/name)',
    defaultPort: 30000,
    supportsCpu: false,
    hasMetrics: true,
    hasPython: SGLANG.imageHasPython3,
  },
  {
    id: 'ollama',
    label: 'Ollama',
    description: 'ollama/ollama',
    detail: 'Runs on CPU or GPU; pulls the model from the Ollama library on first start. No Prometheus metrics.',
    defaultModel: 'qwen2.5:1.5b',
    modelPrompt: 'Ollama model name, e.g. qwen2.5:1.5b or llama3.2:3b',
    defaultPort: 11434,
    supportsCpu: true,
    hasMetrics: false,
    hasPython: OLLAMA.imageHasPython3,
  },
  {
    id: 'llamacpp',
    label: 'llama.cpp server',
    description: 'ggml-org/llama.cpp',
    detail: 'GGUF models on CPU or GPU; downloads a Hugging Face GGUF repo, or serves a .gguf file from ./models.',
    defaultModel: 'ggml-org/gemma-3-1b-it-GGUF',
    modelPrompt: 'Hugging Face GGUF repo (owner/name[:quant]) or a .gguf file name in ./models',
    defaultPort: 8080,
    supportsCpu: true,
    hasMetrics: true,
    hasPython: LLAMACPP.imageHasPython3,
  },
];

export function engineChoice(id: string): EngineChoice | undefined {
  return ENGINE_CHOICES.find((c) => c.id === id);
}

/** How one engine is laid out in the generated Compose file. */
export interface ScaffoldEngine {
  spec: EngineSpec;
  image(gpuCount: number): string;
  /** The port the server listens on inside the container. */
  containerPort: number;
  /** Where the named cache volume is mounted (one of spec.cachePaths, so model-cache-not-mounted is satisfied). */
  cachePath: string;
  cacheVolume: string;
  /** The service's `command:` items. */
  command(model: string, gpuCount: number, metrics: boolean): string[];
  /** Whether HF_TOKEN is passed (engines that download from the Hugging Face Hub). */
  usesHfToken(model: string): boolean;
  /** Shared memory for NCCL / the engine's worker processes (serving-engines.json `shm`). */
  shmSize?: string;
}

/** llama.cpp: a model ending in .gguf is a file in ./models on the host, mounted read-only at /models. */
export function isLocalGguf(model: string): boolean {
  return /\.gguf$/i.test(model);
}

/** The file name of a local GGUF below ./models (`models/x.gguf` and `./models/x.gguf` mean `x.gguf`). */
export function localGgufName(model: string): string {
  return model.replace(/^\.\//, '').replace(/^models\//, '');
}

export const SCAFFOLD_ENGINES: Readonly<Record<ScaffoldEngineId, ScaffoldEngine>> = {
  vllm: {
    spec: VLLM,
    image: () => 'vllm/vllm-openai:v0.21.0',
    containerPort: VLLM.defaultPort,
    cachePath: '/root/.cache/huggingface',
    cacheVolume: 'hf-cache',
    // The image's ENTRYPOINT is `vllm serve`: the positional model, then options (vllm-cli-flags.json
    // how_flags_are_parsed). The GPU share is set below 0.92, the default since v0.21.0 (gpu-memory-utilization-high).
    command: (model, gpus) => [model, ...(gpus > 1 ? ['--tensor-parallel-size', String(gpus)] : []), '--gpu-memory-utilization', '0.90'],
    usesHfToken: () => true,
    shmSize: '8g',
  },
  tgi: {
    spec: TGI,
    image: () => 'ghcr.io/huggingface/text-generation-inference:3.3.5',
    // The image sets PORT=80 (serving-engines.json).
    containerPort: TGI.defaultPort,
    cachePath: '/data',
    cacheVolume: 'hf-cache',
    command: (model, gpus) => ['--model-id', model, ...(gpus > 1 ? ['--num-shard', String(gpus)] : [])],
    usesHfToken: () => true,
    shmSize: '1g',
  },
  sglang: {
    spec: SGLANG,
    image: () => 'lmsysorg/sglang:v0.5.9',
    containerPort: SGLANG.defaultPort,
    cachePath: '/root/.cache/huggingface',
    cacheVolume: 'hf-cache',
    // No ENTRYPOINT in the image; the server binds 127.0.0.1 unless told otherwise; /metrics needs --enable-metrics.
    command: (model, gpus, metrics) => [
      'python3', '-m', 'sglang.launch_server',
      '--model-path', model,
      '--host', '0.0.0.0',
      '--port', String(SGLANG.defaultPort),
      ...(gpus > 1 ? ['--tp-size', String(gpus)] : []),
      ...(metrics ? ['--enable-metrics'] : []),
    ],
    usesHfToken: () => true,
    shmSize: '8g',
  },
  ollama: {
    spec: OLLAMA,
    image: () => 'ollama/ollama:0.13.5',
    containerPort: OLLAMA.defaultPort,
    cachePath: '/root/.ollama',
    cacheVolume: 'ollama-models',
    // The image runs `/bin/ollama serve` and listens on 0.0.0.0:11434; the model is pulled by the ollama-pull job.
    command: () => ['serve'],
    usesHfToken: () => false,
  },
  llamacpp: {
    spec: LLAMACPP,
    image: (gpus) => (gpus > 0 ? 'ghcr.io/ggml-org/llama.cpp:server-cuda-b10644' : 'ghcr.io/ggml-org/llama.cpp:server-b10644'),
    // The image's own HEALTHCHECK probes 8080, so the server stays there (healthcheck-missing).
    containerPort: LLAMACPP.defaultPort,
    cachePath: '/root/.cache/llama.cpp',
    cacheVolume: 'llama-cache',
    // The image sets LLAMA_ARG_HOST=0.0.0.0; /metrics needs --metrics (serving-engines.json).
    command: (model, _gpus, metrics) => [
      ...(isLocalGguf(model) ? ['--model', `/models/${localGgufName(model)}`] : ['--hf-repo', model]),
      '--port', String(LLAMACPP.defaultPort),
      ...(metrics ? ['--metrics'] : []),
    ],
    usesHfToken: (model) => !isLocalGguf(model),
  },
};
