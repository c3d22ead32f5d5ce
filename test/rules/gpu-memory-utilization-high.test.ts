import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixAll } from '../../server/src/analysis/fixAll';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'gpu-memory-utilization-high';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.22.0
      command:
        - --model
        - Qwen/Qwen3-8B
        # most of the GPU for the KV cache
        - --gpu-memory-utilization
        - "0.95"
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`warns above 0.90, at the value (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 8, character: 8 }, end: { line: 8, character: 14 } });
      assert.equal(rangeText(text, f!), '"0.95"');
    });

    it(`its fix sets 0.90 inside the quotes (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('- "0.90"'), fixed);
    });
  }

  it('is an error outside (0, 1] or when not a number, in = and underscore forms', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:latest
          command: --model m --gpu_memory_utilization=1.5
        b:
          image: vllm/vllm-openai:latest
          command: --model m --gpu-memory-utilization ninety
        c:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --model-path m --mem-fraction-static 0
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => [f.severity, rangeText(text, f)]), [['error', '1.5'], ['error', 'ninety'], ['error', '0']]);
    assert.ok(applyFix(text, preferredFix(found[0]!)).includes('--gpu_memory_utilization=0.90\n'));
  });

  it('stays quiet at 0.90 and below, and on TGI values up to its default 1.0', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:latest
          command: ["--model", "m", "--gpu-memory-utilization", "0.9"]
        b:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          command: ["--model-id", "m", "--cuda-memory-fraction", "0.99"]
        c:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            CUDA_MEMORY_FRACTION: "1.0"
        d:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --model-path m
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('reports TGI CUDA_MEMORY_FRACTION out of range as an error', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            - CUDA_MEMORY_FRACTION=80
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(f!.severity, 'error');
    assert.equal(rangeText(text, f!), '80');
    assert.ok(assertFixResolves(RULE, text).includes('- CUDA_MEMORY_FRACTION=0.90'));
  });

  it('flags the 0.92 default on current vLLM at the command key, and its fix appends the flag', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: --model m --max-model-len 8192
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'command');
    assert.match(f!.message, /0\.92/);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('command: --model m --max-model-len 8192 --gpu-memory-utilization 0.90\n'), fixed);
  });

  it('flags the default at the service name when there is no command, inserting one', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai
          ipc: host
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'vllm');
    assert.ok(assertFixResolves(RULE, text).includes('image: vllm/vllm-openai\n    command: ["--gpu-memory-utilization", "0.90"]\n    ipc: host'));
  });

  it('does not flag the default before v0.21.0 (it was 0.9), with --kv-cache-memory-bytes, or with unknown args', () => {
    const text = yaml`
      services:
        old:
          image: vllm/vllm-openai:v0.11.0
          command: --model m
        kv:
          image: vllm/vllm-openai:latest
          command: --model m --kv-cache-memory-bytes 20G
        extra:
          image: vllm/vllm-openai:latest
          command: --model m \${EXTRA_ARGS}
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('resolves ${VAR:-default} with .env and fixes the default in place', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: --model m --gpu-memory-utilization \${GMU:-0.97}
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '${GMU:-0.97}');
    assert.ok(applyFix(text, preferredFix(f!)).includes('--gpu-memory-utilization ${GMU:-0.90}'));
    const fromDotEnv = findingsOf(RULE, text, 'compose', { dotEnv: new Map([['GMU', '0.99']]) });
    assert.equal(fromDotEnv.length, 1);
    assert.deepEqual(fromDotEnv[0]!.fixes, [], 'a value from .env is fixed in .env');
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['GMU', '0.8']]) }), []);
    const unresolved = text.replace('${GMU:-0.97}', '${GMU}');
    assert.deepEqual(findingsOf(RULE, unresolved), []);
  });

  it('reads the value inside a shell script command', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          entrypoint: ["/bin/bash", "-c"]
          command: ["vllm serve m --gpu-memory-utilization 0.97"]
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '0.97');
    assert.ok(applyFix(text, preferredFix(f!)).includes('"vllm serve m --gpu-memory-utilization 0.90"'));
  });

  it('leaves the missing-flag case to env-ignored-by-engine when the share sits in GPU_MEMORY_UTILIZATION', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: ["--model", "org/m"]
          environment:
            GPU_MEMORY_UTILIZATION: "0.85"
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
    // Fixing everything keeps the user's own 0.85 rather than our 0.90.
    const fixed = fixAll(text, 'compose').text;
    assert.ok(fixed.includes('"--gpu-memory-utilization", "0.85"'), fixed);
    assert.ok(!fixed.includes('0.90'), fixed);
  });
});

describe('gpu-memory-utilization-high in Dockerfiles', () => {
  it('judges the share in ENTRYPOINT / CMD: a literal, and a shell default used when the variable is unset at start', () => {
    const text = dockerfile`
      FROM vllm/vllm-openai:v0.11.0
      ENTRYPOINT vllm serve Qwen/Qwen3-0.6B --gpu-memory-utilization \${GMU:-0.95}
    `;
    const [f, ...rest] = findingsOf('gpu-memory-utilization-high', text, 'dockerfile');
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '${GMU:-0.95}');
    assert.match(f!.message, /--gpu-memory-utilization \$\{GMU:-0\.95\} \(0\.95 unless GMU is set when the container starts\) leaves less than 10%/);
    assert.match(applyFix(text, preferredFix(f!)), /--gpu-memory-utilization \$\{GMU:-0\.90\}/);
    const literal = dockerfile`
      FROM vllm/vllm-openai:v0.11.0
      CMD ["Qwen/Qwen3-0.6B", "--gpu-memory-utilization=1.5"]
    `;
    const [g] = findingsOf('gpu-memory-utilization-high', literal, 'dockerfile');
    assert.equal(g!.severity, 'error');
    assert.match(g!.message, /outside \(0, 1\]/);
  });

  it("is silent where the image's ENV sets the variable, in exec form (no shell expands it), and at 0.9", () => {
    const cases = [
      'FROM vllm/vllm-openai:v0.11.0\nENV GMU=0.8\nENTRYPOINT vllm serve m --gpu-memory-utilization ${GMU:-0.95}\n',
      'FROM vllm/vllm-openai:v0.11.0\nENTRYPOINT ["vllm", "serve", "m", "--gpu-memory-utilization", "${GMU:-0.95}"]\n',
      'FROM vllm/vllm-openai:v0.11.0\nCMD ["m", "--gpu-memory-utilization", "0.9"]\n',
    ];
    for (const text of cases) assert.deepEqual(findingsOf('gpu-memory-utilization-high', text, 'dockerfile'), [], text);
  });
});
