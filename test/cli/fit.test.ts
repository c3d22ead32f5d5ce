import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { yaml } from '../helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, 'fit', ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-fit-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const stack = yaml`
  services:
    chat:
      image: vllm/vllm-openai:v0.11.0
      command: --model meta-llama/Llama-3.1-8B-Instruct --max-model-len \${LEN}
    big:
      image: vllm/vllm-openai:v0.11.0
      command: --model meta-llama/Llama-3.1-70B-Instruct --tensor-parallel-size 2 --max-model-len 8192
    mine:
      image: vllm/vllm-openai:v0.11.0
      command: --model /models/mine
    web:
      image: nginx:1.27
`;

const FIELDS = ['file', 'service', 'model', 'engine', 'params', 'gpus', 'gpu_memory_gib', 'weights_gib_per_gpu', 'kv_bytes_per_token', 'kv_cache_gib', 'kv_tokens', 'max_model_len', 'max_concurrency', 'fits', 'reason'];

describe('inference-stack fit', () => {
  it('prints one JSON row per model service, with the issue\'s fields, and exits 0 when everything fits', () => {
    const dir = workspace({ 'compose.yaml': stack, '.env': 'LEN=16384\n' });
    const r = run(['--gpu', 'H100', '--gpus', '2', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(rows.map((x) => x.service), ['chat', 'big', 'mine']);
    for (const row of rows) assert.deepEqual(Object.keys(row), FIELDS);
    const chat = rows[0]!;
    assert.equal(chat.file, 'compose.yaml');
    assert.equal(chat.engine, 'vllm');
    assert.equal(chat.params, 8030261248);
    assert.equal(chat.gpus, 1);
    assert.equal(chat.gpu_memory_gib, 79.65);
    assert.equal(chat.weights_gib_per_gpu, 14.96);
    assert.equal(chat.kv_bytes_per_token, 131072);
    assert.equal(chat.max_model_len, 16384, 'the length comes from .env');
    assert.equal(chat.fits, true);
    assert.equal(chat.reason, null);
    assert.equal(rows[1]!.gpus, 2);
    assert.equal(rows[1]!.weights_gib_per_gpu, 65.71);
    assert.equal(rows[2]!.fits, null);
    assert.match(String(rows[2]!.reason), /not in the model table/);
    assert.equal(rows[2]!.weights_gib_per_gpu, null);
  });

  it('exits 1 and says why when vLLM would refuse to start', () => {
    const dir = workspace({ 'compose.yaml': stack, '.env': 'LEN=65536\n' });
    const r = run(['--gpu', 'L4', '--gpus', '2'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^compose\.yaml chat: meta-llama\/Llama-3\.1-8B-Instruct on 1× L4 \(22\.49 GiB\): 14\.96 GiB weights per GPU · 32,336 KV tokens · 0\.49× at 65536 — DOES NOT FIT: the KV cache holds fewer tokens than --max-model-len/m);
    assert.match(r.stdout, /^compose\.yaml big: .* 65\.71 GiB weights per GPU .* DOES NOT FIT: the weights of one GPU are more than the GPU holds/m);
    assert.match(r.stdout, /^compose\.yaml mine: \/models\/mine: unknown \(.*not in the model table/m);
  });

  it('takes a memory size for a GPU not in the table, and honours the host GPU count', () => {
    const dir = workspace({ 'compose.yaml': stack, '.env': 'LEN=16384\n' });
    const rows = JSON.parse(run(['--gpu-memory', '96', '--gpus', '1', '--format', 'json'], dir).stdout) as Array<Record<string, unknown>>;
    assert.equal(rows[0]!.gpu_memory_gib, 96);
    assert.equal(rows[0]!.fits, true);
    assert.equal(rows[1]!.fits, null);
    assert.match(String(rows[1]!.reason), /the host has 1 GPU but the service needs 2/);
  });

  it('without a GPU everything is unknown and it exits 0', () => {
    const dir = workspace({ 'compose.yaml': stack });
    const r = run(['--format', 'json'], dir);
    assert.equal(r.code, 0);
    assert.ok((JSON.parse(r.stdout) as Array<{ fits: unknown; reason: string }>).every((x) => x.fits === null && /no target GPU/.test(x.reason)));
  });

  it('rejects an unknown GPU name and both --gpu and --gpu-memory with exit 2', () => {
    const dir = workspace({ 'compose.yaml': stack });
    const unknown = run(['--gpu', 'Voodoo 5'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown GPU "Voodoo 5".*--gpu-memory/);
    assert.equal(run(['--gpu', 'L4', '--gpu-memory', '24'], dir).code, 2);
    assert.equal(run(['--gpus', 'two'], dir).code, 2);
  });
});

describe('inference-stack lint with a target GPU', () => {
  function lint(args: string[], cwd: string) {
    const r = spawnSync(process.execPath, [CLI, 'lint', ...args], { encoding: 'utf8', cwd });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const twoRequests = yaml`
    services:
      chat:
        image: vllm/vllm-openai:v0.11.0
        command: --model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536
        deploy:
          resources:
            reservations:
              devices:
                - driver: nvidia
                  device_ids: ["3"]
                  capabilities: [gpu]
  `;

  it('runs the memory rules with --gpu and gpu-device-missing with --gpus, and neither without them', () => {
    const dir = workspace({ 'compose.yaml': twoRequests });
    const plain = lint(['compose.yaml', '--format', 'json'], dir);
    const rules = (out: string) => (JSON.parse(out) as Array<{ rule: string }>).map((f) => f.rule);
    assert.ok(!rules(plain.stdout).some((r) => r === 'kv-cache-below-max-model-len' || r === 'gpu-device-missing'), plain.stdout);
    const targeted = lint(['compose.yaml', '--format', 'json', '--gpu', 'L4', '--gpus', '2'], dir);
    assert.equal(targeted.code, 1, targeted.stderr);
    assert.ok(rules(targeted.stdout).includes('kv-cache-below-max-model-len'), targeted.stdout);
    const missing = (JSON.parse(targeted.stdout) as Array<{ rule: string; message: string }>).find((f) => f.rule === 'gpu-device-missing');
    assert.match(missing!.message, /asks for GPU 3, but --gpus 2 says the machine has 2 GPUs/);
  });

  it('refuses an unknown GPU name with exit 2 and the list of known ones', () => {
    const dir = workspace({ 'compose.yaml': twoRequests });
    const r = lint(['compose.yaml', '--gpu', 'Voodoo 5'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown GPU "Voodoo 5" \(known: H100 80GB HBM3, /);
  });
});

describe('inference-stack fit with a model the table lacks, from its config.json in the project', () => {
  const config = JSON.stringify({ model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 131072, torch_dtype: 'bfloat16', tie_word_embeddings: false });
  const service = (model: string, volume: string) => `services:\n  chat:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "${model}", "--max-model-len", "8192"]\n    volumes:\n      - ${volume}\n`;

  it('reads a local model folder and a Hugging Face cache the service mounts, and nothing outside the project', () => {
    const rev = '0123456789abcdef0123456789abcdef01234567';
    const dir = workspace({
      'local/compose.yaml': service('/models/my-llama', './models:/models:ro'),
      'local/models/my-llama/config.json': config,
      'cache/compose.yaml': service('acme/private-8b', './hf:/root/.cache/huggingface'),
      'cache/hf/hub/models--acme--private-8b/refs/main': `${rev}\n`,
      [`cache/hf/hub/models--acme--private-8b/snapshots/${rev}/config.json`]: config,
      'outside/compose.yaml': service('/models/my-llama', '../local/models:/models:ro'),
      'variable/compose.yaml': service('/models/my-llama', '${MODELS_DIR:-./weights}:/models:ro'),
      'variable/weights/my-llama/config.json': config,
    });
    const rows = (sub: string) => JSON.parse(run(['--gpu', 'L4', '--format', 'json'], join(dir, sub)).stdout) as Array<Record<string, unknown>>;
    for (const sub of ['local', 'cache', 'variable']) {
      const [row] = rows(sub);
      assert.equal(row!.weights_gib_per_gpu, 14.96, sub);
      assert.equal(row!.fits, true, sub);
    }
    const [outside] = rows('outside');
    assert.equal(outside!.weights_gib_per_gpu, null);
    assert.match(String(outside!.reason), /no config\.json of it is in a folder the service mounts from the project/);
  });
});

describe('inference-stack fit --hub (a local fake Hub: nothing here reaches the network)', () => {
  const config = JSON.stringify({ model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 131072, torch_dtype: 'bfloat16', tie_word_embeddings: false });
  const compose = (models: string[]) => `services:\n${models.map((m, i) => `  s${i}:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "${m}", "--max-model-len", "8192"]\n`).join('')}`;

  /** The CLI as a child process (the fake Hub answers from this process meanwhile). */
  function runAsync(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolveRun) => {
      const child = spawn(process.execPath, [CLI, 'fit', ...args], { cwd, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolveRun({ code, stdout, stderr }));
    });
  }

  it('fetches the config.json of models the table lacks, sends no token, and says why one could not be had', async () => {
    const asked: Array<{ url: string; auth: string | undefined }> = [];
    const hub = createServer((req, res) => {
      asked.push({ url: req.url ?? '', auth: req.headers.authorization });
      if (req.url === '/acme/public-8b/resolve/main/config.json') return void res.end(config);
      if (req.url === '/acme/gated-8b/resolve/main/config.json') return void res.writeHead(401).end();
      if (req.url === '/acme/encoder/resolve/main/config.json') return void res.end(JSON.stringify({ model_type: 'bert', hidden_size: 768, num_attention_heads: 12, num_hidden_layers: 12, vocab_size: 30522 }));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => hub.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = hub.address() as AddressInfo;
      const dir = workspace({ 'compose.yaml': compose(['acme/public-8b', 'acme/gated-8b', 'acme/encoder', 'meta-llama/Llama-3.1-8B-Instruct']) });
      const r = await runAsync(['--hub', '--gpu', 'L4', '--format', 'json'], dir, { HF_ENDPOINT: `http://127.0.0.1:${port}`, HF_TOKEN: 'hf_secret_token_that_must_not_travel' });
      assert.equal(r.code, 0, r.stderr);
      const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      assert.equal(rows[0]!.weights_gib_per_gpu, 14.96, 'the public model, from the Hub');
      assert.match(String(rows[1]!.reason), /HTTP 401: gated or private; no token is sent/);
      assert.match(String(rows[2]!.reason), /config\.json of acme\/encoder is of an architecture the estimate does not count/);
      assert.equal(rows[3]!.weights_gib_per_gpu, 14.96, 'a table model needs no fetch');
      assert.deepEqual(asked.map((a) => a.url).sort(), ['/acme/encoder/resolve/main/config.json', '/acme/gated-8b/resolve/main/config.json', '/acme/public-8b/resolve/main/config.json']);
      assert.ok(asked.every((a) => a.auth === undefined), 'no Authorization header');
      // Without --hub nothing is asked.
      await runAsync(['--gpu', 'L4', '--format', 'json'], dir, { HF_ENDPOINT: `http://127.0.0.1:${port}` });
      assert.equal(asked.length, 3);
    } finally {
      hub.close();
    }
  });
});

describe('inference-stack fit on SGLang services (engines/fit/sglangMemory.ts)', () => {
  it('estimates SGLang\'s KV pool from --mem-fraction-static and says when the weights do not fit', () => {
    const dir = workspace({
      'compose.yaml': yaml`
        services:
          small:
            image: lmsysorg/sglang:v0.5.6.post1
            command: python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --mem-fraction-static 0.85
          big:
            image: lmsysorg/sglang:v0.5.6.post1
            command: python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B-Instruct --tp-size \${TP}
      `,
      '.env': 'TP=1\n',
    });
    const r = run(['--gpu', 'H100', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const [small, big] = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.equal(small!.engine, 'sglang');
    assert.equal(small!.weights_gib_per_gpu, 14.96);
    assert.ok((small!.kv_tokens as number) > 300_000, String(small!.kv_tokens));
    assert.equal(small!.fits, true);
    assert.equal(big!.gpus, 1, 'the TP size from .env');
    assert.equal(big!.fits, false);
    assert.match(String(big!.reason), /CUDA out of memory while loading/);
  });
});
