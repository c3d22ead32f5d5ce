import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'depends-on-unhealthy-model';

const services = yaml`
  db:
    image: postgres:16
  vllm:
    image: vllm/vllm-openai:v0.11.0
    healthcheck:
      test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
      start_period: 5m
`;

/** A Compose file whose `app` service has the given depends_on lines (written at the service's indentation). */
function stack(dependsOn: string): string {
  const app = `  app:\n    image: ghcr.io/example/app:1\n${dependsOn}`;
  return `services:\n${services.replace(/^/gm, '  ').replace(/ +$/, '')}${app}\n`;
}

const bad = stack('    depends_on:\n      - db # needs tables\n      - vllm');

function dependsOnOf(text: string): unknown {
  return (parseDocument(text).toJS() as { services: { app: { depends_on: unknown } } }).services.app.depends_on;
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the model service in a short depends_on list (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0, 'postgres is not a model service');
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 12, character: 8 }, end: { line: 12, character: 12 } });
      assert.equal(rangeText(text, f!), 'vllm');
    });

    it(`its fix rewrites the list to the long form, keeping service_started for the others (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const expected = ['    depends_on:', '      db: # needs tables', '        condition: service_started', '      vllm:', '        condition: service_healthy', ''].join(eol);
      assert.ok(fixed.endsWith(expected), fixed);
      assert.deepEqual(dependsOnOf(fixed), { db: { condition: 'service_started' }, vllm: { condition: 'service_healthy' } });
    });
  }

  it('rewrites a flow list to a block map', () => {
    const text = stack('    depends_on: [db, vllm]');
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.endsWith('    depends_on:\n      db:\n        condition: service_started\n      vllm:\n        condition: service_healthy\n'), fixed);
  });

  it('offers no fix inside a flow-style service map', () => {
    const text = stack('').replace('  app:\n    image: ghcr.io/example/app:1\n', '  app: {image: app, depends_on: [vllm]}');
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'vllm');
    assert.deepEqual(f!.fixes, []);
  });

  it('indents a zero-indented list under its key, and handles a last line without a line break', () => {
    const text = stack('    depends_on:\n    - vllm').replace(/\n$/, '');
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.endsWith('    depends_on:\n      vllm:\n        condition: service_healthy'), fixed);
  });

  it('long form: fires at the dependency key and replaces the condition', () => {
    const text = stack('    depends_on:\n      vllm:\n        condition: service_started\n        restart: true');
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'vllm');
    assert.match(f!.message, /`condition: service_started`/);
    const fixed = assertFixResolves(RULE, text);
    assert.deepEqual(dependsOnOf(fixed), { vllm: { condition: 'service_healthy', restart: true } });
  });

  it('long form without a condition: the fix adds one', () => {
    const text = stack('    depends_on:\n      vllm:\n        required: false');
    assert.deepEqual(dependsOnOf(assertFixResolves(RULE, text)), { vllm: { required: false, condition: 'service_healthy' } });
  });

  it('stays quiet with service_healthy, on non-model dependencies, and on a model whose healthcheck is disabled', () => {
    assert.deepEqual(findingsOf(RULE, stack('    depends_on:\n      vllm:\n        condition: service_healthy')), []);
    assert.deepEqual(findingsOf(RULE, stack('    depends_on:\n      - db')), []);
    const disabled = bad.replace('      start_period: 5m', '      disable: true');
    assert.deepEqual(findingsOf(RULE, disabled), []);
  });

  it('notes a dependency with no healthcheck yet; no fix when no probe is known for it', () => {
    const noHealthcheck = bad.replace(/ {4}healthcheck:\n.*\n.*start_period: 5m\n/, '');
    const [f] = findingsOf(RULE, noHealthcheck);
    assert.match(f!.message, /has no healthcheck yet/);
    assert.equal(f!.fixes.length, 1, 'healthcheck-missing adds the vLLM probe, so service_healthy will work');
    const custom = stack('    depends_on:\n      - llm').replace('  vllm:', '  llm:\n    image: tabbyml/tabby:0.20.0\n    gpus: all\n  vllm:');
    const [g] = findingsOf(RULE, custom);
    assert.equal(rangeText(custom, g!), 'llm');
    assert.deepEqual(g!.fixes, []);
  });

  it('reports a depends_on merged from an anchor at the alias, without a fix', () => {
    const text = yaml`
      x-deps: &deps
        depends_on:
          - vllm
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck:
            test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
        app:
          image: app
          <<: *deps
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '*deps');
    assert.deepEqual(f!.fixes, []);
  });
});

describe('depends-on-unhealthy-model: reverse proxies', () => {
  it('lets a reverse proxy start with the model (it answers 502 until the upstream listens), not an app that calls it', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck:
            test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
        gateway:
          image: nginx:1.27
          depends_on: [vllm]
        app:
          image: myorg/chat-ui:1.0
          depends_on: [vllm]
    `;
    const found = findingsOf('depends-on-unhealthy-model', text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['vllm']);
    assert.equal(found[0]!.range.start.line, 10, "the app's depends_on, not the gateway's");
  });

  it('lets a service start with Ollama, which answers within seconds and loads models on request', () => {
    const text = yaml`
      services:
        ollama:
          image: ollama/ollama:0.6.0
          healthcheck:
            test: ["CMD", "ollama", "list"]
        pull:
          image: ollama/ollama:0.6.0
          entrypoint: ["/bin/sh", "-c", "sleep 3; ollama pull llama3.2"]
          environment:
            OLLAMA_HOST: ollama:11434
          depends_on: [ollama]
    `;
    assert.deepEqual(findingsOf('depends-on-unhealthy-model', text), []);
  });
});
