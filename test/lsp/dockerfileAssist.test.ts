import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompletionItemTag, type CompletionItem } from 'vscode-languageserver-protocol/node';
import { accept, completeAt, DOCKERFILE, editRange, hoverAt, item, labels, resolveItem, textOfRange } from './assistHarness';
import { LspSession } from './lspHarness';

const completeDockerfile = (lsp: LspSession, marked: string) => completeAt(lsp, marked, DOCKERFILE);
const hoverDockerfile = (lsp: LspSession, marked: string) => hoverAt(lsp, marked, DOCKERFILE);
const docOf = (i: CompletionItem) => (i.documentation as { value: string } | undefined)?.value;

describe('Dockerfile completion and hover over LSP (dist/server.js)', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize();
  });
  after(async () => lsp.close());

  it("offers the engine's flags in an exec-form CMD, leaving out those written in it and in the ENTRYPOINT", async () => {
    const { text, items } = await completeDockerfile(
      lsp,
      'FROM vllm/vllm-openai:v0.11.0\nENTRYPOINT ["vllm", "serve", "--max-model-len", "4096"]\nCMD ["--model", "Qwen/Qwen2.5-0.5B-Instruct", "--gpu-mem|"]\n',
    );
    const flag = item(items, '--gpu-memory-utilization');
    assert.equal(textOfRange(text, editRange(flag)), '--gpu-mem');
    assert.match(flag.detail!, /Fraction \(0,1\] of each GPU's TOTAL memory.*\(default 0\.9\)$/); // v0.11.0: before v0.21.0 raised it to 0.92
    assert.match(accept(text, flag), /CMD \["--model", "Qwen\/Qwen2\.5-0\.5B-Instruct", "--gpu-memory-utilization"\]\n$/);
    assert.ok(items.length > 200, String(items.length));
    assert.ok(items.every((i) => i.label.startsWith('-')));
    for (const present of ['--model', '--max-model-len']) assert.ok(!labels(items).includes(present), present);
    assert.ok(!labels(items).includes('--num-scheduler-steps'), 'removed before v0.11.0 was out');
  });

  it('offers them in the shell form across continued lines, and in an exec form still being typed', async () => {
    const shell = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nENTRYPOINT vllm serve Qwen/Qwen2.5-0.5B-Instruct \\\n    -tp 2 \\\n    --gpu-mem|\n');
    assert.equal(textOfRange(shell.text, editRange(item(shell.items, '--gpu-memory-utilization'))), '--gpu-mem');
    assert.ok(!labels(shell.items).includes('--tensor-parallel-size'), 'written as -tp');

    const unclosed = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nCMD ["--model", "Qwen/Qwen2.5-0.5B-Instruct", "--gpu-mem|\n');
    item(unclosed.items, '--gpu-memory-utilization');
    assert.ok(!labels(unclosed.items).includes('--model'));
  });

  it("offers a flag's choices after it and after `=`", async () => {
    const spaced = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nCMD ["--model", "m", "--dtype", "|"]\n');
    assert.deepEqual(labels(spaced.items), ['auto', 'half', 'float16', 'bfloat16', 'float', 'float32']);
    const inline = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nCMD ["--kv-cache-dtype=fp|"]\n');
    const fp8 = item(inline.items, 'fp8');
    assert.equal(textOfRange(inline.text, editRange(fp8)), 'fp');
    const free = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nCMD ["--max-model-len", "|"]\n');
    assert.deepEqual(free.items, [], 'a free-form value: no flags');
  });

  it("reads the release from the base image's tag (ARG defaults filled in): deprecated flags tagged, removed ones only for older images", async () => {
    const latest = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nCMD ["--|"]\n');
    assert.deepEqual(item(latest.items, '--calculate-kv-scales').tags, [CompletionItemTag.Deprecated]);
    assert.ok(!labels(latest.items).includes('--swap-space'));
    const old = await completeDockerfile(lsp, 'ARG VLLM_TAG=v0.10.0\nFROM vllm/vllm-openai:${VLLM_TAG} AS base\nRUN pip install flash-attn\nFROM base\nCMD ["--|"]\n');
    const swap = item(old.items, '--swap-space');
    assert.deepEqual(swap.tags, [CompletionItemTag.Deprecated]);
    assert.match(swap.detail!, /Removed from vLLM on 2026-03-07/);
  });

  it('resolves a flag to the documentation Compose shows for the same image', async () => {
    const fromDockerfile = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:v0.11.0\nCMD ["--gpu-mem|"]\n');
    const fromCompose = await completeAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--gpu-mem|]\n');
    const dockerfileDoc = docOf(await resolveItem(lsp, item(fromDockerfile.items, '--gpu-memory-utilization')));
    assert.match(dockerfileDoc!, /Before v0\.21\.0: `0\.9` \(this image's tag `v0\.11\.0` is older/);
    assert.equal(dockerfileDoc, docOf(await resolveItem(lsp, item(fromCompose.items, '--gpu-memory-utilization'))));
  });

  it('offers the env vars the engine reads in ENV, leaving out those set, and nothing in a value', async () => {
    const { text, items } = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nENV HF_TOKEN=x \\\n    VLLM_LOGG|\n');
    const level = item(items, 'VLLM_LOGGING_LEVEL');
    assert.match(level.detail!, /log level.*\(default INFO\)/);
    assert.match(accept(text, level), /\n {4}VLLM_LOGGING_LEVEL=\n$/);
    assert.ok(!labels(items).includes('HF_TOKEN'));
    assert.match(docOf(await resolveItem(lsp, level))!, /vllm\/envs\.py/);

    const assigned = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nENV VLLM_LOGG|=DEBUG\n');
    assert.match(accept(assigned.text, item(assigned.items, 'VLLM_LOGGING_LEVEL')), /ENV VLLM_LOGGING_LEVEL=DEBUG\n$/);

    const value = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nENV VLLM_LOGGING_LEVEL=DE|\n');
    assert.equal(value.list, null);
    const legacyValue = await completeDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nENV VLLM_LOGGING_LEVEL DEBUG |\n');
    assert.equal(legacyValue.list, null);

    const ollama = await completeDockerfile(lsp, 'FROM ollama/ollama:0.6.0\nENV OLLAMA_KEEP|\n');
    assert.match(item(ollama.items, 'OLLAMA_KEEP_ALIVE').detail!, /duration that models stay loaded in memory/);
  });

  it('offers nothing where the engine is unknown or takes no flags (NIM), in a builder stage, or in a sh -c script', async () => {
    const cases = [
      'FROM ubuntu:22.04\nCMD ["--gpu-mem|"]\n',
      'FROM ubuntu:22.04\nENV VLLM_LOGG|\n',
      'FROM python:3.12\nRUN pip install vllm\nCMD ["--gpu-mem|"]\n',
      'FROM nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8\nCMD ["--|"]\n',
      'FROM vllm/vllm-openai:latest AS weights\nCMD ["--gpu-mem|"]\nFROM ubuntu:22.04\nCOPY --from=weights /root /root\n',
      'FROM vllm/vllm-openai:latest\nENTRYPOINT ["/bin/sh", "-c", "huggingface-cli download m && vllm serve m --gpu-mem|"]\n',
      'FROM vllm/vllm-openai:latest\nRUN pip install --gpu-mem|\n',
    ];
    for (const marked of cases) assert.equal((await completeDockerfile(lsp, marked)).list, null, marked);
  });

  it('hovers a flag, a value and an env var with the text Compose shows', async () => {
    const flag = await hoverDockerfile(lsp, 'FROM vllm/vllm-openai:v0.11.0\nCMD ["--model", "Qwen/Qwen2.5-0.5B-Instruct", "--gpu-memory-util|ization", "0.85"]\n');
    assert.equal(textOfRange(flag.text, flag.hover!.range!), '--gpu-memory-utilization');
    assert.match(flag.markdown, /^`--gpu-memory-utilization` · float · vLLM\n\nFraction \(0,1\\\] of each GPU's TOTAL memory/);
    assert.match(flag.markdown, /- Before v0\.21\.0: `0\.9` \(this image's tag `v0\.11\.0` is older: `0\.9` applies\)/);
    const composeFlag = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--model, Qwen/Qwen2.5-0.5B-Instruct, --gpu-memory-util|ization, "0.85"]\n');
    assert.equal(flag.markdown, composeFlag.markdown);

    const inline = await hoverDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nENTRYPOINT vllm serve m --dty|pe=half\n');
    assert.equal(textOfRange(inline.text, inline.hover!.range!), '--dtype');
    const value = await hoverDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nCMD ["--kv-cache-dtype", "fp|8"]\n');
    assert.match(value.markdown, /^`--kv-cache-dtype`/);

    const env = await hoverDockerfile(lsp, 'FROM vllm/vllm-openai:latest\nENV VLLM_LOGGING_LE|VEL=DEBUG\n');
    assert.equal(textOfRange(env.text, env.hover!.range!), 'VLLM_LOGGING_LEVEL');
    const composeEnv = await hoverAt(lsp, 'services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    environment:\n      VLLM_LOGGING_LE|VEL: DEBUG\n');
    assert.equal(env.markdown, composeEnv.markdown);
  });

  it('is silent on a hover where nothing is known', async () => {
    const cases = [
      'FROM ubuntu:22.04\nCMD ["--gpu-memory-util|ization", "0.9"]\n',
      'FROM nginx\nENV VLLM_LOGGING_LE|VEL=DEBUG\n',
      'FROM vllm/vllm-openai:latest\nCMD ["--not-a-fl|ag"]\n',
      'FROM vllm/vllm-openai:latest\nENV MY_VA|R=1\n',
      'FROM vllm/vllm-openai:latest\nENV VLLM_LOGGING_LEVEL=DEB|UG\n',
    ];
    for (const marked of cases) assert.equal((await hoverDockerfile(lsp, marked)).hover, null, marked);
  });

  it('answers a completion in a 20,000-line Dockerfile', async () => {
    const runs = Array.from({ length: 20_000 }, (_, i) => `RUN echo step-${i}\n`).join('');
    const { items } = await completeDockerfile(lsp, `FROM vllm/vllm-openai:v0.11.0\n${runs}CMD ["--model", "m", "--gpu-mem|"]\n`);
    item(items, '--gpu-memory-utilization');
  });
});
