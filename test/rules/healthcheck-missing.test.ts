import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { applyFix, assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'healthcheck-missing';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      # serves the 8B model on 9000
      command: ["meta-llama/Llama-3.1-8B-Instruct", "--port", "9000"]
      ports:
        - "9000:9000"
    db:
      image: postgres:16
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires on a model service with no healthcheck, at its name (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0, 'postgres is not a model service');
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
      assert.equal(rangeText(text, f!), 'vllm');
      assert.match(f!.message, /vLLM's own health probe: `curl -fsS http:\/\/localhost:9000\/health`/);
    });

    it(`its fix inserts the engine probe on the --port value with start_period 2 x cold start (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const block = [
        '    healthcheck:',
        '      test: ["CMD", "curl", "-fsS", "http://localhost:9000/health"]',
        '      interval: 30s',
        '      timeout: 10s',
        '      retries: 3',
        // 8B: 60 s + 2 s × 8 = 76 s cold start, twice that is 152 s.
        '      start_period: 2m32s',
      ].join(eol);
      assert.ok(fixed.includes(`- "9000:9000"${eol}${block}${eol}  db:`), fixed);
      const doc = parseDocument(fixed).toJS() as { services: { vllm: { healthcheck: { test: string[] } } } };
      assert.deepEqual(doc.services.vllm.healthcheck.test, ['CMD', 'curl', '-fsS', 'http://localhost:9000/health']);
    });
  }

  it('stays quiet with a healthcheck, including a CMD-SHELL string', () => {
    const text = bad.replace('    ports:', '    healthcheck:\n      test: curl -f http://localhost:9000/health || exit 1\n    ports:');
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('stays quiet when the healthcheck is disabled on purpose', () => {
    assert.deepEqual(findingsOf(RULE, bad.replace('    ports:', '    healthcheck:\n      disable: true\n    ports:')), []);
    assert.deepEqual(findingsOf(RULE, bad.replace('    ports:', '    healthcheck:\n      test: ["NONE"]\n    ports:')), []);
  });

  it('stays quiet on llama.cpp server images, which have their own HEALTHCHECK', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          command: -m /models/llama-2-7b.Q4_K_M.gguf --host 0.0.0.0 --port 8080
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('fires on a llama.cpp server image moved off port 8080, which its image probe calls', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          command: -m /models/llama-2-7b.Q4_K_M.gguf --port 9090
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'llama');
    assert.match(f!.message, /probes port 8080 while the server listens on 9090/);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('test: ["CMD", "curl", "-fsS", "http://localhost:9090/health"]'), fixed);
    // 7B Q4_K_M on llama.cpp: 1 s + 1 s per GB of GGUF (about 4.4 GB) = 6 s, twice that 12 s (coldStart.ts).
    assert.ok(fixed.includes('start_period: 12s'), fixed);
  });

  it('uses the image port of TGI (PORT=80) and the PORT env when set, and `ollama list` for Ollama', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.0
          environment:
            MODEL_ID: meta-llama/Llama-3.1-70B-Instruct
            PORT: 8080
        ollama:
          image: ollama/ollama:0.6.0
    `;
    const [tgi, ollama] = findingsOf(RULE, text);
    assert.equal(rangeText(text, tgi!), 'tgi');
    assert.ok(assertFixResolves(RULE, text).includes('"http://localhost:8080/health"]'));
    assert.match(ollama!.message, /Ollama's own health probe: `ollama list`/);
    // Ollama loads models on request: what Docker misses there is a hung server, not a loading model.
    assert.match(ollama!.message, /Compose cannot tell a running server from a hung or failed one/);
    assert.match(tgi!.message, /Compose cannot tell a loading model from a ready one/);
    assert.ok(tgi!.fixes[0]!.edits[0]!.newText.includes('start_period: 5m20s'), '70B bf16 on TGI: 2 × (20 + 140) s');
  });

  it('keeps a `${PORT}` reference in the probe URL when .env does not resolve it', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: --model org/m-1B --port \${VLLM_PORT}
    `;
    assert.ok(assertFixResolves(RULE, text).includes('"http://localhost:${VLLM_PORT}/health"'));
  });

  it('reports at `healthcheck:` when it has timings but no test, and adds only the test', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck:
            interval: 30s
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'healthcheck');
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.endsWith('      interval: 30s\n      test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]\n'), fixed);
  });

  it('fills a `healthcheck:` left empty', () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:v0.4.9
          command: python3 -m sglang.launch_server --model-path Qwen/Qwen2.5-7B-Instruct --port 30000
          healthcheck:
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'healthcheck');
    const fixed = assertFixResolves(RULE, text);
    // 7B: 60 s + 14 s = 74 s, twice that 148 s.
    assert.ok(fixed.endsWith('    healthcheck:\n      test: ["CMD", "curl", "-fsS", "http://localhost:30000/health"]\n      interval: 30s\n      timeout: 10s\n      retries: 3\n      start_period: 2m28s\n'), fixed);
  });

  it('fires without a fix on a GPU service of no known engine (no probe is known)', () => {
    const text = yaml`
      services:
        llm:
          image: tabbyml/tabby:0.20.0
          gpus: all
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'llm');
    assert.deepEqual(f!.fixes, []);
    assert.match(f!.message, /No probe is known/);
  });

  it('takes the inference-stack.engine label as a model service, but not as facts about its custom image', () => {
    const text = yaml`
      services:
        llm:
          build: ./server
          labels:
            inference-stack.engine: vllm
        listed:
          image: example/llm:1.0
          labels: ["inference-stack.engine=tgi"]
        other:
          image: example/llm:1.0
          labels:
            inference-stack.engine: no-such-engine
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['llm', 'listed']);
    // The label says what the service speaks, not what binaries its image ships: no curl/python probe is offered.
    assert.deepEqual(found[0]!.fixes, []);
    assert.match(found[0]!.message, /No probe is known/);
  });

  it('offers NIM\'s readiness endpoint for an NVIDIA NIM image (nim-facts.json: /v1/health/ready on 8000)', () => {
    const text = yaml`
      services:
        nim:
          image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3
          gpus: all
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'nim');
    const fixed = applyFix(text, f!.fixes[0]!);
    assert.match(fixed, /http:\/\/localhost:8000\/v1\/health\/ready/);
  });

  it('stays quiet on init jobs, override fragments and `extends`', () => {
    const text = yaml`
      services:
        pull:
          image: ollama/ollama:0.6.0
          entrypoint: /bin/sh
          command: ["-c", "sleep 3; ollama pull llama3.2"]
        client:
          image: ollama/ollama:0.6.0
          command: pull llama3.2
        fragment:
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: all
                    capabilities: [gpu]
        extended:
          extends:
            file: compose.yaml
            service: speaches
          gpus: all
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('follows merge keys: a healthcheck from an anchor counts, a service merging one without gets its own', () => {
    const text = yaml`
      x-base: &base
        image: vllm/vllm-openai:v0.11.0
      x-hc: &hc
        healthcheck:
          test: ["CMD", "curl", "-fsS", "http://localhost:8000/health"]
      services:
        a:
          <<: [*base, *hc]
        b:
          <<: *base
          command: ["org/model-1B"]
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['b']);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('    command: ["org/model-1B"]\n    healthcheck:\n'), fixed);
    assert.ok(fixed.includes('x-base: &base\n  image: vllm/vllm-openai:v0.11.0\nx-hc'), 'the anchor is untouched');
  });
});

describe('healthcheck-missing: NVIDIA NIM ports', () => {
  it("probes the port NIM_HTTP_API_PORT sets, and offers no probe for a speech NIM whose port the facts don't give", () => {
    const text = yaml`
      services:
        rerank:
          image: nvcr.io/nim/nvidia/llama-3.2-nv-rerankqa-1b-v2:1.3.0
          environment:
            NIM_HTTP_API_PORT: "9000"
          gpus: all
        asr:
          image: nvcr.io/nim/nvidia/parakeet-ctc-1.1b-asr:1.0.0
          gpus: all
    `;
    const [rerank, asr] = findingsOf('healthcheck-missing', text);
    assert.match(applyFix(text, rerank!.fixes[0]!), /"http:\/\/localhost:9000\/v1\/health\/ready"/);
    assert.equal(rangeText(text, asr!), 'asr');
    assert.deepEqual(asr!.fixes, []);
  });
});
