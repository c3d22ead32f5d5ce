/**
 * "Write Accuracy Probe Healthcheck Script" on a stock vLLM image: the probe goes into the Compose file, the script
 * mounted and the healthcheck running it. What a person checks: the file still parses with its comments, one
 * healthcheck runs the probe, the mount is there once, and the linter has nothing new to say.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments, parseDocument } from 'yaml';
import { composeProbeHealthcheckEdit, PROBE_COMPOSE_COMMENT } from '../../client/src/stack/probe/composeHealthcheckEdit';
import { composeHealthcheck } from '../../server/src/scaffold/probeScript';
import { planStack } from '../../server/src/compose/stackPlan';
import { composeConfig } from '../../server/src/compose/project/output';
import { loadProject } from '../../server/src/compose/project/project';
import { textOnlyReader } from '../../server/src/compose/project/overlayReader';
import { runAnalysisRequest } from '../../server/src/lsp/analysisJob';
import { lint, toCrlf, yaml } from '../helpers';

const PROBE = composeHealthcheck({ startPeriod: '120s' });

function applied(text: string, service = 'vllm'): { text: string; replaced: boolean } {
  const r = composeProbeHealthcheckEdit(text, service, PROBE);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return { text: text.slice(0, r.edit.start) + r.edit.newText + text.slice(r.edit.end), replaced: r.replaced };
}

function serviceOf(text: string, name = 'vllm'): Record<string, unknown> {
  const doc = parseDocument(text);
  assert.deepEqual(doc.errors, []);
  return (doc.toJS() as { services: Record<string, Record<string, unknown>> }).services[name]!;
}

const STOCK = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0   # stock image: no Dockerfile to edit
      command: ["Qwen/Qwen3-0.6B", "--served-model-name", "qwen"]
      ports: ["8000:8000"]
      volumes:
        - hf-cache:/root/.cache/huggingface
      healthcheck:
        # the old one
        test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
        interval: 30s
        start_period: 10s
      deploy:
        resources:
          reservations:
            devices: [{ driver: nvidia, count: 1, capabilities: [gpu] }]
    proxy:
      image: nginx:1.27
  volumes:
    hf-cache: {}
`;

describe('composeProbeHealthcheckEdit', () => {
  it('replaces the service\'s healthcheck with the probe and mounts the script, keeping the rest and its comments', () => {
    const { text, replaced } = applied(STOCK);
    assert.equal(replaced, true);
    const vllm = serviceOf(text);
    assert.deepEqual((vllm.healthcheck as Record<string, unknown>).test, ['CMD', 'python3', '/probe.py']);
    assert.equal((vllm.healthcheck as Record<string, unknown>).start_period, '120s');
    assert.deepEqual(vllm.volumes, ['hf-cache:/root/.cache/huggingface', './probe.py:/probe.py:ro']);
    assert.ok(vllm.deploy, 'deploy kept');
    assert.equal(text.match(/healthcheck:/g)?.length, 1, 'one healthcheck');
    assert.doesNotMatch(text, /curl/);
    assert.match(text, /# stock image: no Dockerfile to edit/);
    assert.ok(text.includes(`    ${PROBE_COMPOSE_COMMENT}\n    healthcheck:\n      test: ["CMD", "python3", "/probe.py"]`), text);
  });

  it('the linter is content: no healthcheck finding, and the plan sees the healthcheck', () => {
    const { text } = applied(STOCK);
    const before = lint(STOCK).map((f) => f.rule);
    const after = lint(text).map((f) => f.rule);
    assert.ok(before.includes('healthcheck-start-period-short'), before.join(', '));
    assert.ok(!after.some((r) => r.startsWith('healthcheck')), after.join(', '));
    assert.equal(planStack(text, '/w/compose.yaml').services[0]!.hasHealthcheck, true);
  });

  it('adds both to a service that has neither, and a second run changes nothing', () => {
    const bare = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          ports: ["8000:8000"]
    `;
    const once = applied(bare);
    assert.equal(once.replaced, false);
    const vllm = serviceOf(once.text);
    assert.deepEqual(vllm.volumes, ['./probe.py:/probe.py:ro']);
    assert.deepEqual((vllm.healthcheck as Record<string, unknown>).test, ['CMD', 'python3', '/probe.py']);
    const twice = applied(once.text);
    assert.equal(twice.replaced, true);
    assert.equal(twice.text, once.text);
  });

  it('keeps the file\'s indentation and line breaks', () => {
    const four = toCrlf('services:\n    vllm:\n        image: vllm/vllm-openai:v0.11.0\n        volumes:\n            - ./models:/models\n');
    const { text } = applied(four);
    assert.ok(!/[^\r]\n/.test(text), 'CRLF everywhere');
    assert.match(text, /\r\n {8}healthcheck:\r\n {12}test: \["CMD", "python3", "\/probe.py"\]/);
    assert.match(text, /\r\n {12}- \.\/probe\.py:\/probe\.py:ro\r\n/);
    assert.deepEqual(serviceOf(text).volumes, ['./models:/models', './probe.py:/probe.py:ro']);
  });

  // compose-go merges a file's YAML documents in order, as files: the healthcheck Compose keeps is the last one written.
  it('a file of several documents: the probe goes into the last document that writes the service', () => {
    const base = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck:
            test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
        proxy:
          image: nginx:1.27
    `;
    const gpu = yaml`
      services:
        vllm:
          deploy:
            resources:
              reservations:
                devices: [{ driver: nvidia, count: 1, capabilities: [gpu] }]
    `;
    const text = `${base}---\n${gpu}`;
    const { text: after, replaced } = applied(text);
    assert.equal(replaced, false, 'the second document had no healthcheck of its own');
    const docs = parseAllDocuments(after) as Array<{ errors: unknown[]; toJS(): { services: Record<string, Record<string, unknown>> } }>;
    assert.equal(docs.length, 2);
    assert.deepEqual(docs.flatMap((d) => d.errors), []);
    assert.ok(after.startsWith(base), 'the first document is untouched');
    const second = docs[1]!.toJS().services.vllm!;
    assert.deepEqual((second.healthcheck as Record<string, unknown>).test, ['CMD', 'python3', '/probe.py']);
    assert.deepEqual(second.volumes, ['./probe.py:/probe.py:ro']);
    // As Compose merges it: the probe is the service's healthcheck, and the linter has no healthcheck finding.
    const merged = composeConfig(loadProject({ cwd: '/w', environment: new Map(), files: ['/w/compose.yaml'] }, textOnlyReader('/w/compose.yaml', after))) as { services: Record<string, { healthcheck: { test: string[] }; volumes: Array<{ source: string }> }> };
    assert.deepEqual(merged.services.vllm!.healthcheck.test, ['CMD', 'python3', '/probe.py']);
    assert.deepEqual(merged.services.vllm!.volumes.map((v) => v.source), ['/w/probe.py']);
    // Linted as the editor lints it (each document, and the merged services).
    const findings = runAnalysisRequest({ id: 1, text: after, kind: 'compose', options: {}, uri: 'file:///w/compose.yaml' }).findings ?? [];
    assert.ok(!findings.some((f) => f.rule.startsWith('healthcheck') || f.rule === 'yaml-syntax'), findings.map((f) => f.rule).join(', '));

    // A service only the first document writes is edited there; the second stays as it was.
    const proxy = composeProbeHealthcheckEdit(text, 'proxy', PROBE);
    assert.ok(proxy.ok);
    assert.ok(proxy.edit.end <= base.length, 'the edit lies in the first document');
    const broken = composeProbeHealthcheckEdit(`${base}---\nservices:\n  vllm: [\n`, 'vllm', PROBE);
    assert.match(broken.ok ? '' : broken.reason, /does not parse/);
  });

  it('refuses what it cannot edit safely, with the reason', () => {
    const flow = composeProbeHealthcheckEdit('services:\n  vllm: {image: vllm/vllm-openai:v0.11.0}\n', 'vllm', PROBE);
    assert.equal(flow.ok, false);
    assert.match(flow.ok ? '' : flow.reason, /flow style/);
    const flowVolumes = composeProbeHealthcheckEdit('services:\n  vllm:\n    image: x\n    volumes: [a:/a]\n', 'vllm', PROBE);
    assert.equal(flowVolumes.ok, false);
    const missing = composeProbeHealthcheckEdit(STOCK, 'nope', PROBE);
    assert.match(missing.ok ? '' : missing.reason, /no service "nope"/);
    const broken = composeProbeHealthcheckEdit('services:\n  vllm: [\n', 'vllm', PROBE);
    assert.match(broken.ok ? '' : broken.reason, /does not parse/);
  });

  it('the plan says which model images have python3 for the script', () => {
    const plan = planStack(yaml`
      services:
        vllm: { image: vllm/vllm-openai:v0.11.0 }
        sglang: { image: lmsysorg/sglang:v0.5.0, command: python3 -m sglang.launch_server --model-path m }
        ollama: { image: ollama/ollama:0.6.0 }
        standin:
          image: my/standin:1
          labels: { inference-stack.engine: vllm }
    `, '/w/compose.yaml');
    assert.deepEqual(plan.services.map((s) => [s.name, s.imageHasPython === true]), [['vllm', true], ['sglang', true], ['ollama', false], ['standin', false]]);
  });
});
