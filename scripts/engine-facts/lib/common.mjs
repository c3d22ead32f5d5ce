// Pieces every extract script uses: command-line options and the snapshot they name, env reads gathered over many
// files, an image's facts from its Dockerfile and entrypoint script, the README's `docker run`, the HTTP routes, and
// writing (or checking) the JSON.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageFacts } from './dockerfile.mjs';
import { entrypointScriptFacts } from './entrypointScript.mjs';
import { pythonEnvReads, rustEnvReads } from './envReads.mjs';
import { openRepo } from './git.mjs';
import { lineAt } from './rust.mjs';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * `--repo DIR [--commit REV] [--out FILE] [--check]`; the older positional form `DIR [REV]` is accepted too.
 */
export function parseOptions(argv, { defaultOut, usage }) {
  const opts = { repo: null, commit: 'HEAD', out: defaultOut, check: false };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--repo') opts.repo = argv[++i];
    else if (a === '--commit') opts.commit = argv[++i];
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--check') opts.check = true;
    else if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    } else if (!a.startsWith('-') && positional.length < 2) positional.push(a);
    else {
      console.error(`unknown option ${a}\n${usage}`);
      process.exit(2);
    }
  }
  if (positional.length && opts.repo) {
    console.error(`give the snapshot either as --repo DIR or as DIR, not both\n${usage}`);
    process.exit(2);
  }
  if (positional.length) [opts.repo, opts.commit = opts.commit] = positional;
  if (!opts.repo) {
    console.error(usage);
    process.exit(2);
  }
  return opts;
}

/**
 * What an extract script starts with: its command line (see parseOptions), the snapshot it names and the commit
 * resolved to a full id. `show(path[, at])` fails loudly on a missing file and records each path read at the commit
 * in `filesRead`; `tryShow(path[, at])` gives null instead and records nothing. `script` is the script's path in
 * this repository (for `generated_by`).
 * @param {string} scriptUrl the script's import.meta.url
 * @param {{ facts: string, upstream: string }} spec the facts file it writes (under server/src/engines/facts) and
 *   the upstream repository it reads
 */
export function openSnapshot(scriptUrl, { facts, upstream }) {
  const script = `scripts/engine-facts/${basename(fileURLToPath(scriptUrl))}`;
  const opts = parseOptions(process.argv.slice(2), {
    defaultOut: join(projectRoot, 'server', 'src', 'engines', 'facts', facts),
    usage: `node ${script} --repo <git dir of a ${upstream} snapshot> [--commit REV] [--out FILE] [--check]`,
  });
  const repo = openRepo(opts.repo);
  const rev = repo.resolve(opts.commit);
  const filesRead = new Set();
  const show = (path, at = rev) => {
    const t = repo.show(at, path);
    if (t === null) throw new Error(`${path} not found at ${at}`);
    if (at === rev) filesRead.add(path);
    return t;
  };
  const tryShow = (path, at = rev) => repo.show(at, path);
  return { opts, repo, rev, show, tryShow, filesRead, script };
}

/**
 * Writes the facts as JSON (`indent` spaces a level), or with --check exits 1 when the file on disk differs from
 * what the source gives now.
 */
export function writeFacts(facts, opts, { indent = 1 } = {}) {
  const text = JSON.stringify(facts, null, indent) + '\n';
  if (opts.check) {
    let old = null;
    try {
      old = readFileSync(opts.out, 'utf8');
    } catch {
      /* missing */
    }
    if (old !== text) {
      console.error(`${opts.out} differs from what ${facts.source.repository} ${facts.source.commit.slice(0, 8)} gives`);
      process.exit(1);
    }
    console.log(`${opts.out} is up to date`);
    return;
  }
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, text);
  console.log(`wrote ${opts.out}`);
}

/** Env vars read directly by the source files under `pathspecs` (Rust and Python), keyed by name. */
export function envReadsIn(repo, rev, component, pathspecs, { exclude = /(^|\/)(tests?|benches)(\/|$)|build\.rs$|_test\.py$|conftest\.py$/ } = {}) {
  const out = [];
  const files = repo.grepFiles(rev, 'env::var|from_env\\(|os\\.getenv|os\\.environ', pathspecs).filter((p) => !exclude.test(p));
  for (const path of files) {
    const text = repo.show(rev, path);
    if (!text) continue;
    const reads = path.endsWith('.py') ? pythonEnvReads(text) : path.endsWith('.rs') ? rustEnvReads(text) : [];
    for (const r of reads) out.push({ ...r, component, file: path, fn: enclosingFn(text, r.line, path) });
  }
  return out;
}

/** The function (Rust `fn`, Python `def`) a line sits in, or null at module level. */
export function enclosingFn(text, line, path) {
  const lines = text.split('\n').slice(0, line);
  const re = path.endsWith('.py') ? /^\s*(?:async\s+)?def\s+(\w+)/ : /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+(\w+)/;
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = re.exec(lines[i]);
    if (m) return m[1];
    if (path.endsWith('.py') && /^\S/.test(lines[i]) && i < lines.length - 1 && !/^(@|#|\)|\])/.test(lines[i])) return null;
  }
  return null;
}

/** Merges reads of the same variable into one entry with every place that reads it. */
export function groupEnvReads(reads) {
  const byName = new Map();
  for (const r of reads) {
    const e = byName.get(r.name) ?? { name: r.name, read_by: [], where: [] };
    if (!e.read_by.includes(r.component)) e.read_by.push(r.component);
    e.where.push({ file: r.file, line: r.line, ...(r.fn ? { fn: r.fn } : {}), how: r.how, ...(r.default !== undefined ? { default: r.default } : {}) });
    byName.set(r.name, e);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * One published image: its Dockerfile's final stage (or target) and the entrypoint script it copies in.
 * @param {{ dockerfile: string, target?: string, buildArgs?: Record<string,string> }} spec
 */
export function imageFromDockerfile(repo, rev, spec) {
  const text = repo.show(rev, spec.dockerfile);
  if (!text) return null;
  const f = imageFacts(text, { target: spec.target, buildArgs: spec.buildArgs ?? {} });
  const entry = f.entrypoint;
  let script = null;
  if (entry?.form === 'exec' && /\.sh$/.test(entry.argv[0])) {
    const dest = entry.argv[0].startsWith('/') ? entry.argv[0] : posix.join(f.workdir ?? '/', entry.argv[0]);
    const copy = [...f.copied].reverse().find((c) => {
      const d = c.dest.startsWith('/') ? c.dest : posix.join(f.workdir ?? '/', c.dest);
      return c.from === null && (d === dest || posix.basename(d) === posix.basename(dest));
    });
    const source = copy?.sources[0]?.replace(/^\.\//, '');
    const scriptText = source ? repo.show(rev, source) : null;
    script = scriptText ? { path: source, ...entrypointScriptFacts(scriptText) } : { path: null, note: `no COPY of ${dest} found` };
  }
  const packages = [...new Set(f.packages.map((p) => p.name))];
  const pathVar = f.env.PATH ?? '';
  const pythonPkg = packages.find((p) => /^python3(\.\d+)?(-minimal|-full)?$/.test(p) || /^python3(\.\d+)?-dev$/.test(p));
  const venv = /(\.venv|venv|conda)\/bin/.exec(pathVar);
  const hubCache = f.env.HF_HUB_CACHE ?? f.env.HUGGINGFACE_HUB_CACHE ?? (f.env.HF_HOME ? `${f.env.HF_HOME.replace(/\/$/, '')}/hub` : null);
  return {
    dockerfile: spec.dockerfile,
    ...(spec.target ? { target: spec.target } : {}),
    ...(spec.buildArgs && Object.keys(spec.buildArgs).length ? { build_args: spec.buildArgs } : {}),
    base_image: f.base_image,
    stages: f.stages.map((s) => s.name ?? '(final)'),
    entrypoint: entry ? entry.argv : null,
    entrypoint_form: entry?.form ?? null,
    // Docker resolves a relative ENTRYPOINT path against the container's working directory, so a Compose
    // `working_dir:` other than this one makes it "no such file or directory".
    ...(entry?.form === 'exec' && /^\.{1,2}\/|^[^/]+\/./.test(entry.argv[0])
      ? { entrypoint_relative_to: f.workdir ?? "the base image's WORKDIR (this Dockerfile sets none)" }
      : {}),
    cmd: f.cmd ? f.cmd.argv : null,
    workdir: f.workdir,
    user: f.user ?? 'root (no USER instruction)',
    expose: f.expose,
    healthcheck: f.healthcheck ? f.healthcheck.args : null,
    env: f.env,
    hub_cache: hubCache
      ? { path: hubCache, set_by: f.env.HF_HUB_CACHE ? 'HF_HUB_CACHE' : f.env.HUGGINGFACE_HUB_CACHE ? 'HUGGINGFACE_HUB_CACHE' : 'HF_HOME (+ /hub)' }
      : { path: '/root/.cache/huggingface/hub', set_by: 'nothing in the image: the Hugging Face default for root' },
    tools: {
      curl: packages.includes('curl') ? 'yes (apt-get install curl)' : 'not installed by the Dockerfile',
      wget: packages.includes('wget') ? 'yes (apt-get install wget)' : 'not installed by the Dockerfile',
      python3: pythonPkg ? `yes (apt-get install ${pythonPkg})` : venv ? `yes (a Python environment on PATH: ${venv[0]})` : 'not installed by the Dockerfile',
    },
    apt_packages: packages,
    entrypoint_script: script,
  };
}

/** The README's `docker run` lines: volume mount targets and --shm-size, as published. */
export function readmeDockerRun(text) {
  const runs = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/\bdocker run\b/.test(lines[i])) continue;
    let cmd = lines[i];
    let j = i;
    while (/\\\s*$/.test(lines[j]) && j + 1 < lines.length) cmd = cmd.replace(/\\\s*$/, ' ') + lines[++j];
    const mounts = [...cmd.matchAll(/-v\s+\S+?:(\/[^\s:]*)/g)].map((m) => m[1]);
    const shm = /--shm-size[ =](\S+)/.exec(cmd)?.[1] ?? null;
    const image = /\b(ghcr\.io\/\S+|docker\.io\/\S+)/.exec(cmd)?.[1] ?? null;
    runs.push({ line: i + 1, image, volume_targets: mounts, shm_size: shm, ports: [...cmd.matchAll(/-p\s+(\S+)/g)].map((m) => m[1]) });
    i = j;
  }
  return runs;
}

/** axum routes `.route("/path", get(handler))` in a server source. */
export function axumRoutes(text) {
  const routes = [];
  for (const m of text.matchAll(/\.route\(\s*"([^"]+)"\s*,\s*(get|post|put|delete)\(\s*(\w+)\s*\)/g)) {
    routes.push({ method: m[2].toUpperCase(), path: m[1], handler: m[3], line: lineAt(text, m.index) });
  }
  for (const m of text.matchAll(/\.route\(\s*&(\w+)\s*,\s*(get|post)\(\s*(\w+)\s*\)/g)) {
    routes.push({ method: m[2].toUpperCase(), path: `<${m[1]}>`, handler: m[3], line: lineAt(text, m.index) });
  }
  return routes;
}

/** A crate's version in Cargo.lock (all versions when several are locked). */
export function cargoLockVersions(lock, name) {
  return [...lock.matchAll(new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`, 'g'))].map((m) => m[1]);
}

/**
 * A flag in the shape the other engines' facts files use (flag, aliases, env, takes_value, type, default, choices,
 * repeatable, deprecated, meaning), followed by the clap details.
 */
export function sharedFlagShape(f, { deprecated = {} } = {}) {
  const dep = deprecated[f.flag] ?? (f.hidden || /\b(deprecated|legacy)\b/i.test(f.help) ? {} : null);
  const { flag, short, env, default: def, possible_values, repeatable, help, aliases, ...rest } = f;
  return {
    flag,
    aliases: [...(short ? [short] : []), ...(aliases ?? [])],
    env,
    takes_value: f.value !== 'none',
    type: f.value === 'none' ? 'bool (flag)' : f.value_type,
    default: def,
    choices: possible_values,
    repeatable,
    deprecated: !!dep,
    ...(dep?.replacement ? { replacement: dep.replacement } : {}),
    meaning: help || null,
    short,
    ...rest,
    // The clap names as well (engineFlagTables.ts fromClap reads them): possible_values = choices, help = meaning.
    possible_values,
    help,
  };
}

/** An env var in the shared shape (name, meaning, default, source_file), followed by where it is read. */
export function sharedEnvShape(e, flagsByFlag) {
  const flag = e.flag ? flagsByFlag.get(e.flag) : null;
  const firstRead = e.where?.[0];
  const meaning = e.meaning ?? (flag ? `The env var of ${flag.flag}: ${(flag.help || '').split('\n\n')[0]}` : null);
  const def = flag ? flag.default : firstRead?.default ?? null;
  const { name, meaning: _m, ...rest } = e;
  return {
    name,
    meaning,
    default: def ?? null,
    source_file: firstRead?.file ?? (flag ? rest.flag_source ?? null : null),
    ...rest,
  };
}

/** Removed flags in the shared shape, with the commit that dropped the field (git log -S between the releases). */
export function sharedRemovedShape(repo, path, removed, replacements = {}) {
  return removed.map((r) => {
    const field = r.flag.replace(/^--/, '').replace(/-/g, '_');
    let evidence = `present in ${path} at ${r.last_release}, absent at ${r.removed_in}`;
    if (!/unreleased/.test(r.removed_in)) {
      const log = repo.logPickaxe(`${r.last_release}..${r.removed_in}`, `${field}:`, path);
      if (log.length) evidence += `; removed by ${log.at(-1)}`;
    }
    return { flag: r.flag, replacement: replacements[r.flag] ?? null, removed_in: r.removed_in, evidence, env: r.env, first_release: r.first_release, last_release: r.last_release, last_default: r.last_default };
  });
}
