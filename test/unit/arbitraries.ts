/**
 * Generators for the property tests: mutations of real files, Compose-like documents (with anchors, aliases
 * and merge keys, and fields of the wrong shape), and Dockerfiles made of real and broken instruction lines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../corpus/invariants';

// ---------------------------------------------------------------------------------------------- corpus
export function corpus(dir: string): string[] {
  const folder = join(REPO_ROOT, 'test', 'corpus', 'files', dir);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((n) => n !== 'SOURCES.md')
    .sort()
    .map((n) => readFileSync(join(folder, n), 'utf8'))
    .filter((t) => t.length < 20_000);
}
export const COMPOSE_CORPUS = corpus('compose');
export const DOCKERFILE_CORPUS = corpus('dockerfile');

// ---------------------------------------------------------------------------------------------- mutations
const ODD = ['\t', '\r', '\r\n', '\n', '\uFEFF', 'é', '名', '😀', '\u0000', '\u2028', ' ', '#', ':', '- ', '"', "'", '{', '}', '[', ']', ',', '|', '>', '\\', '$', '${', '}'];
export const YAMLISH = [...ODD, 'a', 'b', 'x', '0', '1', '.', '-', '=', '&a', '*a', '<<: *a', '&a ', ' *a', 'services:', 'image: ', 'command: ', 'deploy:', 'environment:', '--', '!!str ', '!tag ', '? ', '---', '...', '%YAML 1.2'];

type Mutation = { op: number; at: number; len: number; piece: string };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.integer({ min: 0, max: 11 }),
  at: fc.nat(),
  len: fc.integer({ min: 0, max: 8 }),
  piece: fc.oneof(fc.constantFrom(...YAMLISH), fc.string({ maxLength: 6 })),
});

/** One edit of the kinds real typing and copy-paste make: characters, lines, indentation, anchors, line ends. */
export function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const li = lines.length ? m.at % lines.length : 0;
  const pos = text.length ? m.at % (text.length + 1) : 0;
  switch (m.op) {
    case 0: return text.slice(0, pos) + text.slice(pos + Math.max(1, m.len)); // delete characters
    case 1: return text.slice(0, pos) + m.piece + text.slice(pos); // insert a piece
    case 2: lines.splice(li, 0, lines[li] ?? ''); return lines.join('\n'); // duplicate a line
    case 3: lines.splice(li, 1); return lines.join('\n'); // delete a line
    case 4: lines[li] = ' '.repeat(m.len) + (lines[li] ?? ''); return lines.join('\n'); // indent
    case 5: lines[li] = (lines[li] ?? '').replace(/^ {1,8}/, ''); return lines.join('\n'); // dedent
    case 6: lines[li] = (lines[li] ?? '').replace(/^( *)(.*?:)( |$)/, '$1$2 &a$3'); return lines.join('\n'); // anchor a value
    case 7: lines.splice(li, 0, `${/^ */.exec(lines[li] ?? '')![0]}<<: *a`); return lines.join('\n'); // merge an alias
    case 8: lines[li] = (lines[li] ?? '').replace(/: .*$/, ': *a'); return lines.join('\n'); // value becomes an alias
    case 9: return text.replace(/\r?\n/g, '\r\n'); // CRLF
    case 10: return `\uFEFF${text}`; // BOM
    default: lines[li] = `\t${lines[li] ?? ''}`; return lines.join('\n'); // tab indentation
  }
}

export function mutated(sources: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 0, max: Math.max(0, sources.length - 1) }), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
    .map(([i, ms]) => ms.reduce(mutate, sources[i] ?? ''));
}

// ---------------------------------------------------------------------------------------------- Compose-like documents
const IMAGES = [
  'vllm/vllm-openai:latest', 'vllm/vllm-openai:v0.6.3', 'vllm/vllm-openai@sha256:0123abcd', 'ghcr.io/huggingface/text-generation-inference:2.4.0',
  'lmsysorg/sglang:latest', 'ollama/ollama', 'ghcr.io/ggerganov/llama.cpp:server-cuda', 'nvcr.io/nvidia/tritonserver:24.08-py3',
  'ghcr.io/huggingface/text-embeddings-inference:1.5', 'redis:7', 'postgres', '${IMAGE}', '', 'a:b:c', ':', '@',
];
const FLAGS = ['--model', '--tensor-parallel-size', '-tp', '--pipeline-parallel-size', '--gpu-memory-utilization', '--max-model-len', '--port', '--host',
  '--num-shard', '--sharded', '--tp', '--log-level', '--uvicorn-log-level', '--dtype', '--unknown-flag', '--disable-log-requests', '--', '-', '='];
const VALUES = ['0.95', '0.99', '1', '2', '4', '8', '-1', '1.5', 'debug', 'DEBUG', 'auto', '${MODEL}', '$${X}', 'meta-llama/Llama-3.1-8B', '', ' ', '"', "'", '=x'];
const ENV_KEYS = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HUGGINGFACE_HUB_TOKEN', 'VLLM_LOGGING_LEVEL', 'VLLM_USE_V1', 'CUDA_VISIBLE_DEVICES',
  'NVIDIA_VISIBLE_DEVICES', 'OPENAI_API_KEY', 'POSTGRES_PASSWORD', 'MODEL_ID', 'OLLAMA_KEEP_ALIVE', 'LOG_LEVEL', 'RUST_LOG', 'X'];
const DURATIONS = ['10s', '1m', '1m30s', '500ms', '0s', '-1s', '10', 'abc', '1h', '${T}', '', '1.5s'];
const BYTES = ['16g', '16G', '512m', '1gb', '8GiB', '0', '-1', 'lots', '${MEM}', '1e9'];

export const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const scalarArb = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), pick(VALUES));

/** Any YAML value tree: stands in where a field has the wrong shape (a map where a list belongs, ...). */
const { tree: treeArb } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(pick(['image', 'command', 'deploy', 'resources', 'devices', 'count', 'environment', 'test', '<<']), fc.string({ maxLength: 5 })), tie('tree'), { maxKeys: 3 }),
  ),
}));

/** A field is usually well-shaped and sometimes an arbitrary tree. */
const maybeWrong = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: treeArb });

const commandArb = fc.array(fc.oneof(pick(FLAGS), pick(VALUES), fc.tuple(pick(FLAGS), pick(VALUES)).map(([f, v]) => `${f}=${v}`)), { maxLength: 8 });
const serviceArb = fc.record(
  {
    image: maybeWrong(pick(IMAGES)),
    command: maybeWrong(fc.oneof(commandArb, commandArb.map((c) => c.join(' ')))),
    entrypoint: maybeWrong(fc.oneof(pick(['python3 -m vllm.entrypoints.openai.api_server', 'vllm serve', '/bin/sh -c']), commandArb)),
    environment: maybeWrong(fc.oneof(
      fc.dictionary(pick(ENV_KEYS), fc.oneof(pick(VALUES), pick(['hf_abcdefghijklmnopqrstuvwxyz0123456789', 'sk-abcdef0123456789abcdef', '${HF_TOKEN}', 'changeme']))),
      fc.array(fc.tuple(pick(ENV_KEYS), pick(VALUES)).map(([k, v]) => `${k}=${v}`), { maxLength: 5 }),
    )),
    runtime: pick(['nvidia', 'runc', '']),
    deploy: maybeWrong(fc.record({
      resources: maybeWrong(fc.record({
        reservations: maybeWrong(fc.record({
          devices: maybeWrong(fc.array(fc.record({
            driver: pick(['nvidia', 'cdi', '']),
            count: fc.oneof(pick(['all', 'ALL', '2', 'x']), fc.integer({ min: -1, max: 8 })),
            device_ids: fc.array(pick(['0', '1', 'GPU-abc', '${GPU}']), { maxLength: 3 }),
            capabilities: fc.array(pick(['gpu', 'compute', 'utility', '']), { maxLength: 3 }),
          }, { requiredKeys: [] }), { maxLength: 2 })),
          memory: pick(BYTES),
          cpus: fc.oneof(pick(['1', '0.5', 'x']), fc.double({ noNaN: true })),
        }, { requiredKeys: [] })),
        limits: maybeWrong(fc.record({ memory: pick(BYTES), cpus: fc.oneof(pick(['2', '0.25', 'y']), fc.integer()) }, { requiredKeys: [] })),
      }, { requiredKeys: [] })),
    }, { requiredKeys: [] })),
    healthcheck: maybeWrong(fc.record({
      test: fc.oneof(fc.array(pick(['CMD', 'CMD-SHELL', 'NONE', 'curl', '-f', 'http://localhost:8000/health']), { maxLength: 4 }), pick(['curl -f http://localhost/health', 'NONE'])),
      interval: pick(DURATIONS),
      timeout: pick(DURATIONS),
      start_period: pick(DURATIONS),
      start_interval: pick(DURATIONS),
      retries: fc.oneof(fc.integer({ min: -2, max: 100 }), pick(['3', 'x'])),
      disable: fc.boolean(),
    }, { requiredKeys: [] })),
    depends_on: maybeWrong(fc.oneof(
      fc.array(pick(['vllm', 'tgi', 'db', 'missing']), { maxLength: 3 }),
      fc.dictionary(pick(['vllm', 'tgi', 'db', 'missing']), fc.record({ condition: pick(['service_started', 'service_healthy', 'service_completed_successfully', 'bogus']) }, { requiredKeys: [] })),
    )),
    volumes: maybeWrong(fc.array(pick(['~/.cache/huggingface:/root/.cache/huggingface', './models:/models:ro', 'hf:/data', '/data', '${HOME}/x:/y', ':::']), { maxLength: 3 })),
    ports: fc.array(pick(['8000:8000', '80', '127.0.0.1:8080:80/tcp']), { maxLength: 2 }),
    ipc: pick(['host', 'private']),
    shm_size: pick(BYTES),
  },
  { requiredKeys: [] },
);

const NAMES = ['vllm', 'tgi', 'sglang', 'ollama', 'llamacpp', 'triton', 'tei', 'db', 'web', 'x y', '1', 'services'];
const MERGE_MARK = '__merge_here__';

/**
 * A Compose-like document. `shared` reuses one object for several services, which `yaml` stringifies as an
 * anchor and aliases; `merge` adds an `x-base: &base` map that services pull in with `<<: *base`.
 */
const plainComposeArb = fc.record({
  services: fc.dictionary(pick(NAMES), serviceArb, { maxKeys: 4 }),
  shared: fc.option(serviceArb, { nil: undefined }),
  merge: fc.option(serviceArb, { nil: undefined }),
  extraTop: fc.dictionary(pick(['volumes', 'networks', 'x-gpu', 'name', 'version', 'secrets']), treeArb, { maxKeys: 2 }),
}).map(({ services, shared, merge, extraTop }) => {
  const svc: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(services)) {
    svc[name] = merge ? { [MERGE_MARK]: 1, ...s } : s;
  }
  if (shared) {
    svc['shared-a'] = { deploy: shared.deploy ?? { resources: {} }, image: shared.image ?? 'vllm/vllm-openai:latest' };
    svc['shared-b'] = svc['shared-a']; // same object: stringified as &a1 / *a1
    svc['shared-c'] = { deploy: (svc['shared-a'] as { deploy: unknown }).deploy, environment: shared.environment ?? {} };
  }
  const body = stringify({ ...extraTop, services: svc }, { aliasDuplicateObjects: true });
  const text = merge ? `x-base: &base\n${stringify(merge).replace(/^(?=.)/gm, '  ')}${body}` : body;
  return text.split(`${MERGE_MARK}: 1`).join('<<: *base');
});

/** The same documents, sometimes with CRLF line ends and a byte-order mark (files saved on Windows). */
export const composeArb = fc.tuple(plainComposeArb, fc.boolean(), fc.boolean())
  .map(([text, crlf, bom]) => `${bom ? '\uFEFF' : ''}${crlf ? text.replace(/\n/g, '\r\n') : text}`);

// ---------------------------------------------------------------------------------------------- Dockerfiles
const DOCKER_LINES = [
  'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04', 'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime', 'FROM vllm/vllm-openai:latest',
  'FROM builder', 'FROM ${BASE}', 'FROM --platform=$BUILDPLATFORM python:3.11 AS builder', 'FROM', 'FROM scratch AS final',
  'ARG BASE=ubuntu', 'ARG CUDA_VERSION', 'ENV HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz01234567', 'ENV VLLM_LOGGING_LEVEL DEBUG', 'ENV A=1 B=2',
  'RUN huggingface-cli download meta-llama/Llama-3.1-8B', 'RUN python -c "from transformers import AutoModel; AutoModel.from_pretrained(\'x\')"',
  'RUN wget https://huggingface.co/x/resolve/main/model.safetensors', 'RUN apt-get update && \\', '    apt-get install -y curl', 'RUN <<EOF', 'echo hi', 'EOF',
  'COPY --from=builder /out /app', 'COPY ./models /models', 'ADD https://example.com/model.gguf /models/', 'HEALTHCHECK CMD curl -f http://localhost:8000/health',
  'HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD curl -f http://localhost/', 'HEALTHCHECK --start-period=abc CMD true', 'HEALTHCHECK NONE',
  'HEALTHCHECK --start-period', 'CMD ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "x"]', 'CMD [', 'ENTRYPOINT ["vllm", "serve"]',
  'ENTRYPOINT vllm serve --gpu-memory-utilization 0.99', 'EXPOSE 8000', 'WORKDIR /app', 'USER 1000', 'LABEL a=b', '# escape=`', '# syntax=docker/dockerfile:1',
  '# comment', '', '\\', 'ONBUILD RUN x', 'SHELL ["/bin/bash", "-c"]', 'VOLUME /root/.cache/huggingface', 'STOPSIGNAL SIGINT', 'BOGUS instruction',
];
export const dockerfileArb = fc.tuple(
  fc.array(fc.oneof({ weight: 5, arbitrary: pick(DOCKER_LINES) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }), { maxLength: 25 }),
  pick(['\n', '\r\n']),
).map(([lines, eol]) => lines.join(eol));
