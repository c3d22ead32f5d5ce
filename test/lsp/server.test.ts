import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CodeAction, CodeActionRequest, DiagnosticSeverity, DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { ENGINE_RESOURCES_NOTIFICATION, LOCAL_GPUS_NOTIFICATION, MEASURED_COLD_STARTS_NOTIFICATION, type EngineResourcesParams, type LocalGpusParams, type MeasuredColdStartsParams } from '../../server/src/protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lint, yaml } from '../helpers';
import { LspSession } from './lspHarness';

const compose = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              - driver: nvidia
                count: 1
`;

describe('language server over stdio (dist/server.js)', () => {
  let lsp: LspSession;
  before(async () => {
    lsp = new LspSession({ enable: true, rules: {} });
    await lsp.initialize();
  });
  after(async () => lsp.close());

  it('publishes diagnostics with rule id, docs link and source on open', async () => {
    const uri = 'file:///tmp/stack/compose.yaml';
    await lsp.open(uri, 'yaml', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    const d = diagnostics.find((x) => x.code === 'gpu-capabilities-missing');
    assert.ok(d, JSON.stringify(diagnostics));
    assert.equal(d.source, 'inference-stack');
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.deepEqual(d.range, { start: { line: 7, character: 14 }, end: { line: 7, character: 20 } });
    assert.match(d.codeDescription!.href, /docs\/rules\/gpu-capabilities-missing\.md$/);
  });

  it('offers a preferred quick fix that makes the diagnostic go away once applied', async () => {
    const uri = 'file:///tmp/stack2/docker-compose.yml';
    await lsp.open(uri, 'yaml', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    const target = diagnostics.find((x) => x.code === 'gpu-capabilities-missing')!;
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(actions.some((a) => a.title === 'Ignore gpu-capabilities-missing on this line'));
    const doc = TextDocument.create(uri, 'yaml', 1, compose);
    const fixed = TextDocument.applyEdits(doc, preferred[0]!.edit!.changes![uri]!);
    await lsp.replace(uri, fixed, 2);
    const after2 = await lsp.diagnostics(uri, { version: 2 });
    assert.equal(after2.filter((x) => x.code === 'gpu-capabilities-missing').length, 0);
  });

  it('answers the "Fix All" command (only: source.fixAll.inference-stack) with every pass of fixes in one edit', async () => {
    const uri = 'file:///tmp/stack-fixall/docker-compose.yml';
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          runtime: nvidia
          command: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
          environment:
            GPU_MEMORY_UTILIZATION: "0.85"
        proxy:
          image: nginx:1.27
          depends_on:
            - vllm
    `;
    await lsp.open(uri, 'yaml', text);
    const before = await lsp.diagnostics(uri, { version: 1 });
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.inference-stack'] },
    })) as CodeAction[];
    assert.equal(actions.length, 1, JSON.stringify(actions.map((a) => a.title)));
    // Once applied, VS Code runs its command: the extension says what Fix All changed.
    assert.equal(actions[0]!.command?.command, 'inferenceStack.fixAllDone');
    assert.match(String(actions[0]!.command?.arguments?.[0]), /^Fix All made \d+ fixes in docker-compose\.yml\.$/);
    const edits = actions[0]!.edit!.changes![uri]!;
    assert.equal(edits.length, 1, 'one edit, not a rewritten file');
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), edits);
    await lsp.replace(uri, fixed, 2);
    const after = await lsp.diagnostics(uri, { version: 2 });
    const fixable = (ds: typeof before) => ds.filter((d) => ((d.data as { fixes?: unknown[] } | undefined)?.fixes ?? []).length > 0);
    assert.ok(fixable(before).length >= 4, JSON.stringify(before.map((d) => d.code)));
    assert.deepEqual(fixable(after).map((d) => d.code), []);
    assert.ok(fixed.includes('"--gpu-memory-utilization", "0.85"'), fixed);
  });

  it('uses the cold start measured by "Start inference stack" for that Compose file only, and says so', async () => {
    const stack = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: ["Qwen/Qwen3-0.6B"]
          healthcheck:
            test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
            start_period: 300s
    `;
    const started = 'file:///tmp/measured/compose.yaml';
    const other = 'file:///tmp/not-started/compose.yaml';
    await lsp.open(started, 'yaml', stack);
    await lsp.open(other, 'yaml', stack);
    const shortPeriod = (ds: { code?: unknown }[]) => ds.some((d) => d.code === 'healthcheck-start-period-short');
    // 0.6B parameters: about 62 s estimated, 300 s is plenty.
    assert.equal(shortPeriod(await lsp.diagnostics(started, { version: 1 })), false);
    const params: MeasuredColdStartsParams = { file: '/tmp/measured/compose.yaml', services: { vllm: 200 } };
    await lsp.connection.sendNotification(MEASURED_COLD_STARTS_NOTIFICATION, params);
    const measured = await lsp.diagnostics(started, { match: shortPeriod });
    assert.match(String(measured.find((d) => d.code === 'healthcheck-start-period-short')!.message), /measured at the last start/);
    await lsp.replace(other, stack + '\n', 2);
    assert.equal(shortPeriod(await lsp.diagnostics(other, { version: 2 })), false);
  });

  it("checks GPU requests and memory against this machine's GPUs once the client sends them, and not a named target's", async () => {
    const stack = yaml`
      services:
        chat:
          image: vllm/vllm-openai:v0.11.0
          command: --model meta-llama/Llama-3.1-8B-Instruct --max-model-len 65536
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    device_ids: ["1"]
                    capabilities: [gpu]
    `;
    const uri = 'file:///tmp/local-gpus/compose.yaml';
    await lsp.open(uri, 'yaml', stack);
    const codes = (ds: { code?: unknown }[]) => ds.map((d) => String(d.code));
    const gpuRules = (ds: { code?: unknown }[]) => codes(ds).some((c) => c === 'gpu-device-missing' || c === 'kv-cache-below-max-model-len');
    assert.equal(gpuRules(await lsp.diagnostics(uri, { version: 1 })), false, 'no GPU known: silent');
    const params: LocalGpusParams = { gpus: [{ name: 'NVIDIA L4', memoryMiB: 23034 }] };
    await lsp.connection.sendNotification(LOCAL_GPUS_NOTIFICATION, params);
    const local = await lsp.diagnostics(uri, { match: (ds) => codes(ds).includes('gpu-device-missing') && codes(ds).includes('kv-cache-below-max-model-len') });
    assert.match(String(local.find((d) => d.code === 'gpu-device-missing')!.message), /this machine's nvidia-smi says the machine has 1 GPU/);
    assert.match(String(local.find((d) => d.code === 'kv-cache-below-max-model-len')!.message), /L4 \(22\.49 GiB, this machine's nvidia-smi\)/);
    // A target named in the settings may be another machine: its memory counts, this machine's GPU count does not.
    lsp.settings = { enable: true, rules: {}, gpu: 'H100' };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const named = await lsp.diagnostics(uri, { match: (ds) => !codes(ds).includes('gpu-device-missing') });
    assert.equal(gpuRules(named), false, codes(named).join(', '));
    lsp.settings = { enable: true, rules: {} };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await lsp.connection.sendNotification(LOCAL_GPUS_NOTIFICATION, { gpus: [] } satisfies LocalGpusParams);
  });

  it("sizes resource-limits-missing's fix from the Docker engine's CPUs and memory once the client sends them", async () => {
    const uri = 'file:///tmp/engine-resources/compose.yaml';
    await lsp.open(uri, 'yaml', 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n');
    const limits = (ds: { code?: unknown; message: unknown }[]) => String(ds.find((d) => d.code === 'resource-limits-missing')?.message ?? '');
    assert.match(limits(await lsp.diagnostics(uri, { version: 1 })), /8 CPUs and 32 GiB as placeholders/);
    await lsp.connection.sendNotification(ENGINE_RESOURCES_NOTIFICATION, { cpus: 2, memoryBytes: 25276502016 } satisfies EngineResourcesParams);
    const sized = await lsp.diagnostics(uri, { match: (ds) => /half of what the Docker engine has/.test(limits(ds)) });
    assert.match(limits(sized), /the fix uses 1 CPU and 11 GiB, half of what the Docker engine has \(2 CPUs, 23\.54 GiB\)/);
    await lsp.connection.sendNotification(ENGINE_RESOURCES_NOTIFICATION, {} satisfies EngineResourcesParams);
    await lsp.diagnostics(uri, { match: (ds) => /as placeholders/.test(limits(ds)) });
  });

  it('honours per-rule settings pulled from the client', async () => {
    lsp.settings = { enable: true, rules: { 'gpu-capabilities-missing': 'off' } };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const uri = 'file:///tmp/stack3/compose.yml';
    await lsp.open(uri, 'yaml', compose);
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    assert.equal(diagnostics.filter((x) => x.code === 'gpu-capabilities-missing').length, 0);
    lsp.settings = { enable: true, rules: {} };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });

  it('reports broken YAML with positions and still runs the rules on what parsed', async () => {
    const uri = 'file:///tmp/stack4/compose.yaml';
    await lsp.open(uri, 'yaml', compose + '  broken: [unclosed\n');
    const diagnostics = await lsp.diagnostics(uri, { version: 1 });
    assert.ok(diagnostics.some((d) => d.code === 'yaml-syntax'), JSON.stringify(diagnostics));
  });

  it('re-analyses an edit in one service of a 2,000-service file and publishes correct diagnostics', async () => {
    const service = (i: number) =>
      [
        `  llm-${i}:`,
        '    image: vllm/vllm-openai:v0.11.0',
        `    command: [--model, org/model-${i}, --gpu-memory-utilization, "0.85"]`,
        '    volumes: [hf-cache:/root/.cache/huggingface]',
        '    deploy:',
        '      resources:',
        '        reservations:',
        '          devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]',
        '        limits: {cpus: "8", memory: 32G}',
        '    healthcheck:',
        '      test: [CMD, curl, -f, http://localhost:8000/health]',
        '      start_period: 1800s',
        '    logging: {driver: json-file, options: {max-size: 10m}}',
        ...(i > 0 ? [`    depends_on: {llm-${i - 1}: {condition: service_healthy}}`] : []),
      ].join('\n') + '\n';
    let text = 'services:\n' + Array.from({ length: 2000 }, (_, i) => service(i)).join('') + 'volumes:\n  hf-cache:\n';
    assert.ok(text.length > 16 * 1024, 'large enough for the worker');
    const uri = 'file:///tmp/incremental/compose.yaml';
    await lsp.open(uri, 'yaml', text);
    const opened = await lsp.diagnostics(uri, { version: 1, timeoutMs: 60000 });
    assert.equal(opened.filter((d) => d.code === 'gpu-memory-utilization-high').length, 0);

    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length - 1;
    const target = text.indexOf('"0.85"', text.indexOf('  llm-1234:')) + 1;
    const line = lineOf(target);
    const character = target - text.lastIndexOf('\n', target - 1) - 1;
    const edit = (version: number, from: string, to: string) => {
      text = text.slice(0, target) + to + text.slice(target + from.length);
      return lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character }, end: { line, character: character + from.length } }, text: to }],
      });
    };
    // Typing 0.85 -> 0.97 in llm-1234: three quick keystrokes, then the high-utilization finding appears there.
    await edit(2, '0.85', '0.9');
    await edit(3, '0.9', '0.95');
    await edit(4, '0.95', '0.97');
    const high = await lsp.diagnostics(uri, { version: 4, timeoutMs: 60000 });
    const found = high.filter((d) => d.code === 'gpu-memory-utilization-high');
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.range.start.line, line);
    // The whole list is what a full analysis of the new text finds.
    const expected = lint(text).map((f) => [f.rule, f.range.start.line, f.range.start.character, f.message]);
    assert.deepEqual(high.map((d) => [d.code, d.range.start.line, d.range.start.character, d.message]), expected);
    // And back: the finding goes away.
    await edit(5, '0.97', '0.85');
    const back = await lsp.diagnostics(uri, { version: 5, timeoutMs: 60000 });
    assert.equal(back.filter((d) => d.code === 'gpu-memory-utilization-high').length, 0);
    assert.equal(back.length, opened.length);
  });

  it('keeps answering requests while a multi-megabyte file is analysed', async () => {
    const service = (i: number) => `  svc${i}:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "org/model-${i}"]\n`;
    const big = 'services:\n' + Array.from({ length: 20000 }, (_, i) => service(i)).join('');
    assert.ok(big.length > 1_000_000);
    const bigUri = 'file:///tmp/big/compose.yaml';
    await lsp.open(bigUri, 'yaml', big);
    const small = 'file:///tmp/small/compose.yaml';
    const started = Date.now();
    await lsp.open(small, 'yaml', compose);
    await lsp.diagnostics(small, { version: 1 });
    const smallDone = Date.now() - started;
    await lsp.diagnostics(bigUri, { version: 1, timeoutMs: 60000 });
    const bigDone = Date.now() - started;
    assert.ok(smallDone < bigDone, `small file (${smallDone} ms) waited for the big one (${bigDone} ms)`);
  });
});
