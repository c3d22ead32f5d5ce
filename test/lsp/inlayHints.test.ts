/**
 * Inlay hints over LSP: a model id's estimated cold start, a healthcheck's give-up time, only in the range asked
 * for, following the cold starts the client measured, and off with `inferenceStack.inlayHints.enabled`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DidChangeConfigurationNotification, type DocumentLink, type InlayHint, type Range } from 'vscode-languageserver-protocol/node';
import { MEASURED_COLD_STARTS_NOTIFICATION } from '../../server/src/protocol';
import { yaml } from '../helpers';
import { LspSession } from './lspHarness';

const compose = yaml`
  services:
    llm:
      image: vllm/vllm-openai:v0.11.0
      command: ["--model", "Qwen/Qwen3-0.6B", "--max-model-len", "8192"]
      healthcheck:
        test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
        interval: 10s
        retries: 3
        start_period: 2m
    tgi:
      image: ghcr.io/huggingface/text-generation-inference:3.0.0
      environment:
        MODEL_ID: meta-llama/Llama-3.1-8B-Instruct
      healthcheck:
        test: ["CMD", "curl", "-f", "http://localhost:80/health"]
        start_period: 5m
    local:
      image: vllm/vllm-openai:v0.11.0
      command: --model /models/my-model --port 8001
    from-env:
      image: vllm/vllm-openai:v0.11.0
      command: --model \${MODEL_NAME} --port 8002
    proxy:
      image: nginx:1.27
      healthcheck:
        test: ["CMD", "wget", "-q", "-O-", "http://localhost/"]
        start_period: 0s
`;

const lines = compose.split('\n');
const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };

/** Each hint as `line:character label`, the character being where the hint is drawn. */
const shown = (hints: InlayHint[] | null) => (hints ?? []).map((h) => `${h.position.line}:${h.position.character} ${String(h.label)}`);
/** The end of `needle` on its line (the first line holding it), as `line:character`. */
function after_(needle: string): string {
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  return `${line}:${lines[line]!.indexOf(needle) + needle.length}`;
}

describe('language server: inlay hints', () => {
  let lsp: LspSession;
  let uri: string;
  let file: string;
  const hints = (range: Range = WHOLE) => lsp.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range }) as Promise<InlayHint[] | null>;

  before(async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'is-lsp-hints-')));
    file = join(root, 'compose.yaml');
    writeFileSync(file, compose);
    writeFileSync(join(root, '.env'), 'MODEL_NAME=Qwen/Qwen3-8B\n');
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize([root]);
    uri = pathToFileURL(file).href;
    await lsp.open(uri, 'dockercompose', compose);
  });
  after(async () => lsp.close());

  it('shows the cold start beside a model id and when Docker gives up beside start_period', async () => {
    const all = await hints();
    assert.deepEqual(shown(all), [
      // 60 s + 2 s × 0.6 B parameters, after the closing quote
      `${after_('"Qwen/Qwen3-0.6B"')} ≈ cold start 1m2s`,
      // 2m + 3 retries × 10s
      `${after_('start_period: 2m')} gives up after 2m30s`,
      // TGI: 20 s + 1 s per GB of bf16 weights (16 GB), coldStart.ts
      `${after_('meta-llama/Llama-3.1-8B-Instruct')} ≈ cold start 36s`,
      // 5m + Docker's 3 retries × 30s
      `${after_('start_period: 5m')} gives up after 6m30s`,
      // no size in `/models/my-model`: no cold start hint; the model `.env` names: 60 s + 2 s × 8 B
      `${after_('${MODEL_NAME}')} ≈ cold start 1m16s`,
      // `0s` is Docker's default start period (none): 3 retries × 30s
      `${after_('start_period: 0s')} gives up after 1m30s`,
    ]);
    assert.match(String(all![0]!.tooltip), /^Estimated cold start of llm: 1m2s \(estimated from the 600M parameters in "Qwen\/Qwen3-0.6B"/);
    assert.ok(all!.every((h) => h.paddingLeft === true));
  });

  it('links a model id written as is, not one a variable holds', async () => {
    const links = (await lsp.connection.sendRequest('textDocument/documentLink', { textDocument: { uri } })) as DocumentLink[];
    const models = links.filter((l) => l.target?.startsWith('https://huggingface.co/')).map((l) => l.target);
    assert.deepEqual(models, ['https://huggingface.co/Qwen/Qwen3-0.6B', 'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct']);
  });

  it('answers for the requested range only', async () => {
    const tgi = lines.findIndex((l) => l.trim() === 'tgi:');
    const local = lines.findIndex((l) => l.trim() === 'local:');
    assert.deepEqual(shown(await hints({ start: { line: tgi, character: 0 }, end: { line: local, character: 0 } })), [
      `${after_('meta-llama/Llama-3.1-8B-Instruct')} ≈ cold start 36s`,
      `${after_('start_period: 5m')} gives up after 6m30s`,
    ]);
  });

  it('shows the cold start the client measured, even for a model of unknown size', async () => {
    await lsp.connection.sendNotification(MEASURED_COLD_STARTS_NOTIFICATION, { file, services: { local: 95 } });
    const local = lines.findIndex((l) => l.includes('/models/my-model'));
    const found = await hints({ start: { line: local, character: 0 }, end: { line: local + 1, character: 0 } });
    assert.deepEqual(shown(found), [`${after_('/models/my-model')} ≈ cold start 1m35s`]);
    assert.match(String(found![0]!.tooltip), /measured at the last start/);
  });

  it('with a target GPU, shows vLLM\'s memory plan beside the model id of a vLLM service whose model it knows', async () => {
    lsp.settings = { enable: true, rules: {}, gpu: 'L4' };
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const all = shown(await hints());
    const plans = all.filter((h) => /GiB weights/.test(h));
    assert.equal(plans.length, 2, all.join('\n'));
    // Qwen3-0.6B at --max-model-len 8192 fits; Qwen3-8B (from .env) at its own 40,960 does not on a 24 GB L4 (as
    // kv-cache-below-max-model-len says).
    assert.match(plans[0]!, new RegExp(`^${after_('"Qwen/Qwen3-0.6B"')} \\d+\\.\\d\\d GiB weights · [\\d,]+ KV tokens · [\\d.]+× at 8192$`));
    assert.match(plans[1]!, new RegExp(`^${after_('${MODEL_NAME}').replace(/[$]/g, '\\$&')} does not fit: \\d+\\.\\d\\d GiB weights · [\\d,]+ KV tokens · 0\\.\\d× at 40960$`));
    // TGI and the local model: no estimate, no plan.
    assert.ok(!all.some((h) => h.startsWith(after_('meta-llama/Llama-3.1-8B-Instruct')) && /GiB weights/.test(h)));
    lsp.settings = { enable: true, rules: {} };
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.ok(!shown(await hints()).some((h) => /GiB weights/.test(h)), 'no GPU known: no plan');
  });

  it('shows none once inferenceStack.inlayHints.enabled is false', async () => {
    lsp.settings = { enable: true, rules: {}, inlayHints: { enabled: false } };
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.deepEqual(shown(await hints()), []);
    lsp.settings = { enable: true, rules: {} };
    await lsp.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    // The six above and the measured one.
    assert.equal(shown(await hints()).length, 7);
  });
});
