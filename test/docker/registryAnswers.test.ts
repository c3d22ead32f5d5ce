/**
 * What the engine says when a registry answers but does not give the image, against a registry on 127.0.0.1 (dockerd
 * treats 127.0.0.0/8 as an insecure registry, so plain HTTP works with no set-up): a private repository (the token
 * dance of distribution's auth, then 401 on the manifest) and a tag the repository lacks (404 MANIFEST_UNKNOWN).
 * Pre-flight (imageCheck.ts) reads the engine's words, and without pre-flight Compose fails with an error that
 * composeCommand.ts explains.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { imageOnEngine, registryAnswer } from '../../client/src/stack/docker/dockerApi';
import type { ComposeCommand } from '../../client/src/stack/process/composeCommand';
import { runCommand } from '../../client/src/stack/process/processRunner';
import { imageIssues } from '../../client/src/stack/runner/imageCheck';
import { startStack } from '../../client/src/stack/runner/stackRunner';
import { planStack } from '../../server/src/compose/stackPlan';
import { cleanupProject, requireComposeCommand, requireEngine, uniqueProject, type Engine } from './engine';

/**
 * A registry speaking just enough of the distribution API: `private/model` needs credentials it never grants
 * (anonymous token, then 401 insufficient_scope, as Docker Hub does for a private repository), `public/model` exists
 * but has no tag at all (404 MANIFEST_UNKNOWN).
 */
function fakeRegistry(): Promise<{ server: Server; host: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    asked.push(`${req.method} ${url}`);
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.startsWith('/token')) return send(200, { token: 'anonymous', access_token: 'anonymous' });
    if (url === '/v2/') return send(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="fake"` });
    if (url.startsWith('/v2/private/model/manifests/')) {
      return send(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, {
        'WWW-Authenticate': `Bearer realm="http://${host}/token",service="fake",scope="repository:private/model:pull",error="insufficient_scope"`,
      });
    }
    if (url.startsWith('/v2/public/model/manifests/')) return send(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
    return send(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, asked })));
}

describe('registry answers other than "cannot reach", from the real engine', () => {
  let engine: Engine;
  let registry: Awaited<ReturnType<typeof fakeRegistry>>;
  let compose: ComposeCommand;
  const projects: string[] = [];

  before(async () => {
    engine = await requireEngine();
    registry = await fakeRegistry();
    compose = await requireComposeCommand(engine);
  });
  after(async () => {
    registry?.server.close();
    for (const p of projects) assert.deepEqual(await cleanupProject(engine.docker, p), [], `cleanup of ${p}`);
  });

  /** A one-service project in a folder of its own (Compose runs there). */
  const planFor = (image: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'istest-registry-')), 'compose.yaml');
    const text = `services:\n  model:\n    image: ${image}\n`;
    writeFileSync(file, text);
    const plan = planStack(text, file, { env: {} });
    plan.project = uniqueProject('registry');
    projects.push(plan.project);
    return plan;
  };
  const engineDeps = () => ({
    imageOnEngine: (image: string) => imageOnEngine(engine.connection, image, 10_000),
    registryAnswer: (image: string) => registryAnswer(engine.connection, image, 10_000),
  });

  it('a private repository: the engine passes on the registry\'s refusal; pre-flight warns and points at docker login', async () => {
    const image = `${registry.host}/private/model:v1`;
    const answer = await registryAnswer(engine.connection, image, 10_000);
    assert.ok(answer && !answer.ok, JSON.stringify(answer));
    assert.match(answer.message, /\bunauthorized\b/);
    assert.ok(registry.asked.some((a) => a.startsWith('GET /token')), `the engine asked for a token: ${registry.asked.join(', ')}`);
    const [issue, ...rest] = await imageIssues(planFor(image), engineDeps(), compose.flavour);
    assert.deepEqual(rest, []);
    assert.equal(issue!.severity, 'warning');
    assert.equal(issue!.title, `model runs the image ${image}, which is not on this Docker engine, and ${registry.host} did not give it without credentials`);
    // The engine's list of errors ("errors:\ndenied: …\nunauthorized\n") on one line.
    assert.match(issue!.steps[0]!, /^The registry's answer, asked without credentials: denied: [^\n]+; unauthorized\b[^\n]*$/);
    assert.match(issue!.steps[1]!, new RegExp(`docker login ${registry.host.replace(/\./g, '\\.')}`));
  });

  it('a tag the repository lacks: pre-flight says the tag is missing; Compose fails on it and the failure is explained', async () => {
    const image = `${registry.host}/public/model:v9`;
    const answer = await registryAnswer(engine.connection, image, 10_000);
    assert.ok(answer && !answer.ok && /^manifest unknown\b/.test(answer.message), JSON.stringify(answer));
    const plan = planFor(image);
    const [issue] = await imageIssues(plan, engineDeps(), compose.flavour);
    assert.equal(issue!.title, `model runs the image ${image}, which is not on this Docker engine, and ${registry.host} has no image under that tag`);

    const outcome = await startStack({
      plan, connection: engine.connection, compose, run: runCommand, env: process.env, preflight: 'skip',
      timeoutMs: 30_000, upTimeoutMs: 120_000, onProgress: () => undefined, onOutput: () => undefined,
    });
    assert.equal(outcome.kind, 'compose-error', JSON.stringify(outcome));
    if (outcome.kind !== 'compose-error') return;
    assert.match(outcome.verbatim, /manifest unknown/);
    assert.deepEqual(outcome.explanations.map((e) => e.title), [`Image ${image} is not available`]);
  });
});
