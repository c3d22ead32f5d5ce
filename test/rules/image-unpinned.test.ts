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

  it('stays quiet when the image is built here', () => {
    const text = 'services:\n  vllm:\n    build: .\n    image: my-vllm:latest\n    gpus: all\n';
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('resolves ${VAR} defaults and .env, and skips what is only known at up time', () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:${VLLM_TAG:-latest}\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:${TGI_TAG}\n';
    const found = findingsOf(RULE, text);
    assert.equal(found.length, 1);
    assert.equal(rangeText(text, found[0]!), 'vllm/vllm-openai:${VLLM_TAG:-latest}');
    assert.deepEqual(findingsOf(RULE, text, 'compose', { dotEnv: new Map([['VLLM_TAG', 'v0.11.0'], ['TGI_TAG', 'latest']]) }).map((f) => f.range.start.line), [4]);
  });

  it('reports a GPU service of an unknown image, and at the alias when inherited', () => {
    const text = yaml`
      x-app: &app
        image: my/app
        gpus: all
      services:
        app:
          <<: *app
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*app');
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

  it('stays quiet on pinned images and digests', () => {
    const text = 'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nFROM ubuntu@sha256:0123\nFROM --platform=$BUILDPLATFORM lukemathwalker/cargo-chef:latest-rust-1.85.1\n';
    assert.deepEqual(findingsOf(RULE, text, 'dockerfile'), []);
  });
});
