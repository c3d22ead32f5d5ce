// A Compose file analysed within its project (analysis/projectAnalysis.ts): nothing reported on a base file for
// what an override supplies; what is wrong in the merged service reported in the file that wrote it, naming the
// other files; a fragment opened alone analysed in its project; a project Compose refuses analysed file by file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis/analyze';
import { analyzeInProject, multiPartProject, TEXT_RULES } from '../../server/src/analysis/projectAnalysis';
import { RULE_IDS } from '../../server/src/rules/registry';
import { boundedReader } from '../../server/src/compose/project';
import type { Finding } from '../../server/src/core/types';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-project-analysis-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function lint(dir: string, name: string, text?: string, files?: string[]) {
  const path = join(dir, name);
  const source = { reader: boundedReader({ root: dir }), ...(files ? { files: { cwd: dir, paths: files } } : {}) };
  return analyzeInProject(path, text ?? readFileSync(path, 'utf8'), source, { fileName: path });
}

const rules = (findings: readonly Finding[]) => findings.map((f) => f.rule);
const at = (text: string, f: Finding) => text.split('\n')[f.range.start.line]!.slice(f.range.start.character, f.range.end.character);

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"]\n';
const BASE_ONE_GPU = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "Qwen/Qwen3-0.6B"]\n';
const gpuOverride = (count: number | string) =>
  `services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: ${count}\n              capabilities: [gpu]\n`;

describe('analyzeInProject', () => {
  it('lists only rules that exist as rules about the text', () => {
    const known = new Set([...RULE_IDS, 'yaml-syntax', 'internal-error']);
    assert.deepEqual([...TEXT_RULES].filter((id) => !known.has(id)), []);
  });

  it('reports no gpu-reservation-missing on the base when the override adds the GPU (alone, the base gets it)', () => {
    const dir = project({ 'compose.yaml': BASE_ONE_GPU, 'compose.override.yaml': gpuOverride(1) });
    assert.ok(rules(analyze(BASE_ONE_GPU, 'compose')).includes('gpu-reservation-missing'), 'the base alone lacks the GPU');
    const result = lint(dir, 'compose.yaml');
    assert.equal(result.inProject, true);
    assert.deepEqual(result.files.sort(), [join(dir, 'compose.override.yaml'), join(dir, 'compose.yaml')]);
    assert.ok(!rules(result.findings).includes('gpu-reservation-missing'), JSON.stringify(result.findings));
  });

  it('keeps gpu-reservation-missing on the base when no file of the project adds a GPU', () => {
    const dir = project({ 'compose.yaml': BASE_ONE_GPU, 'compose.override.yaml': 'services:\n  vllm:\n    environment:\n      VLLM_LOGGING_LEVEL: INFO\n' });
    const [f] = lint(dir, 'compose.yaml').findings.filter((x) => x.rule === 'gpu-reservation-missing');
    assert.ok(f);
    assert.equal(at(BASE_ONE_GPU, f), 'vllm');
    assert.ok(f.fixes.length > 0, 'a finding of the base file keeps its fix');
    assert.deepEqual(f.relatedInformation?.map((r) => r.message), ['"vllm" is also defined in compose.override.yaml:2']);
  });

  it('reports count: 1 in the override below the base\'s --tensor-parallel-size 2, naming the base', () => {
    const override = gpuOverride(1);
    const dir = project({ 'compose.yaml': BASE, 'compose.override.yaml': override });
    const base = lint(dir, 'compose.yaml');
    assert.deepEqual(rules(base.findings).filter((r) => r.startsWith('gpu-')), [], 'nothing GPU-related on the base');
    const inOverride = lint(dir, 'compose.override.yaml');
    const [f, ...rest] = inOverride.findings.filter((x) => x.rule === 'gpu-count-below-parallelism');
    assert.equal(rest.length, 0);
    assert.ok(f, JSON.stringify(inOverride.findings));
    assert.equal(f.severity, 'error');
    assert.equal(at(override, f), '1');
    assert.equal(f.range.start.line, 7);
    assert.match(f.message, /^Service "vllm" reserves 1 GPU but .*2/);
    assert.deepEqual(f.fixes, [], 'the fix of a merged finding is not offered (it was computed on the merged text)');
    // The value it was compared with, where the base writes it: line 4, the "2" of the command list.
    const col = BASE.split('\n')[3]!.lastIndexOf('"2"');
    assert.deepEqual(f.relatedInformation, [
      { file: join(dir, 'compose.yaml'), range: { start: { line: 3, character: col }, end: { line: 3, character: col + 3 } }, message: '--tensor-parallel-size 2 is set in compose.yaml:4' },
    ]);
  });

  it('names the reservation an override sets when the base\'s memory limit is below it', () => {
    const base = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    deploy:\n      resources:\n        limits:\n          memory: 8G\n';
    const override = 'services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          memory: 16G\n';
    const dir = project({ 'compose.yaml': base, 'compose.override.yaml': override });
    const [f, ...rest] = lint(dir, 'compose.yaml').findings.filter((x) => x.rule === 'resource-limits-below-reservations');
    assert.ok(f && rest.length === 0, JSON.stringify(lint(dir, 'compose.yaml').findings));
    assert.equal(at(base, f), '8G');
    assert.deepEqual(f.relatedInformation?.map((r) => [r.file, r.range.start.line, r.message]), [[join(dir, 'compose.override.yaml'), 5, 'reservations.memory: 16G is set in compose.override.yaml:6']]);
    // Alone, the base has no reservation to compare with.
    assert.ok(!rules(analyze(base, 'compose')).includes('resource-limits-below-reservations'));
  });

  it('reports what a service extends from a file outside the project at its `extends:`, pointing to the value', () => {
    const common = 'services:\n  vllm-base:\n    image: vllm/vllm-openai:v0.11.0\n    deploy:\n      resources:\n        limits:\n          memory: 8G\n        reservations:\n          memory: 16G\n';
    const compose = 'services:\n  vllm:\n    extends:\n      file: common.yaml\n      service: vllm-base\n';
    const dir = project({ 'compose.yaml': compose, 'common.yaml': common });
    const [f, ...rest] = lint(dir, 'compose.yaml').findings.filter((x) => x.rule === 'resource-limits-below-reservations');
    assert.ok(f && rest.length === 0, JSON.stringify(lint(dir, 'compose.yaml').findings));
    assert.equal(at(compose, f), 'extends');
    assert.match(f.message, /^Service "vllm" limits memory to 8 GiB but reserves 16 GiB/);
    assert.deepEqual(f.relatedInformation?.map((r) => [r.file, r.range.start.line, r.message]), [
      [join(dir, 'common.yaml'), 6, 'the value in question is set in common.yaml:7'],
      [join(dir, 'common.yaml'), 8, 'reservations.memory: 16G is set in common.yaml:9'],
    ]);
  });

  it('analyses an override fragment opened on its own within its project, with the text in the editor', () => {
    const dir = project({ 'compose.yaml': BASE, 'compose.override.yaml': gpuOverride(2) });
    assert.deepEqual(lint(dir, 'compose.override.yaml').findings.filter((x) => x.rule.startsWith('gpu-')), []);
    // The unsaved text (count: 1) is what is analysed, not the disk's (count: 2).
    const edited = lint(dir, 'compose.override.yaml', gpuOverride(1));
    assert.deepEqual(rules(edited.findings).filter((r) => r.startsWith('gpu-')), ['gpu-count-below-parallelism']);
    assert.ok(multiPartProject(join(dir, 'compose.override.yaml'), gpuOverride(1), { reader: boundedReader({ root: dir }) }));
  });

  it('honours the override\'s suppression comment for a finding the merged project traces to it', () => {
    const override = gpuOverride(1).replace('              count: 1\n', '              # inference-stack-ignore gpu-count-below-parallelism\n              count: 1\n');
    const dir = project({ 'compose.yaml': BASE, 'compose.override.yaml': override });
    assert.deepEqual(lint(dir, 'compose.override.yaml').findings.filter((x) => x.rule === 'gpu-count-below-parallelism'), []);
  });

  it('falls back to the file alone when Compose refuses the project, losing no finding', () => {
    // The override extends a service that is nowhere: Compose refuses the project.
    const dir = project({ 'compose.yaml': BASE_ONE_GPU, 'compose.override.yaml': 'services:\n  vllm:\n    extends:\n      service: nowhere\n' });
    const result = lint(dir, 'compose.yaml');
    assert.equal(result.inProject, false);
    assert.deepEqual(result.findings, analyze(BASE_ONE_GPU, 'compose', { fileName: join(dir, 'compose.yaml') }));
  });

  it('analyses a file alone when its project is that file only', () => {
    const dir = project({ 'compose.yaml': BASE_ONE_GPU });
    const result = lint(dir, 'compose.yaml');
    assert.equal(result.inProject, false);
    assert.equal(multiPartProject(join(dir, 'compose.yaml'), BASE_ONE_GPU, { reader: boundedReader({ root: dir }) }), undefined);
  });

  it('takes the files named with -f as the project, in order', () => {
    const dir = project({ 'base.yaml': BASE_ONE_GPU, 'gpu.yaml': gpuOverride(1) });
    assert.ok(rules(lint(dir, 'base.yaml').findings).includes('gpu-reservation-missing'), 'base.yaml alone is its own project');
    const result = lint(dir, 'base.yaml', undefined, ['base.yaml', 'gpu.yaml']);
    assert.equal(result.inProject, true);
    assert.ok(!rules(result.findings).includes('gpu-reservation-missing'));
  });

  it('speaks of references in the project: a service the override depends on, defined in the base, is defined', () => {
    const override = 'services:\n  vllm:\n    environment:\n      A: "1"\n  client:\n    image: curlimages/curl:8.10.1\n    depends_on: [vllm]\n';
    const dir = project({ 'compose.yaml': BASE_ONE_GPU, 'compose.override.yaml': override });
    assert.ok(!rules(lint(dir, 'compose.override.yaml').findings).includes('compose-reference-undefined'));
    const undefinedRef = override.replace('[vllm]', '[vlm]');
    const [f] = lint(dir, 'compose.override.yaml', undefinedRef).findings.filter((x) => x.rule === 'compose-reference-undefined');
    assert.ok(f);
    assert.equal(at(undefinedRef, f), 'vlm');
  });
});
