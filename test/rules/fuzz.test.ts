/**
 * One fuzz test per rule (issue 16): the rule alone, over its own documentation's examples (docs/rules/<id>.md: the
 * shapes it is about) mutated the way typing and copy-paste mutate text. The rule must never throw (an
 * `internal-error` finding), keep its ranges inside the document, and its fixes must leave YAML/Dockerfile text that
 * parses no worse than before. The whole-registry properties (test/unit/properties.test.ts) run every rule at once
 * over generic documents; this one aims each rule at the inputs near the ones it reports.
 *
 * Reproducible: a fixed seed (FC_SEED overrides it) and a fixed number of runs (FC_RUNS scales it).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis/analyze';
import type { AnalysisOptions, RuleSetting } from '../../server/src/core/analysisOptions';
import { targetFromName } from '../../server/src/engines/fit/gpuFacts';
import type { FileKind } from '../../server/src/core/types';
import { RULES } from '../../server/src/rules/registry';
import { findingProblems, parseRegression, REPO_ROOT } from '../corpus/invariants';
import { applyFix } from '../helpers';
import { mutated } from '../unit/arbitraries';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261207;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 1;
const NUM_RUNS = Math.max(1, Math.round(40 * RUNS));

const KIND_OF_FENCE: Readonly<Record<string, FileKind>> = { yaml: 'compose', yml: 'compose', dockerfile: 'dockerfile', Dockerfile: 'dockerfile', dotenv: 'dotenv' };

/** The fenced examples of a rule's doc page, by the kind of file they are. */
function examples(id: string): Map<FileKind, string[]> {
  const out = new Map<FileKind, string[]>();
  const page = join(REPO_ROOT, 'docs', 'rules', `${id}.md`);
  if (!existsSync(page)) return out;
  for (const m of readFileSync(page, 'utf8').matchAll(/^```(\w+)[^\n]*\n([\s\S]*?)^```/gm)) {
    const kind = KIND_OF_FENCE[m[1]!];
    if (kind) out.set(kind, [...(out.get(kind) ?? []), m[2]!]);
  }
  return out;
}

/** The target GPU a page's fences name (```yaml gpu=L4): what the memory rules need to speak. */
function pageGpu(id: string): { gpu?: AnalysisOptions['gpu'] } {
  const page = join(REPO_ROOT, 'docs', 'rules', `${id}.md`);
  const name = existsSync(page) ? /^```\w+[^\n]*\bgpu=(\S+)/m.exec(readFileSync(page, 'utf8'))?.[1] : undefined;
  const gpu = name === undefined ? undefined : targetFromName(name);
  return gpu ? { gpu } : {};
}

/** Every rule off but `id`. */
function only(id: string): Record<string, RuleSetting> {
  return Object.fromEntries(RULES.map((r) => [r.meta.id, r.meta.id === id ? r.meta.defaultSeverity : 'off']));
}

describe('each rule alone, over its documented examples mutated', () => {
  for (const rule of RULES) {
    const seeds = examples(rule.meta.id);
    for (const [kind, texts] of seeds) {
      it(`${rule.meta.id} (${kind}, ${texts.length} example${texts.length === 1 ? '' : 's'})`, () => {
        const options = { rules: only(rule.meta.id), ...pageGpu(rule.meta.id) };
        fc.assert(fc.property(mutated(texts), (text) => {
          const findings = analyze(text, kind, options);
          const problems = findingProblems(text, findings);
          for (const f of findings) {
            for (const fix of f.fixes) {
              const fixed = applyFix(text, fix);
              const bad = parseRegression(kind, text, fixed);
              if (bad) problems.push(`fix "${fix.title}": ${bad}`);
              problems.push(...findingProblems(fixed, analyze(fixed, kind, options)).map((p) => `after fix "${fix.title}": ${p}`));
            }
          }
          if (problems.length) throw new Error(`${problems.join('\n')}\n--- input ---\n${text}`);
        }), { seed: SEED, numRuns: NUM_RUNS });
      });
    }
  }

  it('every rule with a Compose or Dockerfile example is fuzzed (a page without one would silently skip its rule)', () => {
    const unfuzzed = RULES.filter((r) => r.meta.appliesTo.length > 0 && examples(r.meta.id).size === 0).map((r) => r.meta.id);
    if (unfuzzed.length) throw new Error(`no yaml/dockerfile example in docs/rules for: ${unfuzzed.join(', ')}`);
  });
});
