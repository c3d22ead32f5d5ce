/**
 * The corpus's multi-file projects linted as projects (analysis/projectAnalysis.ts), each file as the editor and
 * `inference-stack lint` see it within its project, against a reviewed snapshot (projects.snapshot.json, in the
 * format of findings.snapshot.json: each finding's line, then the other files it names, with a reviewer's reason).
 * The projects are those of projects.test.ts (harbor's vLLM base with its NVIDIA fragment, speaches' `extends`
 * chain with `!override`, open-webui's GPU override), with the same stand-ins where upstream files are not in the
 * corpus.
 * Every line was read against its file; UPDATE_SNAPSHOT=1 rewrites it keeping the reasons (see README.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeInProject, type ProjectSource } from '../../server/src/analysis/projectAnalysis';
import { boundedReader } from '../../server/src/compose/project';
import type { Finding } from '../../server/src/core/types';
import { checkReviewedSnapshot, findingProblems, project, REPO_ROOT, snapshotLine } from './invariants';

const SNAPSHOT = join(REPO_ROOT, 'test', 'corpus', 'projects.snapshot.json');

interface CorpusProject {
  name: string;
  dir: string;
  /** The files linted (upstream names), each within its project. */
  lint: string[];
  /** `-f`, when the project is named that way (harbor's own CLI passes each file). */
  files?: string[];
  environment?: Record<string, string>;
}

function projects(): CorpusProject[] {
  return [
    {
      // harbor runs `docker compose -f compose.yml -f compose.vllm.yml -f compose.x.vllm.nvidia.yml`; its root
      // compose.yml and .env are stand-ins (as in projects.test.ts).
      name: 'harbor',
      dir: project(
        { 'av__harbor__services__compose.vllm.yml': 'compose.vllm.yml', 'av__harbor__services__compose.x.vllm.nvidia.yml': 'compose.x.vllm.nvidia.yml' },
        { 'compose.yml': 'networks:\n  harbor-network:\n', '.env': 'HARBOR_VLLM_CACHE=./vllm-cache\nHARBOR_VLLM_HOST_PORT=33911\n', 'services/vllm/override.env': '' },
      ),
      lint: ['compose.vllm.yml', 'compose.x.vllm.nvidia.yml'],
      files: ['compose.yml', 'compose.vllm.yml', 'compose.x.vllm.nvidia.yml'],
      environment: { HARBOR_CONTAINER_PREFIX: 'harbor' },
    },
    {
      // Each CUDA file is its own project, reaching compose.yaml (and compose.cuda.yaml) through `extends`.
      name: 'speaches',
      dir: project({
        'speaches-ai__speaches__compose.yaml': 'compose.yaml',
        'speaches-ai__speaches__compose.cuda.yaml': 'compose.cuda.yaml',
        'speaches-ai__speaches__compose.cuda-cdi.yaml': 'compose.cuda-cdi.yaml',
      }),
      lint: ['compose.yaml', 'compose.cuda.yaml', 'compose.cuda-cdi.yaml'],
    },
    {
      // open-webui's docker-compose.yaml is not in the corpus: a stand-in ollama service.
      name: 'open-webui',
      dir: project({ 'open-webui__open-webui__docker-compose.gpu.yaml': 'docker-compose.gpu.yaml' }, { 'docker-compose.yaml': 'services:\n  ollama:\n    image: ollama/ollama:latest\n' }),
      lint: ['docker-compose.gpu.yaml'],
      files: ['docker-compose.yaml', 'docker-compose.gpu.yaml'],
    },
  ];
}

function lintProject(p: CorpusProject): Array<{ key: string; text: string; findings: Finding[]; inProject: boolean }> {
  const source: ProjectSource = {
    reader: boundedReader({ root: p.dir }),
    environment: new Map(Object.entries(p.environment ?? {})),
    ...(p.files ? { files: { cwd: p.dir, paths: p.files } } : {}),
  };
  return p.lint.map((name) => {
    const path = join(p.dir, name);
    const text = readFileSync(path, 'utf8');
    const result = analyzeInProject(path, text, source, { fileName: path });
    return { key: `${p.name}/${name}`, text, findings: result.findings, inProject: result.inProject };
  });
}

/** The snapshot line, with the other files the finding names. */
function line(f: Finding): string {
  const related = f.relatedInformation?.map((r) => `${basename(r.file)}:${r.range.start.line + 1}`) ?? [];
  return related.length ? `${snapshotLine(f)} (also: ${related.join(', ')})` : snapshotLine(f);
}

describe('corpus projects linted as projects', () => {
  const linted = projects().flatMap(lintProject);

  it('each multi-file project is analysed as one (only speaches\' compose.yaml is a project of its own)', () => {
    assert.deepEqual(linted.filter((l) => !l.inProject).map((l) => l.key), ['speaches/compose.yaml']);
  });

  it('every range lies inside its file and names an existing line', () => {
    for (const l of linted) assert.deepEqual(findingProblems(l.text, l.findings), [], l.key);
  });

  it('findings match the reviewed snapshot, each with its reason (UPDATE_SNAPSHOT=1 rewrites it)', () => {
    const actual = Object.fromEntries(linted.map((l) => [l.key, l.findings.map(line)]));
    checkReviewedSnapshot(SNAPSHOT, actual);
  });
});
