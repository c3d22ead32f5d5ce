import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeHealthcheckEdit, PROBE_HEALTHCHECK_COMMENT } from '../../client/src/stack/probe/healthcheckEdit';
import { dockerfileHealthcheck } from '../../server/src/scaffold/probeScript';
import { analyze } from '../../server/src/analysis/analyze';

const LINES = dockerfileHealthcheck();
const apply = (text: string) => {
  const { edit, replaced } = probeHealthcheckEdit(text, LINES);
  return { text: text.slice(0, edit.start) + edit.newText + text.slice(edit.end), replaced };
};
const healthchecks = (text: string) => text.split(/\r?\n/).filter((l) => /^\s*HEALTHCHECK\b/.test(l));

describe('probeHealthcheckEdit', () => {
  it('replaces the final stage HEALTHCHECK, continuation lines included, and keeps everything else', () => {
    const before = [
      'FROM vllm/vllm-openai:v0.11.0',
      'ENV HF_HOME=/models',
      '  HEALTHCHECK --interval=30s --start-period=10s \\',
      '    CMD curl -fsS http://localhost:8000/health || exit 1',
      'CMD ["Qwen/Qwen3-0.6B"]',
      '',
    ].join('\n');
    const { text, replaced } = apply(before);
    assert.equal(replaced, true);
    assert.equal(
      text,
      ['FROM vllm/vllm-openai:v0.11.0', 'ENV HF_HOME=/models', PROBE_HEALTHCHECK_COMMENT, LINES, 'CMD ["Qwen/Qwen3-0.6B"]', ''].join('\n'),
    );
    assert.deepEqual(healthchecks(text).length, 1);
    // The short start period was the finding; the probe's 600 s is not.
    const rule = 'dockerfile-healthcheck-start-period';
    assert.ok(analyze(before, 'dockerfile').some((f) => f.rule === rule));
    assert.ok(!analyze(text, 'dockerfile').some((f) => f.rule === rule));
  });

  it('appends when there is none, or when the HEALTHCHECK is inherited from an earlier stage', () => {
    assert.deepEqual(apply('FROM vllm/vllm-openai:v0.11.0'), { text: `FROM vllm/vllm-openai:v0.11.0\n\n${PROBE_HEALTHCHECK_COMMENT}\n${LINES}\n`, replaced: false });
    const inherited = 'FROM vllm/vllm-openai:v0.11.0 AS base\nHEALTHCHECK CMD curl -f http://localhost:8000/health\nFROM base\nENV X=1\n';
    const out = apply(inherited);
    assert.equal(out.replaced, false);
    assert.ok(out.text.startsWith(inherited), 'the base stage keeps its HEALTHCHECK');
    assert.ok(out.text.endsWith(`${LINES}\n`));
  });

  it('leaves a HEALTHCHECK of a build stage that is not shipped, and keeps CRLF line endings', () => {
    const builder = 'FROM python:3.12 AS build\r\nHEALTHCHECK NONE\r\nFROM vllm/vllm-openai:v0.11.0\r\n';
    const out = apply(builder);
    assert.equal(out.replaced, false);
    assert.ok(out.text.startsWith(builder));
    assert.ok(!/[^\r]\n/.test(out.text), 'every line break is CRLF');
  });
});
