import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, dockerfile, findingsOf, rangeText, toCrlf } from '../helpers';

const RULE = 'dockerfile-healthcheck-start-period';

const bad = dockerfile`
  FROM vllm/vllm-openai:v0.11.0
  # probe the OpenAI server
  HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1
  CMD ["meta-llama/Llama-3.1-70B-Instruct", "--port", "8000"]
`;

const lint = (text: string, options = {}) => findingsOf(RULE, text, 'dockerfile', options);

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at HEALTHCHECK when a model image has no --start-period (${name})`, () => {
      const [f, ...rest] = lint(text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 11 } });
      assert.equal(rangeText(text, f!), 'HEALTHCHECK');
      // 70B: 60 s + 140 s = 200 s; the default grace is 3 retries × 30 s.
      assert.match(f!.message, /unhealthy after about 1m30s/);
      assert.match(f!.message, /3m20s \(estimated from the 70B parameters in "meta-llama\/Llama-3\.1-70B-Instruct"/);
    });

    it(`its fix adds --start-period after the keyword (${name})`, () => {
      const fixed = assertFixResolves(RULE, text, {}, 'dockerfile');
      assert.ok(fixed.includes('HEALTHCHECK --start-period=6m40s --interval=30s CMD curl'), fixed);
      assert.ok(fixed.includes('# probe the OpenAI server'));
    });
  }

  it('fires at a short --start-period value and replaces it', () => {
    const text = bad.replace('--interval=30s', '--interval=30s --start-period=1m');
    const [f] = lint(text);
    assert.equal(rangeText(text, f!), '1m');
    assert.match(f!.message, /--start-period=1m/);
    assert.ok(assertFixResolves(RULE, text, {}, 'dockerfile').includes('--interval=30s --start-period=6m40s CMD'));
  });

  it('stays quiet when the grace is long enough, with HEALTHCHECK NONE, and on images that serve no model', () => {
    assert.deepEqual(lint(bad.replace('--interval=30s', '--start-period=7m')), []);
    assert.deepEqual(lint(bad.replace('--interval=30s', '--interval=1m --retries=10')), [], '10 × 1m is enough');
    assert.deepEqual(lint(bad.replace(/HEALTHCHECK .*/, 'HEALTHCHECK NONE')), []);
    const web = dockerfile`
      FROM python:3.12-slim
      HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
      CMD ["python", "app.py"]
    `;
    assert.deepEqual(lint(web), []);
  });

  it('uses the coldStartSeconds setting over the model size', () => {
    const [f] = lint(bad, { coldStartSeconds: 600 });
    assert.match(f!.message, /10m \(from the inferenceStack\.coldStartSeconds setting/);
    assert.deepEqual(lint(bad, { coldStartSeconds: 40 }), [], '90 s of grace covers 2 × 40 s');
  });

  it('recognises a model image by its command, by pip-installing an engine, and by an ARG base image', () => {
    const byCommand = dockerfile`
      FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
      HEALTHCHECK CMD [ "curl", "-f", "http://localhost:8080/health" ]
      ENTRYPOINT [ "vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct", "--port", "8080" ]
    `;
    assert.equal(lint(byCommand).length, 1, 'vllm serve: 60 s + 16 GB of bf16 weights, twice that beyond the 90 s of grace');
    // llama-server with no model named loads in seconds (coldStart.ts): Docker's 90 s of grace covers it.
    assert.equal(lint(byCommand.replace('"vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct", "--port", "8080"', '"/app/llama-server"')).length, 0);
    const byPip = dockerfile`
      FROM nvidia/cuda:12.4.1-devel-ubuntu22.04
      RUN pip install --no-cache-dir "sglang[all]>=0.4.9" && \\
          pip install flashinfer-python
      HEALTHCHECK --start-period=10s CMD curl -f http://localhost:30000/health
      CMD python3 app.py
    `;
    const [pip] = lint(byPip);
    assert.equal(rangeText(byPip, pip!), '10s');
    const byArg = dockerfile`
      ARG BASE=vllm/vllm-openai
      ARG TAG=v0.11.0
      FROM \${BASE}:\${TAG}
      HEALTHCHECK CMD curl -f http://localhost:8000/health
    `;
    const [arg] = lint(byArg);
    assert.match(arg!.message, /the default estimate of 60 s/);
  });

  it('follows the shipped stages: a HEALTHCHECK in a builder stage does not count, one inherited from a parent stage does', () => {
    const builderOnly = dockerfile`
      FROM vllm/vllm-openai:v0.11.0 AS build
      HEALTHCHECK CMD curl -f http://localhost:8000/health
      FROM python:3.12-slim
      CMD ["python", "app.py"]
    `;
    assert.deepEqual(lint(builderOnly), []);
    const inherited = dockerfile`
      FROM vllm/vllm-openai:v0.11.0 AS base
      HEALTHCHECK CMD curl -f http://localhost:8000/health
      FROM base AS final
      CMD ["Qwen/Qwen2.5-0.5B-Instruct"]
    `;
    const [f] = lint(inherited);
    assert.equal(f!.range.start.line, 1);
    assert.ok(assertFixResolves(RULE, inherited, {}, 'dockerfile').includes('HEALTHCHECK --start-period=2m2s CMD'));
  });
});
