/**
 * The corpus's Compose files cut into two YAML documents at each service: compose-go merges the documents of a file
 * in order (loader/loader.go loadYamlFile at compose-spec/compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2), so
 * the services are the same and so must the findings be, each at its line (moved by the two lines the cut adds):
 * none lost to a document that alone lacks a service another one defines (a `depends_on` target, a network), none
 * added. Every `${VAR}` is set, so that Compose loads the file; files with anchors are left out (an alias cannot
 * reach into another document).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis/analyze';
import { analyzeInProject } from '../../server/src/analysis/projectAnalysis';
import { textAloneSource } from '../../server/src/analysis/projectJob';
import { parseCompose } from '../../server/src/compose/composeFile';
import type { Finding } from '../../server/src/core/types';
import { REPO_ROOT } from './invariants';

const DIR = join(REPO_ROOT, 'test', 'corpus', 'files', 'compose');
const CUT = '---\nservices:\n';

/** Rule, line and column of each finding; lines from `from` on counted `shift` lines back. */
function places(findings: readonly Finding[], from = Infinity, shift = 0): string[] {
  return findings.map((f) => `${f.rule}@${f.range.start.line + 1 - (f.range.start.line >= from ? shift : 0)}:${f.range.start.character + 1}`).sort();
}

describe('corpus Compose files cut into two YAML documents give the same findings', () => {
  let cuts = 0;
  for (const name of readdirSync(DIR)) {
    const text = readFileSync(join(DIR, name), 'utf8');
    if (/[&*][\w-]|<</.test(text) || /(^|\n)---/.test(text)) continue;
    const parsed = parseCompose(text);
    if (parsed.syntaxErrors.length || parsed.services.length < 2) continue;
    const fileName = name.split('__').pop()!;
    const dotEnv = new Map([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => [m[1]!, '1']));
    it(name, () => {
      const whole = places(analyze(text, 'compose', { fileName, dotEnv }));
      for (const service of parsed.services.slice(1)) {
        const at = parsed.lines.positionAt(service.keyAt.start);
        if (at.character !== 2) continue;
        const cut = service.keyAt.start - 2;
        const split = text.slice(0, cut) + CUT + text.slice(cut);
        const path = join('/corpus-documents', fileName);
        const findings = analyzeInProject(path, split, textAloneSource(path, split, dotEnv), { fileName, dotEnv }).findings;
        assert.deepEqual(places(findings, at.line, 2), whole, `cut before service "${service.name}" (line ${at.line + 1})`);
        cuts++;
      }
    });
  }
  it('cut some files', () => assert.ok(cuts >= 30, `${cuts} cuts`));
});
