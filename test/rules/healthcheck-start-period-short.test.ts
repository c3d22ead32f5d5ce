import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'healthcheck-start-period-short';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: ["meta-llama/Llama-3.1-8B-Instruct"]
      healthcheck:
        test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
        interval: 10s
        retries: 3
        start_period: 30s # too short for 8B
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the start_period value when the grace is under twice the cold start (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 8, character: 20 }, end: { line: 8, character: 23 } });
      assert.equal(rangeText(text, f!), '30s');
      // 30 s + 3 × 10 s = 1 min of grace; 8B → 76 s cold start → 2m32s wanted.
      assert.match(f!.message, /unhealthy after about 1m /);
      assert.match(f!.message, /about 1m16s \(estimated from the 8B parameters in "meta-llama\/Llama-3\.1-8B-Instruct"/);
      assert.match(f!.message, /at least 2m32s/);
    });

    it(`its fix sets start_period and keeps the comment (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('start_period: 2m32s # too short for 8B'), fixed);
    });
  }

  it('reports at `healthcheck:` when start_period is missing, and the fix appends it', () => {
    const text = bad.replace('      start_period: 30s # too short for 8B\n', '');
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'healthcheck');
    assert.match(f!.message, /start_period is not set/);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.endsWith('      retries: 3\n      start_period: 2m32s\n'), fixed);
  });

  it('stays quiet when start_period is long enough, or retries × interval already cover the load', () => {
    assert.deepEqual(findingsOf(RULE, bad.replace('30s # too', '2m32s # too')), []);
    // NIM style: no start_period but 100 retries 10 s apart = 1000 s of grace.
    assert.deepEqual(findingsOf(RULE, bad.replace('retries: 3', 'retries: 100').replace('      start_period: 30s # too short for 8B\n', '')), []);
  });

  it('uses the cold start measured at the last start, then the setting', () => {
    const [measured] = findingsOf(RULE, bad.replace('30s # too', '2m32s # too'), 'compose', { measuredColdStarts: { vllm: 300 } });
    assert.match(measured!.message, /about 5m \(measured at the last start\)/);
    assert.match(measured!.message, /at least 10m\b/);
    const [setting] = findingsOf(RULE, bad, 'compose', { coldStartSeconds: 120 });
    assert.match(setting!.message, /inferenceStack\.coldStartSeconds/);
    assert.deepEqual(findingsOf(RULE, bad, 'compose', { coldStartSeconds: 30 }), [], '60 s of grace is twice 30 s');
  });

  it('grows the estimate with the model size, mixture-of-experts included', () => {
    const mixtral = bad.replace('meta-llama/Llama-3.1-8B-Instruct', 'mistralai/Mixtral-8x7B-Instruct-v0.1');
    // 8 × 7 = 56B → 60 + 112 = 172 s → 344 s.
    assert.ok(assertFixResolves(RULE, mixtral).includes('start_period: 5m44s'));
    const tgi = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.0
          environment:
            - MODEL_ID=meta-llama/Llama-3.1-70B-Instruct
          healthcheck:
            test: ["CMD", "curl", "-fsS", "http://localhost:80/health"]
    `;
    // TGI: 20 s + 1 s per GB of weights; 70B in 16 bits is 140 GB → 160 s → 320 s.
    assert.ok(assertFixResolves(RULE, tgi).includes('start_period: 5m20s'));
  });

  it('estimates by engine and weight format: quantized checkpoints load fewer bytes', () => {
    const fp8 = bad.replace('meta-llama/Llama-3.1-8B-Instruct', 'RedHatAI/Meta-Llama-3.1-70B-Instruct-FP8');
    // 70B × 1.1 bytes = 77 GB → 60 + 77 = 137 s → 274 s.
    const [f] = findingsOf(RULE, fp8);
    assert.match(f!.message, /about 2m17s \(estimated from the 70B parameters in "RedHatAI\/Meta-Llama-3\.1-70B-Instruct-FP8": about 77 GB of 8-bit weights on vLLM/);
    assert.ok(assertFixResolves(RULE, fp8).includes('start_period: 4m34s'));
    const ollama = yaml`
      services:
        ollama:
          image: ollama/ollama:0.6.0
          gpus: all
          healthcheck:
            test: ["CMD", "ollama", "list"]
    `;
    assert.deepEqual(findingsOf(RULE, ollama), [], "Ollama's API answers before any model loads: 5 s, inside 90 s of default grace");
  });

  it("stays quiet when the llama.cpp image's own HEALTHCHECK grace already covers a small GGUF", () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          command: -m /models/llama-2-13b.Q4_K_M.gguf --port 8080
    `;
    // 13B × (4 + 1) / 8 bytes = 8.1 GB → 1 + 8.1 s → 10 s; 3 retries × 30 s = 90 s ≥ 2 × 10 s.
    assert.deepEqual(findingsOf(RULE, text), []);
    assert.deepEqual(findingsOf(RULE, text.replace('/models/llama-2-13b.Q4_K_M.gguf', '/models/model.gguf')), [], 'no size named: 20 s');
    assert.deepEqual(findingsOf(RULE, text.replace('-m /models/llama-2-13b.Q4_K_M.gguf', '-hf bartowski/Llama-3.2-3B-Instruct-GGUF')), []);
  });

  it('fires at the service name for a llama.cpp server image whose own HEALTHCHECK is too short for a large GGUF', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          command: -m /models/Meta-Llama-3.1-70B-Instruct-Q8_0.gguf --port 8080
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'llama');
    assert.match(f!.message, /the image's HEALTHCHECK has no start period/);
    // 70B × 9 / 8 bytes = 78.75 GB → 1 + 78.75 s → 80 s → 160 s, over the image's 90 s.
    assert.match(f!.message, /about 1m20s \(estimated from the 70B parameters in "\/models\/Meta-Llama-3\.1-70B-Instruct-Q8_0\.gguf": about 79 GB of GGUF Q8_0 weights on llama\.cpp/);
    const fixed = assertFixResolves(RULE, text);
    // Compose merges a healthcheck that sets only start_period with the image's HEALTHCHECK.
    assert.ok(fixed.endsWith('    healthcheck:\n      start_period: 2m40s\n'), fixed);
  });

  it('stays quiet without a probe, when disabled, on a `${VAR}` start_period, and on unknown GPU services of unknown model', () => {
    assert.deepEqual(findingsOf(RULE, bad.replace(/ {4}healthcheck:[\s\S]*$/, '')), []);
    assert.deepEqual(findingsOf(RULE, bad.replace('retries: 3', 'disable: true')), []);
    assert.deepEqual(findingsOf(RULE, bad.replace('30s # too', '${START} # too')), []);
    const coordinator = yaml`
      services:
        supervisor:
          image: xprobe/xinference:latest
          gpus: all
          healthcheck:
            test: curl --fail http://localhost:9997/status || exit 1
            start_period: 5s
    `;
    assert.deepEqual(findingsOf(RULE, coordinator), []);
  });

  it('reports at the alias and offers no fix when the healthcheck comes from an anchor', () => {
    const text = yaml`
      x-hc: &hc
        test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
        start_period: 10s
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck: *hc
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '*hc');
    assert.deepEqual(f!.fixes, []);
  });

  it('overrides a start_period merged into the healthcheck with one of its own', () => {
    const text = yaml`
      x-hc: &hc
        test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
        start_period: 10s
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck:
            <<: *hc
            interval: 30s
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '*hc');
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('      interval: 30s\n      start_period: 2m\n'), fixed);
    assert.ok(fixed.includes('  start_period: 10s\n'), 'the anchor keeps its value');
  });
});
