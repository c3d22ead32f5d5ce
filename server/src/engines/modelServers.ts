/**
 * Model servers we recognise without knowing their flags: a GPU service running one of them serves a model, so
 * the serving rules (healthcheck, limits, pinned image) apply to it; engine rules do not. Everything else that
 * merely reserves a GPU (ComfyUI and other UIs, a development shell, a vector database) is a GPU workload: GPU
 * rules only. Each entry names where its serving command or image is documented.
 */

/** Image names (no tag) of model servers. */
const IMAGES: readonly RegExp[] = [
  // xorbitsai/inference README and deploy/docker compose files
  /(^|\/)xprobe\/xinference$/,
  // TabbyML/tabby docs: `tabbyml/tabby serve --model ...`
  /(^|\/)tabbyml\/tabby$/,
  // mudler/LocalAI docs: quay.io/go-skynet/local-ai, localai/localai
  /(^|\/)go-skynet\/local-ai$/, /(^|\/)localai\/localai$/,
  // speaches-ai/speaches compose files
  /(^|\/)speaches-ai\/speaches$/,
  // remsky/Kokoro-FastAPI README
  /(^|\/)remsky\/kokoro-fastapi-(gpu|cpu)$/,
  // michaelf34/infinity README
  /(^|\/)michaelf34\/infinity$/,
];

/** Command words that start a model server (the controller or supervisor of a cluster loads none). */
const COMMANDS: readonly RegExp[] = [
  // lm-sys/FastChat docs: `python3 -m fastchat.serve.model_worker`, `fastchat.serve.vllm_worker`
  /\bfastchat\.serve\.\w*worker\b/,
  // xorbitsai/inference: `xinference-local`, `xinference-worker`
  /(^|\s|\/)xinference-(local|worker)\b/,
  // michaelf34/infinity: `infinity_emb v2`
  /(^|\s|\/)infinity_emb\b/,
];

/**
 * Commands that run no server whatever the image: a cluster's coordinator, a shell kept open. Matched at the start
 * of the command line: its arguments may name the coordinator (`-e http://xinference-supervisor:9997`).
 */
const NOT_SERVING: readonly RegExp[] = [/^(\S*\/)?xinference-supervisor(\s|$)/, /^(\S*\/)?python[\d.]*\s+-m\s+fastchat\.serve\.controller\b/, /^(\/(usr\/)?bin\/)?(bash|sh|sleep|tail)(\s|$)/];

export function isKnownModelServer(imageName: string | undefined, commandLine: string): boolean {
  if (NOT_SERVING.some((re) => re.test(commandLine))) return false;
  if (COMMANDS.some((re) => re.test(commandLine))) return true;
  return imageName !== undefined && IMAGES.some((re) => re.test(imageName));
}

/** Where a recognised model server without engine facts keeps the models it downloads. */
export interface ModelServerCache {
  name: string;
  /** Its own models folder, and the env var that moves it. */
  home: string;
  movedBy: string;
  /** Other folders it downloads into: a volume at any of them is given the benefit of the doubt. */
  also: readonly string[];
}

/**
 * inference.readthedocs.io "Environments Variables": "By default, Xinference uses <HOME>/.xinference as home path to
 * store necessary files such as logs and models … You can change this directory by configuring [XINFERENCE_HOME]";
 * XINFERENCE_MODEL_SRC=modelscope downloads from ModelScope. The image runs as root; xorbitsai/inference's own
 * deploy/docker compose files mount /root/.xinference, /root/.cache/huggingface and /root/.cache/modelscope.
 */
const CACHES: ReadonlyArray<{ image: RegExp; cache: ModelServerCache }> = [
  {
    image: /(^|\/)xprobe\/xinference$/,
    cache: { name: 'Xinference', home: '/root/.xinference', movedBy: 'XINFERENCE_HOME', also: ['/root/.cache/huggingface', '/root/.cache/modelscope'] },
  },
];

export function modelServerCache(imageName: string | undefined): ModelServerCache | undefined {
  return imageName === undefined ? undefined : CACHES.find((c) => c.image.test(imageName))?.cache;
}
