/**
 * Pre-flight for images the engine lacks (imageCheck.ts), over injected engine answers. The unreachable registry's
 * message is the one dockerd 20.10 gave here, with no route to Docker Hub, for both the lookup and the pull.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageOnEngine, registryAnswer, type DockerConnection } from '../../client/src/stack/docker/dockerApi';
import { imageIssues, registryOf, type ImageDeps } from '../../client/src/stack/runner/imageCheck';
import { runPreflight, type PreflightDeps } from '../../client/src/stack/runner/preflight';
import { planStack } from '../../server/src/compose/stackPlan';

const NO_HOST = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host';
const planOf = (services: string, env: Record<string, string> = {}) => planStack(`services:\n${services}`, '/p/s/compose.yaml', { env });

function engine(present: readonly string[], answers: Record<string, { ok: true } | { ok: false; message: string } | undefined> = {}): ImageDeps & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    imageOnEngine: async (image) => {
      asked.push(`inspect ${image}`);
      return present.includes(image);
    },
    registryAnswer: async (image) => {
      asked.push(`registry ${image}`);
      return answers[image];
    },
  };
}

describe('imageIssues', () => {
  const vllm = planOf('  vllm:\n    image: vllm/vllm-openai:v0.11.0\n  web:\n    image: ${REGISTRY}/web:1\n  built:\n    image: mine/app:1\n    build: .\n', { REGISTRY: 'ghcr.io/acme' });

  it('an image on the engine, or one its registry gives: nothing (Compose pulls it); built services are not asked about', async () => {
    const d = engine(['vllm/vllm-openai:v0.11.0'], { 'ghcr.io/acme/web:1': { ok: true } });
    assert.deepEqual(await imageIssues(vllm, d, 'v2'), []);
    assert.deepEqual(d.asked.sort(), ['inspect ghcr.io/acme/web:1', 'inspect vllm/vllm-openai:v0.11.0', 'registry ghcr.io/acme/web:1']);
  });

  it('an image the engine lacks and a registry it cannot reach: a blocker quoting the engine', async () => {
    const issues = await imageIssues(vllm, engine(['ghcr.io/acme/web:1'], { 'vllm/vllm-openai:v0.11.0': { ok: false, message: NO_HOST } }), 'v1');
    assert.equal(issues.length, 1);
    const [i] = issues;
    assert.equal(i!.id, 'image-unavailable');
    assert.equal(i!.severity, 'blocker');
    assert.equal(i!.service, 'vllm');
    assert.equal(i!.title, 'vllm runs the image vllm/vllm-openai:v0.11.0, which is not on this Docker engine, and the engine cannot reach docker.io to pull it');
    assert.equal(i!.steps[0], `The engine's answer: ${NO_HOST}`);
    assert.match(i!.steps[2]!, /docker save vllm\/vllm-openai:v0\.11\.0 on a machine that has it, docker load here/);
    assert.deepEqual(i!.actions, ['retry', 'open-file']);
  });

  it('another answer from the registry (asked without credentials): a warning', async () => {
    const issues = await imageIssues(vllm, engine(['vllm/vllm-openai:v0.11.0'], { 'ghcr.io/acme/web:1': { ok: false, message: 'unauthorized: authentication required' } }), 'v2');
    assert.deepEqual(issues.map((i) => [i.severity, i.service]), [['warning', 'web']]);
    assert.equal(issues[0]!.title, 'web runs the image ghcr.io/acme/web:1, which is not on this Docker engine, and ghcr.io did not give it without credentials');
    assert.match(issues[0]!.steps[1]!, /docker login ghcr\.io/);
    assert.ok(issues[0]!.actions.includes('start-anyway'));
  });

  // The engine's own words for a private repository and for a missing tag, as dockerd 20.10 gave them here
  // (test/docker/registryAnswers.test.ts checks them against a registry on 127.0.0.1).
  const PRIVATE = 'errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required\n';
  const NO_TAG = 'manifest unknown: manifest unknown';

  it('a private repository: the registry\'s error list on one line, and docker login as the way forward', async () => {
    const issues = await imageIssues(vllm, engine(['vllm/vllm-openai:v0.11.0'], { 'ghcr.io/acme/web:1': { ok: false, message: PRIVATE } }), 'v2');
    assert.deepEqual(issues[0]!.steps, [
      'The registry\'s answer, asked without credentials: denied: requested access to the resource is denied; unauthorized: authentication required',
      'Compose pulls with the credentials `docker login ghcr.io` stored, so the pull may still work. If it does not, log in, or check the image\'s name and tag.',
    ]);
  });

  it('a tag the registry does not have: says so and points at the tag, not at credentials', async () => {
    const issues = await imageIssues(vllm, engine(['vllm/vllm-openai:v0.11.0'], { 'ghcr.io/acme/web:1': { ok: false, message: NO_TAG } }), 'v2');
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.severity, 'warning');
    assert.equal(issues[0]!.title, 'web runs the image ghcr.io/acme/web:1, which is not on this Docker engine, and ghcr.io has no image under that tag');
    assert.equal(issues[0]!.steps[1], 'The repository answers but that tag does not exist there: check the tag (a typo, or a version not yet published). docker pull ghcr.io/acme/web:1 shows the same answer.');
    assert.deepEqual(issues[0]!.actions, ['start-anyway', 'retry', 'open-file']);
  });

  it('no answer in time, or an engine that did not say: nothing', async () => {
    assert.deepEqual(await imageIssues(vllm, engine([], {}), 'v2'), []);
    const unsure: ImageDeps = { imageOnEngine: async () => undefined, registryAnswer: async () => ({ ok: false, message: NO_HOST }) };
    assert.deepEqual(await imageIssues(vllm, unsure, 'v2'), []);
  });

  it('pull_policy: never and the image missing: a blocker with Compose v2; v1 ignores pull_policy and pulls', async () => {
    const never = planOf('  a:\n    image: local/model:dev\n    pull_policy: never\n');
    const v2 = await imageIssues(never, engine([]), 'v2');
    assert.deepEqual(v2.map((i) => [i.severity, i.title]), [['blocker', 'a runs the image local/model:dev, which is not on this Docker engine, and pull_policy: never stops Compose from pulling it']]);
    const d = engine([], { 'local/model:dev': { ok: true } });
    assert.deepEqual(await imageIssues(never, d, 'v1'), []);
    assert.deepEqual(d.asked, ['inspect local/model:dev', 'registry local/model:dev']);
  });

  it('an image one variable leaves unknown is not asked about; one image of several services is asked once', async () => {
    const p = planOf('  a:\n    image: ${REG}/x:1\n  b:\n    image: y:1\n  c:\n    image: y:1\n');
    const d = engine([], { 'y:1': { ok: false, message: NO_HOST } });
    const issues = await imageIssues(p, d, 'v2');
    assert.deepEqual(d.asked, ['inspect y:1', 'registry y:1']);
    assert.match(issues[0]!.title, /^b, c run the image y:1/);
  });

  it('registryOf: the host part of a reference, else docker.io', () => {
    assert.equal(registryOf('vllm/vllm-openai:v0.11.0'), 'docker.io');
    assert.equal(registryOf('nginx'), 'docker.io');
    assert.equal(registryOf('nvcr.io/nim/meta/llama:1'), 'nvcr.io');
    assert.equal(registryOf('localhost:5000/x'), 'localhost:5000');
  });
});

describe('runPreflight asks about images only of a reachable engine', () => {
  it('the blocker comes through runPreflight; an unreachable engine is not asked', async () => {
    const plan = planOf('  vllm:\n    image: vllm/vllm-openai:v0.11.0\n');
    const base: PreflightDeps = {
      checkEngine: async () => ({ ok: true, info: { version: '20.10.24', runtimes: ['runc'], gpuCapable: false } }),
      findCompose: async () => ({ found: true, command: { argv: ['docker-compose'], version: '1.29.2', flavour: 'v1', source: 'detected' }, tried: [] }),
      nvidiaSmiAvailable: async () => false,
      pathExists: async () => true,
      portInUse: async () => false,
      ...engine([], { 'vllm/vllm-openai:v0.11.0': { ok: false, message: NO_HOST } }),
    };
    assert.deepEqual((await runPreflight(plan, base)).map((i) => i.id), ['image-unavailable']);
    let asked = false;
    const down = await runPreflight(plan, { ...base, checkEngine: async () => ({ ok: false, problem: { id: 'daemon-down', title: 'down', steps: [] } }), imageOnEngine: async () => ((asked = true), false) });
    assert.deepEqual(down.map((i) => i.id), ['docker-unreachable']);
    assert.equal(asked, false);
  });
});

describe('the engine look-ups (dockerApi.ts), over a fake modem', () => {
  /** A connection whose modem answers `reply` (or never, when undefined); records the paths asked. */
  function connection(reply: ((path: string) => { err?: unknown; data?: unknown }) | undefined) {
    const paths: string[] = [];
    const modem = {
      dial: (o: { path: string; abortSignal?: AbortSignal }, cb: (err: unknown, data: unknown) => void) => {
        paths.push(o.path);
        if (!reply) return;
        const r = reply(o.path);
        setImmediate(() => cb(r.err ?? null, r.data));
      },
    };
    return { conn: { docker: { modem } } as unknown as DockerConnection, paths };
  }

  it('an image: present, missing (404), or not said (another error, no answer in time)', async () => {
    const ok = connection(() => ({ data: { Id: 'sha256:1' } }));
    assert.equal(await imageOnEngine(ok.conn, 'vllm/vllm-openai:v0.11.0'), true);
    assert.deepEqual(ok.paths, ['/images/vllm/vllm-openai:v0.11.0/json']);
    assert.equal(await imageOnEngine(connection(() => ({ err: { statusCode: 404, json: { message: 'No such image' } } })).conn, 'x'), false);
    assert.equal(await imageOnEngine(connection(() => ({ err: { statusCode: 500, json: { message: 'boom' } } })).conn, 'x'), undefined);
    const t0 = Date.now();
    assert.equal(await imageOnEngine(connection(undefined).conn, 'x', 50), undefined);
    assert.ok(Date.now() - t0 < 1000);
  });

  it("the registry look-up: ok, the engine's message, or nothing in time", async () => {
    assert.deepEqual(await registryAnswer(connection(() => ({ data: { Descriptor: {} } })).conn, 'x'), { ok: true });
    const refused = connection(() => ({ err: { statusCode: 500, json: { message: NO_HOST } } }));
    assert.deepEqual(await registryAnswer(refused.conn, 'vllm/vllm-openai:v0.11.0'), { ok: false, message: NO_HOST });
    assert.deepEqual(refused.paths, ['/distribution/vllm/vllm-openai:v0.11.0/json']);
    assert.equal(await registryAnswer(connection(undefined).conn, 'x', 50), undefined);
  });
});

