import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { yaml } from '../helpers';
import { hoverAt, textOfRange } from './assistHarness';
import { LspSession } from './lspHarness';

describe('hover over LSP (dist/server.js)', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize();
  });
  after(async () => lsp.close());

  it('explains a vLLM flag: what it does, its type, its default for the image, its source', async () => {
    const { text, hover, markdown } = await hoverAt(
      lsp,
      yaml`
        services:
          vllm:
            image: vllm/vllm-openai:v0.11.0
            command: [--model, Qwen/Qwen2.5-0.5B-Instruct, --gpu-memory-util|ization, "0.85"]
      `,
    );
    assert.equal(textOfRange(text, hover!.range!), '--gpu-memory-utilization');
    assert.match(markdown, /^`--gpu-memory-utilization` · float · vLLM\n\nFraction \(0,1\\\] of each GPU's TOTAL memory/);
    assert.match(markdown, /- Default: `0\.92`/);
    assert.match(markdown, /- Before v0\.21\.0: `0\.9` \(this image's tag `v0\.11\.0` is older: `0\.9` applies\)/);
    assert.match(markdown, /Source: \[vllm\/engine\/arg\\_utils\.py\]\(https:\/\/github\.com\/vllm-project\/vllm\/blob\/52a31cc/);
  });

  it('explains aliases, --flag=value and a choice through its flag', async () => {
    const alias = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: --model m -t|p 2\n');
    assert.match(alias.markdown, /^`--tensor-parallel-size` · int · vLLM/);
    assert.match(alias.markdown, /Also: `-tp`/);
    const inline = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: ["--dty|pe=half"]\n');
    assert.equal(textOfRange(inline.text, inline.hover!.range!), '--dtype');
    assert.match(inline.markdown, /Choices: `auto`, `half`/);
    const value = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: --model m --kv-cache-dtype fp|8\n');
    assert.match(value.markdown, /^`--kv-cache-dtype`/);
  });

  it('explains env vars the engine reads, in both forms', async () => {
    const map = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    environment:\n      VLLM_LOGGING_LE|VEL: DEBUG\n');
    assert.equal(textOfRange(map.text, map.hover!.range!), 'VLLM_LOGGING_LEVEL');
    assert.match(map.markdown, /^`VLLM_LOGGING_LEVEL` · env var read by vLLM\n\nDefault log level of the 'vllm' logger/);
    assert.match(map.markdown, /- Default: `INFO`/);
    const list = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    environment:\n      - HF_TO|KEN=${HF_TOKEN}\n');
    assert.match(list.markdown, /^`HF_TOKEN` · env var read by vLLM\n\nHub access token/);
    const unknown = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    environment:\n      - MY_VA|R=1\n');
    assert.equal(unknown.hover, null);
  });

  it('describes the model a command serves: parameters, weights, estimated cold start, GPU memory when a GPU is set', async () => {
    const marked = 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: [--model, meta-llama/Llama-3.1-8B-|Instruct, --max-model-len, "8192"]\n';
    const { text, hover, markdown } = await hoverAt(lsp, marked);
    assert.equal(textOfRange(text, hover!.range!), 'meta-llama/Llama-3.1-8B-Instruct');
    assert.match(markdown, /^`meta-llama\/Llama-3\.1-8B-Instruct` · model/);
    assert.match(markdown, /- Parameters: 8\.0B \(from its config: 32 layers, hidden size 4096\)/);
    assert.match(markdown, /- Weights: about 14\.96 GiB in bfloat16/);
    assert.match(markdown, /- Estimated cold start: 1m16s/);
    assert.match(markdown, /set `inferenceStack\.gpu`, or open the GPUs view on a machine with NVIDIA GPUs, for the estimate/);

    const withGpu = new LspSession({ enable: true, rules: {}, gpu: 'H100 80GB HBM3' });
    try {
      await withGpu.initialize();
      const fit = await hoverAt(withGpu, marked);
      assert.match(fit.markdown, /- GPU memory on .*H100.*: weights \d+\.\d\d GiB per GPU of \d+\.\d\d GiB requested/);
      assert.match(fit.markdown, /- KV cache: \d+\.\d\d GiB, about [\d,]+ tokens/);
    } finally {
      await withGpu.close();
    }
  });

  it("times a healthcheck against the model's cold start", async () => {
    const { markdown } = await hoverAt(
      lsp,
      yaml`
        services:
          vllm:
            image: vllm/vllm-openai:latest
            command: [--model, meta-llama/Llama-3.1-8B-Instruct]
            healthcheck:
              test: [CMD, curl, -f, http://localhost:8000/health]
              inter|val: 30s
      `,
    );
    assert.match(markdown, /- Unhealthy after 1m30s of failing probes: start_period 0s, then 3 \(default\) failures 30s apart/);
    assert.match(markdown, /- Estimated cold start: 1m16s \(estimated from the 8B parameters/);
    assert.match(markdown, /- Shorter than twice the cold start \(2m32s\)/);
  });

  it("explains a Compose key with the schema's description, at any depth, and says nothing of the file's own names", async () => {
    const restart = await hoverAt(lsp, 'services:\n  web:\n    image: nginx:1.27\n    rest|art: always\n');
    assert.match(restart.markdown, /^`restart` · Compose\n\nRestart policy for the service container\./);
    assert.deepEqual(restart.hover?.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 11 } });
    const nested = await hoverAt(lsp, 'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n        reservations:\n          dev|ices: []\n');
    assert.match(nested.markdown, /^`devices` · Compose\n\n\S/);
    const top = await hoverAt(lsp, 'serv|ices:\n  web:\n    image: nginx:1.27\n');
    assert.match(top.markdown, /^`services` · Compose/);
    const own = await hoverAt(lsp, 'services:\n  web:\n    image: nginx:1.27\n    labels:\n      com.example.te|am: ml\n');
    assert.equal(own.hover, null);
    const value = await hoverAt(lsp, 'services:\n  web:\n    image: nginx:1.27\n    restart: alw|ays\n');
    assert.equal(value.hover, null);
  });

  it("keeps text from the file as text: a service name or model id can't become a link or HTML", async () => {
    const { markdown } = await hoverAt(
      lsp,
      yaml`
        services:
          "[x](command:workbench.action.quit)":
            image: vllm/vllm-openai:latest
            command: [--model, "<img src=x onerror=alert(1)>[y](command:z)-7B"]
            healthcheck:
              test: [CMD, curl, -f, http://localhost:8000/health]
              retr|ies: 3
      `,
    );
    assert.ok(markdown.includes('Healthcheck of `[x](command:workbench.action.quit)`'), markdown);
    assert.ok(!markdown.includes('<img'), markdown);
    assert.ok(!/(^|[^\\`])\[y\]\(command:/.test(markdown), markdown);
    assert.match(markdown, /&lt;img src=x onerror=alert\(1\)&gt;\\\[y\\\]\(command:z\)-7B/);
  });

  it("explains a TGI flag from its clap source: meaning, default and the env var that sets it", async () => {
    const tgi = await hoverAt(lsp, 'services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    command: [--max-batch-pre|fill-tokens, "4096"]\n');
    assert.match(tgi.markdown, /^`--max-batch-prefill-tokens` · unsigned integer · Hugging Face TGI\n\nLimits the number of tokens for the prefill operation/);
    assert.match(tgi.markdown, /- Env var: `MAX_BATCH_PREFILL_TOKENS`/);
    assert.match(tgi.markdown, /- Since v0\.9\.0/);
    assert.match(tgi.markdown, /Source: \[huggingface\/text-generation-inference launcher\/src\/main\.rs\]\(https:\/\/github\.com\/huggingface\/text-generation-inference\/blob\/[0-9a-f]{40}\/launcher\/src\/main\.rs\)/);
  });

  it('is silent where nothing is known: an engine that takes no flags, an unknown flag, a plain service', async () => {
    const nim = await hoverAt(lsp, 'services:\n  nim:\n    image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8\n    command: [--max-batch-pre|fill-tokens, "4096"]\n');
    assert.equal(nim.hover, null);
    const unknown = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: [--not-a-fl|ag]\n');
    assert.equal(unknown.hover, null);
    const plain = await hoverAt(lsp, 'services:\n  web:\n    image: nginx\n    command: [nginx, -g, "daemon of|f;"]\n');
    assert.equal(plain.hover, null);
  });
});
