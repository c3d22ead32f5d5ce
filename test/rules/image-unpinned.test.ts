import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dockerfile, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'image-unpinned';

const compose = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:latest  # moves every release
    ollama:
      image: "ollama/ollama"
    web:
      image: nginx:latest
`;

describe(`${RULE} (Compose)`, () => {
  for (const [name, text] of [['LF', compose], ['CRLF', toCrlf(compose)]] as const) {
    it(`reports :latest at the tag and a missing tag at the image, for model services only (${name})`, () => {
      const found = findingsOf(RULE, text);
      assert.equal(found.length, 2);
      const [latest, untagged] = found;
      assert.equal(latest!.severity, 'info');
      assert.deepEqual(latest!.range, { start: { line: 2, character: 28 }, end: { line: 2, character: 34 } });
      assert.equal(rangeText(text, latest!), 'latest');
      assert.equal(rangeText(text, untagged!), '"ollama/ollama"');
      assert.match(untagged!.message, /no tag/);
      assert.deepEqual(latest!.fixes, []);
    });
  }

  it('stays quiet on a version tag or a digest', () => {
    const text = 'services:\n  a:\n    image: vllm/vllm-openai:v0.11.0\n  b:\n    image: ollama/ollama@sha256:0123456789abcdef\n  c:\n    image: localhost:5000/vllm/vllm-openai:v0.11.0\n';
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('resolves ${VAR} defaults and .env, and skips what is only known at up time', () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:${VLLM_TAG:-latest}\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:${TGI_TAG}\n';
    const found = findingsOf(RULE, text);
    assert.equal(found.length, 1);
    assert.equal(rangeText(text, found[0]!), 'vllm/vllm-openai:${VLLM_TAG:-latest}');
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['VLLM_TAG', 'v0.11.0'], ['TGI_TAG', 'latest']]) }).map((f) => f.range.start.line), [4]);
  });

  it('reports moving tags at the tag, saying which tag and why it moves', () => {
    const cases: Array<[string, RegExp]> = [
      ['vllm/vllm-openai:nightly', /is on :nightly, a nightly build, replaced every night: /],
      ['lmsysorg/sglang:dev', /is on :dev, a development build/],
      ['lmsysorg/sglang:dev-cu13', /is on :dev-cu13, a development build/],
      ['ghcr.io/ggml-org/llama.cpp:server-cuda-dev', /is on :server-cuda-dev, a development build/],
      ['quay.io/go-skynet/local-ai:master', /is on :master, built from the master branch, replaced at each new commit/],
      ['ghcr.io/ggml-org/llama.cpp:main', /is on :main, built from the main branch/],
      ['ollama/ollama:edge', /is on :edge, which follows the newest unreleased build/],
      ['ghcr.io/huggingface/text-generation-inference:latest-rocm', /is on :latest-rocm, which follows the latest release/],
      ['ghcr.io/huggingface/text-embeddings-inference:86-latest', /is on :86-latest, which follows the latest release/],
      ['ollama/ollama:rocm', /is on :rocm, a tag with no version, date, build number or commit in it/],
      ['vllm/vllm-openai:gptoss', /is on :gptoss, a tag with no version/],
      ['ghcr.io/ggml-org/llama.cpp:server-cuda', /is on :server-cuda, a tag with no version/],
    ];
    for (const [image, message] of cases) {
      const text = `services:\n  llm:\n    image: ${image}\n    gpus: all\n`;
      const found = findingsOf(RULE, text);
      assert.equal(found.length, 1, image);
      assert.equal(rangeText(text, found[0]!), image.slice(image.lastIndexOf(':') + 1), image);
      assert.match(found[0]!.message, message, image);
      assert.match(found[0]!.message, /the next pull can bring another version/, image);
    }
  });

  it('stays quiet on any tag that carries a version, a date, a build number or a commit', () => {
    const pinned = [
      'vllm/vllm-openai:v0.9.1', 'vllm/vllm-openai:0.9.1-cu126', 'nvcr.io/nvidia/tritonserver:24.08-py3', 'ghcr.io/ggml-org/llama.cpp:server-cuda-b4567',
      'ghcr.io/huggingface/text-generation-inference:sha-abc1234', 'ghcr.io/huggingface/text-embeddings-inference:1.7',
      'ghcr.io/huggingface/text-embeddings-inference:cuda-1.7', 'ghcr.io/huggingface/text-embeddings-inference:89-1.7',
      'ghcr.io/huggingface/text-generation-inference:3.3.7-rocm', 'ollama/ollama:0.5.7-rocm', 'lmsysorg/sglang:v0.4.6.post1-cu124',
      'lmsysorg/sglang:nightly-dev-20250101', 'vllm/vllm-openai:nightly-0123456789abcdef0123456789abcdef01234567', 'my/gpu-app:16', 'my/gpu-app:v2-cuda',
    ];
    for (const image of pinned) assert.deepEqual(findingsOf(RULE, `services:\n  llm:\n    image: ${image}\n    gpus: all\n`), [], image);
  });

  it('judges a tag with no version only on an engine image: another may name its release with a word', () => {
    const text = yaml`
      services:
        a:
          image: ghcr.io/example/vllm-app:cuda
          command: vllm serve m
        b:
          image: ubuntu:noble
          command: vllm serve m
        c:
          image: ghcr.io/example/vllm-app:nightly
          command: vllm serve m
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => rangeText(text, f)), ['nightly']);
  });

  it('adds what pull_policy does to a moving tag, and says nothing of it on a pinned one', () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:dev
          pull_policy: always
        ollama:
          image: ollama/ollama:rocm
          pull_policy: daily
        vllm:
          image: vllm/vllm-openai:v0.11.0
          pull_policy: always
    `;
    const [always, daily, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(
      always!.message,
      'The image lmsysorg/sglang:dev of model service "sglang" is on :dev, a development build, replaced at each new build: the next pull can bring another version with other flags and defaults. ' +
        '`pull_policy: always` pulls it again at every `up`, so the image can change under you at any restart. Pin a version tag, or a digest (@sha256:...) for the exact image.',
    );
    assert.match(daily!.message, /`pull_policy: daily` pulls it again at an `up` once the local copy is that old/);
  });

  it('stays quiet when the image is built here, whatever its tag: `image:` names what Compose builds', () => {
    const text = 'services:\n  vllm:\n    build: .\n    image: my-vllm:latest\n    gpus: all\n  a:\n    build: .\n    image: vllm/vllm-openai\n  b:\n    build: .\n    image: lmsysorg/sglang:dev\n    pull_policy: always\n';
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('does not show a moving tag that a variable supplied', () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:${VLLM_TAG}\n';
    const [f] = findingsOf(RULE, text, 'compose', { dotEnv: new Map([['VLLM_TAG', 'nightly']]) });
    assert.match(f!.message, /^The image of model service "vllm" \(set by \$\{VLLM_TAG\}\) is on a moving tag, a nightly build/);
    assert.ok(!f!.message.includes(':nightly'));
  });

  it('reports a known model server on a GPU, at the alias when inherited; a GPU alone does not make a model server', () => {
    const text = yaml`
      x-app: &app
        image: tabbyml/tabby
        gpus: all
      services:
        app:
          <<: *app
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*app');
    assert.deepEqual(findingsOf(RULE, text.replace('tabbyml/tabby', 'my/comfyui')), []);
  });
});

const df = dockerfile`
  ARG CUDA=12.4.1
  FROM nvidia/cuda:\${CUDA}-devel-ubuntu22.04 AS build
  FROM python AS deps
  FROM build AS kernels
  FROM scratch AS empty
  FROM ubuntu:latest
`;

describe(`${RULE} (Dockerfile)`, () => {
  for (const [name, text] of [['LF', df], ['CRLF', toCrlf(df)]] as const) {
    it(`reports base images with no tag or :latest, not stages or scratch (${name})`, () => {
      const found = findingsOf(RULE, text, 'dockerfile');
      assert.equal(found.length, 2);
      const [untagged, latest] = found;
      assert.equal(rangeText(text, untagged!), 'python');
      assert.deepEqual(untagged!.range, { start: { line: 2, character: 5 }, end: { line: 2, character: 11 } });
      assert.equal(rangeText(text, latest!), 'latest');
      assert.equal(latest!.severity, 'info');
    });
  }

  it('resolves ARG defaults before FROM and skips unknown ones', () => {
    const text = 'ARG IMAGE=vllm/vllm-openai\nARG TAG=latest\nFROM ${IMAGE}:${TAG}\nFROM ${TARGETARCH}-base\nFROM ${BASE}\n';
    const found = findingsOf(RULE, text, 'dockerfile');
    assert.equal(found.length, 1);
    assert.equal(rangeText(text, found[0]!), '${IMAGE}:${TAG}');
    assert.match(found[0]!.message, /vllm\/vllm-openai:latest/);
  });

  it('reports moving tags of base images; a word names a release only outside engine images', () => {
    const text = 'FROM ollama/ollama:rocm\nFROM alpine:edge\nFROM ubuntu:noble\nFROM debian:bookworm-slim\nFROM vllm/vllm-openai:nightly@sha256:0123\n';
    const found = findingsOf(RULE, text, 'dockerfile');
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['rocm', 'edge']);
    assert.match(found[0]!.message, /^The base image ollama\/ollama:rocm of stage 1 is on :rocm, a tag with no version/);
  });

  it('stays quiet on pinned images and digests', () => {
    const text = 'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nFROM ubuntu@sha256:0123\nFROM --platform=$BUILDPLATFORM lukemathwalker/cargo-chef:latest-rust-1.85.1\n';
    assert.deepEqual(findingsOf(RULE, text, 'dockerfile'), []);
  });
});
