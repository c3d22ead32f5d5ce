/**
 * The language server asks a (fake, local) Hugging Face Hub for the config.json of a model the table lacks, only
 * when `inferenceStack.modelFacts.fromHub` is on, and the memory rules then speak about that model.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { yaml } from '../helpers';
import { LspSession } from './lspHarness';

const CONFIG = JSON.stringify({ model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 131072, torch_dtype: 'bfloat16', tie_word_embeddings: false });

const compose = yaml`
  services:
    chat:
      image: vllm/vllm-openai:v0.11.0
      command: ["--model", "acme/private-8b", "--max-model-len", "65536"]
`;

describe('language server: model facts from the Hub', () => {
  const asked: string[] = [];
  let hub: Server;
  let endpoint: string;
  before(async () => {
    hub = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/acme/private-8b/resolve/main/config.json') return void res.end(CONFIG);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => hub.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  });
  after(() => hub.close());

  it('asks nothing while the setting is off, and estimates the model once it is on', async () => {
    const off = new LspSession({ enable: true, rules: {}, gpu: 'L4' }, { HF_ENDPOINT: endpoint });
    await off.initialize();
    const uri = 'file:///tmp/hub-off/compose.yaml';
    await off.open(uri, 'dockercompose', compose);
    const quiet = await off.diagnostics(uri, { version: 1 });
    await new Promise((r) => setTimeout(r, 300));
    await off.close();
    assert.ok(!quiet.some((d) => d.code === 'kv-cache-below-max-model-len'));
    assert.deepEqual(asked, [], 'no request with the setting off');

    const on = new LspSession({ enable: true, rules: {}, gpu: 'L4', modelFacts: { fromHub: true } }, { HF_ENDPOINT: endpoint });
    await on.initialize();
    try {
      const onUri = 'file:///tmp/hub-on/compose.yaml';
      await on.open(onUri, 'dockercompose', compose);
      const found = await on.diagnostics(onUri, { match: (ds) => ds.some((d) => d.code === 'kv-cache-below-max-model-len') });
      assert.match(String(found.find((d) => d.code === 'kv-cache-below-max-model-len')!.message), /--max-model-len 65536 needs/);
      assert.deepEqual(asked, ['/acme/private-8b/resolve/main/config.json']);
    } finally {
      await on.close();
    }
  });
});
