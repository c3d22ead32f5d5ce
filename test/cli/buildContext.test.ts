/** The CLI reads the Dockerfile of a service's `build:` context beside the Compose file. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { yaml } from '../helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

const compose = yaml`
  services:
    llm:
      build:
        context: ./images
        dockerfile: vllm.Dockerfile
      command: ["--model", "Qwen/Qwen3-0.6B"]
`;

describe('inference-stack lint: build: contexts', () => {
  it('a service built FROM vllm/vllm-openai gets gpu-reservation-missing, from any working folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'is-cli-build-'));
    mkdirSync(join(dir, 'stack', 'images'), { recursive: true });
    writeFileSync(join(dir, 'stack', 'compose.yaml'), compose);
    writeFileSync(join(dir, 'stack', 'images', 'vllm.Dockerfile'), 'FROM vllm/vllm-openai:v0.11.0\n');
    for (const [cwd, path] of [[dir, join('stack', 'compose.yaml')], [join(dir, 'stack'), 'compose.yaml'], [tmpdir(), relative(tmpdir(), join(dir, 'stack'))]] as const) {
      const r = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', path], { encoding: 'utf8', cwd });
      const rows = JSON.parse(r.stdout) as Array<{ rule: string; range: { start: { line: number } } }>;
      const gpu = rows.filter((x) => x.rule === 'gpu-reservation-missing');
      assert.equal(gpu.length, 1, `${cwd} ${path}: ${r.stdout}${r.stderr}`);
      assert.equal(gpu[0]!.range.start.line, 1);
    }
  });

  it('without the Dockerfile the service is not a model service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'is-cli-build-'));
    writeFileSync(join(dir, 'compose.yaml'), compose);
    const r = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', join(dir, 'compose.yaml')], { encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Array<{ rule: string }>).filter((x) => x.rule === 'gpu-reservation-missing'), []);
  });
});
