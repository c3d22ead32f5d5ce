import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'compose-interpolation-invalid';
const INVALID = (path: string) => `invalid interpolation format for ${path}. You may need to escape any $ with another $.`;

describe(RULE, () => {
  const bad = yaml`
    services:
      vllm:
        image: vllm/vllm-openai:\${TAG }
        command: --model org/m
  `;
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`reports an invalid template at its \${...}, with compose-go's message (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.equal(f!.message, INVALID('services.vllm.image'));
      assert.deepEqual(f!.range, { start: { line: 2, character: 28 }, end: { line: 2, character: 35 } });
      assert.equal(rangeText(text, f!), '${TAG }');
    });
  }

  it('reports each invalid form compose-go refuses, and nothing for valid ones', () => {
    for (const invalid of ['${', '${}', '${ }', '${ foo}', '${foo!}', '${foo:x}']) {
      const text = `services:\n  a:\n    image: busybox\n    command: "echo ${invalid} done"\n`;
      const findings = findingsOf(RULE, text);
      assert.equal(findings.length, 1, invalid);
      assert.ok(rangeText(text, findings[0]!).startsWith('${'), invalid);
    }
    for (const valid of ['$$', '$${x', '${A:-{}', '$1', 'a $ b', '${A-}', '${A:-x}}']) {
      assert.deepEqual(findingsOf(RULE, `services:\n  a:\n    image: busybox\n    command: "echo ${valid}"\n`), [], valid);
    }
  });

  it('maps the position through quoted and block scalars, and list items', () => {
    const text = yaml`
      services:
        a:
          image: busybox
          environment:
            - 'X=it''s \${bad }'
          command: >
            sh -c "echo ok
            && echo \${oops }"
          entrypoint: "a\\tb \${also }"
    `;
    const findings = findingsOf(RULE, text);
    assert.deepEqual(
      findings.map((f) => [f.message, rangeText(text, f)]),
      [
        [INVALID('services.a.environment.[]'), '${bad }'],
        [INVALID('services.a.command'), '${oops }'],
        [INVALID('services.a.entrypoint'), '${also }'],
      ],
    );
  });

  it('gives the whole scalar when its source does not hold the template verbatim', () => {
    const text = 'services:\n  a:\n    image: busybox\n    command: "\\u0024{x }"\n';
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '"\\u0024{x }"');
  });

  it('checks extensions and top-level sections too, never keys', () => {
    const text = yaml`
      x-common:
        note: "\${"
      services:
        a:
          image: busybox
          labels:
            "\${key }": fine
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => f.message), [INVALID('x-common.note')]);
  });

  it('reports a required variable that .env sets empty, at the whole ${...}, without its value', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          environment:
            HF_TOKEN: \${HF_TOKEN:?set HF_TOKEN in .env}
    `;
    const dotEnv = new Map([['HF_TOKEN', '']]);
    const [f, ...rest] = findingsOf(RULE, text, 'compose', { dotEnv });
    assert.equal(rest.length, 0);
    assert.equal(
      f!.message,
      'error while interpolating services.vllm.environment.HF_TOKEN: required variable HF_TOKEN is missing a value: set HF_TOKEN in .env. ' +
        '.env sets HF_TOKEN empty: Compose stops here unless the shell exports it.',
    );
    assert.equal(rangeText(text, f!), '${HF_TOKEN:?set HF_TOKEN in .env}');
  });

  it('stays quiet on a required variable .env does not set (the shell may export it) or sets', () => {
    const text = 'services:\n  a:\n    image: busybox\n    environment:\n      T: ${T:?need T}\n      U: ${U?need U}\n';
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map() }), []);
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['T', 'x'], ['U', '']]) }), []);
  });

  it('follows defaults only where .env decides them', () => {
    const text = 'services:\n  a:\n    image: busybox\n    command: echo ${A:-${bad }}\n';
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map() }), [], 'A may be set in the shell');
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['A', 'x']]) }), [], 'the default is not used');
    const [f] = findingsOf(RULE, text, 'compose', { dotEnv: new Map([['A', '']]) });
    assert.equal(rangeText(text, f!), '${bad }');
  });

  it('is silent on an alias and reports the anchor once', () => {
    const text = yaml`
      x-cmd: &cmd "run \${"
      services:
        a:
          image: busybox
          command: *cmd
        b:
          image: busybox
          command: *cmd
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => f.message), [INVALID('x-cmd')]);
  });

  it('stays linear on `${A:-` repeated on one line and `${` 200,000 times', () => {
    for (const value of ['${A:-'.repeat(100_000), '${'.repeat(200_000)]) {
      const started = Date.now();
      const findings = findingsOf(RULE, `services:\n  a:\n    image: busybox\n    command: "${value}"\n`);
      assert.equal(findings.length, 1);
      assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
    }
  });
});
