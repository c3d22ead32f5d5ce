// The import graph of the TypeScript sources, read from the import statements (type-only imports left out): which
// source files a test loads, directly or through other modules. Used by stryker.config.mjs to pick the mutated
// modules of client/src (the pure ones) and the test files a mutation run needs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const root = resolve(new URL('../..', import.meta.url).pathname);
const rel = (abs) => relative(root, abs).split('\\').join('/');

/** All files under `dir` (relative to the root) whose name matches `re`. */
export function listFiles(dir, re = /\.ts$/) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (re.test(name)) out.push(rel(p));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

// `import x from '…'`, `import { a, type B } from '…'`, `export … from '…'`, `import '…'`, `require('…')`,
// `import('…')`; an `import type …` / `export type …` never loads the module.
const IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
const cache = new Map();

/** The specifiers a file loads at run time: relative ones resolved to files under the root, bare ones as written. */
export function importsOf(file) {
  if (cache.has(file)) return cache.get(file);
  const result = { local: [], bare: [] };
  cache.set(file, result);
  let text;
  try { text = readFileSync(join(root, file), 'utf8'); } catch { return result; }
  // Worker scripts started by path (`join(__dirname, 'planWorker.js')`) load that module too.
  for (const m of text.matchAll(/['"](\.{0,2}\/?[\w./-]*?\w+)\.js['"]/g)) {
    const target = resolveLocal(file, m[1].startsWith('.') ? m[1] : `./${m[1]}`);
    if (target) result.local.push(target);
  }
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) {
      const target = resolveLocal(file, spec);
      if (target) result.local.push(target);
    } else result.bare.push(spec);
  }
  result.local = [...new Set(result.local)];
  return result;
}

function resolveLocal(from, spec) {
  const base = resolve(join(root, dirname(from)), spec.replace(/\.(js|ts)$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return rel(candidate);
  return undefined;
}

/** Every local file `file` loads, itself included. */
export function closure(file) {
  const seen = new Set([file]);
  const stack = [file];
  while (stack.length) for (const next of importsOf(stack.pop()).local) if (!seen.has(next)) { seen.add(next); stack.push(next); }
  return seen;
}

/** True when loading `file` loads one of `packages` (e.g. vscode, dockerode), directly or through local modules. */
export function loadsPackage(file, packages) {
  for (const f of closure(file)) if (importsOf(f).bare.some((b) => packages.some((p) => b === p || b.startsWith(`${p}/`)))) return true;
  return false;
}
