// `inference-stack lint` and `config` on a Compose file of several YAML documents (`---`), as a person runs them:
// compose-go merges the documents in order, as files (loader/loader.go loadYamlFile at compose-spec/compose-go
// e70e961c3a3acebf0800b882f1afb3dbf1fb74a2), so the findings are those of the merged services, each at the line of
// the document that wrote the value; no `yaml-syntax` for the second document; a real syntax error stays at its place.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder holding compose.yaml with `text`. */
function composeFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-cli-documents-'));
  writeFileSync(join(dir, 'compose.yaml'), text);
  return dir;
}

const BASE = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"]\n';
const gpu = (count: number) =>
  `services:\n  vllm:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: ${count}\n              capabilities: [gpu]\n`;

interface Row {
  rule: string;
  range: { start: { line: number; character: number } };
  relatedInformation?: Array<{ file: string; message: string }>;
  fixes: unknown[];
}
const rows = (stdout: string) => JSON.parse(stdout) as Row[];
const at = (r: Row) => `${r.rule}@${r.range.start.line + 1}:${r.range.start.character + 1}`;

describe('inference-stack lint: a Compose file of several YAML documents (dist/cli.js)', () => {
  it('checks the merged services: the GPU the second document reserves is seen, what the merge gets wrong is where it is written', () => {
    const dir = composeFile(`${BASE}---\n${gpu(1)}`);
    const r = run(['lint', '--format', 'json', 'compose.yaml'], dir);
    assert.equal(r.code, 1, r.stderr);
    const found = rows(r.stdout);
    assert.ok(!found.some((x) => x.rule === 'yaml-syntax' || x.rule === 'gpu-reservation-missing'), r.stdout);
    const gpuRows = found.filter((x) => x.rule.startsWith('gpu-'));
    // `count: 1` is on line 13 of the file (line 8 of the second document).
    assert.deepEqual(gpuRows.map(at), ['gpu-count-below-parallelism@13:22']);
    assert.deepEqual(gpuRows[0]!.relatedInformation?.map((x) => x.message), ['--tensor-parallel-size 2 is set in compose.yaml:4']);
    // What the merged service lacks is said once, at its first key (each document alone lacks it too).
    assert.deepEqual(found.filter((x) => x.rule === 'healthcheck-missing').map(at), ['healthcheck-missing@2:3']);
  });

  it('prints them per line, as a person reads them; enough GPUs in the second document: none of the GPU rules', () => {
    const wrong = run(['lint', 'compose.yaml'], composeFile(`${BASE}---\n${gpu(1)}`));
    assert.match(wrong.stdout, /^compose\.yaml:13:22: error gpu-count-below-parallelism: Service "vllm" reserves 1 GPU but/m);
    const right = run(['lint', '--format', 'json', 'compose.yaml'], composeFile(`${BASE}---\n${gpu(2)}`));
    assert.deepEqual(rows(right.stdout).filter((x) => x.rule.startsWith('gpu-') || x.rule === 'yaml-syntax'), []);
  });

  it('the later document\'s image wins: an unpinned image the second document pins is no finding', () => {
    const unpinned = run(['lint', '--format', 'json', 'compose.yaml'], composeFile(BASE.replace('v0.11.0', 'latest')));
    assert.ok(rows(unpinned.stdout).some((x) => x.rule === 'image-unpinned'), unpinned.stdout);
    const pinned = run(['lint', '--format', 'json', 'compose.yaml'], composeFile(`${BASE.replace('v0.11.0', 'latest')}---\nservices:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n`));
    assert.deepEqual(rows(pinned.stdout).filter((x) => x.rule === 'image-unpinned'), []);
  });

  it('`!reset` in a later document: the GPU reservation it removes is missing again', () => {
    const r = run(['lint', '--format', 'json', 'compose.yaml'], composeFile(`${BASE}    deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 2, capabilities: [gpu]}]}}}\n---\nservices:\n  vllm:\n    deploy: !reset {}\n`));
    assert.deepEqual(rows(r.stdout).filter((x) => x.rule.startsWith('gpu-')).map(at), ['gpu-reservation-missing@2:3']);
  });

  it('a syntax error inside the second document is reported at its line; the first document is still checked', () => {
    const r = run(['lint', '--format', 'json', 'compose.yaml'], composeFile(`${BASE}---\nservices:\n  vllm:\n    image: a: b\n`));
    const found = rows(r.stdout);
    assert.deepEqual(found.filter((x) => x.rule === 'yaml-syntax').map(at), ['yaml-syntax@8:12']);
    assert.ok(found.some((x) => x.rule === 'gpu-reservation-missing'), 'Compose refuses the file: each document is checked alone');
  });

  it('a trailing `---` (an empty document, which Compose refuses) is reported at it, and --fix removes it', () => {
    const dir = composeFile(`${BASE}    deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 2, capabilities: [gpu]}]}}}\n---\n`);
    const r = run(['lint', '--format', 'json', 'compose.yaml'], dir);
    const schema = rows(r.stdout).filter((x) => x.rule === 'compose-schema');
    assert.deepEqual(schema.map(at), ['compose-schema@6:1']);
    assert.equal(schema[0]!.fixes.length, 1);
    run(['lint', '--fix', 'compose.yaml'], dir);
    const fixed = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    assert.ok(fixed.startsWith(`${BASE}    deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 2, capabilities: [gpu]}]}}}\n`), fixed);
    assert.doesNotMatch(fixed, /^---/m);
    assert.deepEqual(rows(run(['lint', '--format', 'json', 'compose.yaml'], dir).stdout).filter((x) => x.rule === 'compose-schema'), []);
  });

  it('`fit` reads the merged services: the model a later document names', () => {
    const r = run(['fit', '--gpu', 'L4', '--format', 'json', 'compose.yaml'], composeFile(`${BASE}---\nservices:\n  vllm:\n    command: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "4096"]\n`));
    assert.deepEqual((JSON.parse(r.stdout) as Array<{ service: string; model: string }>).map((x) => [x.service, x.model]), [['vllm', 'Qwen/Qwen2.5-7B-Instruct']]);
  });

  it('`config` prints the merged project', () => {
    const r = run(['config', '--format', 'json'], composeFile(`${BASE}---\nservices:\n  vllm:\n    image: vllm/vllm-openai:v0.11.1\n`));
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(r.stdout) as { services: { vllm: { image: string; command: string[] } } };
    assert.equal(config.services.vllm.image, 'vllm/vllm-openai:v0.11.1');
    assert.deepEqual(config.services.vllm.command, ['--model', 'Qwen/Qwen3-0.6B', '--tensor-parallel-size', '2']);
  });
});
