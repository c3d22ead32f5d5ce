/**
 * Property tests (fast-check): whatever text arrives, analyze() never throws, never reports 'internal-error',
 * keeps every range inside the document and finishes within a bound. Inputs: random YAML-ish text, random
 * Compose-like documents (stringified with `yaml`, with anchors, aliases and merge keys), mutated corpus files,
 * random and mutated Dockerfiles; plus an alias bomb and files around the size limit.
 *
 * Reproducible: a fixed seed, overridable with FC_SEED=<n> (fast-check prints the seed and path of a failure).
 * The time bounds are safety bounds against hangs and exponential blow-ups, not benchmarks (bench/ measures).
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TOO_LARGE_RULE_ID, TOO_MANY_FINDINGS_RULE_ID, analyze } from '../../server/src/analysis/analyze';
import { applyEdits, applyFixes } from '../../server/src/core/applyEdits';
import { LineIndex } from '../../server/src/core/lineIndex';
import { parseCompose } from '../../server/src/compose/composeFile';
import { column, indentUnit } from '../../server/src/compose/edits';
import { insertUnderPath } from '../../server/src/compose/nestedInsert';
import { MAX_ANALYSED_BYTES } from '../../server/src/core/boundedFile';
import type { FileKind, Finding } from '../../server/src/core/types';
import { applyFix } from '../helpers';
import { findingProblems, parseRegression } from '../corpus/invariants';
import { COMPOSE_CORPUS, DOCKERFILE_CORPUS, YAMLISH, composeArb, dockerfileArb, mutated, pick } from './arbitraries';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261127;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 1;
/** FC_RUNS=<factor> scales every numRuns (e.g. FC_RUNS=20 for a long local hunt). A fixed number of runs, never a
 * time limit: a loaded machine must not quietly run fewer cases. fast-check prints the seed and path of a failure. */
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: Math.max(1, Math.round(numRuns * RUNS)) });

/** Safety bound for one analysis of an input under 20 KB: catches hangs and blow-ups, not slowness. */
const BOUND_MS = 2000;

/** Analyses and checks the invariants; throws (so fast-check shrinks) with the problems listed. */
function check(text: string, kind: FileKind): Finding[] {
  const t0 = performance.now();
  const findings = analyze(text, kind);
  const ms = performance.now() - t0;
  const problems = findingProblems(text, findings);
  if (ms > BOUND_MS) problems.push(`took ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms) on ${text.length} chars`);
  if (problems.length) throw new Error(`${problems.join('\n')}\n--- input (${kind}) ---\n${JSON.stringify(text)}`);
  return findings;
}

// ---------------------------------------------------------------------------------------------- tests
describe('properties: analyze never throws, never reports internal errors, keeps ranges inside', () => {
  it('the invariant check itself catches out-of-range findings and internal errors', () => {
    const text = 'services:\n  a: {}\n';
    const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
    const finding = (rule: string, range: Finding['range']): Finding => ({ rule, severity: 'info', message: 'm', range, fixes: [] });
    assert.equal(findingProblems(text, [finding('r', at(1, 7))]).length, 0);
    assert.equal(findingProblems(text, [finding('r', at(1, 8))]).length, 1); // past the end of line 1
    assert.equal(findingProblems(text, [finding('r', at(3, 0))]).length, 1); // past the last line
    assert.equal(findingProblems(text, [finding('r', { start: { line: 1, character: 2 }, end: { line: 0, character: 0 } })]).length, 1);
    assert.equal(findingProblems(text, [finding('internal-error', at(0, 0))]).length, 1);
  });

  it('random YAML-ish text (compose)', () => {
    fc.assert(fc.property(fc.string({ unit: pick(YAMLISH), maxLength: 200 }), (text) => void check(text, 'compose')), params(500));
  });

  it('random text (dockerfile)', () => {
    fc.assert(fc.property(fc.string({ unit: pick([...YAMLISH, 'FROM ', 'RUN ', 'HEALTHCHECK ', 'CMD ', '--start-period=']), maxLength: 200 }), (text) => void check(text, 'dockerfile')), params(200));
  });

  it('random Compose-like documents with anchors, aliases and merge keys (and their fixes keep the YAML valid)', () => {
    fc.assert(fc.property(composeArb, (text) => {
      const findings = check(text, 'compose');
      const problems: string[] = [];
      for (const f of findings) {
        for (const fix of f.fixes) {
          const fixed = applyFix(text, fix);
          const bad = parseRegression('compose', text, fixed);
          if (bad) problems.push(`${f.rule} fix "${fix.title}": ${bad}`);
          problems.push(...findingProblems(fixed, analyze(fixed, 'compose')).map((p) => `${f.rule} fix "${fix.title}", after: ${p}`));
        }
      }
      const all = applyFixes(text, findings.flatMap((f) => f.fixes.filter((x) => x.preferred)));
      const bad = parseRegression('compose', text, all.text);
      if (bad) problems.push(`all preferred fixes at once: ${bad}`);
      if (problems.length) throw new Error(`${problems.join('\n')}\n--- input ---\n${text}`);
    }), params(80));
  });

  it('mutated corpus Compose files', () => {
    assert.ok(COMPOSE_CORPUS.length > 0, 'no Compose corpus');
    fc.assert(fc.property(mutated(COMPOSE_CORPUS), (text) => void check(text, 'compose')), params(150));
  });

  it('random Dockerfiles', () => {
    fc.assert(fc.property(dockerfileArb, (text) => void check(text, 'dockerfile')), params(200));
  });

  it('mutated corpus Dockerfiles', () => {
    assert.ok(DOCKERFILE_CORPUS.length > 0, 'no Dockerfile corpus');
    fc.assert(fc.property(mutated(DOCKERFILE_CORPUS), (text) => void check(text, 'dockerfile')), params(100));
  });
});

// ---------------------------------------------------------------------------------------------- alias bombs
/** "Billion laughs": 10 levels of 10 aliases each would expand to 10^10 nodes if anything expanded them. */
function aliasBomb(levels = 10, width = 10): string {
  const out = [`l0: &l0 [${Array(width).fill('"--gpu-memory-utilization=0.99"').join(', ')}]`];
  for (let i = 1; i < levels; i++) out.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return out.join('\n');
}

describe('alias bombs finish quickly without crashing', () => {
  // Safety bound, not a benchmark: a linear walk takes milliseconds; an expanding walk would take hours.
  const BOMB_MS = 1000;
  const last = 'l9';
  const cases: Array<[string, string]> = [
    ['aliases at the top level', `${aliasBomb()}\nservices: {}\n`],
    ['aliases in command, environment, volumes and devices of a model service', `x-bomb:\n${aliasBomb().replace(/^/gm, '  ')}\nservices:\n  vllm:\n    image: vllm/vllm-openai:latest\n    command: *${last}\n    entrypoint: *${last}\n    environment: *${last}\n    volumes: *${last}\n    depends_on: *${last}\n    deploy:\n      resources:\n        reservations:\n          devices: *${last}\n`],
    ['merge keys chaining maps ten levels deep into services', mergeBomb()],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const t0 = performance.now();
      const findings = analyze(text, 'compose');
      const ms = performance.now() - t0;
      assert.deepEqual(findingProblems(text, findings), []);
      assert.ok(ms < BOMB_MS, `took ${ms.toFixed(0)} ms (bound ${BOMB_MS} ms)`);
    });
  }
});

/** Each level merges the previous one ten times over (`<<: [*m0, *m0, ...]`) and every service merges the top. */
function mergeBomb(levels = 10, width = 10): string {
  const out = ['x-m0: &m0', '  image: vllm/vllm-openai:latest', '  command: ["--tensor-parallel-size", "4"]', '  environment: { HF_TOKEN: hf_abcdefghijklmnopqrstuvwxyz0123456789 }'];
  for (let i = 1; i < levels; i++) {
    out.push(`x-m${i}: &m${i}`, `  <<: [${Array(width).fill(`*m${i - 1}`).join(', ')}]`, `  k${i}: *m${i - 1}`);
  }
  out.push('services:');
  for (let s = 0; s < 5; s++) out.push(`  s${s}:`, `    <<: *m${levels - 1}`, `    deploy: *m${levels - 1}`);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------- size limits
/** A flat copy of a string built by concatenation, so the timed call does not pay V8's one-off flattening. */
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

describe('file size', () => {
  /** A realistic vLLM service block, numbered so the services differ. */
  const block = (i: number) => [
    `  vllm-${i}:`,
    '    image: vllm/vllm-openai:v0.6.3',
    `    command: ["--model", "meta-llama/Llama-3.1-8B", "--port", "${8000 + (i % 1000)}", "--gpu-memory-utilization", "0.9"]`,
    '    environment:',
    '      HF_TOKEN: ${HF_TOKEN}',
    '    deploy:',
    '      resources:',
    '        reservations:',
    '          devices:',
    '            - driver: nvidia',
    '              count: 1',
    '              capabilities: [gpu]',
    '',
  ].join('\n');
  const services = (bytes: number) => {
    const parts = ['services:'];
    let size = parts[0]!.length;
    for (let i = 0; size < bytes; i++) {
      const b = block(i);
      parts.push(b);
      size += b.length + 1;
    }
    return parts.join('\n');
  };

  /** Safety bound for declining: it must not parse the file (parsing 10 MB takes tens of seconds). */
  const DECLINE_MS = 250;

  it(`declines a 10 MB Compose file quickly with '${TOO_LARGE_RULE_ID}'`, () => {
    const text = flat(services(10 * 1024 * 1024));
    assert.ok(text.length > MAX_ANALYSED_BYTES);
    const t0 = performance.now();
    const findings = analyze(text, 'compose');
    const ms = performance.now() - t0;
    assert.ok(ms < DECLINE_MS, `took ${ms.toFixed(0)} ms to decline`);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(f!.rule, TOO_LARGE_RULE_ID);
    assert.match(f!.message, /Not analysed/);
    assert.match(f!.message, /10(\.\d)? MB/);
    assert.match(f!.message, new RegExp(`${MAX_ANALYSED_BYTES / 1048576} MB limit`));
    assert.deepEqual(findingProblems(text, findings), []);
  });

  it('declines a 10 MB Dockerfile the same way', () => {
    const text = flat(`FROM ubuntu\n${'RUN echo hello world\n'.repeat(520_000)}`);
    const t0 = performance.now();
    const findings = analyze(text, 'dockerfile');
    const ms = performance.now() - t0;
    assert.ok(ms < DECLINE_MS, `took ${ms.toFixed(0)} ms to decline`);
    assert.deepEqual(findings.map((f) => f.rule), [TOO_LARGE_RULE_ID]);
  });

  // 1 MB by default keeps the suite fast (a full analysis costs seconds per MB); LARGE_MB=3 (or up to the
  // limit) runs the same check on a bigger file.
  const largeMb = Number(process.env.LARGE_MB ?? 1);
  it(`analyses a ${largeMb} MB Compose file (under the limit) without crashing`, () => {
    const text = services(largeMb * 1024 * 1024);
    assert.ok(text.length < MAX_ANALYSED_BYTES);
    const findings = analyze(text, 'compose');
    assert.deepEqual(findingProblems(text, findings), []);
    assert.ok(!findings.some((f) => f.rule === TOO_LARGE_RULE_ID));
    // The services are analysed: every one lacks a healthcheck, so there are at least as many findings as services.
    // Past the first MAX_FINDINGS_PER_FILE they are counted in one too-many-findings, not listed.
    const serviceCount = text.split('\n').filter((l) => /^ {2}vllm-\d+:$/.test(l)).length;
    const capped = findings.find((f) => f.rule === TOO_MANY_FINDINGS_RULE_ID);
    const unlisted = Number(/^([\d,]+) more/.exec(capped?.message ?? '0')?.[1]?.replace(/,/g, '') ?? 0);
    assert.ok(findings.length - (capped ? 1 : 0) + unlisted >= serviceCount, 'fewer findings than services: the file was not analysed to its end');
  });
});

// ---------------------------------------------------------------------------------------------- regressions
describe('regressions the properties found (shared modules)', () => {
  it('an offset between \\r and \\n is the end of its line, not a column past it', () => {
    // A YAML error at the end of a CRLF line produced a range one column past the line's end.
    assert.deepEqual(new LineIndex('ab\r\ncd').positionAt(3), { line: 0, character: 2 });
    const text = 'services:\r\n  a:\r\n    environment:\r\n   - X=1\r\n';
    assert.deepEqual(findingProblems(text, analyze(text, 'compose')), []);
  });

  it('inserts at one offset keep their array order (LSP TextEdit[] semantics)', () => {
    const at = { line: 0, character: 1 };
    assert.equal(applyEdits('xy', [{ range: { start: at, end: at }, newText: 'A' }, { range: { start: at, end: at }, newText: 'B' }]), 'xABy');
  });

  it('a byte-order mark takes no column, so inserted lines keep the file\'s indentation', () => {
    const file = parseCompose('\uFEFFservices:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n');
    assert.equal(column(file, 1), 0);
    assert.equal(indentUnit(file), '  ');
  });

  for (const value of ['null', '~', 'null # later']) {
    it(`inserting under \`resources: ${value}\` replaces the written null`, () => {
      const text = `services:\n  vllm:\n    deploy:\n      resources: ${value}\n    image: x\n`;
      const file = parseCompose(text);
      const edit = insertUnderPath(file, file.services[0]!.map, ['deploy', 'resources', 'limits'], ['cpus: "1"']);
      assert.ok(edit);
      const fixed = text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
      assert.deepEqual(parseRegression('compose', text, fixed), undefined);
      assert.match(fixed, /resources:( # later)?\n {8}limits:\n {10}cpus: "1"\n {4}image: x\n/);
    });
  }
});
