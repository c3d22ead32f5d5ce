#!/usr/bin/env node
// Builds the images the Docker tests and the demo stack (examples/demo) use, from local files only — no registry,
// no network: `docker import` of a folder holding a host binary, the shared libraries `ldd` lists for it, and a few
// files. Idempotent: an image whose inputs have not changed is kept (label inference-stack.inputs).
//   inference-stack/vllm-standin:{test,demo}  the host's node + test/standin/vllm-standin.mjs (entrypoint = `vllm serve`)
//   inference-stack/nginx:{test,demo}         the host's nginx (Debian package nginx-light or nginx), config mounted by the stack
//   inference-stack/vllm-standin-python:test  the stand-in plus the host's Debian python3 with its standard library and
//                                             /bin/sh, as a stock vLLM image has: the accuracy probe script runs in it
// Usage: node scripts/build-test-images.mjs [--force] [standin|nginx|standin-python ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const STANDIN_IMAGE = 'inference-stack/vllm-standin:test';
export const NGINX_IMAGE = 'inference-stack/nginx:test';
export const STANDIN_PYTHON_IMAGE = 'inference-stack/vllm-standin-python:test';

function docker(args, input) {
  const r = spawnSync('docker', args, { input, encoding: input ? undefined : 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`docker ${args[0]}: ${r.error.message}`);
  return r;
}

function whichBinary(name, hint) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return realpathSync(p);
  }
  throw new Error(`${name} not found: ${hint}`);
}

/** A binary and the libraries it links (absolute paths from ldd). */
function withLibraries(binary) {
  const ldd = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [binary, ...[...ldd.matchAll(/(\/[^\s)]+)/g)].map((m) => m[1])];
}

/** Every file under `dir` (no symlinked folders followed). */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

/**
 * Imports an image from host files. spec: { tags, files: [hostPath -> same path in the image], copies: { imagePath: hostPath },
 * put: { imagePath: content },
 * dirs: [imagePath], changes: [Dockerfile instructions] }.
 */
function importImage(spec, force) {
  const hash = createHash('sha256');
  for (const f of spec.files) hash.update(f).update(readFileSync(f));
  // Whole folders (a language's standard library): their paths and sizes stand for their contents.
  for (const d of spec.trees ?? []) for (const f of filesUnder(d)) hash.update(f).update(String(statSync(f).size));
  for (const [p, f] of Object.entries(spec.copies)) hash.update(p).update(readFileSync(f));
  for (const [p, content] of Object.entries(spec.put)) hash.update(p).update(content);
  hash.update(JSON.stringify(spec.changes));
  const inputs = hash.digest('hex').slice(0, 16);
  const [primary, ...others] = spec.tags;
  const existing = docker(['image', 'inspect', '--format', '{{index .Config.Labels "inference-stack.inputs"}}', primary]);
  if (!force && existing.status === 0 && existing.stdout.trim() === inputs) {
    for (const tag of others) docker(['tag', primary, tag]);
    console.log(`${spec.tags.join(', ')}: up to date`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'inference-stack-image-'));
  try {
    for (const f of spec.files) {
      mkdirSync(join(dir, dirname(f)), { recursive: true });
      copyFileSync(realpathSync(f), join(dir, f));
    }
    for (const d of spec.trees ?? []) cpSync(d, join(dir, d), { recursive: true });
    for (const [p, f] of Object.entries(spec.copies)) {
      mkdirSync(join(dir, dirname(p)), { recursive: true });
      copyFileSync(f, join(dir, p)); // keeps the executable bit
    }
    for (const [p, content] of Object.entries(spec.put)) {
      mkdirSync(join(dir, dirname(p)), { recursive: true });
      writeFileSync(join(dir, p), content);
    }
    for (const d of ['tmp', ...spec.dirs]) mkdirSync(join(dir, d), { recursive: true });
    chmodSync(join(dir, 'tmp'), 0o1777);
    const tar = execFileSync('tar', ['-C', dir, '-c', '.'], { maxBuffer: 512 * 1024 * 1024 });
    const changes = [...spec.changes, `LABEL inference-stack.inputs=${inputs}`].flatMap((c) => ['--change', c]);
    const r = docker(['import', ...changes, '-', primary], tar);
    if (r.status !== 0) throw new Error(`docker import ${primary} failed: ${String(r.stderr)}`);
    for (const tag of others) docker(['tag', primary, tag]);
    console.log(`built ${spec.tags.join(', ')} (${(tar.length / 1e6).toFixed(0)} MB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function standinSpec() {
  const node = realpathSync(process.execPath);
  const script = join(ROOT, 'test', 'standin', 'vllm-standin.mjs');
  return {
    tags: [STANDIN_IMAGE, 'inference-stack/vllm-standin:demo'],
    files: withLibraries(node).slice(1),
    // /node: a fixed path for the binary (the host's may be /usr/bin/node or a version manager's folder).
    copies: { '/node': node },
    put: { '/vllm-standin.mjs': readFileSync(script) },
    dirs: [],
    // The entrypoint plays vLLM's ["vllm", "serve"]: a Compose `command:` holds only vLLM arguments. /node is a
    // stable path for healthchecks (`/node -e "fetch(...)"`): the image has no curl or python.
    changes: [`ENTRYPOINT ["/node", "/vllm-standin.mjs"]`, 'EXPOSE 8000'],
  };
}

/** The stand-in with Debian's python3 (/usr/bin/python3.11 and /usr/lib/python3.11, with the libraries its binary
 *  and its extension modules link), at the paths python finds them by. */
function standinPythonSpec() {
  const python = whichBinaryAt('/usr/bin/python3', 'install Debian\'s python3 (apt-get install python3)');
  const stdlib = `/usr/lib/${python.split('/').pop()}`;
  if (!existsSync(stdlib)) throw new Error(`${stdlib} not found: install Debian's python3`);
  const modules = filesUnder(join(stdlib, 'lib-dynload')).filter((f) => f.endsWith('.so'));
  const libraries = new Set([...withLibraries(python), ...modules.flatMap((m) => withLibraries(m).slice(1))]);
  const base = standinSpec();
  return {
    ...base,
    tags: [STANDIN_PYTHON_IMAGE],
    files: [...new Set([...base.files, ...libraries])].filter((f) => !f.startsWith(stdlib)),
    trees: [stdlib],
    // `python3`, as a stock image's healthcheck calls it (a copy: the import keeps no symlink of ours), and a
    // /bin/sh (Debian's dash, libc only) for shell-form HEALTHCHECKs, as stock images have.
    copies: { ...base.copies, '/usr/bin/python3': python, '/bin/sh': whichBinaryAt('/bin/sh', 'a POSIX shell at /bin/sh') },
    dirs: [],
  };
}

function whichBinaryAt(path, hint) {
  if (!existsSync(path)) throw new Error(`${path} not found: ${hint}`);
  return realpathSync(path);
}

function nginxSpec() {
  const nginx = whichBinary('nginx', 'install Debian\'s nginx-light (apt-get install nginx-light)');
  return {
    tags: [NGINX_IMAGE, 'inference-stack/nginx:demo'],
    files: [...withLibraries(nginx), '/etc/nginx/mime.types'],
    copies: {},
    put: {
      // nginx looks up its worker user and group by name.
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
      '/etc/group': 'root:x:0:\nnogroup:x:65534:\n',
      // Replaced by the stack's own config (a bind mount); this one only proves the image starts.
      '/etc/nginx/nginx.conf': 'events {}\nhttp { server { listen 80; location / { return 200 "nginx\\n"; } } }\n',
    },
    // Debian's build puts temp files under /var/lib/nginx and the pid in /run (nginx -V).
    dirs: ['/var/lib/nginx', '/var/log/nginx', '/run'],
    changes: [`ENTRYPOINT ["${nginx}", "-g", "daemon off;"]`, 'EXPOSE 80'],
  };
}


if (import.meta.url === `file://${process.argv[1]}`) {
  const force = process.argv.includes('--force');
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const wanted = names.length ? names : ['standin', 'nginx', 'standin-python'];
  try {
    if (wanted.includes('standin')) importImage(standinSpec(), force);
    if (wanted.includes('nginx')) importImage(nginxSpec(), force);
    if (wanted.includes('standin-python')) importImage(standinPythonSpec(), force);
  } catch (err) {
    console.error(`build-test-images: ${err.message}`);
    process.exit(1);
  }
}
