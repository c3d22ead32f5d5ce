// Extracts Hugging Face Text Embeddings Inference (engine id `tei`) facts from a snapshot of
// huggingface/text-embeddings-inference into server/src/engines/facts/tei-flags.json:
// - the router's flags (router/src/main.rs, clap derive `struct Args`): long/short names, the env var clap gives
//   each, action, default, values (with the build features that enable them), and per release when each flag came,
//   went or changed its default;
// - env vars read directly (std::env::var in the router, core and backends; os.getenv in the Python backend);
// - the images (.github/workflows/matrix.json: Dockerfile, tag prefix, build args, gRPC variant), their entrypoint
//   scripts, their history per release, the Hugging Face cache path and what moves it; the HTTP routes.
// The snapshot is read with git only (no checkout, nothing built or run). Usage:
//   node scripts/engine-facts/extract-tei.mjs --repo <git dir of a huggingface/text-embeddings-inference snapshot>
//        [--commit REV (default HEAD)] [--out FILE (default server/src/engines/facts/tei-flags.json)] [--check]
// (`extract-tei.mjs <git dir> [REV]` works too.) --check writes nothing and exits 1 when the file differs.
import { clapEngineFlags, clapHowRead, clapParser, clapSource, envTable, helpCrossCheck, imageHistoryOf, sharedImage, writeClapFacts } from './lib/clapEngine.mjs';
import { axumRoutes, cargoLockVersions, envReadsIn, groupEnvReads, imageFromDockerfile, openSnapshot, readmeDockerRun, sharedFlagShape, sharedRemovedShape } from './lib/common.mjs';

const ROUTER_MAIN = 'router/src/main.rs';
const HELP_DOC = 'docs/source/en/cli_arguments.md';
const IMAGE = 'ghcr.io/huggingface/text-embeddings-inference';

const { opts, repo, rev, show, script } = openSnapshot(import.meta.url, { facts: 'tei-flags.json', upstream: 'huggingface/text-embeddings-inference' });

// ---- flags --------------------------------------------------------------------------------------------------------
const router = clapEngineFlags(repo, rev, show, ROUTER_MAIN);
const { line: argsLine, flags, describe, releasedTags, removed: removedFlags, window: releasesRead, shortCollisions } = router;

// ---- env vars -----------------------------------------------------------------------------------------------------
const reads = [
  ...envReadsIn(repo, rev, 'router', ['router/src']),
  ...envReadsIn(repo, rev, 'core', ['core/src']),
  ...envReadsIn(repo, rev, 'backend', ['backends/src', 'backends/core/src']),
  ...envReadsIn(repo, rev, 'backend (candle)', ['backends/candle/src']),
  ...envReadsIn(repo, rev, 'backend (ort)', ['backends/ort/src']),
  ...envReadsIn(repo, rev, 'backend (Python: cpu-ipex, xpu-ipex, hpu images)', ['backends/python/server/text_embeddings_server']),
];
const direct = groupEnvReads(reads);
const cargoLock = show('Cargo.lock');
const hfHub = cargoLockVersions(cargoLock, 'hf-hub');

const env = envTable();
env.addFlags(flags, 'router (clap)', ROUTER_MAIN);
env.addDirect(direct);
// hf-hub (Rust crate): ApiBuilder::from_env reads HF_HOME (cache = $HF_HOME/hub, token = $HF_HOME/token) and
// HF_ENDPOINT; it does not read HUGGINGFACE_HUB_CACHE or HF_HUB_CACHE. Read in huggingface/hf-hub 357331d (v0.4.2).
for (const name of ['HF_HOME', 'HF_ENDPOINT']) env.entry(name).read_by.push(`hf-hub ${hfHub.join('/')} (Rust crate: ApiBuilder::from_env)`);
const curated = {
  HUGGINGFACE_HUB_CACHE: 'The env var of --huggingface-hub-cache: where the router downloads the model. The images set it to /data. Without it hf-hub uses $HF_HOME/hub, else ~/.cache/huggingface/hub. HF_HUB_CACHE is not read.',
  HF_HOME: 'Read by hf-hub for the cache ($HF_HOME/hub) only when --huggingface-hub-cache / HUGGINGFACE_HUB_CACHE is unset (the images set that), and for the token file $HF_HOME/token.',
  HF_TOKEN: 'The env var of --hf-token (Hub token); when neither is set the token is read from $HF_HOME/token.',
  HF_API_TOKEN: 'Deprecated env var of the hidden --hf-api-token: still works, with a warning; conflicts with --hf-token.',
  USE_FLASH_ATTENTION: 'Candle CUDA backend: anything but "true" (any case) turns flash attention off; unset means on. The Turing images are built with USE_FLASH_ATTENTION=False. The Python backend: "false" turns it off.',
  LOG_LEVEL: 'tracing EnvFilter directive for the router (default info). Debug logging: LOG_LEVEL=debug.',
  HOSTNAME: 'The env var of --hostname. Docker sets HOSTNAME in every container (to its hostname), which is not an IP address: the router logs "Invalid hostname, defaulting to 0.0.0.0" and listens on 0.0.0.0. An explicit --hostname wins.',
  AIP_HTTP_PORT: 'Vertex AI: overrides --port, only in builds with the google feature.',
  MAX_WARMUP_SEQUENCE_LENGTH: 'HPU/ROCm (Python backend) warmup: longest sequence warmed up (default: the model\'s max input length).',
  TRUST_REMOTE_CODE: 'Python backend only ("true"/"1"); TEI has no --trust-remote-code flag.',
  GRPC_MAX_PARALLEL_STREAM_REQUESTS: 'gRPC images: requests processed in parallel per stream (default 1024).',
  TASK: 'HTTP images without the google feature: "sentence-similarity" makes POST / and /invocations serve /similarity for an embedding model.',
  AIP_PREDICT_ROUTE: 'Vertex AI builds (google feature) only: an extra predict route.',
  AIP_HEALTH_ROUTE: 'Vertex AI builds (google feature) only: an extra health route.',
  HF_HUB_USER_AGENT_ORIGIN: 'Adds origin=<value> to the Hub user agent.',
  PAD_SEQUENCE_TO_MULTIPLE_OF: 'HPU/ROCm (Python backend) warmup and padding: sequence bucket size (default 128).',
  SEQ_LEN_EXPONENT_BASE: 'HPU/ROCm (Python backend) warmup: growth factor of the sequence-length buckets (default 2).',
  MAX_WARMUP_BATCH_SIZE: 'HPU/ROCm (Python backend) warmup: largest batch warmed up (default 8); ignored when --max-batch-requests is set.',
  ALLOW_REDUCED_PRECISION_FP16_BF16: 'Python backend: allow reduced-precision reductions in fp16/bf16 matmuls, on unless set to something other than "true"/"1".',
  DISABLE_TENSOR_CACHE: 'Python backend (HPU): "true"/"1" passes disable_tensor_cache to the HPU graph wrapper.',
  HF_ENDPOINT: 'Hub endpoint (mirrors), read by hf-hub; default https://huggingface.co.',
  USE_IPEX: 'Python backend: Intel Extension for PyTorch is used when this is "true"/"1" (default True) and IPEX is installed.',
};
env.addMeanings(curated);

// ---- images -------------------------------------------------------------------------------------------------------
const matrix = JSON.parse(show('.github/workflows/matrix.json'));
const images = [];
for (const m of matrix) {
  const buildArgs = Object.fromEntries(
    (m.extraBuildArgs ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => kv.split('=')),
  );
  if (m.cudaComputeCap) buildArgs.CUDA_COMPUTE_CAP = String(m.cudaComputeCap);
  const variants = [{ suffix: '', target: undefined }];
  if (m.grpc) variants.push({ suffix: '-grpc', target: 'grpc' });
  for (const v of variants) {
    const facts = imageFromDockerfile(repo, rev, { dockerfile: m.dockerfile, target: v.target, buildArgs });
    if (!facts) continue;
    images.push({
      name: m.name,
      image: `${IMAGE}:${m.imageNamePrefix}<version>${v.suffix}`,
      tags: [`${m.imageNamePrefix}<version>${v.suffix}`, `${m.imageNamePrefix}<major>.<minor>${v.suffix}`, `${m.imageNamePrefix}latest${v.suffix}`, `${m.imageNamePrefix}sha-<short sha>${v.suffix}`],
      ...(m.cudaComputeCap ? { cuda_compute_cap: m.cudaComputeCap } : {}),
      ...(m.platform ? { platform: m.platform } : {}),
      protocol: v.target === 'grpc' ? 'gRPC' : 'HTTP',
      ...facts,
    });
  }
}

// The CUDA image per release: entrypoint, cmd, cache and port env, and how its script passes arguments on.
const imageHistory = imageHistoryOf(repo, releasedTags, 'Dockerfile-cuda', ['HF_HOME', 'HUGGINGFACE_HUB_CACHE', 'PORT']);

const readme = show('README.md');
const httpServer = show('router/src/http/server.rs');
const cudaImage = images.find((i) => i.name === 'ampere-80' && i.protocol === 'HTTP') ?? images[0];

const runs = readmeDockerRun(readme);
const scriptImage = images.find((i) => i.entrypoint_script?.path);

const facts = {
  engine: 'tei',
  name: 'Hugging Face Text Embeddings Inference',
  source: {
    ...clapSource(repo, rev, 'huggingface/text-embeddings-inference', router),
    version_note: `git describe: ${describe}. Flag history compares the struct at every release tag by version order: ${releasesRead}.`,
    files: [ROUTER_MAIN, 'router/src/**/*.rs', 'core/src/*.rs', 'backends/**/*.rs', 'backends/python/server/**/*.py', 'Dockerfile*', 'cuda-entrypoint.sh', 'cuda-all-entrypoint.sh', '.github/workflows/matrix.json', '.github/workflows/build.yaml', HELP_DOC, 'README.md', 'Cargo.lock'],
    license: 'Apache-2.0',
    generated_by: script,
    how_read: clapHowRead(cargoLockVersions(cargoLock, 'clap')),
  },
  parser: {
    ...clapParser({ program: 'text-embeddings-router', argsStruct: `${ROUTER_MAIN}:${argsLine}` }),
    value_forms: ['--flag value', '--flag=value', '-p value (the only short)'],
    bool_values: { env_of_bool_flag: ['true', 'false'], note: 'exactly these (clap BoolValueParser): JSON_OUTPUT=1 or AUTO_TRUNCATE=False stops the router with "invalid value"' },
    names: 'Long names are the field name in kebab-case (--max-batch-tokens); clap matches them exactly: underscores and prefixes are rejected.',
    values: 'A flag that takes no value (json-output, disable-spans) rejects --flag=true. --auto-truncate takes an optional true/false (--auto-truncate false, --auto-truncate=false; bare --auto-truncate means true; default true since v1.9.0).',
    required: 'No default for --model-id (since v1.9.0; before it defaulted to a BAAI/thenlper model): without it or MODEL_ID the router exits with "the following required arguments were not provided".',
    repeats: 'A flag given twice is an error ("cannot be used multiple times"), except repeatable ones (--cors-allow-origin).',
    conflicts: '--default-prompt with --default-prompt-name, and --hf-token with --hf-api-token, are clap conflicts (error at parse time).',
    hostname_env: 'Docker sets HOSTNAME in every container, so --hostname\'s env var is always set there: the router warns "Invalid hostname, defaulting to 0.0.0.0" and listens on 0.0.0.0 (router/src/lib.rs). An explicit --hostname wins.',
    short_collisions: shortCollisions.length ? shortCollisions.map((c) => `${c.short}: ${c.flags.join(', ')}`).join('; ') : 'none',
  },
  flags: flags.map((f) => sharedFlagShape(f, { deprecated: { '--hf-api-token': { replacement: '--hf-token' } } })),
  env_vars: env.list(flags),
  env_vars_note: 'read_by "router (clap)": the env var of a flag. Direct reads list each place (file:line, fn); the Python backend\'s run only in the images built with the python feature (cpu-ipex, xpu-ipex, hpu).',
  removed_flags: sharedRemovedShape(repo, ROUTER_MAIN, removedFlags),
  removed_flags_window: `router Args parsed at every release tag ${releasesRead} and at ${rev.slice(0, 8)}; ${removedFlags.length ? 'a flag in some release and not at this commit is listed with the release that dropped it' : 'no flag has been removed (--hf-api-token is hidden and deprecated but still accepted)'}`,
  image:
    cudaImage &&
    sharedImage(cudaImage, {
      name: cudaImage.image,
      notes: `CMD ["--json-output"]: a Compose command replaces it, so JSON logs stop unless --json-output is repeated there. The CUDA images run ./entrypoint.sh since v1.9.1 (the cuda- images from Dockerfile-cuda-all earlier) (${scriptImage?.entrypoint_script.path}), which checks nvidia-smi, adds the CUDA compat libraries for older drivers and runs \`exec text-embeddings-router "$@"\`: arguments are passed on unchanged, so a Compose list item "--model-id org/name" reaches clap as one argument and fails; the script exits 1 with "Error: 'nvidia-smi' command not found." when the container has no GPU; the CPU images run the binary directly. The entrypoint path is relative: a Compose working_dir: makes it not found. Turing images set USE_FLASH_ATTENTION=False. No python3 in the CUDA and CPU images.`,
    }),
  cache: {
    paths: [cudaImage?.hub_cache.path ?? '/data'],
    moved_by: ['--huggingface-hub-cache', 'HUGGINGFACE_HUB_CACHE', 'HF_HOME'],
    notes: 'The images set HUGGINGFACE_HUB_CACHE=/data (the env var of --huggingface-hub-cache): the router (hf-hub) downloads models to /data/models--<org>--<name>, so the volume must be /data itself (the README\'s -v $volume:/data) or a parent of it. HF_HOME moves the cache ($HF_HOME/hub) only when HUGGINGFACE_HUB_CACHE is unset; HF_HUB_CACHE is not read at all (hf-hub has no such variable).',
    readme_volume_target: [...new Set(runs.flatMap((r) => r.volume_targets))],
  },
  health: {
    port: Number(cudaImage?.env.PORT ?? 80),
    paths: ['/health'],
    notes: 'GET /health (also GET / and /ping in the HTTP images) returns 200, or 503 {"error":"unhealthy","error_type":"unhealthy"}. The HTTP listener is bound only after the model is downloaded, loaded and warmed up, so the port refuses connections until then. Port: PORT=80 in the images; --port default 3000 elsewhere. Metrics: /metrics on the main port and a Prometheus listener on --prometheus-port (default 9000). The -grpc images serve gRPC instead (grpc.health.v1).',
  },
  debug_logging: [
    { setting: 'LOG_LEVEL=debug', meaning: 'tracing EnvFilter directive for the router (default info; any directive, e.g. text_embeddings_router=trace).' },
    { setting: '--json-output / JSON_OUTPUT=true', meaning: 'JSON logs (the images\' default CMD).' },
    { setting: '--disable-spans / DISABLE_SPANS=true', meaning: 'Leave span information out of the logs.' },
  ],
  short_collisions: shortCollisions,
  program: {
    entry: 'text-embeddings-router',
    note: 'One process: the router serves HTTP (or gRPC in the -grpc images) and runs the model backend (candle, ORT, or a Python server for the ipex/hpu images).',
  },
  images,
  image_history: imageHistory,
  http_routes: axumRoutes(httpServer).map((r) => ({ ...r, file: 'router/src/http/server.rs' })),
  readme_docker_run: runs,
  // ---- cross-check with clap's own --help as the docs reproduce it
  cross_check: helpCrossCheck(repo, rev, flags, HELP_DOC),
};

writeClapFacts(facts, opts, `${flags.length} flags, ${removedFlags.length} removed, ${facts.env_vars.length} env vars, ${images.length} images`);
