// A Compose file of several YAML documents (`---`), linted as compose-go loads it: the documents merged in order,
// as files (loader/loader.go loadYamlFile at compose-spec/compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2).
// analysis/projectAnalysis.ts takes each document for a part of the project (compose/yamlDocuments.ts), so what a
// later document supplies is not missing from an earlier one, what the merge gets wrong is reported where it is
// written, fixes land in the document they are about, and a file Compose refuses is checked document by document.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis/analyze';
import { analyzeInProject, multiPartProject } from '../../server/src/analysis/projectAnalysis';
import { boundedReader } from '../../server/src/compose/project';
import { documentParts, hasSeveralDocuments, partText } from '../../server/src/compose/yamlDocuments';
import type { Finding } from '../../server/src/core/types';
import { runAnalysisRequest } from '../../server/src/lsp/analysisJob';
import { IncrementalStore } from '../../server/src/analysis/incrementalStore';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-documents-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** compose.yaml (`text`) of a folder, linted within its project as the language server and the CLI do. */
function lint(text: string, others: Record<string, string> = {}, name = 'compose.yaml'): Finding[] {
  const dir = folder({ 'compose.yaml': text, ...others });
  const path = join(dir, name);
  return analyzeInProject(path, name === 'compose.yaml' ? text : others[name]!, { reader: boundedReader({ root: dir }) }, { fileName: path }).findings;
}

const where = (text: string, f: Finding) => `${f.rule}@${f.range.start.line + 1}:${text.split('\n')[f.range.start.line]!.slice(f.range.start.character, f.range.end.character)}`;
const gpuFindings = (text: string, findings: Finding[]) => findings.filter((f) => f.rule.startsWith('gpu-') || f.rule === 'yaml-syntax').map((f) => where(text, f));

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "Qwen/Qwen3-0.6B"]\n';
const GPU = 'services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n';

describe('compose/yamlDocuments.ts: the documents of a text', () => {
  it('one part for a file of one document, with or without a leading `---` and comments before it', () => {
    for (const text of [BASE, `---\n${BASE}`, `# a stack\n\n---\n${BASE}`, `${BASE}...\n`, '']) {
      assert.deepEqual(documentParts(text), [{ start: 0, end: text.length }], JSON.stringify(text));
    }
  });

  it('parts that follow one another, each from its `---`; a part\'s text keeps the file\'s offsets and lines', () => {
    const text = `# head\n${BASE}---\n# second\n${GPU}`;
    const parts = documentParts(text);
    assert.deepEqual(parts, [{ start: 0, end: text.indexOf('---') }, { start: text.indexOf('---'), end: text.length }]);
    const second = partText(text, parts[1]!);
    assert.equal(second.length, text.length);
    assert.equal(second.split('\n').length, text.split('\n').length);
    assert.equal(second.slice(parts[1]!.start), text.slice(parts[1]!.start));
    assert.match(second.slice(0, parts[1]!.start), /^[ \n]*$/);
    assert.equal(hasSeveralDocuments(`${BASE}...\n${GPU}`), true, 'a document after an end marker');
  });

  it('tells a CRLF file of many comment lines quickly (the prologue check backtracks in linear time)', () => {
    const text = `${'# note\r\n'.repeat(5000)}${BASE.replace(/\n/g, '\r\n')}---\r\n${GPU.replace(/\n/g, '\r\n')}`;
    const started = performance.now();
    assert.equal(documentParts(text).length, 2);
    assert.equal(hasSeveralDocuments(`${'# note\r\n'.repeat(5000)}---\r\n${BASE}`), false);
    assert.ok(performance.now() - started < 1000);
  });
});

describe('a Compose file of several YAML documents, linted merged', () => {
  it('a GPU reservation added in a second document removes the false gpu-reservation-missing (alone, the first has it)', () => {
    const text = `${BASE}---\n${GPU}`;
    assert.deepEqual(gpuFindings(BASE, analyze(BASE, 'compose')), ['gpu-reservation-missing@2:vllm']);
    assert.deepEqual(gpuFindings(text, lint(text)), []);
  });

  it('what the merge gets wrong is reported in the document that wrote the value, naming the other document\'s line', () => {
    const text = `${BASE.replace('"Qwen/Qwen3-0.6B"', '"Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"')}---\n${GPU}`;
    const findings = lint(text);
    assert.deepEqual(gpuFindings(text, findings), ['gpu-count-below-parallelism@13:1']);
    const [finding] = findings.filter((f) => f.rule === 'gpu-count-below-parallelism');
    assert.deepEqual(finding!.relatedInformation?.map((r) => r.message), ['--tensor-parallel-size 2 is set in compose.yaml:4']);
  });

  it('the later document\'s image wins', () => {
    const latest = BASE.replace('v0.11.0', 'latest');
    assert.ok(lint(`${latest}---\n${GPU}`).some((f) => f.rule === 'image-unpinned'));
    assert.ok(!lint(`${latest}---\nservices:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n${GPU.slice('services:\n  vllm:\n'.length)}`).some((f) => f.rule === 'image-unpinned'));
  });

  it('`!reset` in a later document removes the reservation an earlier one made', () => {
    const text = `${GPU}---\n${BASE}    deploy: !reset {}\n`;
    // At the document that runs vLLM (the first one alone names no engine).
    assert.deepEqual(gpuFindings(text, lint(text)), ['gpu-reservation-missing@12:vllm']);
  });

  it('what the merged service lacks is said once, at its first document\'s key, with the other document named', () => {
    const text = `${BASE}---\n${GPU}`;
    const health = lint(text).filter((f) => f.rule === 'healthcheck-missing');
    assert.deepEqual(health.map((f) => where(text, f)), ['healthcheck-missing@2:vllm']);
    assert.deepEqual(health[0]!.relatedInformation?.map((r) => r.message), ['"vllm" is also defined in compose.yaml:7']);
  });

  it('a service only one document writes keeps its findings and fixes, at that document', () => {
    const text = `${BASE}---\n${GPU}  sglang:\n    image: lmsysorg/sglang:v0.4.6\n    command: python3 -m sglang.launch_server --model-path Qwen/Qwen3-0.6B\n`;
    const health = lint(text).filter((f) => f.rule === 'healthcheck-missing').map((f) => ({ at: where(text, f), fixes: f.fixes.length }));
    assert.deepEqual(health, [{ at: 'healthcheck-missing@2:vllm', fixes: 1 }, { at: 'healthcheck-missing@15:sglang', fixes: 1 }]);
  });

  it('an override of several documents is a part of its project like any file', () => {
    const override = `services:\n  vllm:\n    environment: [A=1]\n---\n${GPU}`;
    assert.deepEqual(gpuFindings(BASE, lint(BASE, { 'compose.override.yaml': override })), []);
    assert.deepEqual(gpuFindings(override, lint(BASE, { 'compose.override.yaml': override }, 'compose.override.yaml')), []);
  });

  it('a name one document defines is defined for the others; one none defines is reported where the file stands alone', () => {
    const uses = `${BASE}    networks: [backend]\n`;
    const refs = (findings: Finding[]) => findings.filter((f) => f.rule === 'compose-reference-undefined').map((f) => f.message.slice(0, 41));
    assert.deepEqual(refs(lint(`${uses}---\nnetworks:\n  backend: {}\n`)), []);
    assert.deepEqual(refs(lint(`${uses}---\n${GPU}`)), ['Service "vllm" uses the network "backend"']);
    // A variant's name (used with -f after a base file): the base may define it, as for a file of one document.
    assert.deepEqual(refs(lint(`${uses}---\n${GPU}`, { 'compose.gpu.yaml': `${uses}---\n${GPU}` }, 'compose.gpu.yaml')), []);
  });

  it('a file of one document alone is not a project; one of several documents is', () => {
    const dir = folder({ 'compose.yaml': BASE });
    const source = { reader: boundedReader({ root: dir }) };
    assert.equal(multiPartProject(join(dir, 'compose.yaml'), `---\n${BASE}`, source), undefined);
    assert.ok(multiPartProject(join(dir, 'compose.yaml'), `${BASE}---\n${GPU}`, source));
  });
});

describe('a file of several documents that Compose refuses is checked document by document', () => {
  it('a syntax error in the second document is reported at its place, and the first document is still checked', () => {
    const text = `${BASE}---\nservices:\n  vllm:\n    image: a: b\n`;
    assert.deepEqual(gpuFindings(text, lint(text)), ['gpu-reservation-missing@2:vllm', 'yaml-syntax@8:a']);
  });

  it('an empty document (a trailing `---`) is a compose-schema error at its `---`, fixed by removing it', () => {
    const text = `${BASE}${GPU.slice('services:\n  vllm:\n'.length)}---\n`;
    const [finding, ...rest] = lint(text).filter((f) => f.rule === 'compose-schema');
    assert.equal(rest.length, 0);
    assert.equal(where(text, finding!), 'compose-schema@12:---');
    assert.match(finding!.message, /^This YAML document is empty: .*"top-level object must be a mapping"/);
    assert.deepEqual(finding!.fixes[0]!.edits, [{ range: { start: { line: 11, character: 0 }, end: { line: 12, character: 0 } }, newText: '' }]);
  });
});

describe('the language server\'s job on a document of several YAML documents', () => {
  it('an untitled document is checked merged, and Fix All edits the document a fix is about', () => {
    const text = `${BASE}---\n${GPU}  sglang:\n    image: lmsysorg/sglang:v0.4.6\n    command: python3 -m sglang.launch_server --model-path Qwen/Qwen3-0.6B\n`;
    const store = new IncrementalStore();
    const { findings } = runAnalysisRequest({ id: 1, text, kind: 'compose', options: {}, uri: 'untitled:Untitled-1' }, store);
    // The second document's own service lacks its GPU, said there; vllm has the one the second document reserves.
    assert.deepEqual(gpuFindings(text, findings!), ['gpu-reservation-missing@15:sglang']);
    assert.equal(store.size, 0, 'not kept for incremental updates');
    const { fixed } = runAnalysisRequest({ id: 2, text, kind: 'compose', options: {}, uri: 'untitled:Untitled-1', fixAll: true });
    const [first, second] = fixed!.text.split('\n---\n');
    assert.match(second!, /  sglang:\n(?:.*\n)*    healthcheck:\n/, 'the second document\'s own service gets its healthcheck');
    assert.match(first!, /  vllm:\n(?:.*\n)*    healthcheck:\n/);
    assert.match(second!, /  sglang:\n(?:.*\n)*    deploy:\n(?:.*\n)*              capabilities: \[gpu\]\n/, 'and its GPU');
    assert.deepEqual(gpuFindings(fixed!.text, runAnalysisRequest({ id: 3, text: fixed!.text, kind: 'compose', options: {} }).findings!), []);
  });
});
