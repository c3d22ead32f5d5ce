/**
 * Every rule's full messages and fix titles, on the examples of its own doc page (docs/rules/<id>.md), against a
 * reviewed snapshot (messages.snapshot.json; UPDATE_SNAPSHOT=1 rewrites it, then review the diff): a message or a
 * fix title cannot change without it showing in review (issue 16). The corpus snapshot (test/corpus) pins what the
 * rules say on real files; this one pins every rule, including those the corpus never triggers.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis/analyze';
import type { AnalysisOptions, RuleSetting } from '../../server/src/core/analysisOptions';
import { parseByteSize } from '../../server/src/core/byteSize';
import { targetFromName } from '../../server/src/engines/fit/gpuFacts';
import type { FileKind, Finding } from '../../server/src/core/types';
import { RULES } from '../../server/src/rules/registry';
import { REPO_ROOT } from '../corpus/invariants';

const SNAPSHOT = join(REPO_ROOT, 'test', 'rules', 'messages.snapshot.json');
const KIND_OF_FENCE: Readonly<Record<string, FileKind>> = { yaml: 'compose', yml: 'compose', dockerfile: 'dockerfile', Dockerfile: 'dockerfile', dotenv: 'dotenv' };

/**
 * An example's fence may name the target GPU the memory rules need, ```yaml gpu=L4 (the inferenceStack.gpu setting),
 * how many GPUs the machine has, gpus=2 (this machine's nvidia-smi, or --gpus 2), and what the Docker engine has,
 * engine-cpus=2 engine-memory=24g (`docker info`, sent by the extension).
 */
function examples(id: string): { kind: FileKind; text: string; gpu?: AnalysisOptions['gpu']; hostGpus?: AnalysisOptions['hostGpus']; engineResources?: AnalysisOptions['engineResources'] }[] {
  const page = join(REPO_ROOT, 'docs', 'rules', `${id}.md`);
  if (!existsSync(page)) return [];
  return [...readFileSync(page, 'utf8').matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```/gm)]
    .filter((m) => KIND_OF_FENCE[m[1]!])
    .map((m) => ({ kind: KIND_OF_FENCE[m[1]!]!, text: m[3]!, ...gpuOf(m[2]!) }));
}

function gpuOf(info: string): Pick<AnalysisOptions, 'gpu' | 'hostGpus' | 'engineResources'> {
  const name = /\bgpu=(\S+)/.exec(info)?.[1];
  const count = /\bgpus=(\d+)/.exec(info)?.[1];
  const gpu = name === undefined ? undefined : targetFromName(name);
  const cpus = /\bengine-cpus=(\d+)/.exec(info)?.[1];
  const memory = /\bengine-memory=(\S+)/.exec(info)?.[1];
  const memoryBytes = memory === undefined ? undefined : parseByteSize(memory);
  const engineResources = cpus || memoryBytes ? { ...(cpus ? { cpus: Number(cpus) } : {}), ...(memoryBytes ? { memoryBytes } : {}) } : undefined;
  return { ...(gpu ? { gpu } : {}), ...(count ? { hostGpus: { count: Number(count), from: `--gpus ${count}` } } : {}), ...(engineResources ? { engineResources } : {}) };
}

function only(id: string): Record<string, RuleSetting> {
  return Object.fromEntries(RULES.map((r) => [r.meta.id, r.meta.id === id ? r.meta.defaultSeverity : 'off']));
}

/** "example 2, 5:7 warning: <the whole message>" and, under it, each fix's title. */
function describeFinding(example: number, f: Finding): string[] {
  return [
    `example ${example}, ${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity}: ${f.message}`,
    ...f.fixes.map((x) => `  fix${x.preferred ? ' (preferred)' : ''}: ${x.title}`),
  ];
}

describe('rule messages and fix titles', () => {
  it('match the reviewed snapshot, in full (UPDATE_SNAPSHOT=1 rewrites it)', () => {
    const actual: Record<string, string[]> = {};
    for (const rule of RULES) {
      const lines: string[] = [];
      examples(rule.meta.id).forEach(({ kind, text, ...target }, i) => {
        for (const f of analyze(text, kind, { rules: only(rule.meta.id), ...target })) if (f.rule === rule.meta.id) lines.push(...describeFinding(i + 1, f));
      });
      if (lines.length) actual[rule.meta.id] = lines;
    }
    if (process.env.UPDATE_SNAPSHOT === '1') writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
    assert.ok(existsSync(SNAPSHOT), 'no snapshot: run with UPDATE_SNAPSHOT=1, then review it');
    const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, string[]>;
    assert.deepEqual(actual, expected, 'a rule message or fix title changed: review it, then UPDATE_SNAPSHOT=1');
  });

  it('every rule that reads Compose files or Dockerfiles says something on its own examples', () => {
    const silent = RULES.filter((r) => r.meta.appliesTo.length > 0)
      .filter((r) => !examples(r.meta.id).some(({ kind, text, ...target }) => analyze(text, kind, { rules: only(r.meta.id), ...target }).some((f) => f.rule === r.meta.id)))
      .map((r) => r.meta.id);
    assert.deepEqual(silent, [], 'a doc page whose examples never trigger its rule shows the reader nothing');
  });
});
