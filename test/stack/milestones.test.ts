/**
 * Startup phases from a vLLM log, and fatal errors explained. The fixture (fixtures/vllm-startup.log) and every
 * error text here come from server/src/engines/facts/vllm-server.json (`startup_milestones`, `fatal_errors`); placeholders
 * in the facts' texts (<dev>, <N>...) are filled with example values.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DockerDemuxer, encodeFrame } from '../../client/src/stack/docker/dockerStream';
import { LineSplitter, LogLineParser } from '../../client/src/stack/logs/logLines';
import { maskSecrets } from '../../client/src/stack/logs/mask';
import { matchFatalError, matchMilestone, StartupTracker, type StartupPhase } from '../../client/src/stack/runner/milestones';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'vllm-startup.log');
const fixtureLines = () => readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));

/** vLLM's `MM-DD HH:MM:SS` as milliseconds within an arbitrary year: enough for differences. */
const ms = (time: string) => {
  const [, mo, d, h, mi, s] = /^(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(time)!;
  return Date.UTC(2026, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
};

describe('StartupTracker on a vLLM startup log', () => {
  it('goes through the phases in order, through the whole pipeline (frames split at odd places, masking, parsing)', () => {
    // The fixture as Docker sends it: one frame per line on stdout, the byte stream cut every 97 bytes.
    const wire = Buffer.concat(fixtureLines().map((l) => encodeFrame('stdout', l + '\n')));
    const demux = new DockerDemuxer({ tty: false });
    const splitter = new LineSplitter();
    const parser = new LogLineParser();
    let now = 0;
    const tracker = new StartupTracker({ now: () => now });
    const shown: string[] = [];
    const phases: StartupPhase[] = [];
    for (let i = 0; i < wire.length; i += 97) {
      for (const piece of demux.push(wire.subarray(i, i + 97))) {
        for (const raw of splitter.push(piece.data)) {
          const line = parser.parse(maskSecrets(raw));
          if (line.time) now = ms(line.time);
          shown.push(line.line);
          for (const e of tracker.feed(line.text)) if (e.kind === 'milestone' && e.phaseChanged) phases.push(e.phase as StartupPhase);
        }
      }
    }
    assert.deepEqual(phases, ['loading-weights', 'weights-loaded', 'compiling', 'allocating-kv-cache', 'capturing-cuda-graphs', 'api-starting', 'ready']);
    assert.equal(tracker.state, 'ready');
    assert.deepEqual(tracker.timeline.map((t) => t.phase), ['starting', ...phases]);
    assert.deepEqual(tracker.details, {
      version: '0.21.1',
      model: 'Qwen/Qwen3-0.6B',
      architecture: 'Qwen3ForCausalLM',
      maxModelLen: 8192,
      weightsGiB: 14.99,
      weightsSeconds: 12.345678,
      compileSeconds: 19.53,
      kvCacheGiB: 61.23,
      kvCacheTokens: 573296,
      maxConcurrency: 69.98,
      cudaGraphSeconds: 5,
      cudaGraphGiB: 0.53,
      engineInitSeconds: 33.1,
      url: 'http://0.0.0.0:8000',
      pid: 1,
    });
    // First line 03:36:30, "Application startup complete." logged by uvicorn without a time: the last vLLM time is 03:37:29.
    assert.equal(tracker.secondsToReady, 59);
    assert.equal(tracker.failure, undefined);
    assert.equal(shown.length, fixtureLines().length);
    assert.ok(!shown.join('\n').includes('sk-fixture0123456789abcdefghij'), 'the api key reached the output');
  });

  it('matches the three wordings of the API server line (facts history)', () => {
    for (const line of ['Starting vLLM server on http://0.0.0.0:8000', 'Starting vLLM API server 0 on http://0.0.0.0:8000', 'Starting vLLM API server on http://0.0.0.0:8000']) {
      assert.deepEqual(matchMilestone(line)?.details, { url: 'http://0.0.0.0:8000' }, line);
    }
  });

  it('reads the older "Model loading took %.4f GB" wording and the V2 runner wording', () => {
    assert.deepEqual(matchMilestone('Model loading took 14.9900 GB and 12.345678 seconds')?.details, { weightsGiB: 14.99, weightsSeconds: 12.345678 });
    assert.deepEqual(matchMilestone('Model loading took 14.99 GiB and 12.345678 seconds')?.details, { weightsGiB: 14.99, weightsSeconds: 12.345678 });
  });

  it('does not take "Uvicorn running on" (never printed by recent vLLM) or the periodic stats line for a milestone', () => {
    assert.equal(matchMilestone('Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)'), undefined);
    assert.equal(matchMilestone('Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 0 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.0%, Prefix cache hit rate: 0.0%'), undefined);
  });

  it('starts over when the container restarts (a new banner after ready), and goes to stopping on shutdown', () => {
    const t = new StartupTracker({ now: () => 0 });
    for (const l of fixtureLines()) t.feed(l);
    assert.equal(t.state, 'ready');
    t.feed('(APIServer pid=1) INFO:     Shutting down');
    t.feed('(APIServer pid=1) INFO:     Waiting for application shutdown.');
    assert.equal(t.state, 'stopping');
    const events = t.feed('(APIServer pid=1) INFO 05-27 04:00:00 [utils.py:253] vLLM server version 0.21.1, serving model Qwen/Qwen3-0.6B');
    assert.equal(events[0]?.kind, 'restarted');
    assert.equal(t.state, 'starting');
    assert.deepEqual(t.details, { version: '0.21.1', model: 'Qwen/Qwen3-0.6B' });
  });

  it('knows the ready lines of the other engines in serving-engines.json', () => {
    assert.equal(matchMilestone('The server is fired up and ready to roll!', 'sglang')?.phase, 'ready');
    assert.equal(matchMilestone('I0821 10:00:00.000 1 http_server.cc:4800] Started HTTPService at 0.0.0.0:8000', 'triton')?.phase, 'ready');
    assert.equal(matchMilestone('2026-01-08T10:00:00.000000Z  INFO text_generation_launcher: Starting Webserver', 'tgi')?.phase, 'api-starting');
    assert.equal(matchMilestone('2026-07-24T10:00:00.000000Z  INFO text_embeddings_router: router/src/lib.rs:200: Warming up model', 'tei')?.phase, 'compiling');
    assert.equal(matchMilestone('The server is fired up and ready to roll!'), undefined, 'not a vLLM line');
  });
});

describe('fatal errors (vllm-server.json fatal_errors)', () => {
  /** [facts text with placeholders filled, id, words the explanation must carry] */
  const CASES: [string, string, string[]][] = [
    ['ValueError: Free memory on device cuda:0 (10.5/79.19 GiB) on startup is less than desired GPU memory utilization (0.9, 71.27 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.', 'gpu-memory-taken', ['10.5 of 79.19 GiB', '0.9', '71.27 GiB']],
    ['torch.OutOfMemoryError: Failed to load model - not enough GPU memory. Try lowering --gpu-memory-utilization to free memory for weights, increasing --tensor-parallel-size, or using --quantization. See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more tips. (original error: CUDA out of memory. Tried to allocate 2.00 GiB)', 'weights-oom', ['--tensor-parallel-size']],
    ['torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB', 'cuda-oom', ['--gpu-memory-utilization']],
    ['ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine (this flag also controls CPU memory reservation on the CPU backend, despite its name).', 'no-kv-cache-memory', ['--gpu-memory-utilization']],
    ["ValueError: To serve at least one request with the model's max seq len (131072), (16.0 GiB KV cache is needed, which is larger than the available KV cache memory (4.5 GiB). Based on the available memory, the estimated maximum model length is 36864. Try increasing `gpu_memory_utilization` (which also controls CPU memory on the CPU backend) or decreasing `max_model_len` when initializing the engine.", 'kv-cache-too-small', ['--max-model-len 36864', '131072']],
    ["ValueError: User-specified max_model_len (200000) is greater than the derived max_model_len (max_position_embeddings=40960 or model_max_length=None in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1.", 'max-model-len-too-large', ['200000', 'VLLM_ALLOW_LONG_MAX_MODEL_LEN=1']],
    ['ValueError: Unknown quantization method: awq4. Must be one of [awq, gptq, fp8].', 'unknown-quantization', ['"awq4"']],
    ['ValueError: Quantization method specified in the model config (gptq) does not match the quantization method specified in the `quantization` argument (awq).', 'quantization-mismatch', ['gptq', 'awq']],
    ['ValueError: The quantization method fp8 is not supported for the current GPU. Minimum capability: 89. Current capability: 80.', 'quantization-unsupported-gpu', ['89', '80']],
    ['ValueError: torch.float32 is not supported for quantization method awq. Supported dtypes: [torch.float16]', 'dtype-unsupported-quantization', ['torch.float32', 'awq']],
    ['ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the `dtype` flag in CLI, for example: --dtype=half.', 'bfloat16-old-gpu', ['Tesla T4', '7.5', '--dtype half']],
    ['RuntimeError: Failed to infer device type, please set the environment variable `VLLM_LOGGING_LEVEL=DEBUG` to turn on verbose logging to help debug the issue.', 'no-gpu', ['NVIDIA Container Toolkit', 'capabilities: [gpu]']],
    ['RuntimeError: No CUDA GPUs are available', 'no-cuda-gpus', ['NVIDIA Container Toolkit']],
    ['RuntimeError: Failed to load the model config. If the model is a custom model not yet available in the HuggingFace transformers library, consider setting `trust_remote_code=True` in LLM or using the `--trust-remote-code` flag in the CLI.', 'trust-remote-code', ['--trust-remote-code']],
    ['TimeoutError: Timed out waiting for engine core processes to start. This is often caused by slow weight loading for large models. Waited 600s (configured by VLLM_ENGINE_READY_TIMEOUT_S).', 'startup-timeout', ['VLLM_ENGINE_READY_TIMEOUT_S']],
    ['TypeError: Error: --enable-auto-tool-choice requires --tool-call-parser', 'auto-tool-choice-parser', ['--tool-call-parser']],
    ['TypeError: Error: --enable-log-outputs requires --enable-log-requests', 'log-outputs-without-requests', ['--enable-log-requests']],
    ["ValueError: VLLM_PORT 'tcp://10.96.0.12:8000' appears to be a URI. This may be caused by a Kubernetes service discovery issue,check the warning in: https://docs.vllm.ai/en/stable/serving/env_vars.html", 'vllm-port-uri', ['tcp://10.96.0.12:8000']],
    ['vllm serve: error: unrecognized arguments: --disable-log-requests', 'unrecognized-arguments', ['--disable-log-requests']],
    ['RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}', 'engine-init-failed', ['cause']],
    ['vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.', 'engine-dead', ['503']],
  ];
  for (const [line, id, words] of CASES) {
    it(`${id}`, () => {
      const e = matchFatalError(line);
      assert.equal(e?.id, id);
      for (const w of words) assert.ok(e.explanation.includes(w), `"${w}" not in: ${e.explanation}`);
    });
  }

  it('keeps the specific cause when the generic "initialization failed" follows it', () => {
    const t = new StartupTracker({ now: () => 0 });
    t.feed('(EngineCore_DP0 pid=312) INFO 05-27 03:36:48 [gpu_model_runner.py:4120] Starting to load model m...');
    const events = t.feed('(EngineCore_DP0 pid=312) RuntimeError: Failed to infer device type, please set the environment variable `VLLM_LOGGING_LEVEL=DEBUG` to turn on verbose logging to help debug the issue.');
    assert.equal(events[0]?.kind, 'failed');
    t.feed('(EngineCore_DP0 pid=312) ERROR 05-27 03:36:49 [core.py:700] EngineCore failed to start.');
    t.feed('RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}');
    assert.equal(t.state, 'failed');
    assert.equal(t.failure?.id, 'no-gpu');
    // Milestones after a failure do not bring the service back.
    t.feed('(APIServer pid=1) INFO:     Application startup complete.');
    assert.equal(t.state, 'failed');
  });

  it('records an unknown VLLM_* variable as a warning, not a failure', () => {
    const t = new StartupTracker({ now: () => 0 });
    const events = t.feed('(APIServer pid=1) WARNING 05-27 03:36:30 [envs.py:1501] Unknown vLLM environment variable detected: VLLM_GPU_MEMORY_UTILIZATION');
    assert.equal(events[0]?.kind, 'warning');
    assert.equal(t.state, 'starting');
    assert.match(t.warnings[0]!.explanation, /VLLM_GPU_MEMORY_UTILIZATION is not a variable vLLM reads/);
  });

  it('finds nothing in the normal startup log', () => {
    assert.deepEqual(fixtureLines().filter((l) => matchFatalError(l)), []);
  });
});

describe('StartupTracker on NVIDIA NIM logs (fixtures/nim/, published start-ups)', () => {
  const nimLines = (name: string) => readFileSync(join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'nim', name), 'utf8').split('\n').filter((l) => l);

  it('follows NIM 1.0.0 from its banner through profile, workspace, weights, KV cache and CUDA graphs to Uvicorn', () => {
    const tracker = new StartupTracker({ engine: 'nim' });
    for (const line of nimLines('startup-1.0.0-vllm.log')) tracker.feed(line);
    assert.equal(tracker.failure, undefined);
    assert.deepEqual(
      tracker.timeline.map((t) => t.phase),
      ['starting', 'loading-weights', 'weights-loaded', 'allocating-kv-cache', 'capturing-cuda-graphs', 'api-starting', 'ready'],
    );
    assert.equal(tracker.details.version, '1.0.0');
    assert.equal(tracker.details.weightsGiB, 14.9595);
    assert.equal(tracker.details.url, 'http://0.0.0.0:8000');
  });

  it('reads the TensorRT-LLM backend\'s lines and today\'s vLLM lines (NIM 2.x runs today\'s vLLM)', () => {
    assert.equal(matchMilestone('[TensorRT-LLM][INFO] Max tokens in paged KV cache: 152064. Allocating 19931332608 bytes.', 'nim')?.details.kvCacheTokens, 152064);
    assert.equal(matchMilestone('INFO 05-02 10:00:00 [kv_cache_utils.py:716] GPU KV cache size: 459,024 tokens', 'nim')?.phase, 'allocating-kv-cache');
    // NIM's own lines are not vLLM's: a vLLM service's log never moves on them.
    assert.equal(matchMilestone('INFO 06-25 23:57:37.571 ngc_injector.py:166] Preparing model workspace. This step might download additional files to run the model.', 'vllm'), undefined);
  });

  it('explains a NIM that finds no runnable profile, and says the GPU memory was taken', () => {
    const tracker = new StartupTracker({ engine: 'nim' });
    for (const line of nimLines('no-profile-24.05.log')) tracker.feed(line);
    assert.equal(tracker.state, 'failed');
    assert.equal(tracker.failure?.id, 'nim-no-profile');
    assert.match(tracker.failure!.explanation, /list-model-profiles/);
    assert.deepEqual(tracker.warnings.map((w) => w.id), ['nim-low-memory']);
    assert.match(tracker.warnings[0]!.explanation, /^2 model profile\(s\) would run here but for the GPU memory already in use/);
  });

  it('explains NIM cache and NGC download failures with the line\'s own values', () => {
    assert.match(matchFatalError('RuntimeError: Unable to write to NIM_CACHE_PATH (/mnt/models/cache)')!.explanation, /^NIM cannot write its cache at \/mnt\/models\/cache/);
    assert.equal(matchFatalError('[11-19 13:21:06.914 ERROR  nim_sdk::hub::repo  rust/nim-sdk/src/hub/repo.rs:117] One or more errors fetching files:')?.id, 'nim-download-failed');
    const refused = matchFatalError('HTTP status client error (451 Unavailable For Legal Reasons) for url (https://api.ngc.nvidia.com/v2/org/nim/team/nvidia/models/nvidia-nemotron-nano-9b-v2/v1.2.2-ga/files)');
    assert.match(refused!.explanation, /^NGC refused the model download with HTTP 451 \(not available in this region\)/);
  });
});
