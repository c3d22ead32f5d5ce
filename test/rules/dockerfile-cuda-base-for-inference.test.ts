import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf } from '../helpers';

const RULE = 'dockerfile-cuda-base-for-inference';

const bad = dockerfile`
  # serve a model
  FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
  RUN pip install vllm
  CMD ["vllm", "serve", "Qwen/Qwen3-0.6B"]
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the tag of the final stage's CUDA -devel base (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text, 'dockerfile');
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'info');
      assert.deepEqual(f!.range, { start: { line: 1, character: 17 }, end: { line: 1, character: 47 } });
      assert.equal(rangeText(text, f!), '12.4.1-cudnn-devel-ubuntu22.04');
      assert.match(f!.message, /-cudnn-runtime/);
    });

    it(`its fix switches to the -cudnn-runtime tag (${name})`, () => {
      const fixed = assertFixResolves(RULE, text, {}, 'dockerfile');
      assert.equal(fixed, text.replace('cudnn-devel', 'cudnn-runtime'));
      assert.ok(fixed.includes('# serve a model'));
    });
  }

  it('switches -devel to -runtime on NGC images too', () => {
    const text = 'FROM nvcr.io/nvidia/cuda:12.6.3-devel-ubuntu24.04\n';
    assert.equal(applyFix(text, preferredFix(findingsOf(RULE, text, 'dockerfile')[0]!)), 'FROM nvcr.io/nvidia/cuda:12.6.3-runtime-ubuntu24.04\n');
  });

  it('keeps ARGs in the tag and fixes the literal part', () => {
    const text = 'ARG CUDA_VERSION=12.6.1\nFROM nvidia/cuda:${CUDA_VERSION}-cudnn-devel-ubuntu22.04\n';
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), '${CUDA_VERSION}-cudnn-devel-ubuntu22.04');
    assert.equal(applyFix(text, preferredFix(f!)), text.replace('cudnn-devel', 'cudnn-runtime'));
  });

  it('follows the final stage to the image it is built on', () => {
    const text = 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS base\nRUN pip install vllm\nFROM base AS server\nCMD ["vllm", "serve"]\n';
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), '12.4.1-devel-ubuntu22.04');
  });

  it('reports -devel that comes from an ARG at the image, without a fix', () => {
    const text = 'ARG BASE=nvidia/cuda:12.4.1-devel-ubuntu22.04\nFROM ${BASE}\n';
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), '${BASE}');
    assert.deepEqual(f!.fixes, []);
  });

  it('stays quiet on a -devel builder with a runtime final stage, and on runtime/base images', () => {
    const multi = 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN make\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nCOPY --from=build /out /app\n';
    assert.deepEqual(findingsOf(RULE, multi, 'dockerfile'), []);
    for (const image of ['nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04', 'nvidia/cuda:12.4.0-base-ubuntu22.04', 'python:3.12-slim', 'nvidia/cuda:12.4.1-devel-ubuntu22.04 AS dev']) {
      assert.deepEqual(findingsOf(RULE, `FROM ${image}\n`, 'dockerfile'), [], image);
    }
  });
});

describe('dockerfile-cuda-base-for-inference: engines that compile at run time', () => {
  it('is silent for SGLang, which compiles kernels with nvcc when it serves (its own image ships on -devel)', () => {
    const text = dockerfile`
      FROM nvidia/cuda:12.4.1-devel-ubuntu22.04
      RUN pip install "sglang[all]>=0.4.9"
      CMD ["python3", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-0.6B"]
    `;
    assert.deepEqual(findingsOf('dockerfile-cuda-base-for-inference', text, 'dockerfile'), []);
  });
});
