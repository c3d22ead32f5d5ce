/**
 * Incremental re-analysis (analysis/incrementalCompose.ts) must be invisible: whenever `update` says it handled
 * an edit, its findings deep-equal a fresh full `analyze` of the new text. Random single edits (a seeded loop,
 * FC_SEED overrides the seed) on generated multi-service files full of findings, applied one after another to
 * the same state; plus the edits that must fall back to a full analysis.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis/analyze';
import { IncrementalCompose, optionsKey } from '../../server/src/analysis/incrementalCompose';
import { changedRegion } from '../../server/src/core/textDiff';
import { buildContextsFrom } from '../../server/src/compose/build';
import { LineIndex } from '../../server/src/core/lineIndex';
import type { AnalysisOptions } from '../../server/src/core/analysisOptions';
import { IncrementalStore } from '../../server/src/analysis/incrementalStore';
import { toCrlf } from '../helpers';
import { loadDocuments } from '../../server/src/compose/project/load';
import type { ParsedText } from '../../server/src/compose/yamlDocuments';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261127;
/** FC_RUNS=<factor> scales the number of random files (e.g. FC_RUNS=10 for a long local hunt). */
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 1;

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Services of several shapes: each has something to find, and they depend on each other. */
function service(i: number, r: () => number): string[] {
  const name = `svc-${i}`;
  const prev = i > 0 ? `svc-${i - 1}` : undefined;
  switch (i % 6) {
    case 0:
      return [
        `  ${name}:`,
        `    image: vllm/vllm-openai:${r() < 0.5 ? 'v0.11.0' : 'latest'}`,
        `    command: [--model, meta-llama/Llama-3.1-8B-Instruct, --gpu-memory-utilization, "${r() < 0.5 ? '0.95' : '0.85'}", --tensor-parallel-size, "2"]`,
        '    environment:',
        '      HF_TOKEN: ${HF_TOKEN}',
        '    deploy:',
        '      resources:',
        '        reservations:',
        '          devices:',
        '            - driver: nvidia',
        '              count: 1',
        ...(r() < 0.5 ? ['              capabilities: [gpu]'] : []),
        ...(r() < 0.5 ? ['    healthcheck:', '      test: [CMD, curl, -f, http://localhost:8000/health]', '      start_period: 30s'] : []),
      ];
    case 1:
      return [
        `  ${name}:`,
        '    image: ghcr.io/huggingface/text-generation-inference:3.0.1',
        '    environment:',
        '      - MODEL_ID=Qwen/Qwen2.5-7B-Instruct',
        '      - HUGGING_FACE_HUB_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEF12',
        '    volumes:',
        '      - ./data:/data',
        '    runtime: nvidia',
        ...(prev ? ['    depends_on:', `      - ${prev}`] : []),
      ];
    case 2:
      return [
        `  ${name}:  # the web app`,
        '    image: nginx',
        '    ports: ["80:80"]',
        ...(prev ? ['    depends_on:', `      ${prev}:`, '        condition: service_started'] : []),
        '    environment:',
        '      OPENAI_API_KEY: sk-proj-abcdEFGHijklMNOPqrstUVWXyz0123456789',
      ];
    case 3:
      return [
        `  ${name}:`,
        '    image: ghcr.io/huggingface/text-generation-inference:3.3.4',
        '    gpus: all',
        '    healthcheck:',
        '      disable: true',
        '',
        '    # a comment between keys',
        '    deploy:',
        '      resources:',
        '        limits: {memory: 8G}',
        '        reservations: {memory: 16G}',
      ];
    case 4:
      return [
        `  ${name}:`,
        '    image: ghcr.io/ggml-org/llama.cpp:server-cuda',
        '    command: ["-hf", "bartowski/Llama-3.2-3B-Instruct-GGUF", "--port", "8080"]',
        ...(prev ? [`    depends_on: [${prev}]`] : []),
      ];
    default:
      return [
        `  ${name}:`,
        '    image: vllm/vllm-openai:v0.10.0',
        '    command: >',
        '      --model mistralai/Mistral-7B-Instruct-v0.3',
        '      --api-key abcdef0123456789secretvalue',
        '      --max-model-len 8192',
        '    secrets: [hf]',
        '    volumes_from: [svc-0]',
      ];
  }
}

function composeFile(services: number, r: () => number, tail: boolean): string {
  const lines = ['# generated for the incremental tests', 'services:'];
  for (let i = 0; i < services; i++) lines.push(...service(i, r));
  if (tail) lines.push('secrets:', '  hf:', '    file: ./hf_token.txt', '', 'x-notes:', '  token: hf_zyxwvutsrqponmlkjihgfedcbaZYXWVU98');
  return lines.join('\n') + '\n';
}

/** Snippets a keystroke or a paste might put in; some change findings, some break the YAML. */
const PIECES = [
  '2', '9', 'a', ' ', '-', ':', '\n', '\n    ', '#', '"', "'", '[', '{', '}', '\t', '&x ', '*x', '<<: *x',
  'latest', '0.99', 'service_healthy', 'service_started', '\n    healthcheck:\n      test: [CMD, true]',
  '\n    deploy: {}', '\n    environment:\n      HF_TOKEN: hf_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef12', '\n  newsvc:\n    image: nginx',
  '\nroot: 1', '\n    volumes:\n      - cache:/root/.cache/huggingface', '  ', '\r\n', 'disable: false', 'x',
];

function randomEdit(text: string, r: () => number): string {
  const pickAt = () => Math.floor(r() * (text.length + 1));
  const op = r();
  if (op < 0.45) {
    const at = pickAt();
    return text.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)]! + text.slice(at);
  }
  if (op < 0.8) {
    const at = pickAt();
    const len = 1 + Math.floor(r() * (r() < 0.8 ? 3 : 40));
    return text.slice(0, at) + text.slice(at + len);
  }
  if (op < 0.83) {
    // Remove a whole service, or rename one (others may name it).
    const keys = [...text.matchAll(/^ {2}([\w-]+):/gm)];
    if (keys.length < 2) return text + '# end\n';
    const i = Math.floor(r() * (keys.length - 1));
    const at = keys[i]!.index!;
    if (r() < 0.5) return text.slice(0, at) + text.slice(keys[i + 1]!.index!);
    return text.slice(0, at + 2) + keys[i]![1] + 'b' + text.slice(at + 2 + keys[i]![1]!.length);
  }
  // Replace one occurrence of a meaningful token.
  const swaps: Array<[string, string]> = [
    ['0.85', '0.95'], ['0.95', '0.85'], ['v0.11.0', 'latest'], ['service_started', 'service_healthy'],
    ['count: 1', 'count: 4'], ['disable: true', 'disable: false'], ['16G', '4G'], ['capabilities: [gpu]', 'capabilities: [compute]'],
    ['"2"', '"8"'], ['svc-0', 'svc-1'], ['./data:/data', 'cache:/root/.cache/huggingface'], ['--port', '--api-key'],
  ];
  const [from, to] = swaps[Math.floor(r() * swaps.length)]!;
  const hits: number[] = [];
  for (let i = text.indexOf(from); i >= 0; i = text.indexOf(from, i + 1)) hits.push(i);
  if (!hits.length) return text + '# end\n';
  const at = hits[Math.floor(r() * hits.length)]!;
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function assertSame(state: IncrementalCompose, text: string, options: AnalysisOptions, context: string): void {
  const expected = analyze(text, 'compose', options);
  const actual = state.findings;
  // Name the first difference: the whole arrays are too long to read in a failure.
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    assert.deepEqual(actual[i], expected[i], `${context}: finding ${i} of ${expected.length} (got ${actual.length})`);
  }
}

describe('incremental Compose analysis', () => {
  it('finds the changed region by common prefix and suffix', () => {
    assert.deepEqual(changedRegion('abcdef', 'abXdef'), { start: 2, oldEnd: 3, delta: 0 });
    assert.deepEqual(changedRegion('aaa', 'aaaa'), { start: 3, oldEnd: 3, delta: 1 });
    assert.deepEqual(changedRegion('abc', 'ac'), { start: 1, oldEnd: 2, delta: -1 });
  });

  it('moves line starts after an edit exactly as a fresh index finds them', () => {
    const r = rng(SEED);
    let text = toCrlf(composeFile(4, r, true)).replace('svc-1:\r\n', 'svc-1:\r');
    for (let step = 0; step < 300; step++) {
      const next = randomEdit(text, r);
      const { start, oldEnd, delta } = changedRegion(text, next);
      const moved = LineIndex.afterEdit(new LineIndex(text), next, start, oldEnd, delta);
      const fresh = new LineIndex(next);
      assert.equal(moved.lineCount, fresh.lineCount, `step ${step}`);
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(moved.lineStart(line), fresh.lineStart(line), `step ${step} line ${line}`);
      text = next;
    }
  });

  // Services built from Dockerfiles (read through the injected reader) are model services or not by what the
  // Dockerfile says; a deleted character in a context makes it unreadable.
  const buildContexts = buildContextsFrom({ 'vllm-image/Dockerfile': 'FROM vllm/vllm-openai:v0.11.0\n', 'web/Dockerfile': 'FROM nginx:1.27\n' });
  const withBuilds = (text: string) => text.replaceAll('    image: vllm/vllm-openai:v0.10.0', '    build: ./vllm-image').replaceAll('    image: nginx', '    build: {context: ./web}');
  for (const variant of [
    { name: 'LF', crlf: false, tail: true, build: false },
    { name: 'CRLF', crlf: true, tail: true, build: false },
    { name: 'services last (fixes insert top-level volumes at the end)', crlf: false, tail: false, build: false },
    { name: 'build: contexts', crlf: false, tail: true, build: true },
    // As in a project's merged analysis: then services may be renamed or removed while others name them.
    { name: 'compose-reference-undefined off', crlf: false, tail: true, build: false, referencesOff: true },
  ] as Array<{ name: string; crlf: boolean; tail: boolean; build: boolean; referencesOff?: boolean }>) {
    it(`random edits in chains agree with a full analysis (${variant.name})`, () => {
      const r = rng(SEED + variant.name.length);
      const options: AnalysisOptions = {
        rules: { 'image-unpinned': 'warning', ...(variant.referencesOff ? { 'compose-reference-undefined': 'off' as const } : {}) },
        ...(variant.build ? { buildContexts } : {}),
      };
      let incremental = 0;
      let changedFindings = 0;
      const files = Math.max(1, Math.round(4 * RUNS));
      for (let file = 0; file < files; file++) {
        let text = composeFile(6 + Math.floor(r() * 8), r, variant.tail);
        if (variant.crlf) text = toCrlf(text);
        if (variant.build) text = withBuilds(text);
        let state = IncrementalCompose.create(text, options);
        let good = text;
        assertSame(state, text, options, 'initial');
        for (let step = 0; step < 30; step++) {
          const next = randomEdit(text, r);
          const before = JSON.stringify(state.findings);
          if (state.update(next, options)) {
            incremental++;
            const at = changedRegion(text, next).start;
            assertSame(state, next, options, `file ${file} step ${step}: ${JSON.stringify(text.slice(at - 60, at + 20))} -> ${JSON.stringify(next.slice(at - 60, at + 20))}`);
            if (JSON.stringify(state.findings) !== before) changedFindings++;
            text = next;
            continue;
          }
          state = IncrementalCompose.create(next, options);
          assertSame(state, next, options, 'full');
          // Keep the chain going on a file that can be updated incrementally: go back to the last text that was
          // (a service broken by earlier incremental steps stays broken until an edit mends it).
          if (state.incremental) text = good = next;
          else {
            text = good;
            state = IncrementalCompose.create(text, options);
          }
        }
      }
      // The test must exercise the incremental path, including edits that change findings.
      assert.ok(incremental > 30 * files * 0.4, `only ${incremental} incremental updates`);
      assert.ok(changedFindings > 2 * files, `only ${changedFindings} incremental updates changed findings`);
    });
  }

  // A project loaded after a keystroke reads the edited file's kept parse instead of parsing it again
  // (projectAnalysis.ts keptParse): what the loader makes of it must be what it makes of a fresh parse.
  it('the kept parse, after random edits, loads into the same project model as a fresh parse', () => {
    const r = rng(SEED + 1);
    const model = (text: string, parsed?: ParsedText) => {
      try {
        // The YAML node in each origin is another object in the two parses; where it is (its range) is compared.
        return JSON.stringify(loadDocuments(text, '/p/compose.yaml', parsed), (key, value) => (key === 'node' ? undefined : value));
      } catch (err) {
        return `refused: ${(err as Error).message}`;
      }
    };
    let compared = 0;
    for (let file = 0; file < Math.max(1, Math.round(4 * RUNS)); file++) {
      let text = composeFile(6 + Math.floor(r() * 8), r, true);
      let state = IncrementalCompose.create(text);
      for (let step = 0; step < 40; step++) {
        const next = randomEdit(text, r);
        if (!state.update(next)) {
          state = IncrementalCompose.create((text = composeFile(6 + Math.floor(r() * 8), r, true)));
          continue;
        }
        text = next;
        const parsed = state.parsed!;
        if (parsed.syntaxErrors.length) continue;
        assert.equal(model(text, { docs: [parsed.doc], lines: parsed.lines }), model(text), `file ${file} step ${step}`);
        compared++;
      }
    }
    assert.ok(compared > 40 * 0.3, `only ${compared} kept parses compared`);
  });

  const base = composeFile(8, rng(7), true);
  const svc = (i: number) => base.indexOf(`  svc-${i}:`);

  it('updates a value inside one service incrementally, and the finding follows the edit', () => {
    const state = IncrementalCompose.create(base);
    const at = base.indexOf('0.85', svc(6)) >= 0 && base.indexOf('0.85', svc(6)) < svc(7) ? base.indexOf('0.85', svc(6)) : -1;
    const text = at >= 0 ? base.slice(0, at) + '0.97' + base.slice(at + 4) : base.replace('nginx', 'nginx:1.27');
    assert.equal(state.update(text), true);
    assertSame(state, text, {}, 'after value edit');
  });

  it('falls back for edits across services, structural edits, anchors, syntax errors and new options', () => {
    const check = (text: string, why: string, options: AnalysisOptions = {}) => {
      const state = IncrementalCompose.create(base);
      assert.equal(state.update(text, options), false, why);
    };
    check(base.slice(0, svc(2) - 5) + base.slice(svc(3) + 5), 'an edit spanning two services');
    check(base.slice(0, svc(2)) + 'svc-2b:' + base.slice(svc(2) + '  svc-2:'.length), 'a service key renamed (and dedented)');
    check(base.replace('  svc-0:\n', '  svc-0x:\n'), 'a service renamed that others name (depends_on, volumes_from)');
    check(base.replace('  svc-6:\n', '  svc-1:\n'), 'a service renamed to a name another service has');
    check(base.slice(0, svc(3)) + 'root: 1\n' + base.slice(svc(3)), 'a top-level key inserted between services');
    check(base.replace('    ports: ["80:80"]', '    ports: "80:80'), 'an open quote that runs past the service');
    check(base.replace('    ports: ["80:80"]', '    ports: &p ["80:80"]'), 'an anchor');
    check(base.replace('# generated', '# edited'), 'an edit outside every service');
    check(base.replace('    ports: ["80:80"]', '    ports: ["81:80"]'), 'other options', { rules: { 'secret-literal': 'off' } });
    check(base.replace('healthcheck:\n      disable: true', 'healthcheck:\n      disable: false'), 'what dependents read about a service changed');
    const anchored = base.replace('    image: nginx', '    image: &img nginx');
    const state = IncrementalCompose.create(anchored);
    assert.equal(state.incremental, false);
    assert.equal(state.update(anchored.replace('["80:80"]', '["81:80"]')), false, 'a file with anchors is never incremental');
  });

  it('adds, removes and renames services incrementally when no other service names them', () => {
    const cases: Array<[string, string]> = [
      [base.slice(0, svc(3)) + '  extra:\n    image: vllm/vllm-openai:latest\n' + base.slice(svc(3)), 'a service added between two'],
      [base.replace('  svc-7:\n', '  svc-7b:\n'), 'the last service renamed'],
      [base.slice(0, svc(4)) + base.slice(svc(5)), 'a service nobody names removed'],
      [base.slice(0, svc(2)) + base.slice(svc(2), svc(3)).replace('  svc-2:  # the web app', '  svc-2:\n    image: nginx:1.27\n  svc-2b:') + base.slice(svc(3)), 'a service split in two'],
    ];
    for (const [text, why] of cases) {
      const state = IncrementalCompose.create(base);
      assert.equal(state.update(text), true, why);
      assertSame(state, text, {}, why);
      // The next keystroke, in a service after the edit, is incremental too.
      const next = text.replace('OPENAI_API_KEY: sk-proj-abcd', 'OPENAI_API_KEY: sk-proj-abce');
      assert.equal(state.update(next), true, `${why}: the next keystroke`);
      assertSame(state, next, {}, `${why}: the next keystroke`);
    }
  });

  it('keeps a syntax error inside one service incremental, agreeing with a full analysis, and gives the fixes back once it is mended', () => {
    const state = IncrementalCompose.create(base);
    const broken = base.replace('    ports: ["80:80"]', '    ports: ["80:80"');
    assert.equal(state.update(broken), true, 'an unclosed bracket the next key closes stays in its service');
    assertSame(state, broken, {}, 'broken');
    assert.ok(state.findings.some((f) => f.rule === 'yaml-syntax'), 'the syntax error is reported');
    assert.ok(state.findings.every((f) => !f.fixes.length), 'no fix is offered while the file is broken');
    const typed = broken.replace('image: nginx', 'image: nginx:1');
    assert.equal(state.update(typed), true, 'the next keystroke in the broken service');
    assertSame(state, typed, {}, 'typed while broken');
    const mended = typed.replace('    ports: ["80:80"', '    ports: ["80:80"]');
    assert.equal(state.update(mended), true, 'the mend');
    assertSame(state, mended, {}, 'mended');
    assert.ok(state.findings.some((f) => f.fixes.length), 'fixes are back');
  });

  it('re-checks only the edited service when what other services asked about it is unchanged, and falls back when it changed', () => {
    // app depends on vllm (service_started): depends-on-unhealthy-model asks whether vllm is a model service and
    // how it can be waited on (ComposeContext.peer).
    const text =
      'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    ports: ["8000:8000"]\n' +
      '  app:\n    image: myorg/chat-ui:1.0\n    depends_on: [vllm]\n';
    const port = IncrementalCompose.create(text);
    const moved = text.replace('"8000:8000"', '"8001:8000"');
    assert.equal(port.update(moved), true, 'a port says nothing other services asked');
    assertSame(port, moved, {}, 'after the port edit');
    const engine = IncrementalCompose.create(text);
    const notAModel = text.replace('vllm/vllm-openai:v0.11.0', 'nginx:1.28');
    assert.equal(engine.update(notAModel), false, 'vllm is no longer a model service: app must be checked again');
    assert.ok(analyze(text, 'compose').some((f) => f.rule === 'depends-on-unhealthy-model'));
    assert.ok(!analyze(notAModel, 'compose').some((f) => f.rule === 'depends-on-unhealthy-model'));
  });

  it('falls back when a service gains or loses image/build/extends/provider (the file may turn into a fragment)', () => {
    // `a` refers to a network no file defines: reported while every service can be loaded alone.
    const text = 'services:\n  a:\n    image: app:1\n    networks: [backend]\n  b:\n    build: ./b\n    restart: always\n';
    const options: AnalysisOptions = { fileName: 'compose.yaml' };
    const state = IncrementalCompose.create(text, options);
    assert.deepEqual(state.findings.map((f) => f.rule), ['compose-reference-undefined']);
    const fragment = text.replace('    build: ./b\n', '    labels: {x: y}\n');
    assert.equal(state.update(fragment, options), false, 'b lost its build: a full analysis must decide');
    assert.deepEqual(analyze(fragment, 'compose', options).map((f) => f.rule), [], 'a fragment refers to what other files define');
  });

  it('the worker store updates kept documents, forgets closed ones and keeps within its budget', () => {
    const store = new IncrementalStore(4, base.length * 2.5);
    const edited = base.replace('    ports: ["80:80"]', '    ports: ["81:80"]');
    assert.equal(store.analyze('a', base, {}).incremental, false);
    const second = store.analyze('a', edited, {});
    assert.equal(second.incremental, true);
    assert.deepEqual(second.findings, analyze(edited, 'compose', {}));
    store.analyze('b', base, {});
    store.analyze('c', base, {});
    assert.equal(store.size, 2, 'the oldest document went over the budget');
    assert.equal(store.analyze('a', base, {}).incremental, false, 'evicted: a full analysis again');
    store.close('a');
    assert.equal(store.analyze('a', edited, {}).incremental, false);
    assert.equal(store.analyze('anchors', base.replace('image: nginx', 'image: &i nginx'), {}).kept, false);
  });

  it('a file whose last service gains its final line break falls back (fixes elsewhere add one)', () => {
    const text = base.slice(0, base.indexOf('secrets:\n'));
    const state = IncrementalCompose.create(text.slice(0, -1));
    assert.equal(state.update(text), false);
  });
});

describe('what an incremental update must be analysed with again', () => {
  it('a new target GPU, this machine\'s GPU count, a config fetched from the Hub or the engine\'s resources make a new analysis', () => {
    const base: AnalysisOptions = { rules: {} };
    const keys = [
      optionsKey(base),
      optionsKey({ ...base, gpu: { memoryBytes: 24 * 2 ** 30 } }),
      optionsKey({ ...base, gpu: { memoryBytes: 80 * 2 ** 30 } }),
      optionsKey({ ...base, hostGpus: { count: 2, from: '--gpus 2' } }),
      optionsKey({ ...base, hubModelConfigs: { 'acme/m': '{}' } }),
      // resource-limits-missing sizes its fix from the engine's CPUs and memory.
      optionsKey({ ...base, engineResources: { cpus: 2, memoryBytes: 25276502016 } }),
      optionsKey({ ...base, engineResources: { cpus: 16, memoryBytes: 25276502016 } }),
    ];
    assert.equal(new Set(keys).size, keys.length);
  });
});
