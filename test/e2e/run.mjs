#!/usr/bin/env node
// Runs the browser tests (a real VS Code: code-server 4.100.3 driven by Debian's chromium) one after another, each
// in its own process (never two code-servers at once), prints a summary and exits non-zero if any failed.
// `npm run test:e2e` runs it. Before the tests it checks what they need, with what to do when something is missing:
//   - chromium (/usr/bin/chromium, or E2E_CHROMIUM): `apt-get install -y chromium`
//   - code-server and playwright-core in .cache/code-server: installed on first use (scripts/install-code-server.mjs
//     --with-playwright, about 2 minutes; needs `apt-get install -y libkrb5-dev ripgrep`)
//   - for stack.mjs, a Docker engine and the demo images (scripts/build-test-images.mjs builds them from local files;
//     the nginx one needs Debian's nginx-light). Without an engine stack.mjs FAILS with the reason: it never skips.
//   - the packaged extension: `npm run package` (inference-stack.vsix), unless E2E_VSIX names one already built.
// Usage: node test/e2e/run.mjs [smoke fix-all editor-intelligence stack override-gpu file-choice service-actions profiles docker-down untrusted command-link boundary huge-compose new-stack probe-script walkthrough]   (default: all, in that order)
// Screenshots land in test-artifacts/; each test's code-server logs in test-artifacts/logs-<test>/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const ARTIFACTS = process.env.E2E_ARTIFACTS ?? path.join(REPO, 'test-artifacts');
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const TESTS = [
  { name: 'smoke', about: 'findings in the Problems panel, squiggles, hover, quick fix, Dockerfile, clean production stack' },
  { name: 'fix-all', about: '"Fix All Auto-fixable Problems" from the palette' },
  { name: 'editor-intelligence', about: 'completion of a vLLM flag as typed, its hover, a compose-schema quick fix, Go to Symbol and the Outline view' },
  { name: 'stack', about: 'start the demo stack, sidebar healthy, probe, logs, stop keeps volumes; a GPU stack gives the explained error', docker: true },
  { name: 'override-gpu', about: 'examples/override-gpu: the base is analysed with its override, the picker says what Compose loads, Start runs with the override (the explained GPU error)', docker: true },
  { name: 'file-choice', about: 'Start acts on the file you mean: the code lens, the active editor over the remembered file, the stack New Inference Stack wrote; the view and status bar name it', docker: true },
  { name: 'service-actions', about: 'per-service actions on the demo: Copy curl for Chat (runs, key by variable), Try the Model streams with TTFT, Show Container Inspect masks HF_TOKEN and --api-key, Open Shell says no sh, Open in Browser', docker: true },
  { name: 'limits-preflight', about: 'a CPU limit above the engine\'s CPUs: Start stops before up with the engine\'s count, no Start anyway, the failure stays in the Services view and the status bar', docker: true },
  { name: 'secret-fix', about: 'the secret-literal quick fix writes the token to .env, git-ignores .env and leaves ${HF_TOKEN} in the Compose file' },
  { name: 'profiles', about: 'a Compose file with profiles: Start asks which, the chosen variant starts, the view names it, Stop removes all', docker: true },
  { name: 'docker-down', about: 'a stopped daemon: the Services view shows the reason with a Retry, Start answers with the endpoint' },
  { name: 'untrusted', about: 'restricted mode: diagnostics work, the commands that run containers are not offered' },
  { name: 'command-link', about: 'a command link in a service or folder name shows as text, in Restricted Mode and trusted; the probe needs trust' },
  { name: 'huge-compose', about: 'restricted mode: a 9.8 MiB Compose file is refused before it is read, the view says why, the editor keeps answering' },
  { name: 'boundary', about: 'restricted mode: a .env symlink, a build context and a probe.py symlink outside the workspace are not read or written' },
  { name: 'new-stack', about: '"New Inference Stack…" writes a stack that shows no problems' },
  { name: 'probe-script', about: '"Write Accuracy Probe Healthcheck Script" wires the probe into the Dockerfile\'s HEALTHCHECK, then into the Compose healthcheck' },
  { name: 'walkthrough', about: 'the getting-started walkthrough and its steps; a rule id opens its shipped page in the Markdown preview; plain-text messages; Choose Compose Profiles only with profiles' },
];
const PER_TEST_TIMEOUT_MS = Number(process.env.E2E_TEST_TIMEOUT_S ?? 300) * 1000;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !TESTS.some((t) => t.name === w));
if (unknown.length) {
  console.error(`unknown e2e test ${unknown.join(', ')}: choose from ${TESTS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? TESTS.filter((t) => wanted.includes(t.name)) : TESTS;
const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const say = (text) => console.log(`\n» ${text}`);
const fatal = (text) => {
  console.error(`\ne2e: ${text}`);
  process.exit(1);
};

// --- prerequisites ------------------------------------------------------------------------------------------------
say('Prerequisites');
if (!fs.existsSync(CHROMIUM)) fatal(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or point E2E_CHROMIUM at one)`);
console.log(`chromium: ${CHROMIUM}`);

const { installCodeServer, codeServerInstalled, CODE_SERVER_ENTRY, CODE_SERVER_VERSION } = await import(path.join(REPO, 'scripts/install-code-server.mjs'));
if (!codeServerInstalled(true)) {
  try {
    installCodeServer({ withPlaywright: true });
  } catch (err) {
    fatal(`code-server ${CODE_SERVER_VERSION} and playwright-core could not be installed: ${err.message}\n  See test/e2e/README.md (Setup).`);
  }
}
console.log(`code-server ${CODE_SERVER_VERSION}: ${CODE_SERVER_ENTRY}`);

/** Why the Docker test cannot run, or undefined when the engine answers and the demo images are built. */
let dockerProblem;
if (selected.some((t) => t.docker)) {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error || info.status !== 0) {
    const why = info.error ? info.error.message : (info.stderr || info.stdout).trim().split('\n').pop();
    dockerProblem = `no Docker engine answers (${why}). Start one (here: \`(dockerd > /tmp/dockerd.log 2>&1 &)\`; .ci/run starts it), then rerun.`;
  } else {
    console.log(`Docker engine ${info.stdout.trim()}`);
    const build = spawnSync(process.execPath, [path.join(REPO, 'scripts/build-test-images.mjs')], { cwd: REPO, stdio: 'inherit' });
    if (build.status !== 0) dockerProblem = 'the demo images could not be built: scripts/build-test-images.mjs failed (see above; the nginx image needs `apt-get install -y nginx-light`).';
    else console.log('demo images: ready (scripts/build-test-images.mjs)');
  }
  if (dockerProblem) console.error(`stack.mjs cannot run: ${dockerProblem}`);
}

let vsix = process.env.E2E_VSIX ? path.resolve(process.env.E2E_VSIX) : undefined;
if (vsix) {
  if (!fs.existsSync(vsix)) fatal(`E2E_VSIX=${vsix} does not exist`);
  console.log(`extension: ${vsix} (E2E_VSIX)`);
} else {
  say('Packaging the extension (npm run package)');
  const pack = spawnSync('npm', ['run', 'package'], { cwd: REPO, encoding: 'utf8' });
  if (pack.status !== 0) fatal(`npm run package failed (exit ${pack.status ?? pack.signal}):\n${pack.stdout}\n${pack.stderr}`);
  vsix = path.join(REPO, 'inference-stack.vsix');
  console.log(`extension: ${path.relative(REPO, vsix)} (${Math.round(fs.statSync(vsix).size / 1024)} KB)`);
}

// --- the tests ----------------------------------------------------------------------------------------------------
const results = [];
for (const test of selected) {
  say(`${test.name}.mjs: ${test.about}`);
  if (test.docker && dockerProblem) {
    console.log(`FAIL ${test.name}: ${dockerProblem}`);
    results.push({ ...test, ok: false, ms: 0, why: dockerProblem });
    continue;
  }
  const t = Date.now();
  const r = spawnSync(process.execPath, [path.join(HERE, `${test.name}.mjs`)], {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, E2E_VSIX: vsix },
    timeout: PER_TEST_TIMEOUT_MS,
    killSignal: 'SIGTERM', // the harness kills code-server's process group on SIGTERM
  });
  const ms = Date.now() - t;
  const timedOut = r.error?.code === 'ETIMEDOUT';
  const ok = r.status === 0 && !timedOut;
  const why = ok ? undefined : timedOut ? `timed out after ${secs(PER_TEST_TIMEOUT_MS)}` : `exit ${r.status ?? r.signal}`;
  results.push({ ...test, ok, ms, why });
  // The harness keeps only the latest run's logs in test-artifacts/logs/: keep each test's.
  const logs = path.join(ARTIFACTS, 'logs');
  if (fs.existsSync(logs)) {
    const dest = path.join(ARTIFACTS, `logs-${test.name}`);
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(logs, dest);
  }
}

// --- summary ------------------------------------------------------------------------------------------------------
const failed = results.filter((r) => !r.ok);
say('Browser tests (code-server + chromium)');
const nameWidth = Math.max(10, ...results.map((r) => r.name.length));
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(nameWidth)} ${secs(r.ms).padStart(6)}  ${r.ok ? r.about : r.why}`);
console.log(`e2e: ${results.length - failed.length}/${results.length} passed in ${secs(Date.now() - started)}; screenshots and logs in ${path.relative(REPO, ARTIFACTS) || ARTIFACTS}/`);
process.exit(failed.length ? 1 : 0);
