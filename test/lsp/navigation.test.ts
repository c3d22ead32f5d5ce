/**
 * Navigation in a Compose file over LSP, as an editor asks for it: document links (registry and model pages, the
 * files and folders the file names, only those inside the workspace folder that exist), the outline (sections and
 * their entries, with ranges and details), and go to definition.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeLens, DocumentLink, DocumentSymbol, Location, Position, Range } from 'vscode-languageserver-protocol/node';
import { yaml } from '../helpers';
import { LspSession } from './lspHarness';

const compose = yaml`
  x-gpu: &gpu
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]

  services:
    llm:
      <<: *gpu
      image: vllm/vllm-openai:v0.11.0
      command: ["--model", "Qwen/Qwen3-0.6B", "--max-model-len", "8192"]
      env_file: config.env
      volumes:
        - ./models:/models
        - hf-cache:/root/.cache/huggingface
        - ../outside:/outside
        - ./missing:/missing
        - ./escape:/escape
      networks: [backend]
    tgi:
      image: ghcr.io/huggingface/text-generation-inference:3.0.0
      environment:
        MODEL_ID: meta-llama/Llama-3.1-8B-Instruct
    app:
      build:
        context: ./app
        dockerfile: Dockerfile.dev
      image: "[x](command:workbench.action.quit)"
      depends_on:
        llm:
          condition: service_healthy
    web:
      image: nginx:1.27
      depends_on: [app]
      models: [smollm]
    worker:
      extends:
        service: web
    nim:
      image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8
  volumes:
    hf-cache:
  networks:
    backend:
  models:
    smollm:
      model: ai/smollm2
`;

/** A workspace folder with the files the Compose file names, a folder beside it (outside) and a symlink out. */
function workspace(): string {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'is-lsp-nav-')));
  const root = join(base, 'stack');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'models'), { recursive: true });
  mkdirSync(join(root, 'app'));
  mkdirSync(outside);
  writeFileSync(join(root, 'config.env'), 'VLLM_LOGGING_LEVEL=INFO\n');
  writeFileSync(join(root, 'app', 'Dockerfile.dev'), 'FROM python:3.12\n');
  symlinkSync(outside, join(root, 'escape'));
  writeFileSync(join(root, 'compose.yaml'), compose);
  return root;
}

/** A server whose one workspace folder is a new `workspace()`. */
async function session(): Promise<{ lsp: LspSession; root: string }> {
  const root = workspace();
  const lsp = new LspSession({ enable: true, rules: {} });
  await lsp.initialize([root]);
  return { lsp, root };
}

const lines = compose.split('\n');
/** The text a range covers (one line). */
const textAt = (range: Range) => lines[range.start.line]!.slice(range.start.character, range.end.character);
/** Where `needle` is written on the first line holding it after line `from`. */
function at(needle: string, from = 0): Range {
  const line = lines.findIndex((l, i) => i >= from && l.includes(needle));
  assert.ok(line >= 0, needle);
  const character = lines[line]!.indexOf(needle);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}
const inside = (range: Range, offset = 1): Position => ({ line: range.start.line, character: range.start.character + offset });

describe('language server: navigation in a Compose file', () => {
  let lsp: LspSession;
  let root: string;
  let uri: string;
  before(async () => {
    ({ lsp, root } = await session());
    uri = pathToFileURL(join(root, 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', compose);
  });
  after(async () => lsp.close());

  it('links images and models to their pages, and files and folders inside the workspace to themselves', async () => {
    const links = (await lsp.connection.sendRequest('textDocument/documentLink', { textDocument: { uri } })) as DocumentLink[];
    const file = (path: string) => pathToFileURL(join(root, path)).href;
    assert.deepEqual(
      links.map((l) => [textAt(l.range), l.target]),
      [
        ['vllm/vllm-openai:v0.11.0', 'https://hub.docker.com/r/vllm/vllm-openai'],
        ['Qwen/Qwen3-0.6B', 'https://huggingface.co/Qwen/Qwen3-0.6B'],
        ['config.env', file('config.env')],
        ['./models', file('models')],
        ['ghcr.io/huggingface/text-generation-inference:3.0.0', 'https://ghcr.io/huggingface/text-generation-inference'],
        ['meta-llama/Llama-3.1-8B-Instruct', 'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct'],
        ['./app', file('app')],
        ['Dockerfile.dev', file('app/Dockerfile.dev')],
        ['nginx:1.27', 'https://hub.docker.com/_/nginx'],
        ['nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8', 'https://catalog.ngc.nvidia.com/orgs/nim/teams/meta/containers/llama-3.1-8b-instruct'],
        ['ai/smollm2', 'https://hub.docker.com/r/ai/smollm2'],
      ],
    );
    // `../outside` (outside the folder), `./missing` (no such file), `./escape` (a symlink out of it) and the
    // `[x](command:…)` image get no link; no link is ever a command.
    assert.ok(links.every((l) => /^(https:\/\/|file:\/\/)/.test(l.target ?? '')), JSON.stringify(links.map((l) => l.target)));
    assert.equal(links[0]!.tooltip, 'Docker Hub: vllm/vllm-openai');
  });

  it('outlines the sections and their entries, with ranges, selection ranges and details', async () => {
    const symbols = (await lsp.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => [s.name, s.children?.map((c) => [c.name, c.detail ?? ''])]),
      [
        [
          'services',
          [
            ['llm', 'vLLM · Qwen/Qwen3-0.6B'],
            ['tgi', 'Hugging Face TGI · meta-llama/Llama-3.1-8B-Instruct'],
            ['app', '[x](command:workbench.action.quit)'],
            ['web', 'nginx:1.27'],
            ['worker', ''],
            ['nim', 'NVIDIA NIM · nvcr.io/nim/meta/llama-3.1-8b-instruct'],
          ],
        ],
        ['volumes', [['hf-cache', '']]],
        ['networks', [['backend', '']]],
        ['models', [['smollm', 'ai/smollm2']]],
      ],
    );
    const services = symbols[0]!;
    const servicesLine = lines.indexOf('services:');
    const lastServiceLine = lines.findIndex((l) => l.includes('nvcr.io/nim'));
    assert.deepEqual(services.selectionRange, { start: { line: servicesLine, character: 0 }, end: { line: servicesLine, character: 8 } });
    assert.deepEqual(services.range, { start: { line: servicesLine, character: 0 }, end: { line: lastServiceLine, character: lines[lastServiceLine]!.length } });
    const llm = services.children![0]!;
    const llmLine = servicesLine + 1;
    const llmEnd = lines.findIndex((l) => l.includes('networks: [backend]'));
    assert.deepEqual(llm.selectionRange, { start: { line: llmLine, character: 2 }, end: { line: llmLine, character: 5 } });
    assert.deepEqual(llm.range, { start: { line: llmLine, character: 2 }, end: { line: llmEnd, character: lines[llmEnd]!.length } });
    const smollm = symbols[3]!.children![0]!;
    assert.deepEqual(smollm.range, { start: at('smollm:').start, end: at('ai/smollm2').end });
  });

  async function definition(position: Position): Promise<Range | undefined> {
    const found = (await lsp.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position })) as Location[] | null;
    if (!found) return undefined;
    assert.equal(found.length, 1);
    assert.equal(found[0]!.uri, uri);
    return found[0]!.range;
  }

  it('goes from a name to its definition', async () => {
    const servicesLine = lines.indexOf('services:');
    const key = (name: string, from = servicesLine) => at(`${name}:`, from).start;
    const keyRange = (name: string, from = servicesLine) => ({ start: key(name, from), end: { line: key(name, from).line, character: key(name, from).character + name.length } });
    // depends_on, long form and short form
    assert.deepEqual(await definition(inside(at('llm:', lines.findIndex((l) => l.trim() === 'depends_on:')))), keyRange('llm'));
    assert.deepEqual(await definition(inside(at('[app]'))), keyRange('app'));
    // extends.service
    assert.deepEqual(await definition(inside(at('service: web'), 10)), keyRange('web'));
    // models, named volumes, networks
    const topLevel = (section: string, name: string) => keyRange(name, lines.indexOf(`${section}:`));
    assert.deepEqual(await definition(inside(at('[smollm]'))), topLevel('models', 'smollm'));
    assert.deepEqual(await definition(inside(at('hf-cache:/root'))), topLevel('volumes', 'hf-cache'));
    assert.deepEqual(await definition(inside(at('[backend]'))), topLevel('networks', 'backend'));
    // an alias to its anchor
    assert.deepEqual(await definition(inside(at('*gpu'))), at('&gpu'));
    // not a name: nothing
    assert.equal(await definition(inside(at('vllm/vllm-openai'))), undefined);
    // a bind mount is a path, not a volume name
    assert.equal(await definition(inside(at('./models'), 3)), undefined);
  });
});

describe('language server: navigation after edits, and in files it cannot cut into blocks', () => {
  let lsp: LspSession;
  let root: string;
  before(async () => ({ lsp, root } = await session()));
  after(async () => lsp.close());

  /** Everything the navigation requests answer for a document, for comparing two documents. */
  async function answers(uri: string, lineCount: number): Promise<unknown> {
    const doc = { textDocument: { uri } };
    const range = { start: { line: 0, character: 0 }, end: { line: lineCount, character: 0 } };
    return {
      symbols: await lsp.connection.sendRequest('textDocument/documentSymbol', doc),
      links: await lsp.connection.sendRequest('textDocument/documentLink', doc),
      hints: await lsp.connection.sendRequest('textDocument/inlayHint', { ...doc, range }),
    };
  }

  it('answers after each edit as for the same text opened afresh', async () => {
    const uri = pathToFileURL(join(root, 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', compose);
    await answers(uri, lines.length);
    const edits: Array<[string, (text: string) => string]> = [
      ['inside a service', (t) => t.replace('"--max-model-len", "8192"', '"--max-model-len", "4096"')],
      ['a new line in a service', (t) => t.replace('    env_file: config.env\n', '    env_file: config.env\n    restart: always\n')],
      ['a service renamed', (t) => t.replace('  web:\n', '  website:\n')],
      ['a service added', (t) => t.replace('  nim:\n', '  extra:\n    image: redis:7\n  nim:\n')],
      ['a top-level key added inside a service', (t) => t.replace('    restart: always\n', 'restart: always\n')],
      ['that key removed', (t) => t.replace('restart: always\n', '')],
      ['an anchor edited', (t) => t.replace('count: 1', 'count: 2')],
      ['a model renamed in the last section', (t) => t.replace('model: ai/smollm2', 'model: ai/qwen3')],
      ['the file cut short', (t) => t.slice(0, t.indexOf('  worker:'))],
    ];
    let text = compose;
    let version = 1;
    for (const [what, edit] of edits) {
      text = edit(text);
      await lsp.replace(uri, text, ++version);
      const fresh = pathToFileURL(join(root, `fresh-${version}.yaml`)).href;
      await lsp.open(fresh, 'dockercompose', text);
      const count = text.split('\n').length;
      assert.deepEqual(await answers(uri, count), await answers(fresh, count), what);
    }
  });

  it('reads a flow-style file whole', async () => {
    const text = 'services: {llm: {image: "vllm/vllm-openai:v0.11.0", command: [--model, Qwen/Qwen3-0.6B]}, web: {image: nginx, depends_on: [llm]}}\n';
    const uri = pathToFileURL(join(root, 'flow.yaml')).href;
    await lsp.open(uri, 'dockercompose', text);
    const symbols = (await lsp.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => [s.name, s.children?.map((c) => [c.name, c.detail])]), [['services', [['llm', 'vLLM · Qwen/Qwen3-0.6B'], ['web', 'nginx']]]]);
    const found = (await lsp.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 0, character: text.indexOf('[llm]') + 2 } })) as Location[];
    assert.deepEqual(found[0]!.range, { start: { line: 0, character: 11 }, end: { line: 0, character: 14 } });
  });

  // compose-go merges a file's YAML documents as files: a name one document uses may be defined in another.
  it('a file of several documents: the outline has each document\'s services, and a name goes to its definition in another document', async () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\nvolumes:\n  hf-cache: {}\n---\nservices:\n  web:\n    image: nginx:1.27\n    depends_on: [vllm]\n    volumes: [hf-cache:/cache]\n';
    const uri = pathToFileURL(join(root, 'documents.yaml')).href;
    await lsp.open(uri, 'dockercompose', text);
    const symbols = (await lsp.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => [s.name, s.children?.map((c) => c.name)]), [['services', ['vllm']], ['volumes', ['hf-cache']], ['services', ['web']]]);
    const textLines = text.split('\n');
    const go = async (line: number, word: string) => ((await lsp.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line, character: textLines[line]!.indexOf(word) + 1 } })) as Location[] | null)?.[0]?.range;
    assert.deepEqual(await go(9, '[vllm]'), { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
    assert.deepEqual(await go(10, 'hf-cache'), { start: { line: 4, character: 2 }, end: { line: 4, character: 10 } });
  });

  it('gives the ranges of a CRLF file on its own lines', async () => {
    const text = compose.replace(/\n/g, '\r\n');
    const uri = pathToFileURL(join(root, 'crlf.yaml')).href;
    await lsp.open(uri, 'dockercompose', text);
    const symbols = (await lsp.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    const llm = symbols[0]!.children![0]!;
    const llmEnd = lines.findIndex((l) => l.includes('networks: [backend]'));
    assert.deepEqual(llm.range.end, { line: llmEnd, character: lines[llmEnd]!.length });
  });

  it('puts a "Start inference stack" lens above services: that starts this file\'s project; none without a service', async () => {
    const uri = pathToFileURL(join(root, 'lens.compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', compose);
    const lenses = (await lsp.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    const servicesLine = lines.findIndex((l) => l.startsWith('services:'));
    assert.deepEqual(lenses.map((l) => [l.range.start, l.command?.command, l.command?.arguments]), [[{ line: servicesLine, character: 0 }, 'inferenceStack.start', [uri]]]);
    assert.match(lenses[0]!.command!.title, /Start inference stack/);
    const empty = pathToFileURL(join(root, 'empty.compose.yaml')).href;
    await lsp.open(empty, 'dockercompose', 'services: {}\nvolumes:\n  data: {}\n');
    assert.deepEqual(await lsp.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: empty } }), null);
  });
});
