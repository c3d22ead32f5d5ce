// Keystroke latency of a multi-file Compose project in our server (issue 9: 10 files × 50 services, all open; a
// keystroke in one file re-analyses every open file of the project, target 50 ms). Two kinds of keystroke: one in a
// value of the edited file (only that file's diagnostics change: the others are analysed again, found the same and
// not sent again), and one that changes every file's findings (a service the nine others depend on, defined in the
// edited file, renamed and back: each file's depends_on names a service that is, then is not, defined), timed until
// the last of the ten files has its new diagnostics: node bench/project-keystroke.mjs
// [files=10] [services=50] [edits=20]. After `npm run build`. Every keystroke makes a text the server has not seen:
// it also counts up a stamp, a comment at the end of the edited line, in the same change (a toggle between two texts
// finds every cache of the last few projects warm, which typing never does). Also times a one-file project of the same size in the
// same server, the path that must not get slower. SERVER_ROOT=<another checkout> times that checkout's dist/server.js
// (a before/after comparison on the same machine); ONLY_SINGLE=1 times the one-file project only (a server without
// project analysis never re-publishes the other files).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { oursSpec } from './lsp-bench.mjs';
import { LspClient } from './lsp-driver.mjs';
import { composeText, editTarget } from './generate.mjs';

const [fileCount, services, edits] = process.argv.slice(2).map(Number);
const FILES = fileCount || 10;
const SERVICES = services || 50;
const EDITS = edits || 20;
const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/**
 * File k of the project: the generated stack with its own service names (llm-… → f<k>-llm-…, gateway-<k>); file 0
 * also defines `shared-db`, which a service of every other file depends on.
 */
function fileText(k) {
  const own = k === 0 ? '  shared-db:\n    image: postgres:16.4\n' : `  user-${k}:\n    image: nginx:1.27\n    depends_on: [shared-db]\n`;
  return composeText(SERVICES).replace(/\bllm-/g, `f${k}-llm-`).replace(/\bgateway:/, `gateway-${k}:`).replace(/^services:\n/m, `services:\n${own}`);
}

/** Where the keystroke that renames `shared-db` (to `shared-dc` and back) goes in file 0. */
function renameTarget(text) {
  const offset = text.indexOf('  shared-db:') + '  shared-d'.length;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1, chars: ['b', 'c'] };
}

function makeProject() {
  const dir = mkdtempSync(join(tmpdir(), 'is-bench-project-'));
  const names = Array.from({ length: FILES }, (_, k) => `compose.part${k}.yaml`);
  const files = names.map((name, k) => ({ path: join(dir, name), text: fileText(k) }));
  for (const f of files) writeFileSync(f.path, f.text);
  writeFileSync(join(dir, '.env'), `COMPOSE_FILE=${names.join(':')}\nHF_TOKEN=x\n`);
  const single = join(dir, 'single');
  mkdirSync(single);
  const alone = { path: join(single, 'compose.yaml'), text: composeText(SERVICES) };
  writeFileSync(alone.path, alone.text);
  return { dir, files, alone };
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

async function main() {
  const { dir, files, alone } = makeProject();
  const client = new LspClient(oursSpec(process.env.SERVER_ROOT ?? root)).start();
  await client.initialize(pathToFileURL(dir).href);
  const uris = files.map((f) => pathToFileURL(f.path).href);
  const opened = uris.map((uri) => client.waitForDiagnostics(uri, () => true, 60_000));
  files.forEach((f, i) => client.open(uris[i], 'dockercompose', f.text, 1));
  await Promise.all(opened);

  /** Times keystrokes at `target` of `uri` until its diagnostics and those of each of `others` come. */
  const timeKeystrokes = async (uri, text, target, others) => {
    let version = versions.get(uri) ?? 1;
    // The stamp: ` # 000` at the end of the target's line, written by the first (untimed) keystroke.
    const lineEnd = text.split('\n')[target.line].length;
    const stamp = { line: target.line, start: lineEnd + ' # '.length, length: 3 };
    version++;
    const stamped = client.waitForDiagnostics(uri, (p) => p.version === version, 30_000);
    client.change(uri, version, [{ line: target.line, start: lineEnd, end: lineEnd, text: ' # 000' }]);
    await stamped;
    let char = target.chars[0];
    const own = [];
    const all = [];
    for (let i = 0; i < EDITS + 5; i++) {
      version++;
      const next = char === target.chars[0] ? target.chars[1] : target.chars[0];
      const v = version;
      const mine = client.waitForDiagnostics(uri, (p) => p.version === v, 30_000);
      const sent = performance.now();
      const theirs = others.map((o) => client.waitForDiagnostics(o, () => true, 30_000));
      client.change(uri, v, [
        { line: target.line, start: stamp.start, end: stamp.start + stamp.length, text: String(i + 1).padStart(stamp.length, '0') },
        { line: target.line, start: target.character, end: target.character + 1, text: next },
      ]);
      char = next;
      const got = await Promise.all([mine, ...theirs]);
      if (got.some((g) => g.timeout)) throw new Error('no diagnostics within 30 s');
      // The first keystrokes warm the JIT, as in an editor after the first seconds of typing.
      if (i < 5) continue;
      own.push(got[0].at - sent);
      all.push(Math.max(...got.map((g) => g.at)) - sent);
      await new Promise((r) => setTimeout(r, 50));
    }
    // An even number of keystrokes: the text is as it was, but for its stamp.
    versions.set(uri, version);
    return { own, all };
  };
  const versions = new Map();

  const project =
    process.env.ONLY_SINGLE === '1'
      ? undefined
      : {
          value: await timeKeystrokes(uris[0], files[0].text, editTarget(files[0].text, SERVICES), []),
          // The stamp of the value keystrokes stays: lines other than the target's are the same.
          rename: await timeKeystrokes(uris[0], files[0].text, renameTarget(files[0].text), uris.slice(1)),
        };
  const aloneUri = pathToFileURL(alone.path).href;
  const aloneOpened = client.waitForDiagnostics(aloneUri, () => true, 60_000);
  client.open(aloneUri, 'dockercompose', alone.text, 1);
  await aloneOpened;
  const single = await timeKeystrokes(aloneUri, alone.text, editTarget(alone.text, SERVICES), []);
  await client.stop();

  const row = (label, xs) => console.log(`${label.padEnd(62)} p50 ${quantile(xs, 0.5).toFixed(1)} ms  p95 ${quantile(xs, 0.95).toFixed(1)} ms`);
  if (project) {
    row(`project ${FILES} files × ${SERVICES} services: a value keystroke, the edited file`, project.value.own);
    row(`project ${FILES} files × ${SERVICES} services: a keystroke that changes all ${FILES} files, the last of them`, project.rename.all);
  }
  row(`one-file project, ${SERVICES} services`, single.own);
}

await main();
