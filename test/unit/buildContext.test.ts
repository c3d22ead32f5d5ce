/**
 * Engine detection through `build:` contexts: a service built from a Dockerfile `FROM vllm/vllm-openai` is a
 * vLLM service, for the rules (analyze and the incremental path), and for the stack plan. The Dockerfiles come
 * from an injected reader (a map here; dockerfile/buildContextFiles.ts on disk, tested at the end).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildContextsFrom, isRemoteContext } from '../../server/src/compose/build';
import { parseCompose } from '../../server/src/compose/composeFile';
import { describeService, type ServiceInfo } from '../../server/src/compose/service';
import { dotEnvBeside } from '../../server/src/compose/dotEnvFile';
import { planStack } from '../../server/src/compose/stackPlan';
import { analyze } from '../../server/src/analysis/analyze';
import { IncrementalCompose } from '../../server/src/analysis/incrementalCompose';
import type { AnalysisOptions, BuildContextReader } from '../../server/src/core/analysisOptions';
import { fileBuildContexts, MAX_DOCKERFILE_BYTES } from '../../server/src/dockerfile/buildContextFiles';
import { dockerfile, findingsOf, toCrlf, yaml } from '../helpers';

const VLLM_DOCKERFILE = dockerfile`
  FROM vllm/vllm-openai:v0.11.0
  RUN pip install --no-cache-dir flashinfer-python
`;

const FILES = {
  'vllm-image/Dockerfile': VLLM_DOCKERFILE,
  'ctx/docker/Dockerfile.gpu': VLLM_DOCKERFILE,
  'Dockerfile.vllm': VLLM_DOCKERFILE,
  'web/Dockerfile': 'FROM nginx:1.27\n',
  'wrapped/Dockerfile': 'FROM vllm/vllm-openai:v0.11.0\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n',
  'latest-image/Dockerfile': 'FROM vllm/vllm-openai:latest\n',
  'multi/Dockerfile': dockerfile`
    FROM vllm/vllm-openai:v0.11.0 AS serve
    ENV HF_HOME=/models
    FROM python:3.12-slim
    CMD ["python", "-m", "http.server"]
  `,
};

/** One service built from `build`, with an env var vLLM never reads, and no GPU reservation. */
function built(build: string, extra = ''): string {
  return yaml`
    services:
      llm:
        ${build}
        command: ["--model", "Qwen/Qwen3-0.6B"]
        environment:
          GPU_MEMORY_UTILIZATION: "0.85"
        ${extra}
  `.replace(/\n\s*\n/g, '\n');
}

/** The facts of the file's first service; `null`: no reader. */
function info(text: string, reader: BuildContextReader | null = buildContextsFrom(FILES)): ServiceInfo {
  const file = parseCompose(text);
  return describeService(file.services[0]!, file.dotEnv, reader ?? undefined);
}

const withFiles: AnalysisOptions = { buildContexts: buildContextsFrom(FILES) };

/** A reader that records what it was asked. */
function spy(files: Record<string, string>): BuildContextReader & { asked: string[] } {
  const inner = buildContextsFrom(files);
  const asked: string[] = [];
  return {
    asked,
    readDockerfile(context, file) {
      asked.push(`${context}|${file}`);
      return inner.readDockerfile(context, file);
    },
  };
}

describe('engine detection through build: contexts', () => {
  it('a service built from a vLLM Dockerfile gets gpu-reservation-missing and env-ignored-by-engine', () => {
    for (const eol of ['\n', '\r\n']) {
      let text = built('build: ./vllm-image');
      if (eol === '\r\n') text = toCrlf(text);
      const gpu = findingsOf('gpu-reservation-missing', text, 'compose', withFiles);
      assert.equal(gpu.length, 1, eol);
      assert.equal(gpu[0]!.severity, 'warning');
      assert.deepEqual(gpu[0]!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
      const env = findingsOf('env-ignored-by-engine', text, 'compose', withFiles);
      assert.equal(env.length, 1, eol);
      assert.deepEqual(env[0]!.range, { start: { line: 5, character: 6 }, end: { line: 5, character: 28 } });
      // Without the Dockerfile nothing says this is a model service.
      assert.deepEqual(findingsOf('gpu-reservation-missing', text), []);
      assert.deepEqual(findingsOf('env-ignored-by-engine', text), []);
    }
    const facts = info(built('build: ./vllm-image'));
    assert.equal(facts.engine?.id, 'vllm');
    assert.equal(facts.detectedBy, 'build');
    assert.equal(facts.isModelService, true);
    assert.deepEqual(facts.built && { by: facts.built.by, baseImage: facts.built.baseImage }, { by: 'image', baseImage: 'vllm/vllm-openai:v0.11.0' });
    assert.deepEqual(facts.build, { context: './vllm-image', dockerfile: undefined, inline: undefined, target: undefined, remote: false });
  });

  it('reads `context:` and `dockerfile:` (relative to the context), and defaults the context to `.`', () => {
    const reader = spy(FILES);
    assert.equal(info(built('build: {context: ./ctx, dockerfile: docker/Dockerfile.gpu}'), reader).engine?.id, 'vllm');
    assert.equal(info(built('build:\n          dockerfile: Dockerfile.vllm'), reader).engine?.id, 'vllm');
    assert.equal(info(built('build: {context: ./vllm-image}'), reader).engine?.id, 'vllm');
    assert.deepEqual(reader.asked, ['./ctx|docker/Dockerfile.gpu', '.|Dockerfile.vllm', './vllm-image|Dockerfile']);
    const text = built('build: {context: ./ctx, dockerfile: docker/Dockerfile.gpu}');
    assert.equal(findingsOf('gpu-reservation-missing', text, 'compose', withFiles).length, 1);
  });

  it('resolves ${VAR} in the context from .env', () => {
    const options: AnalysisOptions = { ...withFiles, dotEnv: new Map([['IMAGE_DIR', 'vllm-image']]) };
    assert.equal(findingsOf('gpu-reservation-missing', built('build: ./${IMAGE_DIR}'), 'compose', options).length, 1);
  });

  it('a missing Dockerfile, an unknown target or no reader: no crash, no engine', () => {
    for (const build of ['build: ./nowhere', 'build: {context: ./vllm-image, dockerfile: Nope}', 'build: {context: ./multi, target: nope}', 'build: ""', 'build:']) {
      const facts = info(built(build));
      assert.equal(facts.engine, undefined, build);
      assert.equal(facts.detectedBy, undefined, build);
      assert.deepEqual(findingsOf('gpu-reservation-missing', built(build), 'compose', withFiles), [], build);
    }
    assert.equal(info(built('build: ./vllm-image'), null).engine, undefined);
  });

  it('a remote context is never read', () => {
    for (const context of ['https://github.com/org/repo.git#main:vllm', 'git@github.com:org/repo.git', 'github.com/org/repo', 'git://host/repo']) {
      assert.equal(isRemoteContext(context), true, context);
      const reader = spy({ [`${context}/Dockerfile`]: VLLM_DOCKERFILE });
      const facts = info(built(`build: "${context}"`), reader);
      assert.equal(facts.engine, undefined, context);
      assert.equal(facts.build?.remote, true);
      assert.deepEqual(reader.asked, [], context);
    }
    assert.equal(isRemoteContext('./git@x'), false);
    assert.equal(isRemoteContext('C:\\stacks\\vllm'), false);
  });

  it('dockerfile_inline needs no reader', () => {
    const text = built('build:\n          dockerfile_inline: |\n            FROM vllm/vllm-openai:v0.11.0\n            ENV HF_HOME=/models');
    const facts = info(text, null);
    assert.equal(facts.engine?.id, 'vllm');
    assert.equal(facts.detectedBy, 'build');
    assert.equal(findingsOf('gpu-reservation-missing', text).length, 1);
  });

  it('`target:` picks the stage that is built', () => {
    assert.equal(info(built('build: {context: ./multi, target: serve}')).engine?.id, 'vllm');
    assert.equal(info(built('build: {context: ./multi, target: SERVE}')).engine?.id, 'vllm', 'stage names are case-insensitive');
    assert.equal(info(built('build: ./multi')).engine, undefined, 'the last stage is python');
  });

  it('an engine `image:` or a command naming the engine wins over the Dockerfile', () => {
    const ollama = info(built('build: ./vllm-image\n        image: ollama/ollama:0.5.7'));
    assert.equal(ollama.engine?.id, 'ollama');
    assert.equal(ollama.detectedBy, 'image');
    const reader = spy(FILES);
    const sglang = info(
      yaml`
        services:
          llm:
            build: ./vllm-image
            command: python3 -m sglang.launch_server --model-path Qwen/Qwen3-0.6B
      `,
      reader,
    );
    assert.equal(sglang.engine?.id, 'sglang');
    assert.equal(sglang.detectedBy, 'command');
    assert.deepEqual(reader.asked, [], 'not read when the Compose file already names the engine');
    // `image:` that names no engine is the tag of the built image: the Dockerfile decides.
    const tagged = info(built('build: ./vllm-image\n        image: myorg/llm:1'));
    assert.equal(tagged.engine?.id, 'vllm');
    assert.equal(tagged.detectedBy, 'build');
  });

  it('a build whose entrypoint is replaced by a shell job is not a model service', () => {
    const job = info(built('build: ./vllm-image', 'entrypoint: ["/bin/sh", "-c", "huggingface-cli download Qwen/Qwen3-0.6B"]'));
    assert.equal(job.engine?.id, 'vllm');
    assert.equal(job.isModelService, false);
  });

  it('checks the flags of a built service that keeps the vLLM entrypoint, not of one whose ENTRYPOINT is replaced', () => {
    const flags = (build: string) =>
      findingsOf('engine-flag-unknown', `services:\n  llm:\n    ${build}\n    command: ["--model", "m", "--gpu-memory-utilisation", "0.8"]\n`, 'compose', withFiles);
    const [typo] = flags('build: ./vllm-image');
    assert.match(typo!.message, /--gpu-memory-utilisation/);
    assert.match(typo!.message, /--gpu-memory-utilization/, 'suggests the real flag');
    // Its own ENTRYPOINT starts something else: `command:` holds that script's arguments, unknown to us.
    assert.deepEqual(flags('build: ./wrapped'), []);
    assert.equal(info(built('build: ./wrapped')).built?.keepsImageEntrypoint, false);
  });

  it('a built service that is not an engine stays an ordinary service', () => {
    const web = info('services:\n  web:\n    build: ./web\n');
    assert.equal(web.engine, undefined);
    assert.equal(web.isModelService, false);
  });

  it('the version check reads the base image: no 0.92 default before vLLM v0.21', () => {
    const text = built('build: ./vllm-image', 'deploy: {resources: {reservations: {devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]}}}');
    assert.deepEqual(findingsOf('gpu-reservation-missing', text, 'compose', withFiles), []);
    const noEnv = text.replace('    environment:\n      GPU_MEMORY_UTILIZATION: "0.85"\n', '');
    assert.deepEqual(findingsOf('gpu-memory-utilization-high', noEnv, 'compose', withFiles), []);
    const latest = findingsOf('gpu-memory-utilization-high', noEnv.replace('./vllm-image', './latest-image'), 'compose', withFiles);
    assert.equal(latest.length, 1, 'a current base image leaves the 0.92 default');
  });

  it('the incremental path reads the same Dockerfiles, and falls back when one changed', () => {
    const files = new Map(Object.entries(FILES));
    const options: AnalysisOptions = { buildContexts: buildContextsFrom(files) };
    const text = yaml`
      services:
        llm:
          build: ./vllm-image
          command: ["--model", "Qwen/Qwen3-0.6B", "--port", "8000"]
        web:
          build: ./web
          depends_on: [llm]
    `;
    const state = IncrementalCompose.create(text, options);
    assert.deepEqual(state.findings, analyze(text, 'compose', options));
    assert.ok(state.findings.some((f) => f.rule === 'depends-on-unhealthy-model'));
    const edited = text.replace('"8000"', '"8001"');
    assert.equal(state.update(edited, options), true);
    assert.deepEqual(state.findings, analyze(edited, 'compose', options));
    // The Dockerfile changed on disk: what `llm` is changed for `web` too, so only a full analysis will do.
    files.set('vllm-image/Dockerfile', 'FROM python:3.12\n');
    const again = edited.replace('[llm]', '[ llm ]');
    assert.equal(state.update(again, options), false);
    const fresh = IncrementalCompose.create(again, options);
    assert.deepEqual(fresh.findings, analyze(again, 'compose', options));
    assert.ok(!fresh.findings.some((f) => f.rule === 'depends-on-unhealthy-model'));
    // A reader now, none before: other options.
    const plain = IncrementalCompose.create(text);
    assert.equal(plain.update(edited, options), false);
  });

  it('planStack gives the engine and API port of a built service', () => {
    const text = yaml`
      services:
        llm:
          build: ./vllm-image
          command: ["--model", "Qwen/Qwen3-0.6B", "--port", "8001", "--served-model-name", "qwen"]
          ports: ["8001:8001"]
    `;
    const [llm] = planStack(text, '/work/stack/compose.yaml', { env: {}, buildContexts: buildContextsFrom(FILES) }).services;
    assert.equal(llm!.engine, 'vllm');
    assert.equal(llm!.apiPort, 8001);
    assert.equal(llm!.servedModelName, 'qwen');
    assert.equal(llm!.isModelService, true);
    const [unknown] = planStack(text, '/work/stack/compose.yaml', { env: {} }).services;
    assert.equal(unknown!.engine, undefined);
  });
});

describe('fileBuildContexts (Dockerfiles on disk)', () => {
  it('reads the Dockerfile relative to the Compose folder, re-reads it when it changes, and skips huge ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'is-build-'));
    mkdirSync(join(dir, 'vllm-image', 'docker'), { recursive: true });
    writeFileSync(join(dir, 'vllm-image', 'Dockerfile'), VLLM_DOCKERFILE);
    writeFileSync(join(dir, 'vllm-image', 'docker', 'Dockerfile.gpu'), 'FROM lmsysorg/sglang:v0.4.6\n');
    const reader = fileBuildContexts(dir, { root: dir });
    assert.equal(reader.readDockerfile('./vllm-image', 'Dockerfile'), VLLM_DOCKERFILE);
    assert.equal(reader.readDockerfile(join(dir, 'vllm-image'), 'docker/Dockerfile.gpu'), 'FROM lmsysorg/sglang:v0.4.6\n');
    assert.equal(reader.readDockerfile('.', 'vllm-image/Dockerfile'), VLLM_DOCKERFILE);
    assert.equal(reader.readDockerfile('./nowhere', 'Dockerfile'), undefined);
    assert.equal(reader.readDockerfile('.', 'vllm-image'), undefined, 'a folder');
    writeFileSync(join(dir, 'vllm-image', 'Dockerfile'), 'FROM python:3.12-slim\n');
    assert.equal(reader.readDockerfile('./vllm-image', 'Dockerfile'), 'FROM python:3.12-slim\n');
    writeFileSync(join(dir, 'huge'), 'FROM vllm/vllm-openai:v0.11.0\n' + '#'.repeat(MAX_DOCKERFILE_BYTES));
    assert.equal(reader.readDockerfile('.', 'huge'), undefined);
  });
});

describe('dotEnvBeside (the .env on disk)', () => {
  it('reads the .env beside a Compose file, again when it changes, and nothing when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'is-dotenv-'));
    const compose = join(dir, 'compose.yaml');
    assert.deepEqual(dotEnvBeside(compose, { root: dir }), new Map());
    writeFileSync(join(dir, '.env'), 'BASE=python:3.12-slim\n');
    assert.equal(dotEnvBeside(compose, { root: dir }).get('BASE'), 'python:3.12-slim');
    assert.equal(dotEnvBeside(compose, { root: dir }), dotEnvBeside(compose, { root: dir }), 'unchanged: the same parsed variables');
    writeFileSync(join(dir, '.env'), 'BASE=vllm/vllm-openai:v0.11.0\n');
    assert.equal(dotEnvBeside(compose, { root: dir }).get('BASE'), 'vllm/vllm-openai:v0.11.0');
    mkdirSync(join(dir, 'sub', '.env'), { recursive: true });
    assert.deepEqual(dotEnvBeside(join(dir, 'sub', 'compose.yaml'), { root: dir }), new Map(), 'a folder named .env is not read');
  });
});
