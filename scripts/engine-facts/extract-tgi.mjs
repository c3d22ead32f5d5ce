// Extracts Hugging Face Text Generation Inference (engine id `tgi`) facts from a snapshot of
// huggingface/text-generation-inference into server/src/engines/facts/tgi-flags.json:
// - the launcher's flags (launcher/src/main.rs, clap derive `struct Args`): long/short names, the env var clap gives
//   each, action, default, values, and per release when each flag came, went or changed its default;
// - the router's own flags (backends/v3/src/main.rs) and which of them the launcher passes on, so the env vars that
//   reach the router alone are known;
// - env vars read directly (std::env::var in the launcher and router, os.getenv in the Python shards), and those the
//   launcher sets for its child processes;
// - the images (Dockerfiles named by .github/workflows/build.yaml, their entrypoint scripts), their history per
//   release, the Hugging Face cache path and what moves it; the HTTP routes.
// The snapshot is read with git only (no checkout, nothing built or run). Usage:
//   node scripts/engine-facts/extract-tgi.mjs --repo <git dir of a huggingface/text-generation-inference snapshot>
//        [--commit REV (default HEAD)] [--out FILE (default server/src/engines/facts/tgi-flags.json)] [--check]
// (`extract-tgi.mjs <git dir> [REV]` works too.) --check writes nothing and exits 1 when the file differs.
import { clapArgFacts, flagsPassedIn, parseClapStruct, parseValueEnum } from './lib/clap.mjs';
import { clapEngineFlags, clapHowRead, clapParser, clapSource, envTable, helpCrossCheck, imageHistoryOf, sharedImage, writeClapFacts } from './lib/clapEngine.mjs';
import { axumRoutes, cargoLockVersions, enclosingFn, envReadsIn, groupEnvReads, imageFromDockerfile, openSnapshot, readmeDockerRun, sharedFlagShape, sharedRemovedShape } from './lib/common.mjs';
import { rustEnvSetForChild } from './lib/envReads.mjs';

const LAUNCHER = 'launcher/src/main.rs';
const ROUTER_MAIN = 'backends/v3/src/main.rs';
const HELP_DOC = 'docs/source/reference/launcher.md';
const IMAGE = 'ghcr.io/huggingface/text-generation-inference';

const { opts, repo, rev, show, script } = openSnapshot(import.meta.url, { facts: 'tgi-flags.json', upstream: 'huggingface/text-generation-inference' });

// ---- launcher flags ---------------------------------------------------------------------------------------------
const launcher = clapEngineFlags(repo, rev, show, LAUNCHER);
const { text: launcherText, line: argsLine, flags, describe, lastTag, releasedTags, removed: removedFlags, window: releasesRead, shortCollisions } = launcher;

// ---- the router's own flags ---------------------------------------------------------------------------------------
const routerText = show(ROUTER_MAIN);
const routerLib = show('router/src/usage_stats.rs');
const routerArgs = parseClapStruct(routerText, 'Args');
const passed = flagsPassedIn(launcherText, 'spawn_webserver');
const routerEnum = (typeName) => {
  for (const t of [routerText, routerLib]) {
    const e = parseValueEnum(t, typeName.split('::').at(-1));
    if (e) return e.values.map((v) => v.name);
  }
  return null;
};
const routerFlags = routerArgs.fields
  .map((f) => clapArgFacts(f, routerEnum))
  .filter((f) => f && f.flag)
  .map((f) => ({ flag: f.flag, short: f.short, env: f.env, default: f.default, value: f.value, line: f.line, passed_by_launcher: passed.flags.includes(f.flag) }));

// ---- env vars -----------------------------------------------------------------------------------------------------
const reads = [
  ...envReadsIn(repo, rev, 'launcher', ['launcher/src']),
  ...envReadsIn(repo, rev, 'router', ['router/src', 'backends/v3/src']),
  ...envReadsIn(repo, rev, 'server (Python shards)', ['server/text_generation_server']),
];
const direct = groupEnvReads(reads);
const setForChildren = rustEnvSetForChild(launcherText).map((s) => ({ ...s, fn: enclosingFn(launcherText, s.line, LAUNCHER) }));
const cargoLock = show('Cargo.lock');
// The hf-hub version the launcher depends on (Cargo.lock may hold others for other crates).
const hfHub = [/^hf-hub\s*=\s*(?:\{[^}]*version\s*=\s*)?"([^"]+)"/m.exec(show('launcher/Cargo.toml'))?.[1] ?? cargoLockVersions(cargoLock, 'hf-hub').at(-1)];

const env = envTable();
env.addFlags(flags, 'launcher (clap)', LAUNCHER);
for (const r of routerFlags) {
  if (!r.env || r.passed_by_launcher) continue;
  const e = env.entry(r.env);
  e.read_by.push(`router: env var of its own ${r.flag} (the launcher does not pass that flag)`);
  e.router_flag = r.flag;
  e.where = [{ file: ROUTER_MAIN, line: r.line, how: `clap env of ${r.flag}`, ...(r.default !== null ? { default: r.default } : {}) }];
}
env.addDirect(direct);
// hf-hub (Rust crate used by the launcher and the router): ApiBuilder::from_env reads HF_HOME (cache = $HF_HOME/hub,
// token = $HF_HOME/token) and HF_ENDPOINT. Read in huggingface/hf-hub 357331d (v0.4.2) src/lib.rs and src/api/*.rs.
for (const name of ['HF_HOME', 'HF_ENDPOINT']) env.entry(name).read_by.push(`hf-hub ${hfHub.join('/')} (Rust crate, launcher and router: ApiBuilder::from_env)`);
const curated = {
  HF_TOKEN: 'Hub token. The launcher uses it to fetch config.json (get_config); the router reads HF_TOKEN, else HUGGING_FACE_HUB_TOKEN; the Python shards read it through huggingface_hub.',
  HUGGING_FACE_HUB_TOKEN: 'Legacy token name: the router falls back to it when HF_TOKEN is unset (huggingface_hub does likewise).',
  HF_API_TOKEN: 'Legacy token name: the launcher copies it into HF_TOKEN for the download process, the shards and the router (after the inherited environment, so it wins over HF_TOKEN).',
  HF_HUB_ENABLE_HF_TRANSFER: 'Passed to the download process and the shards; the launcher sets it to "1" when unset (the image sets 1 too).',
  LOG_LEVEL: 'The launcher\'s log filter: "warn", "info", "debug" apply to the launcher and router targets; anything else is an EnvFilter directive. Removed from the download and shard processes\' environment (they get --logger-level). Debug logging: LOG_LEVEL=debug.',
  ATTENTION: 'Attention backend. Read by the launcher; when unset it is chosen from the model config and GPU (flashinfer by default, paged or flashdecoding as fallbacks), then set for the children; the shards require it (models/globals.py).',
  PREFIX_CACHING: 'Prefix caching on/off. Read by the launcher; when unset it is decided from the model (off for VLMs, seq2seq, LoRA, unsupported head dims, paged attention), then set for the children.',
  USE_FLASH_ATTENTION: 'Python shards: "false" (any case) makes layers.attention raise ImportError, so flash-attention models are not importable (models/__init__.py sets FLASH_ATTENTION = False and logs a warning).',
  CUDA_VISIBLE_DEVICES: 'Counted (comma-separated) for the default number of shards when neither --num-shard nor --sharded is given; NVIDIA_VISIBLE_DEVICES, then ZE_AFFINITY_MASK, when it is unset. See num_shard_default.',
  NVIDIA_VISIBLE_DEVICES: 'Counted for the default number of shards when CUDA_VISIBLE_DEVICES is unset; "all"/"void" count the GPUs nvidia-smi lists (v3.3.7 on). See num_shard_default.',
  TGI_WIGGLE_ROOM: 'Fraction of the memory budget used when estimating max batch prefill tokens (launcher default 0.95) and in the shards (Python default 0.90).',
  COMPUTE_TYPE: 'Passed to the router (usage stats / metadata); the launcher derives one from the GPUs when unset.',
  HUGGINGFACE_HUB_CACHE: 'Hub cache directory. Set by --huggingface-hub-cache (clap env), which the launcher passes to the download process and shards; the router reads it directly too. The image does not set it (it sets HF_HOME=/data).',
  HF_HOME: 'Hugging Face home: the hub cache is $HF_HOME/hub unless HF_HUB_CACHE/HUGGINGFACE_HUB_CACHE are set. The CUDA image sets HF_HOME=/data (v2.3.0 on).',
  DEBUG: 'Python shards: DEBUG=1 makes utils/dist.py log more about the process group.',
  MAX_IMAGE_FETCH_SIZE: 'Router only: --max-image-fetch-size (bytes, default 1073741824), the largest image the router fetches for a multimodal request. The launcher has no such flag and does not pass it, so the router takes it from the environment.',
  PREFILL_CHUNKING: 'Python shards: chunked prefill, on unless set to something other than "1"/"true" (models/globals.py).',
  REQUEST_LOGPROBS: 'Set to 1 by the launcher for --enable-prefill-logprobs; the shards allow prompt logprobs when it is "1"/"true".',
  EXLLAMA_VERSION: 'Python shards: GPTQ exllama kernels, "2" (default) or anything else for v1.',
  DISABLE_EXLLAMA: 'Python shards: exactly "True" disables the exllama GPTQ kernels.',
  USE_CUTLASS_W8A8: 'Python shards: "1" uses cutlass W8A8 FP8 GEMM instead of FP8-Marlin on compute capability 8.x (and 9.x with W8A16); default 0.',
  XPU_MEMORY_FRACTION: 'Python shards on Intel XPU: memory fraction (default 0.9); used there instead of --cuda-memory-fraction.',
  OMP_NUM_THREADS: 'Python shards on CPU: threads per rank (default: physical cores per NUMA node / ranks per node).',
  LOG_COLORIZE: 'Router: exactly "1" turns ANSI colours off (its doc comment says true/false, but only "1" is checked).',
  HF_HUB_OFFLINE: 'Offline mode: the router checks for exactly "1" (tokenizer from the cache, no Hub API); the shards accept 1/true/yes (utils/hub.py) and huggingface_hub its own truthy values.',
  HF_HUB_USER_AGENT_ORIGIN: 'Adds origin=<value> to the Hub user agent (launcher get_config, router).',
  AIP_HTTP_PORT: 'Vertex AI builds (google feature) only: overrides --port.',
  AIP_PREDICT_ROUTE: 'Vertex AI builds (google feature) only: an extra predict route.',
  AIP_HEALTH_ROUTE: 'Vertex AI builds (google feature) only: an extra health route.',
  PYTORCH_TUNABLEOP_ENABLED: 'ROCm shards: PyTorch TunableOp is on unless set to something other than "1".',
  PYTORCH_TUNABLEOP_TUNING: 'ROCm shards: "0" turns TunableOp tuning off.',
  PYTORCH_TUNABLEOP_SEQLENS: 'ROCm shards: comma-separated sequence lengths to tune (default: the CUDA graph sizes).',
  PYTORCH_TUNABLEOP_TUNING_AFTER_WARMUP: 'ROCm shards: "1" keeps tuning after warmup.',
  ROCM_USE_FLASH_ATTN_V2_TRITON: 'ROCm shards: "true"/"1" uses the Triton flash-attention v2 kernels instead of CK.',
  ROCM_USE_CUSTOM_PAGED_ATTN: 'ROCm shards: custom paged attention, on unless "0".',
  ROCM_USE_SKINNY_GEMM: 'ROCm shards: skinny GEMM kernels, on by default ("True").',
  HF_ENDPOINT: 'Hub endpoint (mirrors): hf-hub in the launcher and router, huggingface_hub in the shards; default https://huggingface.co.',
  ZE_AFFINITY_MASK: 'Intel GPUs: counted for the default number of shards when CUDA_VISIBLE_DEVICES and NVIDIA_VISIBLE_DEVICES are unset.',
  RANK: 'Set by the launcher for each shard (torch.distributed rank): a value in the container environment is overridden.',
  WORLD_SIZE: 'Set by the launcher for each shard (number of shards): a value in the container environment is overridden.',
};
env.addMeanings(curated);
for (const s of setForChildren) {
  if (s.own_process) continue;
  const e = env.map.get(s.name);
  if (e) (e.set_by_launcher_for ??= []).push({ fn: s.fn, line: s.line, ...(s.removed ? { removed: true } : { value: s.value }) });
}

// ---- images -------------------------------------------------------------------------------------------------------
const buildYaml = show('.github/workflows/build.yaml');
const imageSpecs = [];
const caseBlock = /case \$\{\{ inputs\.hardware \}\} in([\s\S]*?)\besac\b/.exec(buildYaml)?.[1] ?? '';
for (const arm of caseBlock.matchAll(/^\s*([\w-]+)\)\s*\n([\s\S]*?)(?:;;|$(?![\s\S]))/gm)) {
  const v = (name) => new RegExp(`export ${name}="([^"]*)"`).exec(arm[2])?.[1];
  const dockerfile = v('dockerfile');
  if (!dockerfile) continue;
  const platform = v('platform');
  imageSpecs.push({
    hardware: arm[1],
    dockerfile,
    tag_suffix: v('label_extension') ?? '',
    target: v('target') || undefined, // release builds: the first `target=` (cuda-trtllm's is for tags)
    buildArgs: platform ? { PLATFORM: platform } : {},
  });
}
const images = imageSpecs.map((s) => ({
  hardware: s.hardware,
  image: `${IMAGE}:<version>${s.tag_suffix}`,
  tags: [`<version>${s.tag_suffix}`, `<major>.<minor>${s.tag_suffix}`, `latest${s.tag_suffix}`, `sha-<short sha>${s.tag_suffix}`],
  ...imageFromDockerfile(repo, rev, { dockerfile: s.dockerfile, target: s.target, buildArgs: s.buildArgs }),
}));
const sagemaker = imageFromDockerfile(repo, rev, { dockerfile: 'Dockerfile', target: 'sagemaker' });

// The CUDA image per release: entrypoint, cmd, cache and port env, and whether its script splits arguments.
const imageHistory = imageHistoryOf(repo, releasedTags, 'Dockerfile', ['HF_HOME', 'HUGGINGFACE_HUB_CACHE', 'PORT']);

// ---- num_shard default: the GPU count, and its history -----------------------------------------------------------
const firstWith = (commit) => repo.tagsContaining(commit)[0] ?? `unreleased (after ${lastTag})`;
const numShardDefault = {
  rule: 'find_num_shards: --num-shard wins; --sharded false → 1; otherwise (and with --sharded true) the number of visible devices: CUDA_VISIBLE_DEVICES split at commas, else NVIDIA_VISIBLE_DEVICES, else ZE_AFFINITY_MASK, else 1. With several GPUs visible TGI shards across all of them by default, which needs shared memory (the README runs --shm-size 1g).',
  where: `${LAUNCHER}:${lineOf(launcherText, 'fn find_num_shards')} find_num_shards, :${lineOf(launcherText, 'fn num_cuda_devices')} num_cuda_devices`,
  history: [
    { from: firstWith('146e72c3'), commit: '146e72c3', change: 'NVIDIA_VISIBLE_DEVICES read when CUDA_VISIBLE_DEVICES is unset; "all" counts as one device (one shard).' },
    { from: firstWith('58934c8b'), commit: '58934c8b', change: '"all" counts nvidia-smi GPUs, but the count was split again at commas, so still one shard (as #3346 says).' },
    { from: firstWith('dfb3fbe7'), commit: 'dfb3fbe7', change: '"all" and "void" (CDI mode, nvidia-container-toolkit 1.18+) count the GPUs nvidia-smi lists.' },
  ],
};

const readme = show('README.md');
const routerServer = show('router/src/server.rs');

const cuda = images.find((i) => i.hardware === 'cuda');
const runs = readmeDockerRun(readme);

const facts = {
  engine: 'tgi',
  name: 'Hugging Face Text Generation Inference',
  source: {
    ...clapSource(repo, rev, 'huggingface/text-generation-inference', launcher),
    version_note: `git describe: ${describe}. Release tags are not all on main's history, so flag history compares the struct at every release tag by version order: ${releasesRead}.`,
    files: [LAUNCHER, ROUTER_MAIN, 'router/src/*.rs', 'server/text_generation_server/**/*.py', 'Dockerfile*', 'tgi-entrypoint.sh', 'sagemaker-entrypoint.sh', 'backends/*/tgi-entrypoint.sh', '.github/workflows/build.yaml', HELP_DOC, 'README.md', 'Cargo.lock', 'launcher/Cargo.toml'],
    license: 'Apache-2.0',
    generated_by: script,
    how_read: clapHowRead(cargoLockVersions(cargoLock, 'clap').filter((v) => v.startsWith('4'))),
  },
  parser: {
    ...clapParser({ program: 'text-generation-launcher', argsStruct: `${LAUNCHER}:${argsLine}` }),
    value_forms: ['--flag value', '--flag=value', '-p VALUE and -g VALUE (short forms; -e takes no value)'],
    bool_values: { env_of_value_less_flag: ['true', 'false'], note: 'exactly these (clap BoolValueParser): TRUST_REMOTE_CODE=1 or =True stops the launcher with "invalid value"; --sharded takes true/false as its value' },
    names: 'Long names are the field name in kebab-case (--max-input-tokens); clap matches them exactly: --max_input_tokens and prefixes are rejected, although TGI\'s own help text writes --num_shard.',
    values: 'A flag that takes no value (trust-remote-code, json-output, …) rejects --flag=true ("unexpected value \'true\' … no more were expected").',
    repeats: 'A flag given twice is an error ("the argument \'--port <PORT>\' cannot be used multiple times"), except repeatable ones (--cors-allow-origin, --cuda-graphs).',
    list_values: '--cuda-graphs / CUDA_GRAPHS take a comma-separated list (value_delimiter ","); "0" disables CUDA graphs.',
    short_collisions: shortCollisions.length
      ? `${shortCollisions.map((c) => `${c.short} is declared for ${c.flags.join(' and ')}`).join('; ')}: clap's release build takes the first declared (so ${shortCollisions.map((c) => `${c.short} means ${c.parses_as}`).join(', ')}); a debug build would panic.`
      : 'none',
    hostname_env: 'Docker sets HOSTNAME in every container (to its hostname), so --hostname\'s env var is always set there: a container id or name is not an IP address, and the router logs "Invalid hostname, defaulting to 0.0.0.0" and listens on 0.0.0.0 (router/src/server.rs). An explicit --hostname wins.',
    checked_after_parsing: 'By the launcher: --max-input-tokens with --max-input-length (deprecated name) is an error; max_input_tokens must be < max_total_tokens; max_total_tokens <= max_batch_total_tokens; --ngrok needs --ngrok-authtoken and --ngrok-edge; --validation-workers > 0; exl2 quantization cannot shard.',
  },
  flags: flags.map((f) => sharedFlagShape(f, { deprecated: { '--max-input-length': { replacement: '--max-input-tokens' } } })),
  env_vars: env.list(flags),
  env_vars_note: 'read_by "launcher (clap)": the env var of a launcher flag. Direct reads list each place (file:line, fn). The Python shards also read the huggingface_hub variables (HF_HUB_CACHE, HF_HUB_OFFLINE, HF_ENDPOINT, …: see vllm-env.json huggingface_env_vars). set_by_launcher_for: the launcher writes the variable into its children\'s environment (after the inherited one, so its value wins).',
  removed_flags: sharedRemovedShape(repo, LAUNCHER, removedFlags, { '--disable-usage-stats': '--usage-stats off', '--disable-crash-reports': '--usage-stats no-stack', '--enable-cuda-graphs': '--cuda-graphs' }),
  removed_flags_window: `launcher Args parsed at every release tag ${releasesRead} and at ${rev.slice(0, 8)}; a flag in some release and not at this commit is listed with the release that dropped it`,
  image:
    cuda &&
    sharedImage(cuda, {
      name: `${IMAGE}:<version>`,
      notes: 'tgi-entrypoint.sh runs `exec text-generation-launcher $@` with $@ unquoted: bash splits every argument at whitespace (and expands globs), so a Compose list item "--model-id org/name" works as two words. PORT=80 in the image overrides the launcher default 3000. python3 comes from the uv virtualenv on PATH. Other hardware images: see images.',
    }),
  cache: {
    paths: [cuda?.hub_cache.path ?? '/data/hub'],
    moved_by: ['--huggingface-hub-cache', 'HUGGINGFACE_HUB_CACHE', 'HF_HUB_CACHE', 'HF_HOME', '--weights-cache-override', 'WEIGHTS_CACHE_OVERRIDE'],
    notes: `The CUDA image sets HF_HOME=/data, so weights download to /data/hub/models--<org>--<name> (huggingface_hub in the Python download process). Mount /data (the README's -v $volume:/data) or /data/hub: a volume at /data/hub/models--x or deeper does not hold the cache. --huggingface-hub-cache (env HUGGINGFACE_HUB_CACHE) is passed to the download process and the shards and read by the router; HF_HUB_CACHE moves it for the Python processes only; --weights-cache-override points the shards at a directory of weights instead. Images before v2.3.0 set HUGGINGFACE_HUB_CACHE=/data (weights directly under /data): mounting /data covers both. The intel-cpu image still sets HUGGINGFACE_HUB_CACHE=/data; the neuron image HUGGINGFACE_HUB_CACHE=/tmp; trtllm sets nothing (/root/.cache/huggingface/hub).`,
    readme_volume_target: [...new Set(runs.flatMap((r) => r.volume_targets))],
  },
  health: {
    port: Number(cuda?.env.PORT ?? 80),
    paths: ['/health'],
    notes: `GET /health (also GET / and /ping) returns 200, or 503 {"error":"unhealthy","error_type":"healthcheck"} when the shards fail a health check (router/src/server.rs health → backend device/model health). The router, which owns the port, starts only after the weights are downloaded and every shard reports ready (launcher main(): download_convert_model, spawn_shards, spawn_webserver), so the port refuses connections during download and load. Port: PORT=80 in the image; --port default 3000 elsewhere. Metrics: /metrics on the main port and a Prometheus listener on --prometheus-port (default 9000). With several GPUs visible TGI shards across all of them by default and needs shared memory: the README runs --shm-size ${[...new Set(runs.map((r) => r.shm_size).filter(Boolean))].join('/') || '1g'}.`,
  },
  debug_logging: [
    { setting: 'LOG_LEVEL=debug', meaning: 'Launcher and router at debug (warn/info/debug apply to the launcher and router targets; any other value is an EnvFilter directive, e.g. text_generation_router=trace). The shards get --logger-level from it.' },
    { setting: 'DEBUG=1', meaning: 'Python shards: extra process-group logging (utils/dist.py).' },
    { setting: '--env / -e', meaning: 'Print the runtime environment (versions, GPUs) at start.' },
    { setting: '--json-output / JSON_OUTPUT=true', meaning: 'JSON logs (launcher and router).' },
  ],
  short_collisions: shortCollisions,
  router: {
    binary: 'text-generation-router',
    args_struct: `${ROUTER_MAIN}:${routerArgs.line}`,
    launcher_passes: `${LAUNCHER}:${passed.line} spawn_webserver`,
    note: 'The router inherits the launcher\'s environment, so its own clap env vars apply to the flags the launcher does not pass on the command line (MAX_IMAGE_FETCH_SIZE).',
    flags: routerFlags,
  },
  env_set_for_children: setForChildren,
  num_shard_default: numShardDefault,
  images,
  other_build_targets: sagemaker ? [{ ...sagemaker, note: 'Build target "sagemaker" of the CUDA Dockerfile (not among build.yaml\'s tags): its entrypoint maps HF_MODEL_ID, HF_MODEL_REVISION, SM_NUM_GPUS, HF_MODEL_QUANTIZE, HF_MODEL_TRUST_REMOTE_CODE to MODEL_ID, REVISION, NUM_SHARD, QUANTIZE, TRUST_REMOTE_CODE and always runs text-generation-launcher --port 8080, ignoring the container\'s arguments.' }] : [],
  image_history: imageHistory,
  http_routes: axumRoutes(routerServer).map((r) => ({ ...r, file: 'router/src/server.rs' })),
  readme_docker_run: runs,
  // ---- cross-check with clap's own --help as the docs reproduce it
  cross_check: helpCrossCheck(repo, rev, flags, HELP_DOC),
};

writeClapFacts(facts, opts, `${flags.length} launcher flags, ${removedFlags.length} removed, ${routerFlags.length} router flags, ${facts.env_vars.length} env vars, ${images.length} images`);

function lineOf(text, needle) {
  const i = text.indexOf(needle);
  return i < 0 ? null : text.slice(0, i).split('\n').length;
}
