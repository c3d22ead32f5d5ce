import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompletionItemTag, InsertTextFormat } from 'vscode-languageserver-protocol/node';
import { lint, yaml } from '../helpers';
import { accept, completeAt, editRange, item, labels, resolveItem, textOfRange } from './assistHarness';
import { LspSession } from './lspHarness';

describe('completion over LSP (dist/server.js)', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize();
  });
  after(async () => lsp.close());

  it('offers --gpu-memory-utilization for --gpu-mem in a list-form command, replacing the typed word', async () => {
    const { text, items } = await completeAt(
      lsp,
      yaml`
        services:
          vllm:
            image: vllm/vllm-openai:v0.11.0
            command:
              - --model
              - Qwen/Qwen2.5-0.5B-Instruct
              - --gpu-mem|
      `,
    );
    const flag = item(items, '--gpu-memory-utilization');
    assert.equal(textOfRange(text, editRange(flag)), '--gpu-mem');
    // v0.11.0 is older than v0.21.0, which raised the default to 0.92.
    assert.match(flag.detail!, /Fraction \(0,1\] of each GPU's TOTAL memory.*\(default 0\.9\)$/);
    assert.equal(flag.insertTextFormat, InsertTextFormat.PlainText);
    assert.match(accept(text, flag), /\n {6}- --gpu-memory-utilization\n$/);
    // Every offered item is a flag the engine knows: nothing guessed, nothing removed from vLLM.
    assert.ok(items.length > 200, String(items.length));
    assert.ok(items.every((i) => i.label.startsWith('-')));
    assert.equal(items.find((i) => i.label === '--num-scheduler-steps'), undefined, 'removed before v0.11.0 was out');
  });

  it('offers it in the string, flow and folded forms too', async () => {
    const forms = [
      'command: --model Qwen/Qwen2.5-0.5B-Instruct --gpu-mem|',
      'command: [--model, Qwen/Qwen2.5-0.5B-Instruct, --gpu-mem|]',
      'command: >\n      --model Qwen/Qwen2.5-0.5B-Instruct\n      --gpu-mem|',
    ];
    for (const form of forms) {
      const { text, items } = await completeAt(lsp, `services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    ${form}\n`);
      const flag = item(items, '--gpu-memory-utilization');
      assert.equal(textOfRange(text, editRange(flag)), '--gpu-mem', form);
      assert.ok(accept(text, flag).includes('--gpu-memory-utilization'), form);
    }
  });

  it('leaves out flags already present, under any of their names', async () => {
    const { items } = await completeAt(
      lsp,
      yaml`
        services:
          vllm:
            image: vllm/vllm-openai:latest
            command: [--max_model_len, "8192", -tp, "2", --no-enforce-eager, --|]
      `,
    );
    for (const present of ['--max-model-len', '--tensor-parallel-size', '--enforce-eager']) assert.ok(!labels(items).includes(present), present);
    item(items, '--gpu-memory-utilization');
  });

  it("offers a flag's choices after it: --dtype, --dtype=, --quantization with deprecated methods marked", async () => {
    const spaced = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: --model m --dtype |\n');
    assert.deepEqual(labels(spaced.items), ['auto', 'half', 'float16', 'bfloat16', 'float', 'float32']);
    assert.match(item(spaced.items, 'auto').detail!, /default/);

    const inline = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: ["--kv-cache-dtype=fp|"]\n');
    const fp8 = item(inline.items, 'fp8');
    assert.equal(textOfRange(inline.text, editRange(fp8)), 'fp');
    assert.match(accept(inline.text, fp8), /\["--kv-cache-dtype=fp8"\]/);

    const listed = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command:\n      - --quantization\n      - |\n');
    assert.ok(labels(listed.items).includes('awq'));
    assert.deepEqual(item(listed.items, 'fbgemm_fp8').tags, [CompletionItemTag.Deprecated]);
    assert.equal(item(listed.items, 'awq').tags, undefined);
  });

  it('offers no flags where a value of a free-form flag or a model id is typed', async () => {
    const { items } = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: --max-model-len |\n');
    assert.deepEqual(items, []);
  });

  it('marks deprecated flags, and offers a removed flag only to an image released before its removal', async () => {
    const latest = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: [--|]\n');
    assert.deepEqual(item(latest.items, '--calculate-kv-scales').tags, [CompletionItemTag.Deprecated]);
    assert.ok(!labels(latest.items).includes('--swap-space'));
    const old = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.10.0\n    command: [--|]\n');
    const swap = item(old.items, '--swap-space');
    assert.deepEqual(swap.tags, [CompletionItemTag.Deprecated]);
    assert.match(swap.detail!, /Removed from vLLM on 2026-03-07/);
  });

  it('resolves an item to its Markdown documentation', async () => {
    const { items } = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--gpu-mem|]\n');
    const resolved = await resolveItem(lsp, item(items, '--gpu-memory-utilization'));
    const doc = (resolved.documentation as { kind: string; value: string }).value;
    assert.match(doc, /^`--gpu-memory-utilization` · float · vLLM/);
    assert.match(doc, /Default: `0\.92`/);
    assert.match(doc, /Before v0\.21\.0: `0\.9` \(this image's tag `v0\.11\.0` is older/);
    assert.match(doc, /\(https:\/\/github\.com\/vllm-project\/vllm\/blob\/52a31ccecca203effd490a5b496dc5f8d9496654\/vllm\/engine\/arg_utils\.py\)/);
  });

  it("gives the default of the image's release in the one-line detail (0.9 before v0.21.0, 0.92 since)", async () => {
    const old = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--gpu-mem|]\n');
    assert.match(item(old.items, '--gpu-memory-utilization').detail ?? '', /\(default 0\.9\)$/);
    const current = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: [--gpu-mem|]\n');
    assert.match(item(current.items, '--gpu-memory-utilization').detail ?? '', /\(default 0\.92\)$/);
  });

  it('offers the env vars the engine reads, in the map and the list form, leaving out those set', async () => {
    const map = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    environment:\n      HF_TOKEN: x\n      VLLM_LOGG|\n');
    const level = item(map.items, 'VLLM_LOGGING_LEVEL');
    assert.match(level.detail!, /log level.*\(default INFO\)/);
    assert.match(accept(map.text, level), /\n {6}VLLM_LOGGING_LEVEL: \n$/);
    assert.ok(!labels(map.items).includes('HF_TOKEN'));
    assert.ok(!labels(map.items).includes('VLLM_TARGET_DEVICE'), 'a build-time variable does nothing in a container');

    const list = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    environment:\n      - VLLM_LOGG|\n');
    assert.match(accept(list.text, item(list.items, 'VLLM_LOGGING_LEVEL')), /\n {6}- VLLM_LOGGING_LEVEL=\n$/);
    const resolved = await resolveItem(lsp, item(list.items, 'VLLM_LOGGING_LEVEL'));
    assert.match((resolved.documentation as { value: string }).value, /vllm\/envs\.py/);

    const ollama = await completeAt(lsp, 'services:\n  ollama:\n    image: ollama/ollama\n    environment:\n      - OLLAMA_KEEP|\n');
    assert.match(item(ollama.items, 'OLLAMA_KEEP_ALIVE').detail!, /duration that models stay loaded in memory/);

    // TGI reads each launcher flag from its env var too; NIM's variables come from NVIDIA's docs.
    const tgi = await completeAt(lsp, 'services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    environment:\n      MAX_BATCH_PRE|\n');
    assert.match(item(tgi.items, 'MAX_BATCH_PREFILL_TOKENS').detail!, /Sets --max-batch-prefill-tokens/);
    const nim = await completeAt(lsp, 'services:\n  nim:\n    image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3\n    environment:\n      - NIM_CACHE|\n');
    assert.ok(item(nim.items, 'NIM_CACHE_PATH'));
  });

  it("offers a TGI flag only to images of a release that has it (facts: each flag's first release)", async () => {
    const at = (tag: string) => completeAt(lsp, `services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:${tag}\n    command: [--model-id, x, --cuda-gr|]\n`);
    assert.ok((await at('3.3.5')).list!.items.some((i) => i.label === '--cuda-graphs'));
    assert.ok(!((await at('1.4.5')).list?.items ?? []).some((i) => i.label === '--cuda-graphs'), '--cuda-graphs came in v2.0.0');
  });

  it("offers TGI's launcher flags (read from its clap source); silent for NIM (no flags) and a service that runs no engine", async () => {
    const tgi = await completeAt(lsp, 'services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    command: [--model-id, x, --max-batch-pre|]\n');
    const prefill = item(tgi.list!.items, '--max-batch-prefill-tokens');
    assert.ok(!tgi.list!.items.some((i) => i.label === '--model-id'), 'a flag already written is left out');
    assert.ok(prefill);
    const nim = await completeAt(lsp, 'services:\n  nim:\n    image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8\n    command: [--|]\n');
    assert.equal(nim.list, null);
    const custom = await completeAt(
      lsp,
      yaml`
        services:
          app:
            image: myorg/server:1
            command: [--gpu-mem|]
            deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]}}}
      `,
    );
    assert.equal(custom.list, null);
  });

  it('offers the keys a model service lacks as snippets, and accepting them leaves nothing for the rules to report', async () => {
    const base = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: [--model, meta-llama/Llama-3.1-8B-Instruct, --tensor-parallel-size, "2"]
    `;
    const { items } = await completeAt(lsp, `${base}    |\n`);
    const deploy = item(items, 'deploy: GPU reservation');
    assert.equal(deploy.filterText, 'deploy');
    assert.match(deploy.detail!, /reserve 2 GPUs/);
    const healthcheck = item(items, 'healthcheck: engine probe');
    assert.match(healthcheck.detail!, /start_period: 2m32s/);
    let fixed = base;
    for (const label of ['logging: rotated json-file', 'healthcheck: engine probe', 'deploy: GPU reservation', 'ipc: host']) {
      const again = await completeAt(lsp, `${fixed}    |\n`);
      fixed = accept(again.text, item(again.items, label));
    }
    assert.match(fixed, /\n {4}deploy:\n {6}resources:\n {8}reservations:\n {10}devices:\n {12}- driver: nvidia\n {14}count: 2\n {14}capabilities: \[gpu\]/);
    const codes = lint(fixed).map((f) => f.rule);
    for (const rule of ['gpu-reservation-missing', 'healthcheck-missing', 'healthcheck-start-period-short', 'log-rotation-missing', 'shm-too-small', 'gpu-count-below-parallelism']) {
      assert.ok(!codes.includes(rule), `${rule} after the snippets:\n${fixed}`);
    }
    const present = await completeAt(lsp, `${fixed}    |\n`);
    assert.deepEqual(labels(present.items), [], 'no key offered twice');
  });

  it('offers service names in depends_on, with condition: service_healthy for a model service', async () => {
    const marked = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
        redis:
          image: redis:7
        app:
          image: myorg/app:1
          depends_on:
            |
    `;
    const { text, items } = await completeAt(lsp, marked);
    assert.deepEqual(labels(items), ['vllm', 'redis']);
    assert.match(accept(text, item(items, 'vllm')), /depends_on:\n {6}vllm:\n {8}condition: service_healthy\n/);
    assert.match(accept(text, item(items, 'redis')), /depends_on:\n {6}redis:\n {8}condition: service_started\n/);
    const list = await completeAt(lsp, marked.replace('|', '- vllm\n      - |'));
    assert.deepEqual(labels(list.items), ['redis']);
  });

  it('answers a completion in a 5,000-service file from the service at the cursor', async () => {
    const services = Array.from({ length: 5000 }, (_, i) => `  llm-${i}:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--model, Qwen/Qwen2.5-0.5B-Instruct, --max-model-len, "4096"]\n`);
    services[4321] = '  llm-4321:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--model, Qwen/Qwen2.5-0.5B-Instruct, --max-model-len, "4096", --gpu-mem|]\n';
    const { items } = await completeAt(lsp, `services:\n${services.join('')}volumes:\n  cache:\n`);
    item(items, '--gpu-memory-utilization');
    assert.ok(!labels(items).includes('--max-model-len'));
  });
});
