import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ANALYSIS_STOPPED_RULE_ID } from '../../server/src/analysis/analysisBudget';
import { SYNTAX_RULE_ID, TOO_LARGE_RULE_ID, TOO_MANY_FINDINGS_RULE_ID } from '../../server/src/analysis/analyze';
import { RULES } from '../../server/src/rules/registry';
import { DEFAULT_START_TIMEOUT_SECONDS } from '../../client/src/stack/runner/stackRunner';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('rule metadata, docs and settings stay in step', () => {
  it('every rule id is unique and kebab-case', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)+$/);
  });

  for (const id of [...RULES.map((r) => r.meta.id), SYNTAX_RULE_ID, TOO_LARGE_RULE_ID, TOO_MANY_FINDINGS_RULE_ID, ANALYSIS_STOPPED_RULE_ID]) {
    it(`docs/rules/${id}.md explains why, shows bad and good, and how to silence it`, () => {
      const path = join(root, 'docs', 'rules', `${id}.md`);
      assert.ok(existsSync(path), `missing ${path}`);
      const doc = readFileSync(path, 'utf8');
      assert.ok(doc.startsWith(`# ${id}\n`), 'title is the rule id');
      for (const section of ['## Why', '## Bad', '## Good', '## Silence it']) assert.ok(doc.includes(section), `${id}: no "${section}"`);
      const rule = RULES.find((r) => r.meta.id === id);
      if (rule) assert.ok(doc.includes(`**Severity:** ${rule.meta.defaultSeverity}`), `${id}: severity line differs from metadata`);
    });
  }

  it('package.json declares a severity setting for every rule (node scripts/gen-manifest.mjs)', () => {
    const props = pkg.contributes.configuration.properties['inferenceStack.rules'].properties;
    assert.deepEqual(Object.keys(props).sort(), RULES.map((r) => r.meta.id).sort());
  });

  it('the README rule table lists every rule with its docs link', () => {
    for (const r of RULES) assert.ok(readme.includes(`[\`${r.meta.id}\`](docs/rules/${r.meta.id}.md)`), r.meta.id);
  });

  it('maps the inference-stack bin to the bundled CLI', () => {
    assert.equal(pkg.bin['inference-stack'], './dist/cli.js');
  });
});

describe('settings defaults have one value', () => {
  it('inferenceStack.startTimeoutSeconds defaults to what a Start waits for when the setting is absent', () => {
    const setting = pkg.contributes.configuration.properties['inferenceStack.startTimeoutSeconds'];
    assert.equal(setting.default, DEFAULT_START_TIMEOUT_SECONDS);
  });
});
