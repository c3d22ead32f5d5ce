// `--model` completes the model ids found in the Hugging Face caches a service bind-mounts from the workspace, and
// nothing outside the workspace is listed (a link to a folder outside is not followed).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CompletionRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol/node';
import { repoIdOf } from '../../server/src/core/hfCacheModels';
import { withCursor } from './assistHarness';
import { LspSession } from './lspHarness';

describe('--model completes the models of a mounted Hugging Face cache, inside the workspace only', () => {
  let lsp: LspSession;
  let workspace: string;
  let opened = 0;
  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'is-local-models-'));
    const outside = mkdtempSync(join(tmpdir(), 'is-outside-models-'));
    for (const dir of ['models--Qwen--Qwen2.5-0.5B-Instruct', 'models--meta-llama--Llama-3.1-8B-Instruct', 'datasets--squad', '.locks']) {
      mkdirSync(join(workspace, 'hf-cache', 'hub', dir), { recursive: true });
    }
    mkdirSync(join(workspace, 'tgi-data', 'models--BAAI--bge-small-en-v1.5'), { recursive: true });
    mkdirSync(join(outside, 'hub', 'models--private--secret-model'), { recursive: true });
    symlinkSync(outside, join(workspace, 'linked'));
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize([workspace]);
  });
  after(async () => lsp.close());

  async function complete(marked: string, inWorkspace = true, dotEnv?: string): Promise<CompletionItem[]> {
    const { text, position } = withCursor(marked);
    const dir = inWorkspace ? join(workspace, `case-${++opened}`) : mkdtempSync(join(tmpdir(), 'is-no-workspace-'));
    mkdirSync(dir, { recursive: true });
    if (dotEnv !== undefined) writeFileSync(join(dir, '.env'), dotEnv);
    const uri = pathToFileURL(join(dir, 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', text);
    const list = (await lsp.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList | null;
    return list?.items ?? [];
  }

  it('offers the models of the cache mounted at the HF home (its hub/ folder), with where they were found', async () => {
    const items = await complete('services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--model, |]\n    volumes:\n      - ../hf-cache:/root/.cache/huggingface\n');
    assert.deepEqual(items.map((i) => i.label), ['Qwen/Qwen2.5-0.5B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct']);
    assert.equal(items[0]!.detail, 'in the Hugging Face cache at ../hf-cache');
  });

  it('reads a cache folder named through .env, in the long form, and a cache mounted as its hub folder itself (TGI /data)', async () => {
    const viaEnv = await complete(
      'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command:\n      - --model\n      - Qw|\n    volumes:\n      - type: bind\n        source: ${CACHE}\n        target: /root/.cache/huggingface\n',
      true,
      'CACHE=../hf-cache\n',
    );
    // The editor filters by what is typed (`Qw`); the server offers every model it found.
    assert.deepEqual(viaEnv.map((i) => i.label), ['Qwen/Qwen2.5-0.5B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct']);
    assert.equal(viaEnv[0]!.detail, 'in the Hugging Face cache at ${CACHE}');
    const tgi = await complete('services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    command: [--model-id, |]\n    volumes: ["../tgi-data:/data"]\n');
    assert.deepEqual(tgi.map((i) => i.label), ['BAAI/bge-small-en-v1.5']);
  });

  it('lists nothing through a link that leaves the workspace, nor for a file outside every workspace folder', async () => {
    const linked = await complete('services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--model, |]\n    volumes:\n      - ../linked:/root/.cache/huggingface\n');
    assert.ok(!linked.some((i) => i.label === 'private/secret-model'), JSON.stringify(linked.map((i) => i.label)));
    const absolute = await complete(`services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--model, |]\n    volumes:\n      - ${join(workspace, 'hf-cache')}:/root/.cache/huggingface\n`, false);
    assert.deepEqual(absolute.map((i) => i.label), []);
  });

  it('offers no model after a flag that is not the engine\'s model flag', async () => {
    const items = await complete('services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: [--served-model-name, |]\n    volumes:\n      - ../hf-cache:/root/.cache/huggingface\n');
    assert.ok(!items.some((i) => i.label.includes('/')), JSON.stringify(items.map((i) => i.label)));
  });

  it('names a repository from its cache folder as huggingface_hub writes it', () => {
    assert.equal(repoIdOf('models--meta-llama--Llama-3.1-8B-Instruct'), 'meta-llama/Llama-3.1-8B-Instruct');
    assert.equal(repoIdOf('models--gpt2'), 'gpt2');
    assert.equal(repoIdOf('datasets--squad'), undefined);
    assert.equal(repoIdOf('models--'), undefined);
  });
});
